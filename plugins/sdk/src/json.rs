//! JSON parsing for plugins, with errors a supplier can act on.

use crate::{ExtractError, Location};

pub use serde_json::{Map, Value};

/// Parses a JSON document. A leading UTF-8 byte-order mark is allowed.
///
/// Errors name the line and column, and say what was wrong: invalid JSON,
/// invalid UTF-8, or nesting deeper than serde_json's limit of 128 levels.
pub fn parse(bytes: &[u8]) -> Result<Value, ExtractError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| {
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
                        return Err(long(key.len(), at));
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
