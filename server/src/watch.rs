//! The API that keeps the portfolio current: reference data loaded,
//! re-decisions asked for, and subscriptions to changed decisions.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Principal, Role};
use crate::current::Redecided;
use crate::problem::Problem;
use crate::reference::Loaded;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reference", get(reference_list))
        .route("/api/v1/reference/{name}", post(reference_load))
        .route("/api/v1/recheck", post(recheck))
        .route("/api/v1/subscriptions", post(subscribe).get(subscriptions))
        .route("/api/v1/subscriptions/{id}", delete(unsubscribe))
        .route("/api/v1/subscriptions/{id}/deliveries", get(deliveries))
}

fn require(principal: &Principal, roles: &[Role], what: &str) -> Result<(), Problem> {
    if roles.contains(&principal.role) {
        Ok(())
    } else {
        Err(Problem::forbidden(format!(
            "a {} token cannot {what}",
            principal.role
        )))
    }
}

/// Reference data loaded into the service.
#[derive(Serialize, ToSchema)]
pub struct ReferenceRow {
    /// `kev` or `nhs_alerts`.
    pub name: String,
    /// Its own version.
    pub version: String,
    /// When it was released.
    pub released: String,
    /// Its SHA-256.
    pub sha256: String,
    /// When it was loaded, and by whom.
    pub loaded_at: String,
    pub loaded_by: String,
}

#[utoipa::path(get, path = "/api/v1/reference",
    responses((status = 200, body = [ReferenceRow], description = "Reference data loaded, newest last")),
    security(("bearer" = [])))]
pub async fn reference_list(
    State(state): State<AppState>,
    _principal: Principal,
) -> Result<Json<Vec<ReferenceRow>>, Problem> {
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT name, version, released, sha256, loaded_at, loaded_by FROM reference_data ORDER BY released, loaded_at",
    )
    .fetch_all(&state.db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(Json(
        rows.into_iter()
            .map(
                |(name, version, released, sha256, loaded_at, loaded_by)| ReferenceRow {
                    name,
                    version,
                    released,
                    sha256,
                    loaded_at,
                    loaded_by,
                },
            )
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/reference/{name}",
    params(("name" = String, Path, description = "`kev` (the CISA catalogue as published) or `nhs_alerts`")),
    request_body(content = String, content_type = "application/json", description = "The dataset's file"),
    responses(
        (status = 200, body = Loaded, description = "Loaded (or already in use); the products it changes decided again"),
        (status = 409, body = Problem, description = "Not newer than the data in use"),
        (status = 422, body = Problem, description = "Not a dataset the engine accepts")),
    security(("bearer" = [])))]
pub async fn reference_load(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<Loaded>, Problem> {
    require(&principal, &[Role::Assurance], "load reference data")?;
    Ok(Json(
        crate::reference::load(&state, &name, body.to_vec(), &principal.actor()).await?,
    ))
}

/// Which products to decide again.
#[derive(Deserialize, ToSchema)]
pub struct RecheckQuery {
    /// Every product (else only those whose next change has come).
    #[serde(default)]
    pub all: bool,
}

#[utoipa::path(post, path = "/api/v1/recheck",
    params(("all" = Option<bool>, Query, description = "Every product, not only those due")),
    responses((status = 200, body = [Redecided], description = "The products decided again")),
    security(("bearer" = [])))]
pub async fn recheck(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<RecheckQuery>,
) -> Result<Json<Vec<Redecided>>, Problem> {
    require(
        &principal,
        &[Role::Assurance],
        "ask for products to be decided again",
    )?;
    let done = if query.all {
        crate::reference::sweep(&state, &format!("asked by {}", principal.actor())).await?
    } else {
        crate::reference::tick(&state).await?
    };
    Ok(Json(done))
}

/// A subscription made.
#[derive(Serialize, ToSchema)]
pub struct Subscribed {
    /// Its id.
    pub id: String,
    /// A webhook's signing secret (Standard Webhooks, `whsec_…`): shown
    /// once, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/subscriptions",
    request_body = crate::notify::subscriptions::NewSubscription,
    responses((status = 201, body = Subscribed), (status = 400, body = Problem)),
    security(("bearer" = [])))]
pub async fn subscribe(
    State(state): State<AppState>,
    principal: Principal,
    Json(new): Json<crate::notify::subscriptions::NewSubscription>,
) -> Result<(StatusCode, Json<Subscribed>), Problem> {
    require(
        &principal,
        &[Role::Assurance, Role::Procurement],
        "subscribe to changes",
    )?;
    let (id, secret) = crate::notify::subscriptions::create(&state.db, &new, &principal.actor())
        .await
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(Subscribed { id, secret })))
}

#[utoipa::path(get, path = "/api/v1/subscriptions",
    responses((status = 200, description = "Every subscription (never its secret)")),
    security(("bearer" = [])))]
pub async fn subscriptions(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<serde_json::Value>, Problem> {
    require(
        &principal,
        &[Role::Assurance, Role::Procurement, Role::Auditor],
        "list subscriptions",
    )?;
    let rows = crate::notify::subscriptions::list(&state.db)
        .await
        .map_err(|e| Problem::internal(e.to_string()))?;
    Ok(Json(serde_json::to_value(rows).map_err(Problem::internal)?))
}

#[utoipa::path(delete, path = "/api/v1/subscriptions/{id}",
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    require(
        &principal,
        &[Role::Assurance, Role::Procurement],
        "remove subscriptions",
    )?;
    let revoked = crate::notify::subscriptions::revoke(&state.db, &id)
        .await
        .map_err(|e| Problem::internal(e.to_string()))?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found("no such subscription"))
    }
}

/// One delivery attempt.
#[derive(Serialize, ToSchema)]
pub struct Delivery {
    /// The notification's id (the webhook's `webhook-id`).
    pub notification: String,
    /// Its CloudEvents type.
    pub event: serde_json::Value,
    /// pending, delivered, failed or cancelled.
    pub state: String,
    /// The attempt's number.
    pub attempt: i64,
    /// When.
    pub at: String,
    /// Whether it was accepted.
    pub ok: bool,
    /// The HTTP status or SMTP reply, or the error.
    pub result: String,
}

#[utoipa::path(get, path = "/api/v1/subscriptions/{id}/deliveries",
    params(("id" = String, Path)),
    responses((status = 200, body = [Delivery], description = "Every attempt, oldest first")),
    security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<Delivery>>, Problem> {
    require(
        &principal,
        &[Role::Assurance, Role::Procurement, Role::Auditor],
        "read the delivery log",
    )?;
    let rows: Vec<(String, String, String, i64, String, i64, String)> = sqlx::query_as(
        "SELECT o.id, o.event, o.state, d.attempt, d.at, d.ok, d.result FROM deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE o.subscription_id = $1 ORDER BY d.at, d.attempt",
    )
    .bind(&id)
    .fetch_all(&state.db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(Json(
        rows.into_iter()
            .map(
                |(notification, event, state, attempt, at, ok, result)| Delivery {
                    notification,
                    event: serde_json::from_str(&event).unwrap_or(serde_json::Value::Null),
                    state,
                    attempt,
                    at,
                    ok: ok != 0,
                    result,
                },
            )
            .collect(),
    ))
}
