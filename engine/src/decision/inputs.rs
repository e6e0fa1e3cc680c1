//! What a decision records of its inputs and of the facts it was reached on:
//! each evidence file, plugin and reference dataset with its digest, and
//! every fact with where it came from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::facts::{Assembly, FactMap, Provenance};
use crate::plugin::Extraction;

/// Every input of the decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inputs {
    /// The manifest's SHA-256.
    pub manifest_sha256: String,
    /// Each evidence file.
    pub evidence: Vec<EvidenceInput>,
    /// Each plugin that ran.
    pub plugins: Vec<PluginInput>,
    /// Files in the submission folder the manifest does not declare; not judged.
    pub unlisted: Vec<String>,
    /// The bundle's reference data.
    pub reference_data: Vec<DataInput>,
}

/// An evidence file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceInput {
    /// Its path.
    pub path: String,
    /// Its media type.
    pub media_type: String,
    /// Whether the media type was declared (else sniffed).
    pub media_type_declared: bool,
    /// Its SHA-256.
    pub sha256: String,
    /// Its size in bytes.
    pub size: usize,
    /// The plugins it was routed to (by its media type).
    pub plugins: Vec<String>,
}

/// Reference data the bundle carried.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataInput {
    /// What it is (`kev`).
    pub name: String,
    /// Its path in the bundle.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The data's own version (the KEV `catalogVersion`).
    pub version: String,
    /// When it was released.
    pub released: String,
    /// How many entries it holds.
    pub entries: usize,
    /// Where it came from: `bundle`, or `operator` (`--reference`).
    pub origin: crate::bundle::DataOrigin,
    /// How old the bundle lets it be when a check uses it.
    pub max_age_days: u32,
    /// Its age in whole days at the evaluation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    /// Older than `max_age_days` at the evaluation time: the decision is
    /// needs-evidence at best, and lists it under missing evidence.
    pub stale: bool,
}

/// The facts the rules saw.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FactsReport {
    /// What each plugin contributed from each document.
    pub contributions: Vec<Contribution>,
    /// The product's facts, by path, after merging every document.
    pub product: FactMap,
    /// Every other entity, with its facts.
    pub entities: Vec<EntityReport>,
}

/// What one plugin read from one document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contribution {
    /// The document.
    pub document: String,
    /// The plugin.
    pub plugin: String,
    /// The product fact paths it stated.
    pub facts: Vec<String>,
    /// How many entities of each kind it described.
    pub entities: BTreeMap<String, usize>,
    /// How many notes it made.
    pub notes: usize,
}

impl Contribution {
    /// What an extraction holds.
    pub(crate) fn of(document: &str, plugin: &str, extraction: &Extraction) -> Self {
        let mut facts: Vec<String> = extraction.facts.iter().map(|f| f.path.clone()).collect();
        facts.sort();
        facts.dedup();
        let mut entities = BTreeMap::new();
        for entity in &extraction.entities {
            *entities.entry(entity.kind.clone()).or_insert(0) += 1;
        }
        Self {
            document: document.to_owned(),
            plugin: plugin.to_owned(),
            facts,
            entities,
            notes: extraction.notes.len(),
        }
    }
}

/// An entity the rules saw.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntityReport {
    /// Its kind.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Its parents besides the product, as `Kind[id]`.
    pub parents: Vec<String>,
    /// Its facts.
    pub facts: FactMap,
    /// Where it was described.
    pub provenance: Vec<Provenance>,
}

impl FactsReport {
    /// The report of an assembly.
    pub(crate) fn of(assembly: &Assembly, contributions: Vec<Contribution>) -> Self {
        Self {
            contributions,
            product: assembly.product.clone(),
            entities: assembly
                .entities
                .iter()
                .map(|((kind, id), entity)| EntityReport {
                    kind: kind.clone(),
                    id: id.clone(),
                    parents: entity
                        .parents
                        .iter()
                        .map(|(k, i)| format!("{k}[{i}]"))
                        .collect(),
                    facts: entity.facts.clone(),
                    provenance: entity.provenance.clone(),
                })
                .collect(),
        }
    }
}

/// A plugin that ran.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PluginInput {
    /// Its name in the bundle.
    pub name: String,
    /// The version it reports.
    pub version: String,
    /// Its SHA-256.
    pub sha256: String,
}
