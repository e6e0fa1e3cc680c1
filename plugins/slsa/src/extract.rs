//! The extraction: unwraps a DSSE envelope if there is one, then reads the
//! statement.

use assure_plugin_sdk::json;
use assure_plugin_sdk::{Document, ExtractError, Extraction, FactSink, Facts, Pointer};

use crate::{envelope, pypi, statement};

/// Reads one SLSA provenance statement, bare, in a DSSE envelope, in a
/// Sigstore bundle, in the npm registry's attestations list, or in a PyPI
/// (PEP 740) attestation or provenance object.
///
/// # Errors
///
/// When the document is not JSON; when an attestations list or PyPI
/// provenance object holds no SLSA provenance; when an envelope's `payloadType` is not
/// in-toto's or its `payload` is not base64 of a JSON document; when the
/// statement is not an in-toto statement, not SLSA provenance, has no
/// subjects, or has a member of the wrong type or a malformed digest.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let root = json::parse(&doc.bytes).map_err(|mut e| {
        // `.intoto.jsonl` files hold one envelope per line.
        if e.message.contains("trailing characters") {
            e.message.push_str(
                " (a JSON Lines file with several attestations must be split into one document each)",
            );
        }
        e
    })?;
    let mut out = Facts::new();
    let opened = match pypi::find(&root, &mut out)? {
        // Pointers into the statement continue through the `statement` string.
        Some((statement, at)) => Some((statement, at.key("statement"), at)),
        None => match envelope::find(&root, &mut out)? {
            // … or through the DSSE `payload` string.
            Some((envelope, at)) => Some((
                envelope::open(envelope, &at, &mut out)?,
                at.key("payload"),
                at,
            )),
            None => None,
        },
    };
    match &opened {
        Some((statement, statement_at, at)) => {
            statement::read(statement, statement_at, &mut out)?;
            out.boolean("provenance.dsse", true, at);
        }
        None => {
            statement::read(&root, &Pointer::root(), &mut out)?;
            out.boolean("provenance.dsse", false, Pointer::root());
        }
    }
    Ok(out.finish())
}
