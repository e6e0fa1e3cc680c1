//! The web interface for people: server-rendered, auto-escaped templates,
//! no script. Sign-in keeps the token in an HttpOnly, SameSite=Strict
//! cookie; every form posts to this origin only.

use askama::Template;
use assure_report::Format;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::auth::{self, COOKIE, Principal};
use crate::diff::Diff;
use crate::portfolio::{self, DecisionRow};
use crate::problem::Problem;
use crate::state::AppState;

const STYLE: &str = include_str!("../assets/style.css");

/// How far ahead the dashboard looks for expiring evidence.
const WINDOW_DAYS: i64 = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/assets/style.css", get(style))
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", axum::routing::post(sign_out))
        .route("/products/{id}", get(product))
        .route("/decisions/{id}", get(decision))
        .route("/upload", get(upload_form).post(upload))
}

async fn style() -> Response {
    let mut response = STYLE.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    response
}

fn page(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = crate::respond::text_response(html, "text/html; charset=utf-8");
            *response.status_mut() = status;
            response
        }
        Err(e) => Problem::internal(e).into_response(),
    }
}

/// The signed-in person, or where to send them instead.
async fn person(state: &AppState, headers: &HeaderMap) -> Result<Principal, Response> {
    let found = match auth::presented(headers) {
        Some(token) => auth::lookup(&state.db, &token)
            .await
            .map_err(IntoResponse::into_response)?,
        None => None,
    };
    found.ok_or_else(|| Redirect::to("/sign-in").into_response())
}

/// Refuses a form posted from another site (browsers say where a request
/// comes from; the cookie is SameSite=Strict as well).
fn same_origin(headers: &HeaderMap) -> Result<(), Response> {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        None | Some("same-origin" | "none") => Ok(()),
        Some(_) => Err(Problem::forbidden(
            "a form may be posted only from this service's own pages",
        )
        .into_response()),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignIn {
    signed_in: bool,
    error: Option<String>,
}

async fn sign_in_form() -> Response {
    page(
        &SignIn {
            signed_in: false,
            error: None,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct TokenForm {
    token: String,
}

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if let Err(refused) = same_origin(&headers) {
        return refused;
    }
    let token = form.token.trim();
    match auth::lookup(&state.db, token).await {
        Ok(Some(_)) => {
            let mut response = Redirect::to("/").into_response();
            let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Ok(None) => page(
            &SignIn {
                signed_in: false,
                error: Some("That token is not one this service knows, or it was revoked".into()),
            },
            StatusCode::UNAUTHORIZED,
        ),
        Err(problem) => problem.into_response(),
    }
}

async fn sign_out(headers: HeaderMap) -> Response {
    if let Err(refused) = same_origin(&headers) {
        return refused;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("assure_token=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    response
}

struct Need {
    product_id: String,
    product: String,
    missing: String,
}

struct Expiring {
    product_id: String,
    product: String,
    what: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    signed_in: bool,
    who: String,
    approved: usize,
    needs_evidence: usize,
    rejected: usize,
    products: Vec<DecisionRow>,
    needs: Vec<Need>,
    expiring: Vec<Expiring>,
    window_days: i64,
}

async fn dashboard(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let principal = match person(&state, &headers).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    match dashboard_page(&state, &principal).await {
        Ok(d) => page(&d, StatusCode::OK),
        Err(problem) => problem.into_response(),
    }
}

async fn dashboard_page(state: &AppState, principal: &Principal) -> Result<Dashboard, Problem> {
    let products: Vec<DecisionRow> = portfolio::latest(&state.db)
        .await?
        .into_iter()
        .filter(|r| principal.may_see(&r.supplier))
        .collect();
    let count = |v: &str| products.iter().filter(|p| p.verdict == v).count();
    let now = state.now();
    let horizon = now
        .checked_add(jiff::SignedDuration::from_hours(24 * WINDOW_DAYS))
        .unwrap_or(now);
    let mut needs = Vec::new();
    let mut expiring = Vec::new();
    for row in &products {
        let Some((decision, _)) = portfolio::decision_body(&state.db, &row.id).await? else {
            continue;
        };
        if !decision.missing_evidence.is_empty() {
            needs.push(Need {
                product_id: row.product_id.clone(),
                product: format!("{} {}", row.product, row.version),
                missing: decision
                    .missing_evidence
                    .iter()
                    .map(|m| m.title.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
        let facts = serde_json::to_value(&decision.facts.product).unwrap_or_default();
        if let Some(map) = facts.as_object() {
            for (path, fact) in map {
                let Some(text) = path
                    .ends_with("expires")
                    .then(|| fact.get("value").and_then(|v| v.as_str()))
                    .flatten()
                else {
                    continue;
                };
                if let Ok(at) = text.parse::<jiff::Timestamp>()
                    && at <= horizon
                {
                    {
                        expiring.push(Expiring {
                            product_id: row.product_id.clone(),
                            product: format!("{} {}", row.product, row.version),
                            what: path.clone(),
                            expires: if at <= now {
                                format!("{text} (expired)")
                            } else {
                                text.to_owned()
                            },
                        });
                    }
                }
            }
        }
    }
    Ok(Dashboard {
        signed_in: true,
        who: format!("{} ({})", principal.label, principal.role),
        approved: count("approve"),
        needs_evidence: count("needs-evidence"),
        rejected: count("reject"),
        products,
        needs,
        expiring,
        window_days: WINDOW_DAYS,
    })
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    signed_in: bool,
    name: String,
    supplier: String,
    decisions: Vec<DecisionRow>,
    diff: Option<Diff>,
}

#[derive(Deserialize)]
struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn product(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> Response {
    let principal = match person(&state, &headers).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    let result = async {
        let decisions = portfolio::history(&state.db, &id).await?;
        let Some(first) = decisions.first().filter(|f| principal.may_see(&f.supplier)) else {
            return Err(Problem::not_found(format!("no product `{id}`")));
        };
        // By default: from the one before the latest to the latest.
        let to = query.to.or_else(|| decisions.first().map(|d| d.id.clone()));
        let from = query
            .from
            .or_else(|| decisions.get(1).map(|d| d.id.clone()));
        let diff = match (from, to) {
            (Some(from), Some(to)) => {
                Some(crate::diff::between(&state, &principal, &from, &to).await?)
            }
            _ => None,
        };
        Ok(ProductPage {
            signed_in: true,
            name: first.product.clone(),
            supplier: first.supplier.clone(),
            diff,
            decisions,
        })
    }
    .await;
    match result {
        Ok(p) => page(&p, StatusCode::OK),
        Err(problem) => problem.into_response(),
    }
}

async fn decision(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let principal = match person(&state, &headers).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    crate::respond::rendered(&state, &principal, &id, Format::Html)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    signed_in: bool,
    detail: String,
    errors: Vec<String>,
}

async fn upload_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(redirect) = person(&state, &headers).await {
        return redirect;
    }
    page(
        &UploadPage {
            signed_in: true,
            detail: String::new(),
            errors: Vec::new(),
        },
        StatusCode::OK,
    )
}

async fn upload(State(state): State<AppState>, request: Request) -> Response {
    let principal = match person(&state, request.headers()).await {
        Ok(p) => p,
        Err(redirect) => return redirect,
    };
    if let Err(refused) = same_origin(request.headers()) {
        return refused;
    }
    let outcome = async {
        let upload = crate::upload::read(&state, request).await?;
        crate::upload::accept(&state, &principal, upload).await
    }
    .await;
    match outcome {
        Ok(accepted) => Redirect::to(&format!("/decisions/{}", accepted.id)).into_response(),
        Err(problem) => {
            let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
            let errors = if problem.errors.is_empty() {
                vec![problem.detail.clone()]
            } else {
                problem.errors.clone()
            };
            page(
                &UploadPage {
                    signed_in: true,
                    detail: problem.title.clone(),
                    errors,
                },
                status,
            )
        }
    }
}
