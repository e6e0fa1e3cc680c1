//! The extraction: checks the document is OpenVEX, reads its statements and
//! keeps, for each vulnerability, subject and product, only the latest
//! statement.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{Document, ExtractError, Extraction, Facts, Location, Pointer, error};

use crate::exposure::{Exposure, Stamp};
use crate::statement;
use assure_plugin_sdk::text::{MAX_ID, kind, optional, quote};
use assure_plugin_sdk::time;

/// Where every OpenVEX context lives.
const NAMESPACE: &str = "openvex.dev/ns";
/// The context of the current specification.
const CURRENT: &str = "https://openvex.dev/ns/v0.2.0";

/// Reads one OpenVEX JSON document.
///
/// # Errors
///
/// When the document is not JSON, its top level is not an object, its
/// `@context` is missing or not OpenVEX's, `statements` is missing or not an
/// array, or a statement is malformed (no vulnerability, no or an unknown
/// status, a member of the wrong type).
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let root = json::parse(&doc.bytes)?;
    if !root.is_object() {
        return Err(error(
            format!(
                "the top level of an OpenVEX document must be a JSON object, not {}",
                kind(&root)
            ),
            Location::Whole,
        ));
    }
    let mut out = Facts::new();
    check_context(&root, &mut out)?;
    let document_time = document_time(&root, &mut out)?;

    let statements_at = Pointer::root().key("statements");
    let statements = match root.get("statements") {
        Some(Json::Array(items)) => items,
        None => {
            return Err(error(
                "`statements` is missing: an OpenVEX document is a list of statements",
                statements_at,
            ));
        }
        Some(other) => {
            return Err(error(
                format!("`statements` must be an array, not {}", kind(other)),
                statements_at,
            ));
        }
    };
    if statements.is_empty() {
        out.note(
            "the document has no statements: it says nothing",
            &statements_at,
        );
    }

    let mut exposures = Vec::new();
    for (i, value) in statements.iter().enumerate() {
        statement::read(
            value,
            &statements_at.index(i),
            document_time.as_ref(),
            &mut exposures,
            &mut out,
        )?;
    }
    for exposure in latest(exposures, &mut out) {
        exposure.emit(&mut out);
    }
    Ok(out.finish())
}

/// `@context` must be an OpenVEX context (0.2.0, or an earlier one); a newer
/// one is read as 0.2.0 with a note.
fn check_context(root: &Json, out: &mut Facts) -> Result<(), ExtractError> {
    let at = Pointer::root().key("@context");
    let context = match root.get("@context") {
        Some(Json::String(s)) => s.trim(),
        // JSON-LD allows a list of contexts; one of them must be OpenVEX's.
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .map(str::trim)
            .find(|s| s.contains(NAMESPACE))
            .unwrap_or(""),
        None => {
            return Err(error(
                format!(
                    "`@context` is missing: an OpenVEX document names its context, e.g. \"{CURRENT}\""
                ),
                at,
            ));
        }
        Some(other) => {
            return Err(error(
                format!(
                    "`@context` must be text such as \"{CURRENT}\", not {}",
                    kind(other)
                ),
                at,
            ));
        }
    };
    let version = context
        .strip_prefix("https://")
        .or_else(|| context.strip_prefix("http://"))
        .and_then(|rest| rest.strip_prefix(NAMESPACE))
        .map(|rest| rest.trim_matches('/'));
    match version {
        Some("v0.2.0") => Ok(()),
        // The legacy shape: no version, or 0.0.x / 0.1.x.
        Some(v) if v.is_empty() || v.starts_with("v0.0.") || v.starts_with("v0.1.") => Ok(()),
        Some(v) => {
            out.note(
                format!(
                    "OpenVEX context version \"{}\" is not one this plugin knows (up to v0.2.0): read as v0.2.0",
                    quote(v)
                ),
                &at,
            );
            Ok(())
        }
        None => Err(error(
            format!(
                "`@context` is \"{}\", not an OpenVEX context (https://{NAMESPACE}/…): this is not an OpenVEX document",
                quote(context)
            ),
            at,
        )),
    }
}

/// The document's `timestamp`, else its `last_updated`: what a statement
/// without a timestamp of its own inherits.
fn document_time(root: &Json, out: &mut Facts) -> Result<Option<Stamp>, ExtractError> {
    for key in ["timestamp", "last_updated"] {
        let Some(text) = optional(root, key, &Pointer::root(), MAX_ID)? else {
            continue;
        };
        let at = Pointer::root().key(key);
        match time::parse(text) {
            Some(instant) => {
                return Ok(Some(Stamp {
                    text: text.to_owned(),
                    at,
                    instant,
                }));
            }
            None => out.note(
                format!(
                    "document `{key}` \"{}\" is not an RFC 3339 date-time: ignored",
                    quote(text)
                ),
                at,
            ),
        }
    }
    Ok(None)
}

/// The exposures that no later statement supersedes, in document order; each
/// superseded one is noted where it is. Only a statement about the same
/// vulnerability, the same subject and the same product (scope) supersedes:
/// statements about a subcomponent of two different products both stand.
fn latest(exposures: Vec<Exposure>, out: &mut Facts) -> Vec<Exposure> {
    let mut kept: Vec<Option<Exposure>> = Vec::with_capacity(exposures.len());
    let mut current: BTreeMap<(String, Vec<String>), usize> = BTreeMap::new();
    for exposure in exposures {
        let earlier = current.get(&exposure.key()).copied();
        let previous = earlier.and_then(|i| kept.get(i)).and_then(Option::as_ref);
        match previous {
            Some(previous) if !exposure.supersedes(previous) => {
                note_superseded(&exposure, previous, out);
                continue;
            }
            Some(previous) => {
                note_superseded(previous, &exposure, out);
                if let Some(slot) = earlier.and_then(|i| kept.get_mut(i)) {
                    *slot = None;
                }
            }
            None => {}
        }
        current.insert(exposure.key(), kept.len());
        kept.push(Some(exposure));
    }
    kept.into_iter().flatten().collect()
}

fn note_superseded(old: &Exposure, new: &Exposure, out: &mut Facts) {
    out.note(
        format!(
            "statement about {} for \"{}\" ({}) is superseded by the later statement at {} ({}): only the latest is read",
            quote(&old.said.vulnerability.text),
            quote(&old.subject.reference),
            old.said.status.as_str(),
            new.said.at,
            new.said.status.as_str(),
        ),
        &old.subject.at,
    );
}
