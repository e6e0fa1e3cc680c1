//! `metadata`: timestamp, supplier, subject component, tools and lifecycles.

use std::collections::BTreeSet;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{FactSink, Facts, Pointer};

use assure_plugin_sdk::text::{member, quote};
use assure_plugin_sdk::time::looks_like_rfc3339;

/// Where a supplier's name may be, in order of preference. `manufacturer` is
/// 1.6's name for what 1.2 to 1.5 called `manufacture`.
const SUPPLIER_PATHS: &[&[&str]] = &[
    &["supplier", "name"],
    &["manufacturer", "name"],
    &["manufacture", "name"],
    &["component", "supplier", "name"],
];

/// Reads the product facts that come from `metadata`.
pub(crate) fn read(root: &Json, out: &mut Facts) {
    let at = Pointer::root().key("metadata");
    let metadata = match root.get("metadata") {
        None => None,
        Some(m @ Json::Object(_)) => Some(m),
        Some(_) => {
            out.note("`metadata` is not an object: ignored", &at);
            None
        }
    };
    // Facts about something metadata lacks point at metadata, or the root.
    let fallback = if root.get("metadata").is_some() {
        at.clone()
    } else {
        Pointer::root()
    };
    let empty = Json::Null;
    let metadata = metadata.unwrap_or(&empty);

    timestamp(metadata, &at, out);
    supplier(metadata, &at, fallback.clone(), out);
    subject(metadata, &at, out);
    tools(metadata, &at, fallback, out);
    lifecycles(metadata, &at, out);
}

fn timestamp(metadata: &Json, at: &Pointer, out: &mut Facts) {
    let at = at.key("timestamp");
    match metadata.get("timestamp") {
        None => {}
        Some(Json::String(s)) if looks_like_rfc3339(s.trim()) => {
            out.datetime("sbom.timestamp", s.trim(), &at);
        }
        Some(Json::String(s)) => out.note(
            format!(
                "`metadata.timestamp` \"{}\" is not an RFC 3339 date-time: ignored",
                quote(s)
            ),
            &at,
        ),
        Some(_) => out.note("`metadata.timestamp` is not text: ignored", &at),
    }
}

fn supplier(metadata: &Json, at: &Pointer, fallback: Pointer, out: &mut Facts) {
    let found = SUPPLIER_PATHS.iter().find_map(|path| {
        let mut value = metadata;
        let mut pointer = at.clone();
        let (last, parents) = path.split_last()?;
        for key in parents {
            value = value.get(*key)?;
            pointer = pointer.key(key);
        }
        json::str_at(value, last).map(|name| (name, pointer.key(last)))
    });
    match found {
        Some((name, pointer)) => {
            out.boolean("sbom.supplier_present", true, &pointer);
            out.text("sbom.supplier_name", name, pointer);
        }
        None => out.boolean("sbom.supplier_present", false, fallback),
    }
}

fn subject(metadata: &Json, at: &Pointer, out: &mut Facts) {
    let Some(component) = metadata.get("component") else {
        return;
    };
    let at = at.key("component");
    if let Some(name) = member(component, "name", &at, out) {
        out.text("sbom.subject_name", name, at.key("name"));
    }
    if let Some(version) = member(component, "version", &at, out) {
        out.text("sbom.subject_version", version, at.key("version"));
    }
}

/// `metadata.tools`: an array of tools up to 1.4; an object with
/// `components` and `services` arrays from 1.5. `sbom.tool_named` says
/// whether any tool is named, so that an SBOM naming none is a fact, not a
/// missing one.
fn tools(metadata: &Json, at: &Pointer, fallback: Pointer, out: &mut Facts) {
    let at = at.key("tools");
    let mut names = BTreeSet::new();
    match metadata.get("tools") {
        None => {
            out.boolean("sbom.tool_named", false, fallback);
            return;
        }
        Some(Json::Array(tools)) => names.extend(tools.iter().filter_map(label)),
        Some(tools @ Json::Object(_)) => {
            for key in ["components", "services"] {
                names.extend(json::array_at(tools, key).iter().filter_map(label));
            }
        }
        Some(_) => {
            out.note(
                "`metadata.tools` is neither an array nor an object: ignored",
                &at,
            );
            out.boolean("sbom.tool_named", false, at);
            return;
        }
    }
    out.boolean("sbom.tool_named", !names.is_empty(), &at);
    if !names.is_empty() {
        out.text_set("sbom.tools", names, at);
    }
}

/// "name version", or "name" for a tool without a version.
fn label(tool: &Json) -> Option<String> {
    let name = json::str_at(tool, "name")?;
    Some(match json::str_at(tool, "version") {
        Some(version) => format!("{name} {version}"),
        None => name.to_owned(),
    })
}

/// The lifecycle phases CycloneDX 1.5 to 1.7 define (`metadata.lifecycles[].phase`).
const PHASES: &[&str] = &[
    "design",
    "pre-build",
    "build",
    "post-build",
    "operations",
    "discovery",
    "decommission",
];

/// `metadata.lifecycles` (CycloneDX 1.5 and later): when in the product's
/// lifecycle the BOM's data was captured. Each entry is a pre-defined
/// `phase` or a custom phase's `name`; both are kept as written.
/// A phase CycloneDX does not define is noted and kept.
fn lifecycles(metadata: &Json, at: &Pointer, out: &mut Facts) {
    let at = at.key("lifecycles");
    let entries = match metadata.get("lifecycles") {
        None | Some(Json::Null) => return,
        Some(Json::Array(entries)) => entries,
        Some(_) => {
            out.note("`metadata.lifecycles` is not an array: ignored", &at);
            return;
        }
    };
    let mut phases = BTreeSet::new();
    for (i, entry) in entries.iter().enumerate() {
        let here = at.index(i);
        if let Some(phase) = json::str_at(entry, "phase") {
            if !PHASES.contains(&phase) {
                out.note(
                    format!(
                        "lifecycle phase \"{}\" is not one CycloneDX defines ({}): kept as written",
                        quote(phase),
                        PHASES.join(", ")
                    ),
                    here.key("phase"),
                );
            }
            phases.insert(phase.to_owned());
        } else if let Some(name) = json::str_at(entry, "name") {
            phases.insert(name.to_owned());
        } else {
            out.note(
                "lifecycle with neither a `phase` nor a `name`: ignored",
                &here,
            );
        }
    }
    if !phases.is_empty() {
        out.text_set("sbom.lifecycles", phases, at);
    }
}
