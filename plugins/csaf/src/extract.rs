//! The extraction: checks the document is a CSAF 2.0 advisory, reads its
//! product tree, then each vulnerability.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{Document, ExtractError, Extraction, Facts, Location, Pointer, error};

use crate::tree::{self, objects};
use crate::vulnerability::{self, Context, Located};
use assure_plugin_sdk::text::{MAX_ID, kind, optional, quote};
use assure_plugin_sdk::time;

/// The longest text anywhere in a document this plugin reads.
const MAX_DOCUMENT_TEXT: usize = 1 << 20;

/// The CSAF version this plugin reads.
const VERSION: &str = "2.0";

/// The document categories whose vulnerabilities are the point of them.
const CATEGORIES: &[&str] = &["csaf_vex", "csaf_security_advisory", "csaf_base"];

/// Reads one CSAF 2.0 JSON document.
///
/// # Errors
///
/// When the document is not JSON, its top level is not an object, it is a
/// provider-metadata, aggregator or ROLIE feed document rather than an
/// advisory, `document.csaf_version` is not "2.0", `document.category` is
/// missing, a member read has the wrong type, `product_status` has a member
/// that is not a status, or one product has contradicting statuses.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let root = json::parse(&doc.bytes)?;
    // No CSAF member is megabytes long (the longest are notes, a few KiB).
    json::refuse_long_text(&root, MAX_DOCUMENT_TEXT)?;
    if !root.is_object() {
        return Err(error(
            format!(
                "the top level of a CSAF document must be a JSON object, not {}",
                kind(&root)
            ),
            Location::Whole,
        ));
    }
    let document_at = Pointer::root().key("document");
    let document = match root.get("document") {
        Some(d @ Json::Object(_)) => d,
        None => return Err(not_an_advisory(&root)),
        Some(other) => {
            return Err(error(
                format!("`document` must be an object, not {}", kind(other)),
                document_at,
            ));
        }
    };
    check_version(document, &document_at)?;

    let mut out = Facts::new();
    let Some(category) = optional(document, "category", &document_at, MAX_ID)? else {
        return Err(error(
            "`document.category` is missing: a CSAF document says what it is, e.g. \"csaf_vex\"",
            document_at.key("category"),
        ));
    };
    if !CATEGORIES.contains(&category) {
        out.note(
            format!(
                "document category \"{}\" is neither a VEX nor a security advisory: read as csaf_base, for whatever vulnerabilities it lists",
                quote(category)
            ),
            document_at.key("category"),
        );
    }
    let release_date = release_date(document, &document_at, &mut out)?;
    let tree = tree::read(&root, &mut out)?;

    let vulnerabilities_at = Pointer::root().key("vulnerabilities");
    let vulnerabilities = objects(&root, "vulnerabilities", &Pointer::root())?;
    if vulnerabilities.is_empty() {
        out.note(
            "the document lists no vulnerabilities: no exposures",
            if root.get("vulnerabilities").is_some() {
                vulnerabilities_at.clone()
            } else {
                Pointer::root()
            },
        );
    }
    let mut context = Context {
        tree: &tree,
        release_date,
        seen: BTreeMap::new(),
    };
    for (i, value) in vulnerabilities.iter().enumerate() {
        vulnerability::read(value, &vulnerabilities_at.index(i), &mut context, &mut out)?;
    }
    Ok(out.finish())
}

/// Why a JSON object without `document` is not an advisory.
fn not_an_advisory(root: &Json) -> ExtractError {
    let has = |key: &str| root.get(key).is_some();
    let message = if has("metadata_version") || (has("canonical_url") && has("role")) {
        "this is a CSAF provider-metadata.json (where a provider publishes its advisories and keys), not a CSAF advisory: submit the advisories themselves"
    } else if has("aggregator") {
        "this is a CSAF aggregator.json (a list of CSAF providers), not a CSAF advisory: submit the advisories themselves"
    } else if has("feed") {
        "this is a ROLIE feed of CSAF advisories, not an advisory: submit the advisories themselves"
    } else {
        "`document` is missing: a CSAF advisory has `document`, `product_tree` and `vulnerabilities`"
    };
    error(message, Pointer::root().key("document"))
}

/// `document.csaf_version` must be "2.0".
fn check_version(document: &Json, at: &Pointer) -> Result<(), ExtractError> {
    let at = at.key("csaf_version");
    match document.get("csaf_version") {
        Some(Json::String(v)) if v.trim() == VERSION => Ok(()),
        Some(Json::String(v)) => Err(error(
            format!(
                "CSAF version \"{}\" is not one this plugin reads: it reads CSAF {VERSION} only",
                quote(v)
            ),
            at,
        )),
        Some(other) => Err(error(
            format!(
                "`csaf_version` must be text such as \"{VERSION}\", not {}",
                kind(other)
            ),
            at,
        )),
        None => Err(error(
            format!("`document.csaf_version` is missing: this plugin reads CSAF {VERSION}"),
            at,
        )),
    }
}

/// `document.tracking.current_release_date`, when it is a real moment.
fn release_date(
    document: &Json,
    at: &Pointer,
    out: &mut Facts,
) -> Result<Option<Located>, ExtractError> {
    let tracking_at = at.key("tracking");
    let tracking = match document.get("tracking") {
        None | Some(Json::Null) => return Ok(None),
        Some(t @ Json::Object(_)) => t,
        Some(other) => {
            return Err(error(
                format!("`tracking` must be an object, not {}", kind(other)),
                tracking_at,
            ));
        }
    };
    let Some(date) = optional(tracking, "current_release_date", &tracking_at, MAX_ID)? else {
        return Ok(None);
    };
    let date_at = tracking_at.key("current_release_date");
    if time::is_moment(date) {
        return Ok(Some(Located::new(date, date_at)));
    }
    out.note(
        format!(
            "`current_release_date` \"{}\" is not an RFC 3339 date-time: ignored",
            quote(date)
        ),
        date_at,
    );
    Ok(None)
}
