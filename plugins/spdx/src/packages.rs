//! Packages: one `Component` entity for each package other than the
//! document's subject, the counts behind the purl and strong-hash coverage
//! facts, and the advisory references of every package.

use std::collections::{BTreeMap, BTreeSet};

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{FactSink, Facts, Pointer, time};

use assure_plugin_sdk::text::quote;

use crate::text::{is_no_value, member, party_name};

/// Checksum algorithms counted as strong, in SPDX's spelling. They are
/// compared ignoring ASCII case, `-` and `_`, so CycloneDX's `SHA-256` is
/// recognised too.
const STRONG_HASHES: &[&str] = &[
    "SHA256",
    "SHA384",
    "SHA512",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "BLAKE2b-256",
    "BLAKE2b-384",
    "BLAKE2b-512",
    "BLAKE3",
];

/// What the coverage facts count, and the advisory references found.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    /// Packages other than the subject.
    pub(crate) count: u64,
    /// Of those, packages with a purl.
    pub(crate) with_purl: u64,
    /// Of those, packages with at least one strong checksum.
    pub(crate) with_strong_hash: u64,
    /// The first component, in document order, without a purl.
    pub(crate) first_without_purl: Option<Pointer>,
    /// The first component, in document order, without a strong checksum.
    pub(crate) first_without_strong_hash: Option<Pointer>,
    /// Every `advisory` external reference of every package (the subject's
    /// too), with its pointer, in document order.
    pub(crate) advisories: Vec<(String, Pointer)>,
}

/// Emits an entity for each package in `items` (at `at`) whose index is not
/// in `subjects`, and counts them.
pub(crate) fn read(
    doc_name: &str,
    items: &[Json],
    at: &Pointer,
    subjects: &BTreeSet<usize>,
    out: &mut Facts,
) -> Coverage {
    let mut coverage = Coverage::default();
    let mut seen: BTreeMap<String, Pointer> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let here = at.index(i);
        if !item.is_object() {
            out.note("package is not an object: skipped", &here);
            continue;
        }
        if subjects.contains(&i) {
            // The subject is the product, not a component; only its
            // advisories count (its name and supplier are product facts).
            let refs = ExternalRefs::read(item, &here, out);
            coverage.advisories.extend(refs.advisories);
            continue;
        }
        let info = Info::read(item, &here, out);
        coverage.advisories.extend(info.advisories.iter().cloned());
        count(&mut coverage, &info, &here);

        let (id, by) = match (&info.purl, &info.spdx_id) {
            (Some((purl, _)), _) => (purl.clone(), "purl"),
            (None, Some(spdx_id)) => (format!("{doc_name}#{spdx_id}"), "SPDXID"),
            (None, None) => (format!("{doc_name}#{here}"), "pointer"),
        };
        match seen.get(&id) {
            Some(first) => out.note(
                format!(
                    "package at {here} has the same {by} as the package at {first} (\"{}\"): read as one component",
                    quote(&id)
                ),
                &here,
            ),
            None => {
                seen.insert(id.clone(), here.clone());
                info.emit(&id, &here, out);
            }
        }
    }
    coverage
}

fn count(coverage: &mut Coverage, info: &Info, at: &Pointer) {
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

/// The supplier of a package, from `supplier`, else from `originator`, with
/// the pointer of the member it came from.
pub(crate) fn supplier(item: &Json, at: &Pointer, out: &mut Facts) -> Option<(String, Pointer)> {
    ["supplier", "originator"].iter().find_map(|key| {
        member(item, key, at, out)
            .and_then(|text| party_name(&text))
            .map(|name| (name, at.key(key)))
    })
}

/// What one package says about itself.
struct Info {
    name: Option<String>,
    version: Option<String>,
    spdx_id: Option<String>,
    /// The first purl, and its pointer.
    purl: Option<(String, Pointer)>,
    /// The first CPE 2.3, else the first CPE 2.2, and its pointer.
    cpe: Option<(String, Pointer)>,
    advisories: Vec<(String, Pointer)>,
    /// Where the external references are: `externalRefs`, or the package.
    refs_at: Pointer,
    purpose: Option<String>,
    supplier: Option<(String, Pointer)>,
    licenses: Vec<String>,
    /// Where the licences are: the first licence member, or the package.
    licenses_at: Pointer,
    hashes: Vec<String>,
    /// Where the checksums are: `checksums`, or the package when it has none.
    hashes_at: Pointer,
    /// The pointer of the first strong checksum, if any.
    strong_hash: Option<Pointer>,
    /// `validUntilDate`: the end of the supplier's support period.
    end_of_support: Option<(String, Pointer)>,
}

impl Info {
    fn read(item: &Json, at: &Pointer, out: &mut Facts) -> Self {
        let name = member(item, "name", at, out);
        if name.is_none() {
            out.note("package without a name", at);
        }
        let spdx_id = member(item, "SPDXID", at, out);
        if spdx_id.is_none() {
            out.note("package without an `SPDXID`", at);
        }
        let refs = ExternalRefs::read(item, at, out);
        let mut licenses = Vec::new();
        let mut licenses_at = None;
        for key in ["licenseConcluded", "licenseDeclared"] {
            if let Some(license) = member(item, key, at, out) {
                licenses.push(license);
                licenses_at.get_or_insert_with(|| at.key(key));
            }
        }
        let (hashes, strong_hash) = checksums(item, at, out);
        Self {
            name,
            version: member(item, "versionInfo", at, out),
            spdx_id,
            purl: refs.purl,
            cpe: refs.cpe23.or(refs.cpe22),
            advisories: refs.advisories,
            refs_at: member_or_self(item, at, "externalRefs"),
            purpose: member(item, "primaryPackagePurpose", at, out).map(|p| p.to_ascii_lowercase()),
            supplier: supplier(item, at, out),
            licenses,
            licenses_at: licenses_at.unwrap_or_else(|| at.clone()),
            hashes,
            hashes_at: member_or_self(item, at, "checksums"),
            strong_hash,
            end_of_support: valid_until(item, at, out),
        }
    }

    fn emit(self, id: &str, at: &Pointer, out: &mut Facts) {
        let entity = out.entity("Component", id, at);
        match self.name {
            Some(name) => entity.text("name", name, at.key("name")),
            None => entity.text("name", "", at),
        }
        if let Some(version) = self.version {
            entity.text("version", version, at.key("versionInfo"));
        }
        if let Some(spdx_id) = self.spdx_id {
            entity.text("spdx_id", spdx_id, at.key("SPDXID"));
        }
        if let Some((purl, purl_at)) = self.purl {
            entity.text("purl", purl, purl_at);
        }
        if let Some((cpe, cpe_at)) = self.cpe {
            entity.text("cpe", cpe, cpe_at);
        }
        if let Some(purpose) = self.purpose {
            entity.text("component_type", purpose, at.key("primaryPackagePurpose"));
        }
        if let Some((supplier, supplier_at)) = self.supplier {
            entity.text("supplier", supplier, supplier_at);
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
        if !self.advisories.is_empty() {
            entity.text_set(
                "advisories",
                self.advisories.into_iter().map(|(url, _)| url),
                self.refs_at,
            );
        }
    }
}

/// A package's `validUntilDate` (SPDX 2.3, 7.28: "the end of the support
/// period for a package from the supplier"), when it is a date-time. One that
/// is not is noted and not used.
fn valid_until(item: &Json, at: &Pointer, out: &mut Facts) -> Option<(String, Pointer)> {
    let date = member(item, "validUntilDate", at, out)?;
    let here = at.key("validUntilDate");
    if time::is_moment(&date) {
        return Some((date, here));
    }
    out.note(
        format!(
            "`validUntilDate` \"{}\" is not an RFC 3339 date-time: ignored",
            quote(&date)
        ),
        here,
    );
    None
}

/// The external references that matter: purl, CPEs and advisories.
#[derive(Default)]
struct ExternalRefs {
    purl: Option<(String, Pointer)>,
    cpe23: Option<(String, Pointer)>,
    cpe22: Option<(String, Pointer)>,
    advisories: Vec<(String, Pointer)>,
}

impl ExternalRefs {
    fn read(item: &Json, at: &Pointer, out: &mut Facts) -> Self {
        let mut refs = Self::default();
        let refs_at = at.key("externalRefs");
        let entries = match item.get("externalRefs") {
            None | Some(Json::Null) => return refs,
            Some(Json::Array(entries)) => entries,
            Some(_) => {
                out.note("`externalRefs` is not an array: ignored", &refs_at);
                return refs;
            }
        };
        let mut purls = 0_usize;
        for (i, entry) in entries.iter().enumerate() {
            let here = refs_at.index(i);
            let Some(kind) = json::str_at(entry, "referenceType") else {
                out.note(
                    "external reference without a `referenceType`: ignored",
                    &here,
                );
                continue;
            };
            let Some(locator) = json::str_at(entry, "referenceLocator").filter(|l| !is_no_value(l))
            else {
                if entry
                    .get("referenceLocator")
                    .is_some_and(|l| !l.is_string())
                {
                    out.note(
                        "`referenceLocator` is not text: ignored",
                        here.key("referenceLocator"),
                    );
                }
                continue;
            };
            let found = (locator.to_owned(), here.key("referenceLocator"));
            if kind.eq_ignore_ascii_case("purl") {
                purls = purls.saturating_add(1);
                refs.purl.get_or_insert(found);
            } else if kind.eq_ignore_ascii_case("cpe23Type") {
                refs.cpe23.get_or_insert(found);
            } else if kind.eq_ignore_ascii_case("cpe22Type") {
                refs.cpe22.get_or_insert(found);
            } else if kind.eq_ignore_ascii_case("advisory") {
                refs.advisories.push(found);
            }
        }
        if purls > 1 {
            out.note(
                format!("package has {purls} purls: the first is read"),
                &refs_at,
            );
        }
        refs
    }
}

/// `at/key` when the package has that member, else `at`.
fn member_or_self(item: &Json, at: &Pointer, key: &str) -> Pointer {
    if item.get(key).is_some() {
        at.key(key)
    } else {
        at.clone()
    }
}

/// Each `checksums[]` entry as "ALGORITHM:value", and the pointer of the
/// first strong one.
fn checksums(item: &Json, at: &Pointer, out: &mut Facts) -> (Vec<String>, Option<Pointer>) {
    let mut all = Vec::new();
    let mut strong = None;
    let entries = match item.get("checksums") {
        None | Some(Json::Null) => return (all, strong),
        Some(Json::Array(entries)) => entries,
        Some(_) => {
            out.note("`checksums` is not an array: ignored", at.key("checksums"));
            return (all, strong);
        }
    };
    for (i, checksum) in entries.iter().enumerate() {
        let (Some(alg), Some(value)) = (
            json::str_at(checksum, "algorithm"),
            json::str_at(checksum, "checksumValue"),
        ) else {
            out.note(
                "checksum without a text `algorithm` and `checksumValue`: ignored",
                at.key("checksums").index(i),
            );
            continue;
        };
        all.push(format!("{alg}:{value}"));
        if strong.is_none() && is_strong(alg) {
            strong = Some(at.key("checksums").index(i));
        }
    }
    (all, strong)
}

/// Whether `alg` names a strong hash algorithm (see [`STRONG_HASHES`]).
fn is_strong(alg: &str) -> bool {
    let folded = fold(alg);
    STRONG_HASHES.iter().any(|s| fold(s) == folded)
}

/// An algorithm name without `-` and `_`, in upper case.
fn fold(alg: &str) -> String {
    alg.chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_strong;

    #[test]
    fn strong_hashes() {
        for alg in [
            "SHA256",
            "sha-256",
            "SHA3-512",
            "BLAKE2b-384",
            "blake3",
            "SHA512",
        ] {
            assert!(is_strong(alg), "{alg}");
        }
        for alg in ["SHA1", "MD5", "SHA224", "ADLER32", "MD6", "", "SHA"] {
            assert!(!is_strong(alg), "{alg}");
        }
    }
}
