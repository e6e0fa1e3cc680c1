//! Reading text members strictly: a member that is there must have the type
//! the format gives it, and be of a plausible length.

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::{ExtractError, Pointer, error};

/// The longest identifier read (vulnerability names, product ids, purls).
pub(crate) const MAX_ID: usize = 4 * 1024;
/// The longest free text read (justifications, statements).
pub(crate) const MAX_TEXT: usize = 64 * 1024;

/// The longest piece of document text quoted back in a message.
const QUOTE_CHARS: usize = 80;

/// Document text fit to quote in a message: at most a few dozen characters.
pub(crate) fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// The trimmed text at `key` of `object`: `None` when absent, null or blank.
///
/// # Errors
///
/// When the member is there but is not text, or is longer than `limit` bytes.
pub(crate) fn optional<'a>(
    object: &'a Json,
    key: &str,
    at: &Pointer,
    limit: usize,
) -> Result<Option<&'a str>, ExtractError> {
    match object.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => checked(s, &at.key(key), key, limit),
        Some(other) => Err(error(
            format!("`{key}` must be text, not {}", kind(other)),
            at.key(key),
        )),
    }
}

/// `s`, trimmed, when it is not blank and at most `limit` bytes long.
///
/// # Errors
///
/// When `s` is longer than `limit` bytes.
pub(crate) fn checked<'a>(
    s: &'a str,
    at: &Pointer,
    what: &str,
    limit: usize,
) -> Result<Option<&'a str>, ExtractError> {
    if s.len() > limit {
        return Err(error(
            format!(
                "`{what}` is {} bytes long, more than the {limit} this plugin reads: it cannot be a real value",
                s.len()
            ),
            at,
        ));
    }
    let s = s.trim();
    Ok((!s.is_empty()).then_some(s))
}

/// The JSON type of a value, for messages.
pub(crate) fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("CVE-1"), "CVE-1");
        assert_eq!(quote(&"é".repeat(200)).chars().count(), QUOTE_CHARS + 1);
    }

    #[test]
    fn optional_text_is_strict_about_types() {
        let at = Pointer::root();
        let doc = serde_json::json!({"a": " x ", "b": 3, "c": "", "d": null});
        assert_eq!(optional(&doc, "a", &at, 10).ok(), Some(Some("x")));
        assert_eq!(optional(&doc, "c", &at, 10).ok(), Some(None));
        assert_eq!(optional(&doc, "d", &at, 10).ok(), Some(None));
        assert_eq!(optional(&doc, "z", &at, 10).ok(), Some(None));
        let e = optional(&doc, "b", &at, 10).err();
        assert!(e.is_some_and(|e| e.message == "`b` must be text, not a number"));
        assert!(optional(&doc, "a", &at, 2).is_err());
    }
}
