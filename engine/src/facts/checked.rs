//! A stated fact checked against the bundle's vocabulary: declared, of its
//! declared type, and in a form Cedar can hold.

use super::model::FactValue;
use crate::plugin;
use crate::time::normalise_datetime;
use crate::vocabulary::{FactType, LookupError, Vocabulary};

/// Checks a plugin's fact against the vocabulary and converts its value.
pub(super) fn checked(
    vocabulary: &Vocabulary,
    kind: &str,
    fact: &plugin::Fact,
) -> Result<FactValue, String> {
    let attribute = vocabulary.lookup(kind, &fact.path).map_err(|e| match e {
        LookupError::UnknownEntity => format!("entity kind `{kind}` is not declared in the schema"),
        LookupError::Undeclared => format!("is not declared for `{kind}` in the bundle's schema"),
        LookupError::NotARecord(why) => format!("is not declared: {why}, not a record"),
    })?;
    let wrong = |got: &str| {
        format!(
            "has a {got} value, but the schema declares {}",
            attribute.ty.describe()
        )
    };
    match (&attribute.ty, &fact.value) {
        (FactType::Bool, plugin::Value::Boolean(b)) => Ok(FactValue::Bool(*b)),
        (FactType::Long, plugin::Value::Long(n)) => Ok(FactValue::Long(*n)),
        (FactType::String, plugin::Value::Text(s)) => {
            visible(s)?;
            Ok(FactValue::Text(s.clone()))
        }
        (FactType::StringSet, plugin::Value::TextSet(set)) => {
            for member in set {
                visible(member)?;
            }
            let mut set = set.clone();
            set.sort();
            set.dedup();
            Ok(FactValue::TextSet(set))
        }
        (FactType::Decimal, plugin::Value::Decimal(d)) => {
            if is_cedar_decimal(d) {
                Ok(FactValue::Decimal(d.clone()))
            } else {
                Err(format!(
                    "has `{d}`, which is not a decimal with at most four fractional digits"
                ))
            }
        }
        (FactType::Datetime, plugin::Value::Datetime(d)) => normalise_datetime(d)
            .map(FactValue::Datetime)
            .ok_or_else(|| format!("has `{d}`, which is not an RFC 3339 date-time")),
        (FactType::Record(_), _) => {
            Err("names a record, not a fact; give a path to one of its attributes".into())
        }
        (_, value) => Err(wrong(match value {
            plugin::Value::Boolean(_) => "boolean",
            plugin::Value::Long(_) => "long",
            plugin::Value::Text(_) => "text",
            plugin::Value::TextSet(_) => "text-set",
            plugin::Value::Decimal(_) => "decimal",
            plugin::Value::Datetime(_) => "datetime",
        })),
    }
}

/// Text that shows nothing yet is not empty (`"\u{200B}"`) is made to look
/// given: refused, so the fact is absent and the document's facts are in
/// doubt, rather than counted as an answer.
fn visible(text: &str) -> Result<(), String> {
    match crate::identity::only_invisible(text) {
        Some(code_points) => Err(format!(
            "is text of invisible characters only ({code_points}), which is not an answer"
        )),
        None => Ok(()),
    }
}

pub(super) fn is_cedar_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("0");
    !whole.is_empty()
        && whole.len() <= 15
        && whole.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.len() <= 4
        && fraction.bytes().all(|b| b.is_ascii_digit())
}
