//! PyPI attestations (PEP 740): an attestation object, whose `envelope`
//! holds the in-toto statement (base64, the payload type implied) and its
//! signature, and the provenance object PyPI's integrity API serves, whose
//! `attestation_bundles[].attestations[]` are attestation objects.

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use crate::base64;
use crate::envelope::SLSA_PROVENANCE;
use assure_plugin_sdk::text::quote;

/// The statement of a PEP 740 attestation object or provenance object, with
/// the pointer of the `envelope` it came from; `None` when the document is
/// neither.
///
/// # Errors
///
/// When an envelope's `statement` is not base64 of a JSON document, or a
/// provenance object holds no SLSA provenance attestation.
pub(crate) fn find(root: &Json, out: &mut Facts) -> Result<Option<(Json, Pointer)>, ExtractError> {
    if let Some(envelope) = root
        .get("envelope")
        .filter(|e| e.get("statement").is_some())
    {
        let at = Pointer::root().key("envelope");
        let statement = open(envelope, &at, out)?;
        out.note(
            "a PyPI attestation (PEP 740): its `envelope.statement` is read; its verification material is not checked here",
            &at,
        );
        return Ok(Some((statement, at)));
    }
    let Some(Json::Array(bundles)) = root.get("attestation_bundles") else {
        return Ok(None);
    };
    let bundles_at = Pointer::root().key("attestation_bundles");
    let mut types = Vec::new();
    let mut found = None;
    let mut count = 0_usize;
    for (i, bundle) in bundles.iter().enumerate() {
        let attestations_at = bundles_at.index(i).key("attestations");
        for (j, attestation) in json::array_at(bundle, "attestations").iter().enumerate() {
            count = count.saturating_add(1);
            let at = attestations_at.index(j).key("envelope");
            let Some(envelope) = attestation.get("envelope") else {
                return Err(error("a PyPI attestation has no `envelope`", at));
            };
            let statement = open(envelope, &at, out)?;
            let predicate_type = json::str_at(&statement, "predicateType").unwrap_or("");
            if found.is_none() && predicate_type.starts_with(SLSA_PROVENANCE) {
                found = Some((statement, at));
            } else {
                types.push(format!("`{}`", quote(predicate_type)));
            }
        }
    }
    match found {
        Some((statement, at)) => {
            out.note(
                format!(
                    "a PyPI provenance object (PEP 740): the SLSA provenance attestation is read \
                     ({} other attestation(s) are not provenance and are not read); its verification material is not checked here",
                    count.saturating_sub(1)
                ),
                &at,
            );
            Ok(Some((statement, at)))
        }
        None if types.is_empty() => Err(error(
            "a PyPI provenance object (PEP 740) with no attestations",
            bundles_at,
        )),
        None => Err(error(
            format!(
                "a PyPI provenance object (PEP 740) with no SLSA provenance attestation: its attestations' predicate types are {} (PyPI's publish attestation says who published the file, not how it was built)",
                types.join(", ")
            ),
            bundles_at,
        )),
    }
}

/// The statement in a PEP 740 `envelope` at `at`.
fn open(envelope: &Json, at: &Pointer, out: &mut Facts) -> Result<Json, ExtractError> {
    let statement_at = at.key("statement");
    let Some(Json::String(statement)) = envelope.get("statement") else {
        return Err(error(
            "a PyPI attestation's `envelope.statement` must be base64 text",
            statement_at,
        ));
    };
    match envelope.get("signature") {
        Some(Json::String(signature)) if !signature.is_empty() => {}
        _ => out.note(
            "the PyPI attestation has no signature; the statement is read all the same \
             (verifying signatures is not this plugin's job: evidence integrity is checked by the engine)",
            at.key("signature"),
        ),
    }
    let bytes = base64::decode(statement).map_err(|why| {
        error(
            format!("the PyPI attestation's `statement` {why}"),
            &statement_at,
        )
    })?;
    json::parse(&bytes).map_err(|e| {
        let message =
            e.message
                .replacen("the document", "the decoded PyPI attestation statement", 1);
        error(message, statement_at)
    })
}
