//! Small helpers: reading SPDX text values (where `NOASSERTION` and `NONE`
//! are no value), party names, whole percentages, RFC 3339 shape, and the
//! size limit on text values.

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

/// The longest piece of document text quoted back in a message.
const QUOTE_CHARS: usize = 80;

/// The longest text value (or member name) a document may carry, in bytes.
/// Real SPDX values, licence texts included, are far shorter; a bigger one is
/// refused rather than copied into facts the host would have to carry.
pub(crate) const MAX_TEXT_BYTES: usize = 16 << 20;

/// How deep [`check_text_sizes`] looks. The JSON parser already refuses
/// documents nested deeper than 128 levels; this bounds our own recursion
/// whatever the parser allows.
const MAX_DEPTH: usize = 256;

/// Whether `text` is one of SPDX's "no value" words.
pub(crate) fn is_no_value(text: &str) -> bool {
    text.eq_ignore_ascii_case("NOASSERTION") || text.eq_ignore_ascii_case("NONE")
}

/// The trimmed, non-empty text at `key` of `object`, unless it is
/// `NOASSERTION` or `NONE`. A member that is there but is not text (nor
/// null) is noted, at its pointer, and ignored.
pub(crate) fn member(object: &Json, key: &str, at: &Pointer, out: &mut Facts) -> Option<String> {
    match object.get(key) {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => {
            let s = s.trim();
            (!s.is_empty() && !is_no_value(s)).then(|| s.to_owned())
        }
        Some(_) => {
            out.note(format!("`{key}` is not text: ignored"), at.key(key));
            None
        }
    }
}

/// The name in an SPDX party string: `Organization: Name (email)` and
/// `Person: Name (email)` give `Name`. `NOASSERTION`, `NONE` and an empty
/// name give `None`. A trailing parenthesis is taken as the e-mail address
/// only when it is empty or holds an `@`, so `Organization: Acme (UK) Ltd`
/// keeps its name whole.
pub(crate) fn party_name(text: &str) -> Option<String> {
    let text = text.trim();
    if is_no_value(text) {
        return None;
    }
    let mut name = text;
    for prefix in ["Organization:", "Person:"] {
        if let Some(head) = name.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            name = name.get(prefix.len()..).unwrap_or_default();
            break;
        }
    }
    let name = name.trim();
    let name = match (name.strip_suffix(')'), name.rfind('(')) {
        (Some(without), Some(open)) => match without.get(open + 1..) {
            Some(inside) if inside.trim().is_empty() || inside.contains('@') => {
                name.get(..open).unwrap_or(name)
            }
            _ => name,
        },
        _ => name,
    };
    let name = name.trim();
    (!name.is_empty() && !is_no_value(name)).then(|| name.to_owned())
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

/// Refuses a document with a text value or member name longer than
/// [`MAX_TEXT_BYTES`], naming where it is.
pub(crate) fn check_text_sizes(root: &Json) -> Result<(), ExtractError> {
    let Some((mut steps, len)) = oversized(root, 0) else {
        return Ok(());
    };
    steps.reverse();
    let mut at = Pointer::root();
    for step in steps {
        at = match step {
            Step::Key(key) => at.key(key),
            Step::Index(i) => at.index(i),
        };
    }
    Err(error(
        format!(
            "a text value of {len} bytes is longer than this plugin reads ({MAX_TEXT_BYTES} bytes at most): no SBOM field is that long"
        ),
        at,
    ))
}

/// One step of a path into the document, innermost first on the way out.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path to the first text longer than the limit, innermost step first,
/// and its length.
fn oversized(value: &Json, depth: usize) -> Option<(Vec<Step<'_>>, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Json::String(s) if s.len() > MAX_TEXT_BYTES => Some((Vec::new(), s.len())),
        Json::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            oversized(item, depth + 1).map(|(mut steps, len)| {
                steps.push(Step::Index(i));
                (steps, len)
            })
        }),
        Json::Object(members) => members.iter().find_map(|(key, item)| {
            if key.len() > MAX_TEXT_BYTES {
                return Some((vec![Step::Key(key)], key.len()));
            }
            oversized(item, depth + 1).map(|(mut steps, len)| {
                steps.push(Step::Key(key));
                (steps, len)
            })
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_names() {
        let cases = [
            (
                "Organization: SPDX (Spdx-tech@lists.spdx.org)",
                Some("SPDX"),
            ),
            ("Organization: Webjar", Some("Webjar")),
            (
                "Person: Gary O'Neall (gary@sourceauditor.com)",
                Some("Gary O'Neall"),
            ),
            ("organization: Acme (UK) Ltd", Some("Acme (UK) Ltd")),
            ("Organization: Acme (UK) ()", Some("Acme (UK)")),
            ("Acme Inc", Some("Acme Inc")),
            ("NOASSERTION", None),
            (" NONE ", None),
            ("Organization: ", None),
            ("Organization: NOASSERTION", None),
            ("Person: (x@y)", None),
            ("(", Some("(")),
            (")", Some(")")),
            ("é(@)", Some("é")),
        ];
        for (text, name) in cases {
            assert_eq!(party_name(text).as_deref(), name, "{text}");
        }
    }

    #[test]
    fn rfc3339_shapes() {
        assert!(looks_like_rfc3339("2023-05-12T18:30:22Z"));
        assert!(looks_like_rfc3339("2020-04-13T20:20:39+00:00"));
        assert!(!looks_like_rfc3339("2023-05-12"));
        assert!(!looks_like_rfc3339("2023-05-12T18:30:22"));
    }

    #[test]
    fn percentages_round_down() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(u64::MAX, 1), i64::MAX);
    }

    #[test]
    fn oversized_text_is_located() {
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        let doc = serde_json::json!({"a": [1, {"b/c": long}]});
        let e = check_text_sizes(&doc).err();
        let at = e.map(|e| e.location);
        assert!(
            matches!(&at, Some(assure_plugin_sdk::Location::Pointer(p)) if p == "/a/1/b~1c"),
            "{at:?}"
        );
        let fine = serde_json::json!({"a": "x".repeat(MAX_TEXT_BYTES)});
        assert!(check_text_sizes(&fine).is_ok());
    }
}
