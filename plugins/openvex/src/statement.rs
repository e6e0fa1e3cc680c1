//! One statement: its vulnerability, status and words, and the products (or
//! their subcomponents, each with the product it is part of) it concerns.
//! Reads the 0.2.0 shape and the legacy pre-0.2 one (`vulnerability` and
//! `products` as plain text).

use std::collections::BTreeSet;

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::vex::Status;
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use crate::exposure::{Exposure, Located, Said, Scope, Stamp, Subject};
use assure_plugin_sdk::text::{MAX_ID, MAX_TEXT, checked, kind, optional, quote};
use assure_plugin_sdk::time;

/// The justifications OpenVEX defines for `not_affected`.
const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// The identifiers a 0.2.0 product may carry besides `@id`, in the order
/// they are preferred as its primary identifier.
const IDENTIFIERS: &[&str] = &["purl", "cpe23", "cpe22"];

/// Reads the statement `value` at `at` into one exposure per product or
/// subcomponent (a subcomponent once per product it is listed under, with
/// that product as its scope), appended to `exposures`.
///
/// # Errors
///
/// When the statement is not an object, names no vulnerability, has no
/// status or an unknown one, or a member has the wrong type.
pub(crate) fn read(
    value: &Json,
    at: &Pointer,
    document_time: Option<&Stamp>,
    exposures: &mut Vec<Exposure>,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    if !value.is_object() {
        return Err(error(
            format!("a statement must be an object, not {}", kind(value)),
            at,
        ));
    }
    let said = said(value, at, document_time, out)?;

    let products = array(value, "products", at)?;
    if products.is_empty() {
        out.note(
            format!(
                "statement about {} names no product: it applies to nothing and gives no exposure",
                quote(&said.vulnerability.text)
            ),
            at,
        );
        return Ok(());
    }
    // Before 0.2, subcomponents were listed once for the whole statement.
    let shared_subcomponents = array(value, "subcomponents", at)?;

    let mut seen = BTreeSet::new();
    let products_at = at.key("products");
    for (i, product) in products.iter().enumerate() {
        let product_at = products_at.index(i);
        let own_subcomponents = match product {
            Json::Object(_) => array(product, "subcomponents", &product_at)?,
            _ => &[],
        };
        let (subjects, scope) = if !own_subcomponents.is_empty() {
            (
                subjects(own_subcomponents, &product_at.key("subcomponents"), out)?,
                scope(product, &product_at, out)?,
            )
        } else if !shared_subcomponents.is_empty() {
            (
                subjects(shared_subcomponents, &at.key("subcomponents"), out)?,
                scope(product, &product_at, out)?,
            )
        } else {
            (
                subjects_one(product, &product_at, Role::Product, out)?,
                None,
            )
        };
        for subject in subjects {
            let key = (
                subject.reference.clone(),
                scope.as_ref().map(|s| s.refs.clone()),
            );
            if seen.insert(key) {
                exposures.push(Exposure::new(said.clone(), subject, scope.clone()));
            } else {
                out.note(
                    format!(
                        "the statement names \"{}\" more than once: read once",
                        quote(&subject.reference)
                    ),
                    &subject.at,
                );
            }
        }
    }
    Ok(())
}

/// The product `product` (at `at`) whose subcomponents the statement is
/// about: every identifier it carries. A product that carries none is noted,
/// and its subcomponents are read without a product.
fn scope(product: &Json, at: &Pointer, out: &mut Facts) -> Result<Option<Scope>, ExtractError> {
    let scope = subject(product, at, Role::Product)?.map(Scope::of);
    if scope.is_none() {
        out.note(
            "product without an `@id` or any identifier (purl, cpe23, cpe22): its subcomponents are read without the product they are part of",
            at,
        );
    }
    Ok(scope)
}

/// What the statement says, whatever product it names.
fn said(
    value: &Json,
    at: &Pointer,
    document_time: Option<&Stamp>,
    out: &mut Facts,
) -> Result<Said, ExtractError> {
    let vulnerability = vulnerability(value, at)?;
    let aliases_at = at.key("vulnerability").key("aliases");
    let aliases = aliases(value, &aliases_at, &vulnerability.text)?;
    let (status, status_source) = status(value, at)?;
    let text = |key: &str| -> Result<Option<Located>, ExtractError> {
        Ok(optional(value, key, at, MAX_TEXT)?.map(|s| Located::new(s, at.key(key))))
    };
    let justification = text("justification")?;
    let impact_statement = text("impact_statement")?;
    let action_statement = text("action_statement")?;

    if let Some(j) = &justification
        && !JUSTIFICATIONS.contains(&j.text.as_str())
    {
        out.note(
            format!(
                "justification \"{}\" is not one OpenVEX defines ({}): kept as written",
                quote(&j.text),
                JUSTIFICATIONS.join(", ")
            ),
            &j.at,
        );
    }
    if status == Status::NotAffected && justification.is_none() && impact_statement.is_none() {
        out.note(
            format!(
                "not_affected statement about {} without a justification or an impact statement, which OpenVEX requires: kept for policy to judge",
                quote(&vulnerability.text)
            ),
            at,
        );
    }

    let timestamp = match optional(value, "timestamp", at, MAX_ID)? {
        None => document_time.cloned(),
        Some(text) => {
            let stamp_at = at.key("timestamp");
            match time::parse(text) {
                Some(instant) => Some(Stamp {
                    text: text.to_owned(),
                    at: stamp_at,
                    instant,
                }),
                None => {
                    out.note(
                        format!(
                            "statement timestamp \"{}\" is not an RFC 3339 date-time: the document's timestamp is used",
                            quote(text)
                        ),
                        stamp_at,
                    );
                    document_time.cloned()
                }
            }
        }
    };

    Ok(Said {
        at: at.clone(),
        vulnerability,
        aliases,
        aliases_at,
        status,
        status_source,
        justification,
        impact_statement,
        action_statement,
        timestamp,
    })
}

/// `vulnerability.name` (else its `@id`), or the legacy plain text.
fn vulnerability(value: &Json, at: &Pointer) -> Result<Located, ExtractError> {
    let vuln_at = at.key("vulnerability");
    match value.get("vulnerability") {
        None | Some(Json::Null) => Err(error(
            "statement without a `vulnerability`: each statement names one, e.g. {\"name\": \"CVE-2021-44228\"}",
            at,
        )),
        Some(Json::String(s)) => match checked(s, &vuln_at, "vulnerability", MAX_ID)? {
            Some(name) => Ok(Located::new(name, vuln_at)),
            None => Err(error("`vulnerability` is blank", vuln_at)),
        },
        Some(object @ Json::Object(_)) => {
            for key in ["name", "@id"] {
                if let Some(name) = optional(object, key, &vuln_at, MAX_ID)? {
                    return Ok(Located::new(name, vuln_at.key(key)));
                }
            }
            Err(error(
                "`vulnerability` names nothing: give its `name`, e.g. \"CVE-2021-44228\"",
                vuln_at,
            ))
        }
        Some(other) => Err(error(
            format!(
                "`vulnerability` must be an object with a `name`, not {}",
                kind(other)
            ),
            vuln_at,
        )),
    }
}

/// The other ids of the vulnerability: `vulnerability.aliases` (0.2.0),
/// those that differ from its name. The legacy plain-text shape has none.
fn aliases(value: &Json, at: &Pointer, name: &str) -> Result<Vec<String>, ExtractError> {
    let Some(vulnerability @ Json::Object(_)) = value.get("vulnerability") else {
        return Ok(Vec::new());
    };
    let items = match vulnerability.get("aliases") {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(other) => {
            return Err(error(
                format!(
                    "`aliases` must be an array of vulnerability ids, not {}",
                    kind(other)
                ),
                at,
            ));
        }
    };
    let mut found = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = at.index(i);
        let Json::String(alias) = item else {
            return Err(error(
                format!(
                    "each of `aliases` must be a vulnerability id (text), not {}",
                    kind(item)
                ),
                here,
            ));
        };
        if let Some(alias) = checked(alias, &here, "aliases", MAX_ID)?
            && !alias.eq_ignore_ascii_case(name)
        {
            found.push(alias.to_owned());
        }
    }
    Ok(found)
}

/// The statement's `status`, normalised, and the word as written.
fn status(value: &Json, at: &Pointer) -> Result<(Status, Located), ExtractError> {
    let status_at = at.key("status");
    let Some(word) = optional(value, "status", at, MAX_ID)? else {
        return Err(error(
            "statement without a `status` (not_affected, affected, fixed or under_investigation)",
            at,
        ));
    };
    match Status::from_openvex(word) {
        Some(status) => Ok((status, Located::new(word, status_at))),
        None => Err(error(
            format!(
                "`status` \"{}\" is not an OpenVEX status: use not_affected, affected, fixed or under_investigation",
                quote(word)
            ),
            status_at,
        )),
    }
}

/// The array at `key` of `value`; absent or null is empty.
fn array<'a>(value: &'a Json, key: &str, at: &Pointer) -> Result<&'a [Json], ExtractError> {
    match value.get(key) {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(items)) => Ok(items),
        Some(other) => Err(error(
            format!("`{key}` must be an array, not {}", kind(other)),
            at.key(key),
        )),
    }
}

/// The products or subcomponents in `items` (at `at`) that carry an
/// identifier; those that carry none are noted.
fn subjects(items: &[Json], at: &Pointer, out: &mut Facts) -> Result<Vec<Subject>, ExtractError> {
    let mut found = Vec::new();
    for (i, item) in items.iter().enumerate() {
        found.extend(subjects_one(item, &at.index(i), Role::Subcomponent, out)?);
    }
    Ok(found)
}

/// Whether a subject is a statement's product or one of its subcomponents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Product,
    Subcomponent,
}

/// The product or subcomponent `item` at `at`, if it carries an identifier;
/// one that carries none is noted.
fn subjects_one(
    item: &Json,
    at: &Pointer,
    role: Role,
    out: &mut Facts,
) -> Result<Vec<Subject>, ExtractError> {
    match subject(item, at, role)? {
        Some(s) => Ok(vec![s]),
        None => {
            out.note(
                "product without an `@id` or any identifier (purl, cpe23, cpe22): it names nothing, so gives no exposure",
                at,
            );
            Ok(Vec::new())
        }
    }
}

/// `product:<id>` for a product whose id is a bare name (no `:`, so not a
/// purl, CPE or IRI), which the engine matches against the submitted
/// product's name.
fn product_name(id: &str, role: Role) -> Option<String> {
    (role == Role::Product && !id.contains(':')).then(|| format!("product:{id}"))
}

/// One product or subcomponent: an object with `@id` and `identifiers`, or
/// (before 0.2) plain text.
fn subject(item: &Json, at: &Pointer, role: Role) -> Result<Option<Subject>, ExtractError> {
    match item {
        Json::String(s) => Ok(checked(s, at, "product", MAX_ID)?.map(|r| Subject {
            reference: r.to_owned(),
            refs: std::iter::once(r.to_owned())
                .chain(product_name(r, role))
                .collect(),
            at: at.clone(),
        })),
        Json::Object(_) => {
            let id = optional(item, "@id", at, MAX_ID)?;
            let mut identifiers = Vec::new();
            match item.get("identifiers") {
                None | Some(Json::Null) => {}
                Some(ids @ Json::Object(_)) => {
                    let ids_at = at.key("identifiers");
                    for key in IDENTIFIERS {
                        if let Some(value) = optional(ids, key, &ids_at, MAX_ID)? {
                            identifiers.push(value);
                        }
                    }
                }
                Some(other) => {
                    return Err(error(
                        format!(
                            "`identifiers` must be an object (purl, cpe22, cpe23), not {}",
                            kind(other)
                        ),
                        at.key("identifiers"),
                    ));
                }
            }
            let Some(reference) = id.or_else(|| identifiers.first().copied()) else {
                return Ok(None);
            };
            let mut refs: Vec<String> = vec![reference.to_owned()];
            refs.extend(identifiers.iter().map(|s| (*s).to_owned()));
            refs.extend(id.and_then(|id| product_name(id, role)));
            Ok(Some(Subject {
                reference: reference.to_owned(),
                refs,
                at: at.clone(),
            }))
        }
        other => Err(error(
            format!(
                "a product must be an object with an `@id`, not {}",
                kind(other)
            ),
            at,
        )),
    }
}
