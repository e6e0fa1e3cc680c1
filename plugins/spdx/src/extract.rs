//! The extraction: checks the header, finds the document's subject, and reads
//! the creation info, packages and relationships.

use std::collections::BTreeSet;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Location, Pointer, error,
};

use crate::relationships::{self, Declared};
use assure_plugin_sdk::text::{long, percent, quote};

use crate::text::member;
use crate::{creation, packages};

/// The longest text value (or member name) a document may carry, in bytes.
/// Real SPDX values, licence texts included, are far shorter; a bigger one is
/// refused rather than copied into facts the host would have to carry.
const MAX_TEXT_BYTES: usize = 16 << 20;

/// The `SPDXID` a document has when it does not say.
const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";

/// Reads one SPDX 2.2 or 2.3 JSON document.
///
/// # Errors
///
/// When the document is not JSON, its top level is not an object, a text
/// value is longer than 16 MiB, `spdxVersion` is not "SPDX-2.2" or
/// "SPDX-2.3", or `packages`, `relationships` or `documentDescribes` is not
/// an array.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let root = json::parse(&doc.bytes)?;
    if !root.is_object() {
        return Err(error(
            "the top level of an SPDX JSON document must be a JSON object",
            Location::Whole,
        ));
    }
    json::refuse_long_text(&root, MAX_TEXT_BYTES)?;
    let (spec_text, minor) = spec_version(&root)?;
    let packages_ptr = Pointer::root().key("packages");
    let items = array(&root, "packages", "packages")?;
    let relationships = array(&root, "relationships", "relationships")?;
    array(&root, "documentDescribes", "SPDXIDs")?;

    let mut out = Facts::new();
    let spec_ptr = Pointer::root().key("spdxVersion");
    out.text("sbom.format", "SPDX", &spec_ptr);
    out.text("sbom.spec_version", spec_text, &spec_ptr);
    out.long("sbom.spec_major", 2, &spec_ptr);
    out.long("sbom.spec_minor", minor, &spec_ptr);

    creation::read(&root, &mut out);

    let document = match root.get("SPDXID") {
        Some(Json::String(id)) if !id.trim().is_empty() => id.trim(),
        _ => {
            out.note(
                "the document has no text `SPDXID`: read as \"SPDXRef-DOCUMENT\"",
                Pointer::root(),
            );
            DOCUMENT_ID
        }
    };
    let declared = Declared::read(&root, document);
    let subjects = subjects(&root, document, items, relationships, &mut out);
    let subject_set: BTreeSet<usize> = subjects.iter().map(|(i, _)| *i).collect();
    subject(items, subjects.first(), &packages_ptr, &mut out);

    let coverage = packages::read(&doc.name, items, &packages_ptr, &subject_set, &mut out);
    let count_at = if root.get("packages").is_some() {
        packages_ptr.clone()
    } else {
        Pointer::root()
    };
    out.long(
        "sbom.component_count",
        long(coverage.count),
        count_at.clone(),
    );
    if coverage.count > 0 {
        out.long(
            "sbom.purl_percent",
            percent(coverage.with_purl, coverage.count),
            coverage
                .first_without_purl
                .unwrap_or_else(|| packages_ptr.clone()),
        );
        out.long(
            "sbom.strong_hash_percent",
            percent(coverage.with_strong_hash, coverage.count),
            coverage.first_without_strong_hash.unwrap_or(packages_ptr),
        );
    } else {
        out.note(
            "the document lists no package besides its subject: no purl or strong-hash share",
            count_at,
        );
    }
    if let Some((_, first)) = coverage.advisories.first() {
        let first = first.clone();
        out.text_set(
            "sbom.advisory_refs",
            coverage.advisories.into_iter().map(|(url, _)| url),
            first,
        );
    }

    relationships::read(&root, relationships, &declared, &mut out);
    Ok(out.finish())
}

/// The array at `key` of the root: absent or null is empty; anything else
/// but an array is an error.
fn array<'a>(root: &'a Json, key: &str, of: &str) -> Result<&'a [Json], ExtractError> {
    match root.get(key) {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(items)) => Ok(items),
        Some(_) => Err(error(
            format!("`{key}` must be an array of {of}"),
            Pointer::root().key(key),
        )),
    }
}

/// `spdxVersion` without its "SPDX-" prefix, and its minor version: 2 or 3.
fn spec_version(root: &Json) -> Result<(&str, i64), ExtractError> {
    let at = Pointer::root().key("spdxVersion");
    let text = match root.get("spdxVersion") {
        Some(Json::String(s)) => s.trim(),
        Some(_) => {
            return Err(error("`spdxVersion` must be text such as \"SPDX-2.3\"", at));
        }
        None if root.get("@context").is_some() => {
            return Err(error(
                "this looks like an SPDX 3 (JSON-LD) document: this plugin reads SPDX 2.2 and 2.3 JSON",
                Location::Whole,
            ));
        }
        None => {
            return Err(error(
                "`spdxVersion` is missing: an SPDX document names its version, e.g. \"SPDX-2.3\"",
                at,
            ));
        }
    };
    match text {
        "SPDX-2.3" => Ok(("2.3", 3)),
        "SPDX-2.2" => Ok(("2.2", 2)),
        other => Err(error(
            format!(
                "`spdxVersion` \"{}\" is not one this plugin reads: it reads \"SPDX-2.2\" and \"SPDX-2.3\" JSON",
                quote(other)
            ),
            at,
        )),
    }
}

/// The packages the document describes, as (index in `packages`, pointer to
/// where the document says so), in the order the document names them.
fn subjects(
    root: &Json,
    document: &str,
    items: &[Json],
    relationships: &[Json],
    out: &mut Facts,
) -> Vec<(usize, Pointer)> {
    let described = relationships::described(root, document, relationships);
    let mut found: Vec<(usize, Pointer)> = Vec::new();
    for (id, at) in &described {
        let index = items
            .iter()
            .position(|item| json::str_at(item, "SPDXID") == Some(*id));
        if let Some(index) = index
            && !found.iter().any(|(seen, _)| *seen == index)
        {
            found.push((index, at.clone()));
        }
    }
    match (described.is_empty(), found.as_slice()) {
        (true, _) => out.note(
            "the document names no subject (no `documentDescribes`, no DESCRIBES relationship): every package is read as a component",
            Pointer::root(),
        ),
        (false, []) => out.note(
            "the document describes no package: every package is read as a component, and there is no subject name, version or supplier",
            described
                .first()
                .map_or_else(Pointer::root, |(_, at)| at.clone()),
        ),
        (false, [_]) => {}
        (false, [(_, first), ..]) => out.note(
            format!(
                "the document describes {} packages: all are read as the subject, and the first (named at {first}) gives its name, version and supplier",
                found.len()
            ),
            first,
        ),
    }
    found
}

/// The subject's name, version and supplier.
fn subject(items: &[Json], first: Option<&(usize, Pointer)>, at: &Pointer, out: &mut Facts) {
    let Some(((index, _), item)) = first.and_then(|s| items.get(s.0).map(|item| (s, item))) else {
        let fallback = if items.is_empty() {
            Pointer::root()
        } else {
            at.clone()
        };
        out.boolean("sbom.supplier_present", false, fallback);
        return;
    };
    let at = at.index(*index);
    if let Some(name) = member(item, "name", &at, out) {
        out.text("sbom.subject_name", name, at.key("name"));
    }
    if let Some(version) = member(item, "versionInfo", &at, out) {
        out.text("sbom.subject_version", version, at.key("versionInfo"));
    }
    match packages::supplier(item, &at, out) {
        Some((name, pointer)) => {
            out.boolean("sbom.supplier_present", true, &pointer);
            out.text("sbom.supplier_name", name, pointer);
        }
        None => out.boolean("sbom.supplier_present", false, at),
    }
}
