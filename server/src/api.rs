//! The REST API (`/api/v1`), its health check and its OpenAPI document.

use assure_report::Format;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Principal, Role};
use crate::diff::Diff;
use crate::portfolio::{self, DecisionRow};
use crate::problem::Problem;
use crate::respond;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/submissions", post(submit))
        .route("/api/v1/jobs/{id}", get(job))
        .route("/api/v1/decisions/{id}", get(decision))
        .route("/api/v1/decisions/{id}/record", get(record))
        .route("/api/v1/decisions/{id}/proof", get(proof))
        .route("/api/v1/decisions/{id}/diff/{other}", get(diff))
        .route("/api/v1/products", get(products))
        .route("/api/v1/products/{id}", get(product))
        .route("/api/v1/log/checkpoint", get(checkpoint))
        .route("/api/v1/log/key", get(log_key))
        .route("/api/v1/service-key.pem", get(service_key))
        .route("/api/v1/log/consistency", get(consistency))
}

/// The service's health.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    /// The decision log's size.
    pub log_size: u64,
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    let (log_size, _) = crate::log::head(&state.db).await.map_err(|_| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Unavailable",
            "the database does not answer",
        )
    })?;
    Ok(Json(Health {
        status: "ok".into(),
        log_size,
    }))
}

/// Links to a decision in every form.
#[derive(Serialize, ToSchema)]
pub struct Links {
    /// The decision (JSON; other formats by extension or `Accept`).
    #[serde(rename = "self")]
    pub this: String,
    /// Its page for people.
    pub html: String,
    /// SARIF 2.1.0.
    pub sarif: String,
    /// JUnit XML.
    pub junit: String,
    /// Markdown.
    pub markdown: String,
    /// Plain text.
    pub text: String,
    /// The signed decision record (DSSE).
    pub record: String,
    /// Its inclusion proof in the decision log.
    pub proof: String,
    /// The product and its history.
    pub product: String,
}

impl Links {
    fn of(id: &str, product_id: &str) -> Self {
        let base = format!("/api/v1/decisions/{id}");
        Links {
            this: base.clone(),
            html: format!("/decisions/{id}"),
            sarif: format!("{base}.sarif"),
            junit: format!("{base}.junit.xml"),
            markdown: format!("{base}.md"),
            text: format!("{base}.txt"),
            record: format!("{base}/record"),
            proof: format!("{base}/proof"),
            product: format!("/api/v1/products/{product_id}"),
        }
    }
}

/// What an upload answers.
#[derive(Serialize, ToSchema)]
pub struct Submitted {
    /// The decision's id.
    pub id: String,
    /// approve, reject or needs-evidence.
    pub verdict: String,
    /// One line saying why.
    pub summary: String,
    /// The supplier, product and version, from the submission's manifest.
    pub supplier: String,
    /// The product's name.
    pub product: String,
    /// The submitted version.
    pub version: String,
    /// Where the decision is in the log.
    pub log_index: u64,
    /// Where to find it.
    pub links: Links,
}

/// What an upload answers with `Prefer: respond-async`.
#[derive(Serialize, ToSchema)]
pub struct Queued {
    /// The job's id.
    pub id: String,
    /// Where to ask how it went.
    pub job: String,
}

#[utoipa::path(post, path = "/api/v1/submissions",
    request_body(content_type = "application/gzip", description = "A .tar.gz of a submission folder (or multipart/form-data: its files, or one archive). With `Prefer: respond-async`, answered 202 at once and decided by whichever server process claims it"),
    responses((status = 201, body = Submitted), (status = 202, body = Queued), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    principal: Principal,
    request: Request,
) -> Result<Response, Problem> {
    let asynchronous = request
        .headers()
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("respond-async"))
        });
    if asynchronous {
        let (content_type, bytes) = crate::upload::body(&state, request).await?;
        let id = crate::jobs::enqueue(&state, &principal, &content_type, bytes.to_vec()).await?;
        let job = format!("/api/v1/jobs/{id}");
        let mut response = (
            StatusCode::ACCEPTED,
            Json(Queued {
                id,
                job: job.clone(),
            }),
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&job) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return Ok(response);
    }
    let upload = crate::upload::read(&state, request).await?;
    let accepted = crate::upload::accept(&state, &principal, upload).await?;
    let product = &accepted.decision.product;
    let body = Submitted {
        verdict: accepted.decision.verdict.as_str().to_owned(),
        summary: accepted.decision.summary.clone(),
        supplier: product.supplier.clone(),
        product: product.name.clone(),
        version: product.version.clone(),
        log_index: accepted.log_index,
        links: Links::of(&accepted.id, &accepted.product_id),
        id: accepted.id,
    };
    let location = body.links.this.clone();
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = String, Path)),
    responses((status = 200, body = crate::jobs::Job), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn job(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<crate::jobs::Job>, Problem> {
    Ok(Json(crate::jobs::get(&state, &principal, &id).await?))
}

/// The format a path's extension asks for.
fn by_extension(id: &str) -> (&str, Option<Format>) {
    for (ext, format) in [
        (".junit.xml", Format::Junit),
        (".json", Format::Json),
        (".sarif", Format::Sarif),
        (".xml", Format::Junit),
        (".md", Format::Markdown),
        (".html", Format::Html),
        (".txt", Format::Human),
    ] {
        if let Some(stem) = id.strip_suffix(ext) {
            return (stem, Some(format));
        }
    }
    (id, None)
}

/// The format an `Accept` header asks for (JSON unless it asks for another).
fn by_accept(headers: &HeaderMap) -> Format {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for (media, format) in [
        ("application/sarif+json", Format::Sarif),
        ("text/html", Format::Html),
        ("text/markdown", Format::Markdown),
        ("application/xml", Format::Junit),
        ("application/junit+xml", Format::Junit),
        ("text/plain", Format::Human),
    ] {
        if accept.contains(media) {
            return format;
        }
    }
    Format::Json
}

#[utoipa::path(get, path = "/api/v1/decisions/{id}",
    params(("id" = String, Path, description = "The decision's id, optionally with an extension: .json .sarif .junit.xml .md .html .txt")),
    responses((status = 200, description = "The decision (assure.decision/v1 JSON, or the format asked for)"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn decision(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (id, format) = by_extension(&id);
    let format = format.unwrap_or_else(|| by_accept(&headers));
    respond::rendered(&state, &principal, id, format).await
}

#[utoipa::path(get, path = "/api/v1/decisions/{id}/record",
    params(("id" = String, Path)),
    responses((status = 200, description = "The signed decision record: a DSSE envelope holding an in-toto statement (`assure verify`)"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn record(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    portfolio::visible(&state, &principal, &id).await?;
    let Some((_, record)) = portfolio::decision_body(&state.db, &id).await? else {
        return Err(Problem::not_found(format!("no decision `{id}`")));
    };
    Ok(respond::text_response(
        record,
        "application/vnd.dsse.envelope.v1+json",
    ))
}

#[utoipa::path(get, path = "/api/v1/decisions/{id}/proof",
    params(("id" = String, Path)),
    responses((status = 200, description = "An assure.log-proof/v1 inclusion proof at the latest checkpoint (`assure verify --log`)"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn proof(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let row = portfolio::visible(&state, &principal, &id).await?;
    let index = u64::try_from(row.log_index).map_err(Problem::internal)?;
    let proof = crate::log::prove_inclusion(&state.db, index).await?;
    Ok(respond::json_response(
        serde_json::to_value(&proof).map_err(Problem::internal)?,
        "application/json",
    ))
}

#[utoipa::path(get, path = "/api/v1/decisions/{id}/diff/{other}",
    params(("id" = String, Path, description = "The earlier decision"), ("other" = String, Path, description = "The later decision")),
    responses((status = 200, body = Diff), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn diff(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, other)): Path<(String, String)>,
) -> Result<Json<Diff>, Problem> {
    Ok(Json(
        crate::diff::between(&state, &principal, &id, &other).await?,
    ))
}

/// A product and its decisions, newest first.
#[derive(Serialize, ToSchema)]
pub struct ProductHistory {
    /// The product's id.
    pub id: String,
    /// Its supplier.
    pub supplier: String,
    /// Its name.
    pub name: String,
    /// Every decision, newest first.
    pub decisions: Vec<DecisionRow>,
}

#[utoipa::path(get, path = "/api/v1/products",
    responses((status = 200, body = [DecisionRow], description = "Each product's latest decision")),
    security(("bearer" = [])))]
pub async fn products(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<DecisionRow>>, Problem> {
    let rows = portfolio::latest(&state.db).await?;
    Ok(Json(
        rows.into_iter()
            .filter(|r| principal.may_see(&r.supplier))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/products/{id}",
    params(("id" = String, Path)),
    responses((status = 200, body = ProductHistory), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn product(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<ProductHistory>, Problem> {
    let decisions = portfolio::history(&state.db, &id).await?;
    let Some(first) = decisions.first() else {
        return Err(Problem::not_found(format!("no product `{id}`")));
    };
    if !principal.may_see(&first.supplier) {
        return Err(Problem::not_found(format!("no product `{id}`")));
    }
    Ok(Json(ProductHistory {
        id,
        supplier: first.supplier.clone(),
        name: first.product.clone(),
        decisions,
    }))
}

fn may_prove(principal: &Principal) -> Result<(), Problem> {
    if principal.role == Role::Supplier {
        return Err(Problem::forbidden(
            "the log's checkpoints and consistency proofs are for assurance, procurement and auditors; a supplier fetches the proof of its own decisions",
        ));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/log/checkpoint",
    responses((status = 200, description = "The latest signed checkpoint (C2SP tlog-checkpoint signed note)", content_type = "text/plain")),
    security(("bearer" = [])))]
pub async fn checkpoint(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, Problem> {
    may_prove(&principal)?;
    let (_, checkpoint) = crate::log::head(&state.db).await?;
    Ok(respond::text_response(
        checkpoint,
        "text/plain; charset=utf-8",
    ))
}

#[utoipa::path(get, path = "/api/v1/log/key",
    responses((status = 200, description = "The log's verifier key (C2SP signed-note)", content_type = "text/plain")))]
pub async fn log_key(State(state): State<AppState>) -> Response {
    respond::text_response(state.log_key.verifier_key(), "text/plain; charset=utf-8")
}

#[utoipa::path(get, path = "/api/v1/service-key.pem",
    responses((status = 200, description = "The service's public key (SPKI PEM): `assure verify RECORD --trust` it", content_type = "application/x-pem-file")))]
pub async fn service_key(State(state): State<AppState>) -> Result<Response, Problem> {
    let pem = state
        .key
        .public_key()
        .to_spki_pem()
        .map_err(Problem::internal)?;
    Ok(respond::text_response(pem, "application/x-pem-file"))
}

/// Which earlier size to prove the current log extends.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ConsistencyQuery {
    /// The earlier tree size (of a checkpoint the caller holds).
    pub from: u64,
}

#[utoipa::path(get, path = "/api/v1/log/consistency", params(ConsistencyQuery),
    responses((status = 200, description = "An assure.log-proof/v1 consistency proof from that size to the latest checkpoint"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn consistency(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<ConsistencyQuery>,
) -> Result<Response, Problem> {
    may_prove(&principal)?;
    let proof = crate::log::prove_consistency(&state.db, query.from).await?;
    Ok(respond::json_response(
        serde_json::to_value(&proof).map_err(Problem::internal)?,
        "application/json",
    ))
}
