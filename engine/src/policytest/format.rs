//! The policy-test file format: the TOML model of a test file and its
//! cases, and the facts a case states, typed by the bundle's vocabulary.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::facts::{self, FactValue};
use crate::plugin;
use crate::submission::Profile;
use crate::vocabulary::FactType;

/// One test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TestFile {
    #[serde(default)]
    pub(super) defaults: Defaults,
    #[serde(default, rename = "case")]
    pub(super) cases: Vec<Case>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Defaults {
    pub(super) as_of: Option<String>,
    #[serde(default)]
    pub(super) profile: Option<Profile>,
    #[serde(default)]
    pub(super) product: Option<ProductToml>,
    #[serde(default)]
    pub(super) facts: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "entity")]
    pub(super) entities: Vec<EntityToml>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProductToml {
    pub(super) name: Option<String>,
    pub(super) version: Option<String>,
    pub(super) supplier: Option<String>,
    #[serde(default)]
    pub(super) artifact_sha256: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EntityToml {
    pub(super) kind: String,
    pub(super) id: String,
    #[serde(default)]
    pub(super) facts: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub(super) parents: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Case {
    pub(super) name: String,
    pub(super) as_of: Option<String>,
    pub(super) profile: Option<Profile>,
    pub(super) product: Option<ProductToml>,
    pub(super) submission: Option<String>,
    #[serde(default)]
    pub(super) facts: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub(super) unset: Vec<String>,
    #[serde(default, rename = "entity")]
    pub(super) entities: Vec<EntityToml>,
    /// Waivers the case states, as approved by `approvals` approvers.
    #[serde(default, rename = "waiver")]
    pub(super) waivers: Vec<WaiverToml>,
    #[serde(default)]
    pub(super) expect: Expect,
}

/// A waiver a case states: what it accepts and for how long; the product
/// is the case's. Nothing is signed: it counts as approved by `approvals`
/// distinct approvers (default: as many as the bundle requires).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WaiverToml {
    pub(super) rule: String,
    pub(super) subject: crate::waiver::WaiverSubject,
    #[serde(default = "default_reason")]
    pub(super) reason: crate::waiver::Reason,
    pub(super) created: Option<String>,
    pub(super) expires: String,
    pub(super) approvals: Option<usize>,
    /// The product version it is for, when not the case's.
    pub(super) version: Option<String>,
}

fn default_reason() -> crate::waiver::Reason {
    crate::waiver::Reason::CompensatingControl
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Expect {
    #[serde(default)]
    pub(super) fires: Vec<String>,
    #[serde(default)]
    pub(super) silent: Vec<String>,
    #[serde(default)]
    pub(super) undecided: Vec<String>,
    #[serde(default)]
    pub(super) missing: Vec<String>,
    /// Rules whose findings a stated waiver accepted.
    #[serde(default)]
    pub(super) waived: Vec<String>,
    /// Rules that fired with no finding waived: the waivers stated did not
    /// apply to them.
    #[serde(default)]
    pub(super) unwaived: Vec<String>,
    pub(super) verdict: Option<String>,
}

/// A TOML value as the type the schema declares.
pub(super) fn typed(ty: &FactType, value: &toml::Value) -> Result<plugin::Value, String> {
    use toml::Value as T;
    Ok(match (ty, value) {
        (FactType::Bool, T::Boolean(b)) => plugin::Value::Boolean(*b),
        (FactType::Long, T::Integer(n)) => plugin::Value::Long(*n),
        (FactType::String, T::String(s)) => plugin::Value::Text(s.clone()),
        (FactType::Datetime, T::String(s)) => plugin::Value::Datetime(s.clone()),
        (FactType::Datetime, T::Datetime(d)) => plugin::Value::Datetime(d.to_string()),
        (FactType::Decimal, T::String(s)) => plugin::Value::Decimal(s.clone()),
        (FactType::Decimal, T::Float(f)) => plugin::Value::Decimal(format!("{f:?}")),
        (FactType::Decimal, T::Integer(n)) => plugin::Value::Decimal(format!("{n}.0")),
        (FactType::StringSet, T::Array(items)) => plugin::Value::TextSet(
            items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| "a set holds strings only".to_owned())
                })
                .collect::<Result<_, _>>()?,
        ),
        (ty, value) => {
            return Err(format!(
                "the schema declares {}, and `{value}` is not one",
                ty.describe()
            ));
        }
    })
}

/// A plugin value as a fact value, for facts the engine would derive.
pub(super) fn fact_value(value: &plugin::Value) -> FactValue {
    match value {
        plugin::Value::Boolean(b) => FactValue::Bool(*b),
        plugin::Value::Long(n) => FactValue::Long(*n),
        plugin::Value::Text(s) => FactValue::Text(s.clone()),
        plugin::Value::TextSet(set) => {
            let mut set = set.clone();
            set.sort();
            set.dedup();
            FactValue::TextSet(set)
        }
        plugin::Value::Decimal(d) => FactValue::Decimal(d.clone()),
        plugin::Value::Datetime(d) => {
            FactValue::Datetime(facts::normalise_datetime(d).unwrap_or_else(|| d.clone()))
        }
    }
}
