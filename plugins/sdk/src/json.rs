//! JSON parsing for plugins, with errors a supplier can act on.

use crate::{ExtractError, Location};

pub use serde_json::{Map, Value};

/// Parses a JSON document. A leading UTF-8 byte-order mark is allowed.
///
/// Errors name the line and column, and say what was wrong: invalid JSON,
/// invalid UTF-8, a member name that appears twice in one object, or
/// nesting deeper than serde_json's limit of 128 levels.
///
/// Duplicate member names are an error, not the last one silently winning:
/// `{"status": "affected", "status": "not_affected"}` says two things, and
/// a reader that picked one would decide on a document the supplier's other
/// tools read differently.
pub fn parse(bytes: &[u8]) -> Result<Value, ExtractError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice::<Strict>(bytes)
        .map(|s| s.0)
        .map_err(|e| {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
            let what = match e.classify() {
                serde_json::error::Category::Eof => "the document ends early",
                serde_json::error::Category::Syntax => "the document is not valid JSON",
                serde_json::error::Category::Data => "the document has unexpected data",
                serde_json::error::Category::Io => "the document could not be read",
            };
            ExtractError {
                message: format!("{what}: {e}"),
                location: if line == 0 {
                    Location::Whole
                } else {
                    Location::Line(line)
                },
            }
        })
}

/// A JSON value read with duplicate member names refused.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the member `{}` appears twice in one object",
                    key.chars().take(64).collect::<String>()
                )));
            }
            let Strict(value) = map.next_value()?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// The string at `key` of an object, if it is a non-empty string.
pub fn str_at<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The array at `key` of an object; an absent or non-array member is empty.
pub fn array_at<'a>(object: &'a Value, key: &str) -> &'a [Value] {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_names_the_line() {
        let err = parse(b"{\n  \"a\": 1,\n  oops\n}").err();
        let err = err.map(|e| (e.message.contains("not valid JSON"), e.location));
        assert!(matches!(err, Some((true, Location::Line(3)))), "{err:?}");
    }

    #[test]
    fn a_member_named_twice_is_an_error_naming_it_and_the_line() {
        let err = parse(b"{\n \"a\": {\"s\": 1,\n \"s\": 2}\n}").err();
        let err = err.map(|e| (e.message, e.location));
        assert!(
            matches!(&err, Some((m, Location::Line(3))) if m.contains("the member `s` appears twice in one object")),
            "{err:?}"
        );
        // The same name in different objects is fine.
        assert!(parse(br#"{"a": {"s": 1}, "b": {"s": 1}, "s": [{"s": 2}]}"#).is_ok());
    }

    #[test]
    fn values_are_as_serde_json_reads_them() {
        let text = br#"{"b": [true, null, -1, 18446744073709551615, 1.5, "x\u00e9"], "a": {}}"#;
        let strict = parse(text).ok();
        let plain: Option<Value> = serde_json::from_slice(text).ok();
        assert!(strict.is_some());
        assert_eq!(strict, plain);
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        assert!(parse(b"\xEF\xBB\xBF{}").is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let doc = "[".repeat(100_000);
        assert!(parse(doc.as_bytes()).is_err());
    }
}

/// Refuses a document holding a text value or member name longer than
/// `max_bytes`, naming where the first one is.
///
/// No evidence field is megabytes long; a plugin calls this right after
/// [`parse`] so that a huge value anywhere in the document — read or not —
/// is a clear error rather than something carried into facts, notes or
/// messages.
pub fn refuse_long_text(root: &Value, max_bytes: usize) -> Result<(), ExtractError> {
    // Depth is bounded by `parse` (serde_json's recursion limit), so the
    // explicit stack stays small.
    let mut stack: Vec<(&Value, crate::Pointer)> = vec![(root, crate::Pointer::root())];
    while let Some((value, at)) = stack.pop() {
        let long = |len: usize, at: crate::Pointer| ExtractError {
            message: format!(
                "a text value of {len} bytes is longer than this plugin reads ({max_bytes} bytes at most)"
            ),
            location: at.into(),
        };
        match value {
            Value::String(s) if s.len() > max_bytes => return Err(long(s.len(), at)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, at.index(i)));
                }
            }
            Value::Object(members) => {
                let members: Vec<_> = members.iter().collect();
                for (key, item) in members.into_iter().rev() {
                    if key.len() > max_bytes {
                        return Err(long(key.len(), at.key(key)));
                    }
                    stack.push((item, at.key(key)));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod long_text_tests {
    use super::*;

    #[test]
    fn long_text_is_refused_where_it_is() {
        let doc = parse(br#"{"a": [1, {"b": "xxxxxxxxxx"}], "c": "x"}"#).unwrap_or_default();
        assert!(refuse_long_text(&doc, 10).is_ok());
        let refused = refuse_long_text(&doc, 9).err();
        assert!(
            matches!(&refused, Some(ExtractError { location: Location::Pointer(p), message })
                if p == "/a/1/b" && message.contains("10 bytes")),
            "{refused:?}"
        );
    }
}
