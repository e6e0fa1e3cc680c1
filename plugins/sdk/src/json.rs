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
