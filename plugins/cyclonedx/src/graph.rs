//! The dependency graph: whether there is one, and which of its references
//! name no `bom-ref` declared in the document.

use std::collections::BTreeSet;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{FactSink, Facts, Pointer};

use assure_plugin_sdk::text::{long, quote};

/// Reads `dependencies` and emits `sbom.dependency_graph` and
/// `sbom.dangling_refs`.
pub(crate) fn read(root: &Json, out: &mut Facts) {
    let mut declared = BTreeSet::new();
    if let Some(subject) = root.get("metadata").and_then(|m| m.get("component")) {
        declare(subject, &mut declared);
    }
    for key in ["components", "services"] {
        for item in json::array_at(root, key) {
            declare(item, &mut declared);
        }
    }

    let at = Pointer::root().key("dependencies");
    let fallback = if root.get("dependencies").is_some() {
        at.clone()
    } else {
        Pointer::root()
    };
    let dependencies: &[Json] = match root.get("dependencies") {
        None => &[],
        Some(Json::Array(items)) => items,
        Some(_) => {
            out.note("`dependencies` is not an array: ignored", &at);
            &[]
        }
    };
    out.boolean(
        "sbom.dependency_graph",
        !dependencies.is_empty(),
        fallback.clone(),
    );

    let mut dangling = Dangling::default();
    for (i, dependency) in dependencies.iter().enumerate() {
        let here = at.index(i);
        if !dependency.is_object() {
            out.note("dependency is not an object: ignored", &here);
            continue;
        }
        match dependency.get("ref") {
            Some(reference) => dangling.check(reference, here.key("ref"), &declared),
            None => out.note("dependency without a `ref`", &here),
        }
        match dependency.get("dependsOn") {
            None => {}
            Some(Json::Array(targets)) => {
                let targets_at = here.key("dependsOn");
                for (j, target) in targets.iter().enumerate() {
                    dangling.check(target, targets_at.index(j), &declared);
                }
            }
            Some(_) => out.note(
                "`dependsOn` is not an array: ignored",
                here.key("dependsOn"),
            ),
        }
    }

    match dangling.first {
        Some((pointer, text)) => {
            out.note(
                format!(
                    "{} dependency reference(s) name no bom-ref declared in this document; the first is {text}",
                    dangling.count
                ),
                &pointer,
            );
            out.long("sbom.dangling_refs", long(dangling.count), pointer);
        }
        None => out.long("sbom.dangling_refs", 0, fallback),
    }
}

/// Dependency references that match no declared bom-ref.
#[derive(Default)]
struct Dangling {
    count: u64,
    /// The first one: where, and what it says.
    first: Option<(Pointer, String)>,
}

impl Dangling {
    /// Counts `reference` when it names no declared bom-ref. A reference that
    /// is not text names nothing, so it counts too.
    fn check(&mut self, reference: &Json, at: Pointer, declared: &BTreeSet<&str>) {
        let text = match reference {
            Json::String(s) if declared.contains(s.as_str()) => return,
            Json::String(s) => format!("\"{}\"", quote(s)),
            _ => "not text".to_owned(),
        };
        self.count = self.count.saturating_add(1);
        if self.first.is_none() {
            self.first = Some((at, text));
        }
    }
}

/// Adds the bom-ref of a component or service, and of those nested in it, to
/// `declared`. Depth is bounded by the JSON parser's nesting limit.
fn declare<'a>(item: &'a Json, declared: &mut BTreeSet<&'a str>) {
    if let Some(reference) = item.get("bom-ref").and_then(Json::as_str)
        && !reference.is_empty()
    {
        declared.insert(reference);
    }
    for key in ["components", "services"] {
        for nested in json::array_at(item, key) {
            declare(nested, declared);
        }
    }
}
