//! Relationships: what the document describes (its subject), whether there is
//! a dependency graph among its packages, and which relationship ends name no
//! element declared in the document.

use std::collections::BTreeSet;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{FactSink, Facts, Pointer};

use assure_plugin_sdk::text::{long, quote};

use crate::text::is_no_value;

/// Relationship types that make a dependency graph when both ends are
/// packages: dependencies, containment and linking.
const GRAPH_TYPES: &[&str] = &[
    "DEPENDS_ON",
    "DEPENDENCY_OF",
    "BUILD_DEPENDENCY_OF",
    "DEV_DEPENDENCY_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "PROVIDED_DEPENDENCY_OF",
    "TEST_DEPENDENCY_OF",
    "RUNTIME_DEPENDENCY_OF",
    "CONTAINS",
    "CONTAINED_BY",
    "DYNAMIC_LINK",
    "STATIC_LINK",
    "HAS_PREREQUISITE",
    "PREREQUISITE_FOR",
];

/// The SPDX identifiers the document declares.
pub(crate) struct Declared<'a> {
    /// Every package's `SPDXID`.
    pub(crate) packages: BTreeSet<&'a str>,
    /// Packages, files, snippets and the document itself.
    pub(crate) all: BTreeSet<&'a str>,
    /// `externalDocumentRefs[].externalDocumentId`.
    pub(crate) external_documents: BTreeSet<&'a str>,
}

impl<'a> Declared<'a> {
    /// Collects the identifiers of `root`, whose own `SPDXID` is `document`.
    pub(crate) fn read(root: &'a Json, document: &'a str) -> Self {
        let ids = |key: &str| -> BTreeSet<&'a str> {
            json::array_at(root, key)
                .iter()
                .filter_map(|item| json::str_at(item, "SPDXID"))
                .collect()
        };
        let packages = ids("packages");
        let mut all = packages.clone();
        all.extend(ids("files"));
        all.extend(ids("snippets"));
        all.insert(document);
        let external_documents = json::array_at(root, "externalDocumentRefs")
            .iter()
            .filter_map(|item| json::str_at(item, "externalDocumentId"))
            .collect();
        Self {
            packages,
            all,
            external_documents,
        }
    }
}

/// The elements the document describes, in order, each once, with where it
/// says so: `documentDescribes`, then `DESCRIBES` relationships from the
/// document and `DESCRIBED_BY` relationships to it.
pub(crate) fn described<'a>(
    root: &'a Json,
    document: &str,
    relationships: &'a [Json],
) -> Vec<(&'a str, Pointer)> {
    let mut found: Vec<(&'a str, Pointer)> = Vec::new();
    let mut push = |id: &'a str, at: Pointer| {
        if !found.iter().any(|(seen, _)| *seen == id) {
            found.push((id, at));
        }
    };
    let describes_at = Pointer::root().key("documentDescribes");
    for (i, id) in json::array_at(root, "documentDescribes").iter().enumerate() {
        if let Some(id) = id.as_str().map(str::trim).filter(|id| !id.is_empty()) {
            push(id, describes_at.index(i));
        }
    }
    let at = Pointer::root().key("relationships");
    for (i, relationship) in relationships.iter().enumerate() {
        let (Some(from), Some(kind), Some(to)) = (
            json::str_at(relationship, "spdxElementId"),
            json::str_at(relationship, "relationshipType"),
            json::str_at(relationship, "relatedSpdxElement"),
        ) else {
            continue;
        };
        let here = at.index(i);
        if kind == "DESCRIBES" && from == document {
            push(to, here.key("relatedSpdxElement"));
        } else if kind == "DESCRIBED_BY" && to == document {
            push(from, here.key("spdxElementId"));
        }
    }
    found
}

/// Reads `relationships` (and `documentDescribes`) and emits
/// `sbom.dependency_graph` and `sbom.dangling_refs`.
pub(crate) fn read(root: &Json, relationships: &[Json], declared: &Declared<'_>, out: &mut Facts) {
    let at = Pointer::root().key("relationships");
    let fallback = if root.get("relationships").is_some() {
        at.clone()
    } else {
        Pointer::root()
    };

    let mut dangling = Dangling::default();
    let describes_at = Pointer::root().key("documentDescribes");
    for (i, id) in json::array_at(root, "documentDescribes").iter().enumerate() {
        dangling.check(id, describes_at.index(i), declared, out);
    }

    let mut graph: Option<Pointer> = None;
    for (i, relationship) in relationships.iter().enumerate() {
        let here = at.index(i);
        if !relationship.is_object() {
            out.note("relationship is not an object: ignored", &here);
            continue;
        }
        let mut ends = [None, None];
        for (end, key) in ends.iter_mut().zip(["spdxElementId", "relatedSpdxElement"]) {
            match relationship.get(key) {
                Some(reference) => {
                    dangling.check(reference, here.key(key), declared, out);
                    *end = reference.as_str().map(str::trim);
                }
                None => out.note(format!("relationship without `{key}`"), &here),
            }
        }
        let kind = match relationship.get("relationshipType") {
            Some(Json::String(kind)) => kind.trim(),
            Some(_) => {
                out.note(
                    "`relationshipType` is not text: ignored",
                    here.key("relationshipType"),
                );
                continue;
            }
            None => {
                out.note("relationship without a `relationshipType`", &here);
                continue;
            }
        };
        if graph.is_none()
            && GRAPH_TYPES.contains(&kind)
            && ends
                .iter()
                .all(|end| end.is_some_and(|id| declared.packages.contains(id)))
        {
            graph = Some(here);
        }
    }

    match graph {
        Some(first) => out.boolean("sbom.dependency_graph", true, first),
        None => out.boolean("sbom.dependency_graph", false, fallback.clone()),
    }
    match dangling.first {
        Some((pointer, text)) => {
            out.note(
                format!(
                    "{} relationship end(s) name no SPDXID declared in this document; the first is {text}",
                    dangling.count
                ),
                &pointer,
            );
            out.long("sbom.dangling_refs", long(dangling.count), pointer);
        }
        None => out.long("sbom.dangling_refs", 0, fallback),
    }
}

/// Relationship ends that match no declared SPDXID.
#[derive(Default)]
struct Dangling {
    count: u64,
    /// The first one: where, and what it says.
    first: Option<(Pointer, String)>,
}

impl Dangling {
    /// Counts `reference` when it names no declared element. `NONE`,
    /// `NOASSERTION` and references into other documents
    /// (`DocumentRef-x:SPDXRef-y`) are not dangling; a reference to an
    /// external document that `externalDocumentRefs` does not declare is
    /// noted. A reference that is not text names nothing, so it counts.
    fn check(&mut self, reference: &Json, at: Pointer, declared: &Declared<'_>, out: &mut Facts) {
        let text = match reference {
            Json::String(s) => {
                let s = s.trim();
                if declared.all.contains(s) || is_no_value(s) {
                    return;
                }
                if let Some((document, _)) = s.split_once(':')
                    && document.starts_with("DocumentRef-")
                {
                    if !declared.external_documents.contains(document) {
                        out.note(
                            format!(
                                "\"{}\" names an external document that `externalDocumentRefs` does not declare",
                                quote(s)
                            ),
                            &at,
                        );
                    }
                    return;
                }
                format!("\"{}\"", quote(s))
            }
            _ => "not text".to_owned(),
        };
        self.count = self.count.saturating_add(1);
        if self.first.is_none() {
            self.first = Some((at, text));
        }
    }
}
