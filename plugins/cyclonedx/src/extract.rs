//! The extraction: checks the header, tells a VEX document from an SBOM, and
//! reads an SBOM's metadata, components and dependency graph, and the VEX
//! statements of either.

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Location, Pointer, error,
};

use crate::{components, graph, metadata, vulnerabilities};
use assure_plugin_sdk::text::{long, percent, quote};

/// The longest text value (or member name) a document may carry, in bytes.
/// Real SBOM and VEX values are far shorter; a bigger one is refused rather
/// than copied into facts the host would have to carry.
const MAX_TEXT_BYTES: usize = 16 << 20;

/// The newest CycloneDX 1.N this plugin knows.
const NEWEST_MINOR: i64 = 6;

/// The note for a document that is VEX rather than an SBOM.
pub(crate) const VEX_NOTE: &str = "CycloneDX document with vulnerabilities but no components: read as VEX (Exposure entities), not as an SBOM";

/// Reads one CycloneDX JSON document.
///
/// # Errors
///
/// When the document is not JSON, its top level is not an object, a text
/// value is longer than 16 MiB, `bomFormat` is not "CycloneDX", `specVersion`
/// is not "1.N" with N of at least 2, `components` is not an array, or a
/// vulnerability's `analysis.state` is not a CycloneDX state.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let root = json::parse(&doc.bytes)?;
    if !root.is_object() {
        return Err(error(
            "the top level of a CycloneDX document must be a JSON object",
            Location::Whole,
        ));
    }
    json::refuse_long_text(&root, MAX_TEXT_BYTES)?;
    check_format(&root)?;
    let (spec_text, minor) = spec_version(&root)?;
    let components_ptr = Pointer::root().key("components");
    let items: &[Json] = match root.get("components") {
        None => &[],
        Some(Json::Array(items)) => items,
        Some(_) => {
            return Err(error(
                "`components` must be an array of components",
                components_ptr,
            ));
        }
    };

    let mut out = Facts::new();
    let spec_ptr = Pointer::root().key("specVersion");
    if minor > NEWEST_MINOR {
        out.note(
            format!(
                "CycloneDX {spec_text} is newer than this plugin knows (1.2 to 1.6): read as 1.6"
            ),
            &spec_ptr,
        );
    }
    let vulnerabilities_ptr = Pointer::root().key("vulnerabilities");
    let statements: Option<&[Json]> = match root.get("vulnerabilities") {
        None | Some(Json::Null) => None,
        Some(Json::Array(statements)) => Some(statements),
        Some(_) => {
            out.note(
                "`vulnerabilities` is not an array: ignored",
                &vulnerabilities_ptr,
            );
            None
        }
    };
    if let Some(statements) = statements.filter(|s| !s.is_empty())
        && items.is_empty()
    {
        // A VEX document: its statements, and no SBOM facts.
        out.note(VEX_NOTE, Pointer::root());
        vulnerabilities::read(&root, statements, &mut out)?;
        return Ok(out.finish());
    }

    out.text("sbom.format", "CycloneDX", Pointer::root().key("bomFormat"));
    out.text("sbom.spec_version", spec_text, &spec_ptr);
    out.long("sbom.spec_major", 1, &spec_ptr);
    out.long("sbom.spec_minor", minor, &spec_ptr);

    metadata::read(&root, &mut out);

    let coverage = components::read(&doc.name, items, &components_ptr, &mut out);
    let count_at = if root.get("components").is_some() {
        components_ptr.clone()
    } else {
        Pointer::root()
    };
    out.long("sbom.component_count", long(coverage.count), count_at);
    if coverage.count > 0 {
        out.long(
            "sbom.purl_percent",
            percent(coverage.with_purl, coverage.count),
            coverage
                .first_without_purl
                .unwrap_or_else(|| components_ptr.clone()),
        );
        out.long(
            "sbom.strong_hash_percent",
            percent(coverage.with_strong_hash, coverage.count),
            coverage.first_without_strong_hash.unwrap_or(components_ptr),
        );
    }

    graph::read(&root, &mut out);

    if let Some(statements) = statements {
        let summary = vulnerabilities::read(&root, statements, &mut out)?;
        out.long(
            "sbom.embedded_vex_statements",
            long(summary.exposures),
            &vulnerabilities_ptr,
        );
        if let Some((_, first)) = summary.advisories.first() {
            let first = first.clone();
            out.text_set(
                "sbom.advisory_refs",
                summary.advisories.into_iter().map(|(url, _)| url),
                first,
            );
        }
    }
    Ok(out.finish())
}

/// `bomFormat` must be "CycloneDX".
fn check_format(root: &Json) -> Result<(), ExtractError> {
    let at = Pointer::root().key("bomFormat");
    match root.get("bomFormat") {
        Some(Json::String(s)) if s == "CycloneDX" => Ok(()),
        Some(Json::String(s)) => Err(error(
            format!(
                "`bomFormat` is \"{}\", not \"CycloneDX\": this is not a CycloneDX document",
                quote(s)
            ),
            at,
        )),
        Some(_) => Err(error("`bomFormat` must be the text \"CycloneDX\"", at)),
        None => Err(error(
            "`bomFormat` is missing: a CycloneDX document has `\"bomFormat\": \"CycloneDX\"`",
            at,
        )),
    }
}

/// `specVersion` as given, and its minor version: "1.N" with N >= 2.
fn spec_version(root: &Json) -> Result<(&str, i64), ExtractError> {
    let at = Pointer::root().key("specVersion");
    let text = match root.get("specVersion") {
        Some(Json::String(s)) => s.as_str(),
        Some(_) => {
            return Err(error("`specVersion` must be text such as \"1.6\"", at));
        }
        None => {
            return Err(error(
                "`specVersion` is missing: a CycloneDX document names its version, e.g. \"1.6\"",
                at,
            ));
        }
    };
    let minor = text
        .split_once('.')
        .filter(|(major, minor)| {
            *major == "1"
                && !minor.is_empty()
                && minor.len() <= 6
                && minor.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|(_, minor)| minor.parse::<i64>().ok());
    match minor {
        Some(minor) if minor >= 2 => Ok((text, minor)),
        Some(_) => Err(error(
            format!(
                "CycloneDX {} has no JSON form (JSON arrived in 1.2): this plugin reads 1.2 to 1.6",
                quote(text)
            ),
            at,
        )),
        None => Err(error(
            format!(
                "`specVersion` \"{}\" is not a CycloneDX version of the form \"1.N\" (this plugin reads 1.2 to 1.6)",
                quote(text)
            ),
            at,
        )),
    }
}
