//! Components, at any depth: one `Component` entity each, and the counts
//! behind the purl and strong-hash coverage facts.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{FactSink, Facts, Pointer, add_parent, time};

use assure_plugin_sdk::text::{member, quote};

/// Hash algorithms counted as strong (CycloneDX spells them this way; they
/// are compared ignoring ASCII case).
const STRONG_HASHES: &[&str] = &[
    "SHA-256",
    "SHA-384",
    "SHA-512",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "BLAKE2b-256",
    "BLAKE2b-384",
    "BLAKE2b-512",
    "BLAKE3",
];

/// What the coverage facts count.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    /// Components at any depth.
    pub(crate) count: u64,
    /// Components with a non-empty purl.
    pub(crate) with_purl: u64,
    /// Components with at least one strong hash.
    pub(crate) with_strong_hash: u64,
    /// The first component, in document order, without a purl.
    pub(crate) first_without_purl: Option<Pointer>,
    /// The first component, in document order, without a strong hash.
    pub(crate) first_without_strong_hash: Option<Pointer>,
}

/// Emits an entity for each component in `items` (at `at`) and those nested
/// in them, and counts them.
pub(crate) fn read(doc_name: &str, items: &[Json], at: &Pointer, out: &mut Facts) -> Coverage {
    let mut walk = Walk {
        doc_name,
        seen: BTreeMap::new(),
        coverage: Coverage::default(),
    };
    for (i, item) in items.iter().enumerate() {
        walk.component(item, at.index(i), None, out);
    }
    walk.coverage
}

struct Walk<'a> {
    doc_name: &'a str,
    /// Entity ids emitted so far, with the pointer of the component.
    seen: BTreeMap<String, Pointer>,
    coverage: Coverage,
}

impl Walk<'_> {
    /// One component and, recursively, its nested components. Depth is
    /// bounded by the JSON parser's nesting limit.
    fn component(&mut self, item: &Json, at: Pointer, parent: Option<&str>, out: &mut Facts) {
        if !item.is_object() {
            out.note("component is not an object: skipped", &at);
            return;
        }
        let info = Info::read(item, &at, out);
        self.count(&info, &at);

        let (id, by) = match (&info.purl, &info.bom_ref) {
            (Some(purl), _) => (purl.clone(), "purl"),
            (None, Some(bom_ref)) => (format!("{}#{bom_ref}", self.doc_name), "bom-ref"),
            (None, None) => (format!("{}#{at}", self.doc_name), "pointer"),
        };
        match self.seen.get(&id) {
            Some(first) => out.note(
                format!(
                    "component at {at} has the same {by} as the component at {first} (\"{}\"): read as one component",
                    quote(&id)
                ),
                &at,
            ),
            None => {
                self.seen.insert(id.clone(), at.clone());
                info.emit(&id, &at, parent, out);
            }
        }

        match item.get("components") {
            None | Some(Json::Null) => {}
            Some(Json::Array(nested)) => {
                let nested_at = at.key("components");
                for (i, child) in nested.iter().enumerate() {
                    self.component(child, nested_at.index(i), Some(&id), out);
                }
            }
            Some(_) => out.note(
                "`components` of a component is not an array: ignored",
                at.key("components"),
            ),
        }
    }

    fn count(&mut self, info: &Info, at: &Pointer) {
        let coverage = &mut self.coverage;
        coverage.count = coverage.count.saturating_add(1);
        if info.purl.is_some() {
            coverage.with_purl = coverage.with_purl.saturating_add(1);
        } else if coverage.first_without_purl.is_none() {
            coverage.first_without_purl = Some(at.clone());
        }
        if info.strong_hash.is_some() {
            coverage.with_strong_hash = coverage.with_strong_hash.saturating_add(1);
        } else if coverage.first_without_strong_hash.is_none() {
            coverage.first_without_strong_hash = Some(at.clone());
        }
    }
}

/// What one component says about itself.
struct Info {
    name: Option<String>,
    version: Option<String>,
    purl: Option<String>,
    bom_ref: Option<String>,
    kind: Option<String>,
    scope: Option<String>,
    supplier: Option<String>,
    licenses: Vec<String>,
    /// Where the licences are: `licenses`, or the component when it has none.
    licenses_at: Pointer,
    hashes: Vec<String>,
    /// Where the hashes are: `hashes`, or the component when it has none.
    hashes_at: Pointer,
    /// The pointer of the first strong hash, if any.
    strong_hash: Option<Pointer>,
    /// The stated end of support and where it is.
    end_of_support: Option<(String, Pointer)>,
}

impl Info {
    fn read(item: &Json, at: &Pointer, out: &mut Facts) -> Self {
        let name = member(item, "name", at, out);
        if name.is_none() {
            out.note("component without a name", at);
        }
        let supplier = item
            .get("supplier")
            .filter(|s| s.is_object())
            .and_then(|s| member(s, "name", &at.key("supplier"), out));
        let (hashes, strong_hash) = hashes(item, at);
        Self {
            name,
            version: member(item, "version", at, out),
            purl: member(item, "purl", at, out),
            bom_ref: member(item, "bom-ref", at, out),
            kind: member(item, "type", at, out),
            scope: member(item, "scope", at, out),
            supplier,
            licenses: licenses(item),
            licenses_at: member_or_self(item, at, "licenses"),
            hashes,
            hashes_at: member_or_self(item, at, "hashes"),
            strong_hash,
            end_of_support: end_of_support(item, at, out),
        }
    }

    fn emit(self, id: &str, at: &Pointer, parent: Option<&str>, out: &mut Facts) {
        let entity = out.entity("Component", id, at);
        match self.name {
            Some(name) => entity.text("name", name, at.key("name")),
            None => entity.text("name", "", at),
        }
        let texts = [
            ("version", "version", self.version),
            ("purl", "purl", self.purl),
            ("bom_ref", "bom-ref", self.bom_ref),
            ("component_type", "type", self.kind),
            ("scope", "scope", self.scope),
        ];
        for (path, key, value) in texts {
            if let Some(value) = value {
                entity.text(path, value, at.key(key));
            }
        }
        if let Some(supplier) = self.supplier {
            entity.text("supplier", supplier, at.key("supplier").key("name"));
        }
        entity.text_set("licenses", self.licenses, self.licenses_at);
        entity.text_set("hashes", self.hashes, self.hashes_at.clone());
        match self.strong_hash {
            Some(first) => entity.boolean("strong_hash", true, first),
            None => entity.boolean("strong_hash", false, self.hashes_at),
        }
        if let Some((date, date_at)) = self.end_of_support {
            entity.datetime("end_of_support", date, date_at);
        }
        if let Some(parent) = parent {
            add_parent(entity, "Component", parent);
        }
    }
}

/// `at/key` when the component has that member, else `at`.
fn member_or_self(item: &Json, at: &Pointer, key: &str) -> Pointer {
    if item.get(key).is_some() {
        at.key(key)
    } else {
        at.clone()
    }
}

/// Each `licenses[]` entry: `license.id`, else `license.name`, else `expression`.
fn licenses(item: &Json) -> Vec<String> {
    json::array_at(item, "licenses")
        .iter()
        .filter_map(|entry| {
            entry
                .get("license")
                .and_then(|l| json::str_at(l, "id").or_else(|| json::str_at(l, "name")))
                .or_else(|| json::str_at(entry, "expression"))
                .map(str::to_owned)
        })
        .collect()
}

/// Each `hashes[]` entry as "ALG:content", and the pointer of the first
/// strong one.
fn hashes(item: &Json, at: &Pointer) -> (Vec<String>, Option<Pointer>) {
    let mut all = Vec::new();
    let mut strong = None;
    for (i, hash) in json::array_at(item, "hashes").iter().enumerate() {
        let (Some(alg), Some(content)) = (json::str_at(hash, "alg"), json::str_at(hash, "content"))
        else {
            continue;
        };
        all.push(format!("{alg}:{content}"));
        if strong.is_none() && STRONG_HASHES.iter().any(|s| s.eq_ignore_ascii_case(alg)) {
            strong = Some(at.key("hashes").index(i));
        }
    }
    (all, strong)
}

/// The CycloneDX property taxonomy's name for when the manufacturer "ceases
/// any and all support of a component or service" (an ISO 8601 date or
/// timestamp): `cdx:lifecycle:milestone:endOfSupport`.
const END_OF_SUPPORT: &str = "cdx:lifecycle:milestone:endOfSupport";

/// The component's stated end of support: its `properties[]` entry named
/// [`END_OF_SUPPORT`] whose value is an RFC 3339 date-time or a bare date.
/// A value that is neither is noted and not used; of several, the earliest
/// stands (the stricter reading), with a note.
fn end_of_support(item: &Json, at: &Pointer, out: &mut Facts) -> Option<(String, Pointer)> {
    let mut found: Option<(String, Pointer)> = None;
    for (i, property) in json::array_at(item, "properties").iter().enumerate() {
        if json::str_at(property, "name") != Some(END_OF_SUPPORT) {
            continue;
        }
        let here = at.key("properties").index(i).key("value");
        let Some(value) = json::str_at(property, "value") else {
            out.note(
                format!("`{END_OF_SUPPORT}` without a value: ignored"),
                &here,
            );
            continue;
        };
        if !time::is_moment(value) {
            out.note(
                format!(
                    "`{END_OF_SUPPORT}` \"{}\" is not a date or an RFC 3339 date-time: ignored",
                    quote(value)
                ),
                &here,
            );
            continue;
        }
        match &found {
            Some((earlier, _)) if time::parse(earlier) <= time::parse(value) => {
                out.note(
                    format!("another `{END_OF_SUPPORT}`: the earliest, {earlier}, stands"),
                    &here,
                );
            }
            Some((later, _)) => {
                out.note(
                    format!(
                        "another `{END_OF_SUPPORT}`: the earliest, {value}, stands over {later}"
                    ),
                    &here,
                );
                found = Some((value.to_owned(), here));
            }
            None => found = Some((value.to_owned(), here)),
        }
    }
    found
}
