//! Responses: a stored decision rendered by the report library, and text
//! bodies whose media type is never sniffed.

use assure_report::Format;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::auth::Principal;
use crate::portfolio;
use crate::problem::Problem;
use crate::state::AppState;

/// The pages' Content-Security-Policy: this origin's stylesheet, nothing else.
pub const CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The media type of a report format.
pub fn media_type(format: Format) -> &'static str {
    match format {
        Format::Json => "application/json",
        Format::Sarif => "application/sarif+json",
        Format::Junit => "application/xml; charset=utf-8",
        Format::Markdown => "text/markdown; charset=utf-8",
        Format::Html => "text/html; charset=utf-8",
        Format::Human => "text/plain; charset=utf-8",
    }
}

/// A stored decision rendered in `format` by the report library.
pub async fn rendered(
    state: &AppState,
    principal: &Principal,
    id: &str,
    format: Format,
) -> Result<Response, Problem> {
    let row = portfolio::visible(state, principal, id).await?;
    let Some((decision, _)) = portfolio::decision_body(&state.db, id).await? else {
        return Err(Problem::not_found(format!("no decision `{id}`")));
    };
    let name = format!("{} {} {}", row.supplier, row.product, row.version);
    let text = assure_report::render(format, &decision, &name);
    Ok(text_response(text, media_type(format)))
}

/// A text body with its media type, never sniffed.
pub fn text_response(text: String, media: &'static str) -> Response {
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if media.starts_with("text/html") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

pub fn json_response(value: serde_json::Value, media: &'static str) -> Response {
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text_response(text, media)
}
