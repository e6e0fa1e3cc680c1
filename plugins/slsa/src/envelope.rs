//! DSSE envelopes: the payload type, the signatures (counted, not verified)
//! and the payload, decoded and parsed.

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use crate::base64;
use crate::text::quote;

/// The only payload type this plugin reads.
const IN_TOTO_PAYLOAD: &str = "application/vnd.in-toto+json";

/// The DSSE envelope the document is or holds, with its pointer: the document
/// itself when it has `payload` or `payloadType`, or a Sigstore bundle's
/// `dsseEnvelope`. `None` for a bare statement.
pub(crate) fn find<'a>(root: &'a Json, out: &mut Facts) -> Option<(&'a Json, Pointer)> {
    if root.get("payload").is_some() || root.get("payloadType").is_some() {
        return Some((root, Pointer::root()));
    }
    let inner = root.get("dsseEnvelope")?;
    let at = Pointer::root().key("dsseEnvelope");
    out.note(
        "a Sigstore bundle: its `dsseEnvelope` is read; its verification material is not checked here",
        &at,
    );
    Some((inner, at))
}

/// The statement in the envelope at `at`.
///
/// # Errors
///
/// When the envelope is not an object, its `payloadType` is not in-toto's,
/// `signatures` is not an array, or `payload` is not base64 of a JSON document.
pub(crate) fn open(envelope: &Json, at: &Pointer, out: &mut Facts) -> Result<Json, ExtractError> {
    if !envelope.is_object() {
        return Err(error("a DSSE envelope must be a JSON object", at));
    }
    let type_at = at.key("payloadType");
    match envelope.get("payloadType") {
        Some(Json::String(t)) if t == IN_TOTO_PAYLOAD => {}
        Some(Json::String(t)) => {
            return Err(error(
                format!(
                    "the DSSE `payloadType` is `{}`, not `{IN_TOTO_PAYLOAD}`: the payload is not an in-toto statement",
                    quote(t)
                ),
                type_at,
            ));
        }
        Some(_) => return Err(error("the DSSE `payloadType` must be text", type_at)),
        None => {
            return Err(error(
                format!("the DSSE envelope has no `payloadType` (expected `{IN_TOTO_PAYLOAD}`)"),
                type_at,
            ));
        }
    }

    let signatures_at = at.key("signatures");
    match envelope.get("signatures") {
        Some(Json::Array(signatures)) if !signatures.is_empty() => {}
        None | Some(Json::Array(_)) => out.note(
            "the DSSE envelope has no signatures; the statement is read all the same \
             (verifying signatures is not this plugin's job: evidence integrity is checked by the engine)",
            &signatures_at,
        ),
        Some(_) => {
            return Err(error(
                "the DSSE `signatures` must be an array",
                signatures_at,
            ));
        }
    }

    let payload_at = at.key("payload");
    let payload = match envelope.get("payload") {
        Some(Json::String(payload)) => payload,
        Some(_) => return Err(error("the DSSE `payload` must be base64 text", payload_at)),
        None => return Err(error("the DSSE envelope has no `payload`", payload_at)),
    };
    let bytes = base64::decode(payload)
        .map_err(|why| error(format!("the DSSE `payload` {why}"), &payload_at))?;
    // The parser's message names the line and column in the decoded payload.
    json::parse(&bytes).map_err(|e| {
        let message = e
            .message
            .replacen("the document", "the decoded DSSE payload", 1);
        error(message, payload_at)
    })
}
