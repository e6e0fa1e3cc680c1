//! DSSE envelopes: the payload type, the signatures (counted, not verified)
//! and the payload, decoded and parsed.

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use crate::base64;
use assure_plugin_sdk::text::quote;

/// The only payload type this plugin reads.
const IN_TOTO_PAYLOAD: &str = "application/vnd.in-toto+json";

/// The prefix of every SLSA provenance predicate type.
pub(crate) const SLSA_PROVENANCE: &str = "https://slsa.dev/provenance/";

/// The DSSE envelope the document is or holds, with its pointer: the document
/// itself when it has `payload` or `payloadType`, a Sigstore bundle's
/// `dsseEnvelope`, or the SLSA provenance bundle's `dsseEnvelope` in an
/// attestations list as the npm registry serves it. `None` for a bare
/// statement.
///
/// # Errors
///
/// When an attestations list holds no SLSA provenance, or its SLSA
/// provenance has no `bundle.dsseEnvelope`.
pub(crate) fn find<'a>(
    root: &'a Json,
    out: &mut Facts,
) -> Result<Option<(&'a Json, Pointer)>, ExtractError> {
    if root.get("payload").is_some() || root.get("payloadType").is_some() {
        return Ok(Some((root, Pointer::root())));
    }
    if let Some(Json::Array(attestations)) = root.get("attestations") {
        return attestation(attestations, out).map(Some);
    }
    let Some(inner) = root.get("dsseEnvelope") else {
        return Ok(None);
    };
    let at = Pointer::root().key("dsseEnvelope");
    out.note(
        "a Sigstore bundle: its `dsseEnvelope` is read; its verification material is not checked here",
        &at,
    );
    Ok(Some((inner, at)))
}

/// The npm registry's attestations response (`{"attestations": [{
/// "predicateType", "bundle" }, …]}`): the envelope of the first attestation
/// whose `predicateType` is SLSA provenance. The others (npm's publish
/// attestation) are not provenance, and a note says they are not read.
fn attestation<'a>(
    attestations: &'a [Json],
    out: &mut Facts,
) -> Result<(&'a Json, Pointer), ExtractError> {
    let list_at = Pointer::root().key("attestations");
    let is_provenance = |item: &Json| {
        json::str_at(item, "predicateType").is_some_and(|t| t.starts_with(SLSA_PROVENANCE))
    };
    let Some((i, item)) = attestations
        .iter()
        .enumerate()
        .find(|(_, item)| is_provenance(item))
    else {
        let types: Vec<String> = attestations
            .iter()
            .filter_map(|item| json::str_at(item, "predicateType"))
            .map(|t| format!("`{}`", quote(t)))
            .collect();
        let listed = if types.is_empty() {
            "none has a `predicateType`".to_owned()
        } else {
            format!("their predicate types are {}", types.join(", "))
        };
        return Err(error(
            format!(
                "an attestations list (as the npm registry serves it) with no SLSA provenance: {listed}"
            ),
            list_at,
        ));
    };
    let item_at = list_at.index(i);
    let Some(inner) = item.get("bundle").and_then(|b| b.get("dsseEnvelope")) else {
        return Err(error(
            "the SLSA provenance attestation has no `bundle.dsseEnvelope`",
            item_at.key("bundle"),
        ));
    };
    let others = attestations.len().saturating_sub(1);
    out.note(
        format!(
            "an npm registry attestations list: the SLSA provenance attestation's Sigstore bundle is read \
             ({others} other attestation(s) are not provenance and are not read); its verification material is not checked here"
        ),
        &item_at,
    );
    Ok((inner, item_at.key("bundle").key("dsseEnvelope")))
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
