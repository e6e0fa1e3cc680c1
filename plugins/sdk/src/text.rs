//! Reading document text strictly, and quoting it back in messages.
//!
//! - [`quote`]: document text cut short enough to put in a message;
//! - JSON members read strictly: a member that is there must have the type
//!   the format gives it and a plausible length ([`optional`], [`checked`]
//!   for formats where `null` means absent; [`required_text`],
//!   [`optional_text`], [`required_bool`], [`required_count`],
//!   [`required_date`] … for our own sidecar formats, where it does not);
//! - [`member`]: lenient reading, where a member of the wrong type is noted
//!   and ignored;
//! - [`decode_utf8`] and [`split_lines`]: line-based documents, with the line
//!   of the first bad byte and caps on line length and count.
//!
//! Every error names the member and carries its JSON Pointer (or line).

use crate::json::{self, Map, Value as Json};
use crate::time::Moment;
use crate::{ExtractError, Facts, Pointer, error};

/// The longest piece of document text quoted back in a message.
pub const QUOTE_CHARS: usize = 80;

/// The longest identifier read (vulnerability names, product ids, purls).
pub const MAX_ID: usize = 4 * 1024;

/// The longest text member read, in bytes: far more than any answer or
/// statement needs, and a bound on what a hostile document can make the
/// plugin carry.
pub const MAX_TEXT: usize = 64 * 1024;

/// Document text fit to quote in a message: at most [`QUOTE_CHARS`]
/// characters, then `…` when there was more.
pub fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// The JSON type of a value, as a user would say it.
pub fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "true/false",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// The error for text of `len` bytes where at most `limit` are read.
fn too_long(what: &str, len: usize, limit: usize, at: &Pointer) -> ExtractError {
    error(
        format!(
            "`{what}` is {len} bytes long, more than the {limit} this plugin reads: it cannot be a real value"
        ),
        at,
    )
}

/// `s`, trimmed, when it is not blank and at most `limit` bytes long.
///
/// # Errors
///
/// When `s` is longer than `limit` bytes.
pub fn checked<'a>(
    s: &'a str,
    at: &Pointer,
    what: &str,
    limit: usize,
) -> Result<Option<&'a str>, ExtractError> {
    if s.len() > limit {
        return Err(too_long(what, s.len(), limit, at));
    }
    let s = s.trim();
    Ok((!s.is_empty()).then_some(s))
}

/// The trimmed text at `key` of `object`: `None` when absent, null or blank.
///
/// # Errors
///
/// When the member is there but is not text, or is longer than `limit` bytes.
pub fn optional<'a>(
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

/// `text` when it is at most [`MAX_TEXT`] bytes long.
///
/// # Errors
///
/// When it is longer; the error names `name` and points at `at`.
pub fn bounded<'a>(text: &'a str, name: &str, at: &Pointer) -> Result<&'a str, ExtractError> {
    if text.len() > MAX_TEXT {
        return Err(too_long(name, text.len(), MAX_TEXT, at));
    }
    Ok(text)
}

/// The trimmed text of a required member: present, text, not empty.
///
/// # Errors
///
/// When the member is missing, empty, not text (`null` included) or too long.
pub fn required_text<'a>(
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
///
/// # Errors
///
/// When the member is there but is not text (`null` included) or too long.
pub fn optional_text<'a>(
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
            format!("`{key}` must be text, not {}", kind(other)),
            at,
        )),
    }
}

/// The trimmed text of an optional member that, when present, must say
/// something: absent is `None`, empty is an error.
///
/// # Errors
///
/// As [`required_text`], when the member is there.
pub fn optional_nonempty_text<'a>(
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
///
/// # Errors
///
/// As [`optional_text`], and when the text is not a date (the error says why).
pub fn optional_date<'a>(
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
///
/// # Errors
///
/// As [`required_text`] and [`optional_date`].
pub fn required_date<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<Moment<'a>, ExtractError> {
    required_text(object, key, at)?;
    optional_date(object, key, at)?.ok_or_else(|| error(format!("`{key}` is missing"), at.key(key)))
}

/// A required true/false member.
///
/// # Errors
///
/// When the member is missing or not `true` or `false`.
pub fn required_bool(
    object: &Map<String, Json>,
    key: &str,
    at: &Pointer,
) -> Result<bool, ExtractError> {
    match object.get(key) {
        Some(Json::Bool(b)) => Ok(*b),
        Some(other) => Err(error(
            format!("`{key}` must be true or false, not {}", kind(other)),
            at.key(key),
        )),
        None => Err(error(format!("`{key}` is missing"), at.key(key))),
    }
}

/// A required whole number from 0 to `max`: a JSON integer, never a
/// fraction, text or a number out of range.
///
/// # Errors
///
/// When the member is missing, not a number, or not a whole number in range.
pub fn required_count(
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
                kind(other)
            ),
            at.key(key),
        )),
        None => Err(error(format!("`{key}` is missing"), at.key(key))),
    }
}

/// The trimmed, non-empty text at `key` of `object`, read leniently: a
/// member that is there but is not text (nor null) is noted, at its
/// pointer, and ignored.
pub fn member(object: &Json, key: &str, at: &Pointer, out: &mut Facts) -> Option<String> {
    match object.get(key) {
        None | Some(Json::Null) => None,
        Some(Json::String(_)) => json::str_at(object, key).map(str::to_owned),
        Some(_) => {
            out.note(format!("`{key}` is not text: ignored"), at.key(key));
            None
        }
    }
}

/// `part` of `whole` as a whole percentage, rounded down; 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> i64 {
    let share = part.saturating_mul(100).checked_div(whole).unwrap_or(0);
    i64::try_from(share).unwrap_or(i64::MAX)
}

/// A count as a Cedar long (saturating).
pub fn long(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// One line of a text document, without its line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based.
    pub number: u32,
    /// The line, without `\n` or `\r\n`.
    pub text: &'a str,
}

/// The 1-based number of the line after `index` line ends.
pub fn line_number(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Where a document stops being UTF-8: the line and the first bad byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The 1-based line of the bad byte.
    pub line: u32,
    /// The bad byte.
    pub byte: u8,
}

/// The document's text, without a leading byte-order mark, and whether it
/// began with one.
///
/// # Errors
///
/// When the bytes are not UTF-8: where the first bad byte is.
pub fn decode_utf8(bytes: &[u8]) -> Result<(&str, bool), NotUtf8> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    std::str::from_utf8(bytes)
        .map(|text| (text, bom))
        .map_err(|e| {
            let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
            NotUtf8 {
                line: line_number(good.iter().filter(|b| **b == b'\n').count()),
                byte: bytes.get(e.valid_up_to()).copied().unwrap_or_default(),
            }
        })
}

/// A document past a line cap of [`split_lines`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinesPastLimit {
    /// More lines than allowed; `line` is the first one past the cap.
    TooMany {
        /// The 1-based number of the first line past the cap.
        line: u32,
    },
    /// A line longer than allowed.
    TooLong {
        /// The 1-based number of the line.
        line: u32,
        /// Its length in bytes, line end included.
        bytes: usize,
    },
}

/// The lines of `text`, split on LF with a CR before it dropped; a final
/// line end does not start another line.
///
/// # Errors
///
/// When there are more than `max_lines` lines or one is longer than
/// `max_line_bytes`: the first such line.
pub fn split_lines(
    text: &str,
    max_lines: usize,
    max_line_bytes: usize,
) -> Result<Vec<Line<'_>>, LinesPastLimit> {
    let mut out = Vec::new();
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(out);
    }
    for (index, raw) in text.split('\n').enumerate() {
        let line = line_number(index);
        if index >= max_lines {
            return Err(LinesPastLimit::TooMany { line });
        }
        if raw.len() > max_line_bytes {
            return Err(LinesPastLimit::TooLong {
                line,
                bytes: raw.len(),
            });
        }
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        out.push(Line { number: line, text });
    }
    Ok(out)
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

    fn message<T>(result: Result<T, ExtractError>) -> Option<String> {
        result.err().map(|e| e.message)
    }

    #[test]
    fn members_of_our_formats_are_typed() {
        let at = Pointer::root();
        let doc = serde_json::json!({"a": " x ", "b": true, "c": "", "d": null, "n": 7});
        let Some(object) = doc.as_object() else {
            return;
        };
        assert_eq!(required_text(object, "a", &at).ok(), Some("x"));
        assert_eq!(
            message(required_text(object, "c", &at)).as_deref(),
            Some("`c` is empty: it must say something")
        );
        assert_eq!(
            message(optional_text(object, "d", &at)).as_deref(),
            Some("`d` must be text, not null")
        );
        assert_eq!(
            message(required_bool(object, "a", &at)).as_deref(),
            Some("`a` must be true or false, not text")
        );
        assert_eq!(required_bool(object, "b", &at).ok(), Some(true));
        assert_eq!(required_count(object, "n", 10, &at).ok(), Some(7));
        assert!(required_count(object, "n", 5, &at).is_err());
        assert_eq!(optional_nonempty_text(object, "z", &at).ok(), Some(None));
        assert!(optional_nonempty_text(object, "c", &at).is_err());
    }

    #[test]
    fn percentages_round_down() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(62, 62), 100);
        assert_eq!(percent(u64::MAX, 1), i64::MAX);
    }

    #[test]
    fn crlf_and_lf_lines() {
        let got: Vec<(u32, &str)> = split_lines("a\r\nb\n\nc\r\n", 10, 10)
            .unwrap_or_default()
            .iter()
            .map(|l| (l.number, l.text))
            .collect();
        assert_eq!(got, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        assert!(split_lines("", 10, 10).unwrap_or_default().is_empty());
        assert_eq!(
            split_lines("a\nb\nc", 2, 10),
            Err(LinesPastLimit::TooMany { line: 3 })
        );
        assert_eq!(
            split_lines("a\nbbb\n", 10, 2),
            Err(LinesPastLimit::TooLong { line: 2, bytes: 3 })
        );
    }

    #[test]
    fn bad_utf8_names_its_line() {
        assert_eq!(
            decode_utf8(b"a\nb\n\xC3("),
            Err(NotUtf8 {
                line: 3,
                byte: 0xC3
            })
        );
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFok"), Ok(("ok", true)));
        assert_eq!(decode_utf8(b"ok"), Ok(("ok", false)));
    }
}
