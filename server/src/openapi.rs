//! The OpenAPI 3.1 document, generated from the handlers and types.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "assure serve", description = "A procurement team's portfolio of assurance decisions, each signed and in a tamper-evident log. Errors are RFC 9457 problem details."),
    paths(
        crate::api::healthz,
        crate::api::submit,
        crate::api::job,
        crate::api::decision,
        crate::api::record,
        crate::api::proof,
        crate::api::diff,
        crate::api::products,
        crate::api::product,
        crate::api::checkpoint,
        crate::api::log_key,
        crate::api::service_key,
        crate::api::consistency,
        crate::watch::reference_list,
        crate::watch::reference_load,
        crate::watch::recheck,
        crate::watch::subscribe,
        crate::watch::subscriptions,
        crate::watch::unsubscribe,
        crate::watch::deliveries,
    ),
    components(schemas(crate::problem::Problem, crate::auth::Role)),
    modifiers(&Bearer)
)]
struct Document;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("An API token from `assure serve token new`"))
                        .build(),
                ),
            );
        }
    }
}

/// `GET /openapi.json`.
pub async fn serve() -> axum::response::Response {
    crate::respond::json_response(document(), "application/json")
}

/// The document, as JSON.
pub fn document() -> serde_json::Value {
    let mut doc = Document::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    serde_json::to_value(&doc).unwrap_or_default()
}
