//! Small helpers: reading text members, whole percentages, RFC 3339 shape
//! and instants, Cedar decimals, and the size limit on text values.

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

/// The longest piece of document text quoted back in a message.
const QUOTE_CHARS: usize = 80;

/// The longest text value (or member name) a document may carry, in bytes.
/// Real SBOM and VEX values are far shorter; a bigger one is refused rather
/// than copied into facts the host would have to carry.
pub(crate) const MAX_TEXT_BYTES: usize = 16 << 20;

/// How deep [`check_text_sizes`] looks. The JSON parser already refuses
/// documents nested deeper than 128 levels; this bounds our own recursion
/// whatever the parser allows.
const MAX_DEPTH: usize = 256;

/// Cedar decimals have four fractional digits: values are kept as integers
/// scaled by this.
const DECIMAL_SCALE: i128 = 10_000;

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

/// An RFC 3339 date-time as seconds since 1970-01-01T00:00:00Z and
/// nanoseconds, for ordering statements; `None` when `text` is not one (a
/// leap second reads as the first second of the next minute).
pub(crate) fn instant(text: &str) -> Option<(i64, u32)> {
    if !looks_like_rfc3339(text) {
        return None;
    }
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> { text.get(from..from + len)?.parse().ok() };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut at = 19;
    let mut nanos: u32 = 0;
    if byte_is(b, at, b".") {
        at += 1;
        let mut scale: u32 = 100_000_000;
        while let Some(digit) = b.get(at).filter(|c| c.is_ascii_digit()) {
            nanos = nanos.saturating_add(u32::from(digit - b'0').saturating_mul(scale));
            scale /= 10;
            at += 1;
        }
    }
    let offset = if byte_is(b, at, b"Zz") {
        0
    } else {
        let (hours, minutes) = (num(at + 1, 2)?, num(at + 4, 2)?);
        if hours > 23 || minutes > 59 {
            return None;
        }
        let offset = hours * 3600 + minutes * 60;
        if byte_is(b, at, b"-") {
            -offset
        } else {
            offset
        }
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, nanos))
}

/// Days in `month` (1 to 12) of the proleptic Gregorian `year`.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A decimal number's text (`7.5`, `10`, `9.85e0`) as an integer scaled by
/// 10,000, rounded half away from zero to four fractional digits. `None`
/// when the text is not a plain decimal number or is out of range.
pub(crate) fn scaled_decimal(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(cut) => {
            let exponent = unsigned.get(cut + 1..)?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            (unsigned.get(..cut)?, exponent.parse::<i32>().ok()?)
        }
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if mantissa.contains('.') && fraction.is_empty() {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let value: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    // value × 10^(exponent − fraction digits) × 10^4
    let power = exponent
        .checked_sub(i32::try_from(fraction.len()).ok()?)?
        .checked_add(4)?;
    let scaled = if power >= 0 {
        value.checked_mul(10_i128.checked_pow(u32::try_from(power).ok()?)?)?
    } else {
        match 10_i128.checked_pow(power.unsigned_abs()) {
            Some(divisor) => (value + divisor / 2) / divisor,
            None => 0,
        }
    };
    let scaled = if negative { -scaled } else { scaled };
    i64::try_from(scaled).ok()
}

/// A scaled decimal (see [`scaled_decimal`]) as a Cedar decimal literal:
/// `75000` is "7.5", `100000` is "10.0".
pub(crate) fn cedar_decimal(scaled: i64) -> String {
    let scaled = i128::from(scaled);
    let sign = if scaled < 0 { "-" } else { "" };
    let whole = (scaled / DECIMAL_SCALE).abs();
    let fraction = format!("{:04}", (scaled % DECIMAL_SCALE).abs());
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.is_empty() { "0" } else { fraction };
    format!("{sign}{whole}.{fraction}")
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
            "a text value of {len} bytes is longer than this plugin reads ({MAX_TEXT_BYTES} bytes at most): no SBOM or VEX field is that long"
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
    fn instants_order_across_offsets() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(instant("1970-01-01T01:00:00+01:00"), Some((0, 0)));
        assert_eq!(instant("2000-03-01T00:00:00Z"), Some((951_868_800, 0)));
        assert_eq!(
            instant("2022-02-01T00:00:00.000Z"),
            instant("2022-01-31T19:00:00-05:00")
        );
        assert_eq!(
            instant("2022-01-01T00:00:00.5Z"),
            Some((1_640_995_200, 500_000_000))
        );
        assert_eq!(
            instant("2022-01-01T00:00:00.1234567891234Z"),
            Some((1_640_995_200, 123_456_789))
        );
        assert!(instant("2024-02-29T00:00:00Z").is_some());
        for bad in [
            "2023-02-29T00:00:00Z",
            "2022-13-01T00:00:00Z",
            "2022-00-01T00:00:00Z",
            "2022-01-32T00:00:00Z",
            "2022-01-01T24:00:00Z",
            "2022-01-01T00:00:00+24:00",
            "2022-01-01",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_from_text() {
        let cases = [
            ("7.5", Some(75_000)),
            ("9.8", Some(98_000)),
            ("10", Some(100_000)),
            ("0.0", Some(0)),
            ("-1.25", Some(-12_500)),
            ("9.85e0", Some(98_500)),
            ("1e1", Some(100_000)),
            ("1E-4", Some(1)),
            ("1.23456", Some(12_346)),
            ("0.00004", Some(0)),
            ("1e-999", Some(0)),
            ("1e-9999", None),
            ("1e-99", Some(0)),
            ("00012.50", Some(125_000)),
            ("1e99", None),
            ("", None),
            ("7.", None),
            (".5", None),
            ("7,5", None),
            ("NaN", None),
            ("1e", None),
            ("--1", None),
        ];
        for (text, scaled) in cases {
            assert_eq!(scaled_decimal(text), scaled, "{text}");
        }
        assert_eq!(cedar_decimal(75_000), "7.5");
        assert_eq!(cedar_decimal(100_000), "10.0");
        assert_eq!(cedar_decimal(0), "0.0");
        assert_eq!(cedar_decimal(-12_500), "-1.25");
        assert_eq!(cedar_decimal(12_346), "1.2346");
        assert_eq!(cedar_decimal(i64::MIN), "-922337203685477.5808");
    }

    #[test]
    fn oversized_text_is_located() {
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        let doc = serde_json::json!({"a": [1, {"b/c": long}]});
        let at = check_text_sizes(&doc).err().map(|e| e.location);
        assert!(
            matches!(&at, Some(assure_plugin_sdk::Location::Pointer(p)) if p == "/a/1/b~1c"),
            "{at:?}"
        );
        assert!(check_text_sizes(&serde_json::json!({"a": "x".repeat(MAX_TEXT_BYTES)})).is_ok());
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
