//! CycloneDX values: scores as Cedar decimals, and timestamps as instants.

use assure_plugin_sdk::time::{self, Instant};

/// Cedar decimals have four fractional digits: values are kept as integers
/// scaled by this.
const DECIMAL_SCALE: i128 = 10_000;

/// An RFC 3339 date-time (not a bare date) as an instant, for ordering
/// statements; `None` when `text` is not one. Tools write fractions longer
/// than nine digits, which RFC 3339 allows: they are cut to nine.
pub(crate) fn instant(text: &str) -> Option<Instant> {
    time::parse(&time::normalize_datetime(text)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> Option<(i64, u32)> {
        super::instant(text).map(|i| (i.seconds(), i.nanos()))
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
}
