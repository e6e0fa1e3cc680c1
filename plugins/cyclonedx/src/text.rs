//! Small helpers: reading text members, whole percentages, RFC 3339 shape.

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{Facts, Pointer};

/// The longest piece of document text quoted back in a message.
const QUOTE_CHARS: usize = 80;

/// The trimmed, non-empty text at `key` of `object`. A member that is there
/// but is not text (nor null) is noted, at its pointer, and ignored.
pub(crate) fn member(object: &Json, key: &str, at: &Pointer, out: &mut Facts) -> Option<String> {
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
pub(crate) fn percent(part: u64, whole: u64) -> i64 {
    let share = part.saturating_mul(100).checked_div(whole).unwrap_or(0);
    i64::try_from(share).unwrap_or(i64::MAX)
}

/// A count as a Cedar long.
pub(crate) fn long(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Document text fit to quote in a message: at most a few dozen characters.
pub(crate) fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Whether `text` has the shape of an RFC 3339 date-time:
/// `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`.
/// The host checks the values themselves (month 13, Feb 30, ...).
pub(crate) fn looks_like_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let shape = digits(b, 0, 4)
        && byte_is(b, 4, b"-")
        && digits(b, 5, 2)
        && byte_is(b, 7, b"-")
        && digits(b, 8, 2)
        && byte_is(b, 10, b"Tt")
        && digits(b, 11, 2)
        && byte_is(b, 13, b":")
        && digits(b, 14, 2)
        && byte_is(b, 16, b":")
        && digits(b, 17, 2);
    if !shape {
        return false;
    }
    let mut at = 19;
    if byte_is(b, at, b".") {
        at += 1;
        let start = at;
        while digits(b, at, 1) {
            at += 1;
        }
        if at == start {
            return false;
        }
    }
    if byte_is(b, at, b"Zz") {
        return b.len() == at + 1;
    }
    byte_is(b, at, b"+-")
        && digits(b, at + 1, 2)
        && byte_is(b, at + 3, b":")
        && digits(b, at + 4, 2)
        && b.len() == at + 6
}

fn digits(b: &[u8], at: usize, n: usize) -> bool {
    at.checked_add(n)
        .and_then(|end| b.get(at..end))
        .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
}

fn byte_is(b: &[u8], at: usize, any_of: &[u8]) -> bool {
    b.get(at).is_some_and(|c| any_of.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_shapes() {
        assert!(looks_like_rfc3339("2020-04-13T20:20:39+00:00"));
        assert!(looks_like_rfc3339("2022-03-03T00:00:00Z"));
        assert!(looks_like_rfc3339("2022-03-03T00:00:00.123456Z"));
        assert!(!looks_like_rfc3339("2022-03-03"));
        assert!(!looks_like_rfc3339("2022-03-03T00:00:00"));
        assert!(!looks_like_rfc3339("2022-03-03T00:00:00.Z"));
        assert!(!looks_like_rfc3339("2022-03-03T00:00:00Zjunk"));
        assert!(!looks_like_rfc3339("2022-03-03T00:00:00+0100"));
        assert!(!looks_like_rfc3339("yesterday"));
        assert!(!looks_like_rfc3339(""));
    }

    #[test]
    fn percentages_round_down() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(62, 62), 100);
        assert_eq!(percent(u64::MAX, 1), i64::MAX);
    }

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("1.1"), "1.1");
        assert_eq!(quote(&"é".repeat(200)).chars().count(), QUOTE_CHARS + 1);
    }
}
