//! Facts with provenance, type-checked against the bundle's vocabulary, and
//! assembled into Cedar entities.
//!
//! Facts about the same entity from several documents merge. The same value
//! twice is one fact with two citations; different values are a conflict,
//! reported and never silently overwritten.

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy::{Entities, Entity, EntityUid};

mod cedar;
mod checked;
mod model;

pub use cedar::value_expression;
use cedar::{Node, record_tree, to_attrs};
use checked::checked;
pub use model::{
    DocumentNote, FactMap, FactProblem, FactRecord, FactValue, Provenance, Superseded,
    UnmatchedStatement,
};

use crate::plugin::{self, Extraction};
pub use crate::time::{format_datetime, normalise_datetime};
use crate::vocabulary::Vocabulary;
pub use crate::vocabulary::uid;

/// A non-product entity assembled from the evidence.
#[derive(Debug, Clone, Default)]
pub struct AssembledEntity {
    /// Its facts.
    pub facts: FactMap,
    /// Its parents (kind, id), beside the product.
    pub parents: BTreeSet<(String, String)>,
    /// Where it was described.
    pub provenance: Vec<Provenance>,
}

/// Whether a statement with `new` facts supersedes one with `old` facts:
/// `Some(true)` when its timestamp is later, `Some(false)` when earlier,
/// `None` when either has none or they are equal (then the facts merge, and
/// different values conflict).
fn supersedes(old: &FactMap, new: &[Stated]) -> Option<bool> {
    let Some(FactRecord {
        value: FactValue::Datetime(old_time),
        ..
    }) = old.get("timestamp")
    else {
        return None;
    };
    let new_time = new.iter().find_map(|(path, value, _)| match value {
        FactValue::Datetime(t) if path == "timestamp" => Some(t),
        _ => None,
    })?;
    let old_time: jiff::Timestamp = old_time.parse().ok()?;
    let new_time: jiff::Timestamp = new_time.parse().ok()?;
    match new_time.cmp(&old_time) {
        std::cmp::Ordering::Greater => Some(true),
        std::cmp::Ordering::Less => Some(false),
        std::cmp::Ordering::Equal => None,
    }
}

/// Everything the evidence says, ready for Cedar.
#[derive(Debug, Clone, Default)]
pub struct Assembly {
    /// Facts about the product.
    pub product: FactMap,
    /// Other entities by (kind, id).
    pub entities: BTreeMap<(String, String), AssembledEntity>,
    /// Undeclared, ill-typed or conflicting facts.
    pub problems: Vec<FactProblem>,
    /// VEX statements replaced by a later statement about the same thing.
    pub superseded: Vec<Superseded>,
    /// SBOMs whose product facts were set aside because another SBOM names
    /// the submitted product (their components are kept).
    pub set_aside: Vec<String>,
    /// Each document's product facts, merged by [`Assembly::finish`].
    pending: Vec<(Provenance, Vec<Stated>)>,
    /// VEX statements set aside before they could merge or supersede: about
    /// another product or version, or dated after the evaluation time.
    pub set_aside_statements: Vec<UnmatchedStatement>,
    /// Notes the engine makes while joining (ids it cannot look up…).
    pub notes: Vec<DocumentNote>,
    /// What the evidence must be about, and when: see [`Assembly::bound_to`].
    binding: Option<Binding>,
    /// Facts stated with different values: removed by [`Assembly::finish`],
    /// so the rules that read them are undecided rather than decided on one
    /// arbitrary side of the contradiction.
    conflicted: BTreeSet<(Option<(String, String)>, String)>,
}

/// The submission statements are bound to: a statement applies only to the
/// product it is about, and only once it has been made.
#[derive(Debug, Clone)]
struct Binding {
    product: crate::submission::Product,
    as_of: jiff::Timestamp,
}

impl Binding {
    /// Why a statement does not apply, if it does not: it is dated after the
    /// evaluation time (`true`: a problem too, since it may have displaced
    /// an earlier statement in its own document), or the product it says it
    /// is about is not the submitted one.
    fn refuses(&self, facts: &[Stated]) -> Option<(String, bool)> {
        for (path, value, _) in facts {
            match (path.as_str(), value) {
                ("timestamp", FactValue::Datetime(t)) => {
                    if let Ok(at) = t.parse::<jiff::Timestamp>()
                        && at > self.as_of
                    {
                        return Some((
                            format!(
                                "dated {t}, after the evaluation time {}: a statement not yet \
                                 made neither applies nor supersedes",
                                format_datetime(self.as_of)
                            ),
                            true,
                        ));
                    }
                }
                ("product_scope", FactValue::TextSet(scope)) if !scope.is_empty() => {
                    let names = |refs: &[String]| {
                        refs.iter()
                            .any(|r| crate::identity::names_product(r, &self.product))
                    };
                    // The subject itself may be the submitted product, in
                    // or on another (CSAF `installed_on` a platform).
                    let subject_is_product = facts.iter().any(|(path, value, _)| {
                        path == "product_refs"
                            && matches!(value, FactValue::TextSet(refs) if names(refs))
                    });
                    if !names(scope) && !subject_is_product {
                        return Some((
                            format!(
                                "about {}, not the submitted product `{}` version `{}`",
                                scope
                                    .iter()
                                    .map(|r| format!("`{r}`"))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                self.product.name,
                                self.product.version
                            ),
                            false,
                        ));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Product attributes the engine sets, from the manifest or by joining the
/// evidence; plugins may not.
pub(crate) const RESERVED: &[&str] = &[
    "name",
    "version",
    "supplier",
    "artifact_digests",
    "provenance.subject_matches_artifact",
    "security_txt.expired",
    "sbom.names_product",
    "dtac.names_product",
    "dtac.names_supplier",
    "mds2.names_product",
    "mds2.names_supplier",
    "pentest.names_product",
    "pentest.external",
    "scorecard.names_product",
    "cyber_essentials.scope_names_product",
    "assurance.names_product",
    "assurance.names_supplier",
];
/// Product attributes the engine sets from the manifest's `[product]`.
pub(crate) const MANIFEST_ATTRIBUTES: &[&str] = &["name", "version", "supplier"];
/// Entity attributes the engine sets by joining the evidence with itself and
/// the bundle's reference data; plugins may not.
const RESERVED_ENTITY: &[(&str, &str)] = &[
    ("Exposure", "matched"),
    ("Exposure", "known_exploited"),
    ("Exposure", "severity_rating"),
];
/// Entity kinds the engine owns.
const ENGINE_KINDS: &[&str] = &["Product", "Supplier", "Vulnerability"];
/// A fact as one document stated it: path, checked value, where.
type Stated = (String, FactValue, Provenance);

/// The product facts that describe one SBOM.
const SBOM_PREFIX: &str = "sbom.";

/// Whether an SBOM's facts name the submitted product as their subject.
fn describes(
    facts: &[(String, FactValue, Provenance)],
    product: &crate::submission::Product,
) -> bool {
    let get = |name: &str| {
        facts.iter().find_map(|(path, value, _)| match value {
            FactValue::Text(t) if path == name => Some(t.trim()),
            _ => None,
        })
    };
    let name_matches =
        get("sbom.subject_name").is_some_and(|n| n.eq_ignore_ascii_case(product.name.trim()));
    let version_matches =
        get("sbom.subject_version").is_none_or(|v| v.eq_ignore_ascii_case(product.version.trim()));
    name_matches && version_matches
}

/// Whether an entity attribute is one the engine sets (never a plugin).
pub(crate) fn is_engine_fact(kind: &str, attribute: &str) -> bool {
    RESERVED_ENTITY.contains(&(kind, attribute))
}

/// Whether an entity kind is one the engine owns.
pub(crate) fn is_engine_kind(kind: &str) -> bool {
    ENGINE_KINDS.contains(&kind)
}

/// The entity kind whose statements supersede each other by timestamp.
const STATEMENT_KIND: &str = "Exposure";

impl Assembly {
    /// An assembly for a submission: VEX statements about another product
    /// or version, or dated after `as_of`, are set aside as they are added
    /// (listed, never merged, never superseding).
    pub fn bound_to(product: &crate::submission::Product, as_of: jiff::Timestamp) -> Self {
        Self {
            binding: Some(Binding {
                product: product.clone(),
                as_of,
            }),
            ..Self::default()
        }
    }

    /// Adds one document's extraction, checking every fact against the
    /// vocabulary.
    pub fn add(&mut self, vocabulary: &Vocabulary, source: &Provenance, extraction: Extraction) {
        let mut product_facts = Vec::new();
        for fact in extraction.facts {
            let label = fact.path.clone();
            if RESERVED.contains(&fact.path.as_str()) {
                self.problem(
                    source,
                    &label,
                    "is set by the engine from the manifest; a plugin may not set it".into(),
                );
                continue;
            }
            match checked(vocabulary, "Product", &fact) {
                Ok(value) => {
                    let provenance = at(source, &fact.location);
                    product_facts.push((fact.path, value, provenance));
                }
                Err(message) => self.problem(source, &label, message),
            }
        }
        self.pending.push((source.clone(), product_facts));
        for entity in extraction.entities {
            let name = format!("{}[{}]", entity.kind, entity.id);
            if ENGINE_KINDS.contains(&entity.kind.as_str()) || !vocabulary.has_entity(&entity.kind)
            {
                self.problem(
                    source,
                    &name,
                    format!(
                        "entity kind `{}` is not one plugins may describe in this bundle's schema",
                        entity.kind
                    ),
                );
                continue;
            }
            if entity.id.is_empty() {
                self.problem(source, &name, "has an empty id".into());
                continue;
            }
            let key = (entity.kind.clone(), entity.id.clone());
            let mut facts = Vec::new();
            for fact in entity.facts {
                let label = format!("{name}.{}", fact.path);
                if RESERVED_ENTITY.contains(&(entity.kind.as_str(), fact.path.as_str())) {
                    self.problem(
                        source,
                        &label,
                        "is set by the engine; a plugin may not set it".into(),
                    );
                    continue;
                }
                match checked(vocabulary, &entity.kind, &fact) {
                    Ok(value) => facts.push((fact.path, value, at(source, &fact.location))),
                    Err(message) => self.problem(source, &label, message),
                }
            }
            if entity.kind == STATEMENT_KIND
                && let Some((reason, problem)) =
                    self.binding.as_ref().and_then(|b| b.refuses(&facts))
            {
                let text_of = |want: &str| {
                    facts.iter().find_map(|(path, value, _)| match value {
                        FactValue::Text(t) if path == want => Some(vec![t.clone()]),
                        FactValue::TextSet(set) if path == want => Some(set.clone()),
                        _ => None,
                    })
                };
                if problem {
                    self.problem(source, &name, format!("is not applied: {reason}"));
                }
                self.set_aside_statements.push(UnmatchedStatement {
                    exposure: entity.id.clone(),
                    vulnerability: text_of("vulnerability")
                        .and_then(|v| v.into_iter().next())
                        .unwrap_or_default(),
                    product_refs: text_of("product_refs").unwrap_or_default(),
                    product_scope: text_of("product_scope").unwrap_or_default(),
                    reason,
                    provenance: vec![at(source, &entity.location)],
                });
                continue;
            }
            if entity.kind == STATEMENT_KIND
                && let Some(existing) = self.entities.get(&key)
            {
                match supersedes(&existing.facts, &facts) {
                    Some(true) => {
                        self.superseded.push(Superseded {
                            entity: name.clone(),
                            by: at(source, &entity.location),
                            replaced: existing.provenance.clone(),
                        });
                        self.entities.remove(&key);
                        self.conflicted.retain(|(e, _)| e.as_ref() != Some(&key));
                    }
                    Some(false) => {
                        self.superseded.push(Superseded {
                            entity: name.clone(),
                            by: existing.provenance.first().cloned().unwrap_or_default(),
                            replaced: vec![at(source, &entity.location)],
                        });
                        continue;
                    }
                    None => {}
                }
            }
            // The engine makes every entity a child of the submission's
            // product; a plugin naming a product, supplier or vulnerability
            // (or a kind the schema lacks) as a parent would attach the
            // entity to something the manifest does not name.
            let (parents, refused): (Vec<_>, Vec<_>) =
                entity.parents.into_iter().partition(|parent| {
                    !ENGINE_KINDS.contains(&parent.kind.as_str())
                        && vocabulary.has_entity(&parent.kind)
                });
            for parent in refused {
                self.problem(
                    source,
                    &name,
                    format!(
                        "names parent {}[{}], which is not an entity plugins may describe \
                         (only the engine attaches entities to the product, supplier and \
                         vulnerabilities); the parent is ignored",
                        parent.kind, parent.id
                    ),
                );
            }
            let slot = self.entities.entry(key.clone()).or_default();
            slot.provenance.push(at(source, &entity.location));
            for parent in parents {
                slot.parents.insert((parent.kind, parent.id));
            }
            let mut conflicts = Vec::new();
            for (path, value, provenance) in facts {
                if let Err(message) = merge(&mut slot.facts, path.clone(), value, provenance) {
                    conflicts.push((path, message));
                }
            }
            for (path, message) in conflicts {
                self.problem(source, &format!("{name}.{path}"), message);
                self.conflicted.insert((Some(key.clone()), path));
            }
        }
    }

    /// Merges the product facts of every document, then removes contradictory
    /// facts; call once every document is added.
    ///
    /// Several SBOMs: the product's `sbom.*` facts come from the one whose
    /// subject (name, and version when it states one) is the submitted
    /// product; the others' `sbom.*` facts are set aside with a note (their
    /// components are kept). When none or several name the product, their
    /// facts merge as any others do, and differing values are contradictions.
    pub fn finish(&mut self, product: &crate::submission::Product) {
        let pending = std::mem::take(&mut self.pending);
        let sbom_documents: Vec<Provenance> = pending
            .iter()
            .filter(|(_, facts)| {
                facts
                    .iter()
                    .any(|(path, _, _)| path.starts_with(SBOM_PREFIX))
            })
            .map(|(source, _)| source.clone())
            .collect();
        let chosen: Option<Provenance> = if sbom_documents.len() > 1 {
            let naming: Vec<&Provenance> = sbom_documents
                .iter()
                .filter(|source| {
                    pending
                        .iter()
                        .find(|(s, _)| s == *source)
                        .is_some_and(|(_, facts)| describes(facts, product))
                })
                .collect();
            match naming.as_slice() {
                [one] => Some((*one).clone()),
                _ => None,
            }
        } else {
            None
        };
        for (source, facts) in pending {
            let set_aside = chosen
                .as_ref()
                .is_some_and(|c| c.document != source.document || c.plugin != source.plugin);
            for (path, value, provenance) in facts {
                if set_aside && path.starts_with(SBOM_PREFIX) {
                    continue;
                }
                if let Err(message) = merge(&mut self.product, path.clone(), value, provenance) {
                    self.conflicted.insert((None, path.clone()));
                    self.problem(&source, &path, message);
                }
            }
            if set_aside && sbom_documents.contains(&source) {
                self.set_aside.push(source.document.clone());
            }
        }

        for (entity, path) in std::mem::take(&mut self.conflicted) {
            match entity {
                None => {
                    self.product.remove(&path);
                }
                Some(key) => {
                    if let Some(entity) = self.entities.get_mut(&key) {
                        entity.facts.remove(&path);
                    }
                }
            }
        }
    }

    /// Sets a fact the engine derives (never a plugin's), replacing any value.
    pub fn set_derived(
        &mut self,
        entity: Option<&(String, String)>,
        path: &str,
        value: FactValue,
        provenance: Vec<Provenance>,
    ) {
        let record = FactRecord { value, provenance };
        match entity {
            None => {
                self.product.insert(path.to_owned(), record);
            }
            Some(key) => {
                self.entities
                    .entry(key.clone())
                    .or_default()
                    .facts
                    .insert(path.to_owned(), record);
            }
        }
    }

    fn problem(&mut self, source: &Provenance, fact: &str, message: String) {
        self.problems.push(FactProblem {
            plugin: source.plugin.clone(),
            document: source.document.clone(),
            fact: fact.to_owned(),
            message,
        });
    }

    /// The Cedar entities: the supplier, the product and every other entity.
    pub fn to_entities(
        &self,
        product: &crate::submission::Product,
    ) -> Result<(Entities, EntityUid, EntityUid), crate::error::SchemaError> {
        let supplier = uid("Supplier", &product.supplier)?;
        let product_uid = uid("Product", &product.name)?;
        let mut entities = vec![Entity::new_no_attrs(supplier.clone(), Default::default())];

        let mut attrs = record_tree(&self.product);
        attrs.insert(
            "name".into(),
            Node::Leaf(FactValue::Text(product.name.clone())),
        );
        attrs.insert(
            "version".into(),
            Node::Leaf(FactValue::Text(product.version.clone())),
        );
        attrs.insert(
            "supplier".into(),
            Node::Leaf(FactValue::Text(product.supplier.clone())),
        );

        entities.push(
            Entity::new(
                product_uid.clone(),
                to_attrs(attrs),
                [supplier.clone()].into_iter().collect(),
            )
            .map_err(|e| format!("product: {e}"))?,
        );
        for ((kind, id), entity) in &self.entities {
            let mut parents: std::collections::HashSet<EntityUid> =
                [product_uid.clone()].into_iter().collect();
            for (parent_kind, parent_id) in &entity.parents {
                parents.insert(uid(parent_kind, parent_id)?);
            }
            entities.push(
                Entity::new(
                    uid(kind, id)?,
                    to_attrs(record_tree(&entity.facts)),
                    parents,
                )
                .map_err(|e| format!("{kind}[{id}]: {e}"))?,
            );
        }
        let entities = Entities::from_entities(entities, None).map_err(|e| e.to_string())?;
        Ok((entities, supplier, product_uid))
    }
}

fn at(source: &Provenance, location: &plugin::Location) -> Provenance {
    Provenance {
        location: location_text(location),
        ..source.clone()
    }
}

/// A location as decisions print it: a JSON Pointer, `line N`, or empty for
/// the whole document.
pub(crate) fn location_text(location: &plugin::Location) -> String {
    match location {
        plugin::Location::Whole => String::new(),
        plugin::Location::Pointer(p) => p.clone(),
        plugin::Location::Line(n) => format!("line {n}"),
    }
}

fn merge(
    map: &mut FactMap,
    path: String,
    value: FactValue,
    provenance: Provenance,
) -> Result<(), String> {
    match map.get_mut(&path) {
        None => {
            map.insert(
                path,
                FactRecord {
                    value,
                    provenance: vec![provenance],
                },
            );
            Ok(())
        }
        Some(existing) if existing.value == value => {
            if !existing.provenance.contains(&provenance) {
                existing.provenance.push(provenance);
            }
            Ok(())
        }
        Some(existing) => {
            let first = existing
                .provenance
                .first()
                .map(|p| format!(" by `{}`", p.document))
                .unwrap_or_default();
            Err(format!(
                "contradicts an earlier value: {} (stated{first}) against {value}",
                existing.value
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_are_normalised_to_utc() {
        assert_eq!(
            normalise_datetime("2020-04-13T20:20:39+00:00").as_deref(),
            Some("2020-04-13T20:20:39Z")
        );
        assert_eq!(
            normalise_datetime("2020-04-13T21:20:39+01:00").as_deref(),
            Some("2020-04-13T20:20:39Z")
        );
        assert_eq!(
            normalise_datetime("2026-04-06").as_deref(),
            Some("2026-04-06T00:00:00Z")
        );
        assert_eq!(normalise_datetime("yesterday"), None);
    }

    #[test]
    fn decimals_must_fit_cedar() {
        assert!(checked::is_cedar_decimal("7.5"));
        assert!(checked::is_cedar_decimal("-10"));
        assert!(!checked::is_cedar_decimal("7.55555"));
        assert!(!checked::is_cedar_decimal("1e3"));
    }
}
