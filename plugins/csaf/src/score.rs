//! CVSS base scores as Cedar decimals, checked and compared with integer
//! arithmetic only.

use assure_plugin_sdk::json::Value as Json;

/// The most fractional digits a Cedar decimal has.
const MAX_FRACTION: usize = 4;

/// A CVSS base score: the text as written and its value in ten-thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Score {
    pub(crate) text: String,
    pub(crate) units: u32,
}

/// The score a JSON value gives: a number from 0 to 10 with at most four
/// fractional digits, written without an exponent. `None` otherwise.
///
/// The number's text is serde_json's: the shortest that reads back as the
/// same number, so "6.1" stays "6.1" ("6.10" would become "6.1").
pub(crate) fn read(value: &Json) -> Option<Score> {
    let Json::Number(n) = value else {
        return None;
    };
    parse(&n.to_string())
}

/// `text` as a score: `D`, `DD`, `D.F…` or `DD.F…`, at most 10.
fn parse(text: &str) -> Option<Score> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 2
        || !all_digits(whole)
        || fraction.len() > MAX_FRACTION
        || !all_digits(fraction)
        || (text.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let mut units: u32 = whole.parse().ok()?;
    for i in 0..MAX_FRACTION {
        let digit = fraction
            .as_bytes()
            .get(i)
            .map_or(0, |b| u32::from(b - b'0'));
        units = units * 10 + digit;
    }
    (units <= 100_000).then(|| Score {
        text: text.to_owned(),
        units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_as_written() {
        let score = |v: Json| read(&v).map(|s| (s.text, s.units));
        assert_eq!(
            score(serde_json::json!(6.1)),
            Some(("6.1".to_owned(), 61_000))
        );
        assert_eq!(
            score(serde_json::json!(10)),
            Some(("10".to_owned(), 100_000))
        );
        assert_eq!(
            score(serde_json::json!(10.0)),
            Some(("10.0".to_owned(), 100_000))
        );
        assert_eq!(score(serde_json::json!(0)), Some(("0".to_owned(), 0)));
        assert_eq!(
            score(serde_json::json!(9.8765)),
            Some(("9.8765".to_owned(), 98_765))
        );
        for bad in [
            serde_json::json!(10.1),
            serde_json::json!(-1),
            serde_json::json!(9.87654),
            serde_json::json!(1e-7),
            serde_json::json!(1e300),
            serde_json::json!("7.5"),
            serde_json::json!(null),
        ] {
            assert_eq!(read(&bad), None, "{bad}");
        }
    }
}
