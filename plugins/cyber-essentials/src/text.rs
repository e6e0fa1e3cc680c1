//! Reading typed members, with errors that name the member and its pointer.

use assure_plugin_sdk::json::{Map, Value as Json};
use assure_plugin_sdk::{ExtractError, Pointer, error};

use crate::date::Moment;

/// The longest text member read, in bytes: far more than any answer needs,
/// and a bound on what a hostile document can make the plugin carry.
pub(crate) const MAX_TEXT_BYTES: usize = 64 * 1024;

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

/// The JSON type of a value, as a user would say it.
pub(crate) fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "true/false",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Checks a string's length.
pub(crate) fn bounded<'a>(
    text: &'a str,
    name: &str,
    at: &Pointer,
) -> Result<&'a str, ExtractError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(error(
            format!(
                "`{name}` is {} bytes long: text members are at most {MAX_TEXT_BYTES} bytes",
                text.len()
            ),
            at,
        ));
    }
    Ok(text)
}

/// The trimmed text of a required member: present, text, not empty.
pub(crate) fn required_text<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<&'a str, ExtractError> {
    match optional_text(object, key, at)? {
        Some(text) => Ok(text),
        None if object.contains_key(key) => Err(error(
            format!("`{key}` is empty: it must say something"),
            at.key(key),
        )),
        None => Err(error(format!("`{key}` is missing"), at.key(key))),
    }
}

/// The trimmed text of an optional member; an empty one is `None`.
pub(crate) fn optional_text<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<Option<&'a str>, ExtractError> {
    let at = at.key(key);
    match object.get(key) {
        None => Ok(None),
        Some(Json::String(s)) => {
            let s = bounded(s, key, &at)?.trim();
            Ok((!s.is_empty()).then_some(s))
        }
        Some(other) => Err(error(
            format!("`{key}` must be text, not {}", kind_of(other)),
            at,
        )),
    }
}

/// An optional date member: `YYYY-MM-DD` or an RFC 3339 date-time.
pub(crate) fn optional_date<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<Option<Moment<'a>>, ExtractError> {
    let Some(text) = optional_text(object, key, at)? else {
        return Ok(None);
    };
    Moment::parse(text).map(Some).map_err(|why| {
        error(
            format!("`{key}` \"{}\" is not a date: {why}", quote(text)),
            at.key(key),
        )
    })
}

/// A required date member.
pub(crate) fn required_date<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<Moment<'a>, ExtractError> {
    required_text(object, key, at)?;
    optional_date(object, key, at)?.ok_or_else(|| error(format!("`{key}` is missing"), at.key(key)))
}

/// A required true/false member.
pub(crate) fn required_bool(
    object: &Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<bool, ExtractError> {
    match object.get(key) {
        Some(Json::Bool(b)) => Ok(*b),
        Some(other) => Err(error(
            format!("`{key}` must be true or false, not {}", kind_of(other)),
            at.key(key),
        )),
        None => Err(error(format!("`{key}` is missing"), at.key(key))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("1.0"), "1.0");
        assert_eq!(quote(&"é".repeat(200)).chars().count(), QUOTE_CHARS + 1);
    }
}
