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

/// The trimmed text of an optional member that, when present, must say
/// something: absent is `None`, empty is an error.
pub(crate) fn optional_nonempty_text<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<Option<&'a str>, ExtractError> {
    if object.contains_key(key) {
        required_text(object, key, at).map(Some)
    } else {
        Ok(None)
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

/// A required whole number from 0 to `max`: a JSON integer, never a
/// fraction, text or a number out of range.
pub(crate) fn required_count(
    object: &Map<String, Json>,
    key: &str,
    max: i64,
    at: &Pointer,
) -> Result<i64, ExtractError> {
    match object.get(key) {
        Some(Json::Number(n)) => match n.as_i64() {
            Some(v) if (0..=max).contains(&v) => Ok(v),
            _ => Err(error(
                format!("`{key}` is {n}: it must be a whole number from 0 to {max}"),
                at.key(key),
            )),
        },
        Some(other) => Err(error(
            format!(
                "`{key}` must be a whole number from 0 to {max}, not {}",
                kind_of(other)
            ),
            at.key(key),
        )),
        None => Err(error(format!("`{key}` is missing"), at.key(key))),
    }
}

/// A required array of text, each item trimmed and not empty, at most
/// `max` items (an empty array is allowed: it says "none").
pub(crate) fn required_text_list<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    max: usize,
    at: &Pointer,
) -> Result<Vec<&'a str>, ExtractError> {
    let list_at = at.key(key);
    let items = match object.get(key) {
        Some(Json::Array(items)) => items,
        Some(other) => {
            return Err(error(
                format!("`{key}` must be an array of text, not {}", kind_of(other)),
                list_at,
            ));
        }
        None => return Err(error(format!("`{key}` is missing"), list_at)),
    };
    if items.len() > max {
        return Err(error(
            format!("`{key}` lists {} items: at most {max}", items.len()),
            list_at,
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_at = list_at.index(i);
        match item {
            Json::String(s) => {
                let s = bounded(s, key, &item_at)?.trim();
                if s.is_empty() {
                    return Err(error(
                        format!("`{key}` item {i} is empty: name the party"),
                        item_at,
                    ));
                }
                out.push(s);
            }
            other => {
                return Err(error(
                    format!("`{key}` item {i} must be text, not {}", kind_of(other)),
                    item_at,
                ));
            }
        }
    }
    Ok(out)
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
