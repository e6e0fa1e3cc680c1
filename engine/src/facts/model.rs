//! The facts' data model: a typed value, where it came from, and what a
//! decision reports about facts that were ill-stated, superseded, noted or
//! did not apply.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A fact's value, checked against its declared type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Long(i64),
    /// Text.
    Text(String),
    /// A set of text, sorted.
    TextSet(Vec<String>),
    /// A decimal literal.
    Decimal(String),
    /// A date-time, normalised to UTC (`2026-04-06T00:00:00Z`).
    Datetime(String),
}

impl std::fmt::Display for FactValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FactValue::Bool(b) => write!(f, "{b}"),
            FactValue::Long(n) => write!(f, "{n}"),
            FactValue::Text(s) | FactValue::Decimal(s) | FactValue::Datetime(s) => {
                write!(f, "{s:?}")
            }
            FactValue::TextSet(set) => write!(f, "[{}]", set.join(", ")),
        }
    }
}

/// Where a fact came from: the plugin, the document and the place in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Provenance {
    /// The evidence file, relative to the submission.
    pub document: String,
    /// Its SHA-256.
    pub document_sha256: String,
    /// The plugin that read it.
    pub plugin: String,
    /// The plugin's SHA-256.
    pub plugin_sha256: String,
    /// A JSON Pointer (`/components/3`), `line N`, or empty for the whole document.
    pub location: String,
}

/// One fact, with every place that stated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactRecord {
    /// The value.
    pub value: FactValue,
    /// Who stated it, and where.
    pub provenance: Vec<Provenance>,
}

/// An entity's facts by dot-separated path.
pub type FactMap = BTreeMap<String, FactRecord>;

/// A problem with what a plugin returned: the document's facts cannot all be
/// trusted, so the decision is needs-evidence at best.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FactProblem {
    /// The plugin.
    pub plugin: String,
    /// The document.
    pub document: String,
    /// The fact path (with the entity, `Component[id].purl`, for entity facts).
    pub fact: String,
    /// What is wrong.
    pub message: String,
}

/// A statement replaced by a later one (by its `timestamp`) from another
/// document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Superseded {
    /// The entity (`Exposure[CVE-… @ pkg:…]`).
    pub entity: String,
    /// The statement that stands.
    pub by: Provenance,
    /// The statements it replaced.
    pub replaced: Vec<Provenance>,
}

/// A plugin's note about a document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentNote {
    /// The evidence file.
    pub document: String,
    /// The plugin.
    pub plugin: String,
    /// The note.
    pub message: String,
    /// Where.
    pub location: String,
    /// Where that is in the document's text, when it is a JSON Pointer
    /// found in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<crate::position::Region>,
}

/// A VEX statement that does not apply to the submission: it names nothing
/// submitted, is about another product or version, or is dated after the
/// evaluation time. Listed, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedStatement {
    /// The `Exposure` entity id.
    pub exposure: String,
    /// The vulnerability.
    pub vulnerability: String,
    /// What the statement names.
    pub product_refs: Vec<String>,
    /// The product the statement is about, when it says (`product_scope`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_scope: Vec<String>,
    /// Why it does not apply.
    pub reason: String,
    /// Where the statement is.
    pub provenance: Vec<Provenance>,
}
