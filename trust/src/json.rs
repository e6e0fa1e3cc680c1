//! Strict JSON: refuse duplicate object keys.
//!
//! `serde_json` silently keeps the last of two members with the same name, while other
//! parsers keep the first: a signed document with duplicate keys can mean different things
//! to different readers. This parser builds a [`serde_json::Value`] and fails on any
//! duplicate key (compared after unescaping), in any object at any depth. Typed decoding
//! (with `deny_unknown_fields`) then runs on the value.
//!
//! The one strict parser for every signed document: the bundle manifest, DSSE envelopes,
//! the anti-rollback state, and the statement inside a decision record.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why strict parsing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrictJsonError {
    /// A duplicate key at this JSON pointer.
    DuplicateKey(String),
    /// Any other JSON error.
    Syntax(String),
}

impl fmt::Display for StrictJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateKey(pointer) => write!(f, "duplicate key at `{pointer}`"),
            Self::Syntax(message) => f.write_str(message),
        }
    }
}

/// Parses one JSON document (nothing but whitespace after it), refusing duplicate keys.
///
/// ```
/// use assure_trust::json::{parse_strict, StrictJsonError};
/// assert!(parse_strict(br#"{"verdict": "reject"}"#).is_ok());
/// assert_eq!(
///     parse_strict(br#"{"verdict": "reject", "verdict": "approve"}"#).unwrap_err(),
///     StrictJsonError::DuplicateKey("/verdict".into()),
/// );
/// ```
pub fn parse_strict(bytes: &[u8]) -> Result<Value, StrictJsonError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = StrictSeed {
        duplicate: &duplicate,
        pointer: String::new(),
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match result {
        Ok(v) => Ok(v),
        Err(e) => match duplicate.into_inner() {
            Some(pointer) => Err(StrictJsonError::DuplicateKey(pointer)),
            None => Err(StrictJsonError::Syntax(e.to_string())),
        },
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

struct StrictSeed<'a> {
    duplicate: &'a RefCell<Option<String>>,
    pointer: String,
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = StrictSeed {
                duplicate: self.duplicate,
                pointer: format!("{}/{}", self.pointer, out.len()),
            };
            match seq.next_element_seed(seed)? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, escape_pointer(&key));
            if out.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(pointer);
                return Err(de::Error::custom("duplicate key"));
            }
            let value = map.next_value_seed(StrictSeed {
                duplicate: self.duplicate,
                pointer,
            })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
#[expect(clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn duplicates_refused_at_any_depth() {
        assert!(parse_strict(br#"{"a":1,"b":[{"c":1}]}"#).is_ok());
        for (doc, ptr) in [
            (&br#"{"a":1,"a":2}"#[..], "/a"),
            (br#"{"a":{"x":1,"x":1}}"#, "/a/x"),
            (br#"{"b":[0,{"c":1,"\u0063":2}]}"#, "/b/1/c"),
        ] {
            match parse_strict(doc) {
                Err(StrictJsonError::DuplicateKey(p)) => assert_eq!(p, ptr),
                _ => panic!("duplicate not detected in {}", String::from_utf8_lossy(doc)),
            }
        }
        assert!(matches!(
            parse_strict(b"{} x"),
            Err(StrictJsonError::Syntax(_))
        ));
    }
}
