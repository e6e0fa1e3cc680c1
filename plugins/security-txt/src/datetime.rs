//! RFC 3339 date-times (§5.6 `date-time`), checked by shape and by range.

/// The most fractional-second digits passed on; more add nothing a policy
/// could use, and the host reads at most nine.
const MAX_FRACTION_DIGITS: usize = 9;

/// `text` as an RFC 3339 date-time, in the form to emit (`T` and `Z` upper
/// case, at most nine fractional digits); `None` when it is not one.
///
/// Checks the shape `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` and the ranges:
/// a real month and day (leap years included), hours 0-23, minutes 0-59,
/// seconds 0-60 (60 for a leap second), offsets up to ±23:59.
pub(crate) fn rfc3339(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let year = number(b, 0, 4)?;
    let month = after(b, 4, b'-').and_then(|()| number(b, 5, 2))?;
    let day = after(b, 7, b'-').and_then(|()| number(b, 8, 2))?;
    if !byte_is(b, 10, b"Tt") {
        return None;
    }
    let hour = number(b, 11, 2)?;
    let minute = after(b, 13, b':').and_then(|()| number(b, 14, 2))?;
    let second = after(b, 16, b':').and_then(|()| number(b, 17, 2))?;
    let in_range = (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    if !in_range {
        return None;
    }
    let mut at = 19;
    let mut fraction = "";
    if byte_is(b, at, b".") {
        let start = at + 1;
        at = start;
        while number(b, at, 1).is_some() {
            at += 1;
        }
        fraction = text.get(start..at)?;
        if fraction.is_empty() {
            return None;
        }
    }
    let offset = text.get(at..)?;
    let offset = match offset.as_bytes() {
        [b'Z' | b'z'] => "Z".to_owned(),
        [sign @ (b'+' | b'-'), ..] => {
            let o = offset.as_bytes();
            let hours = number(o, 1, 2)?;
            let minutes = after(o, 3, b':').and_then(|()| number(o, 4, 2))?;
            if o.len() != 6 || hours > 23 || minutes > 59 {
                return None;
            }
            format!("{}{hours:02}:{minutes:02}", char::from(*sign))
        }
        _ => return None,
    };
    let head = text.get(..10)?;
    let time = text.get(11..19)?;
    let fraction = fraction.get(..MAX_FRACTION_DIGITS).unwrap_or(fraction);
    let dot = if fraction.is_empty() { "" } else { "." };
    Some(format!("{head}T{time}{dot}{fraction}{offset}"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The `n` ASCII digits at `at`, as a number.
fn number(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = b.get(at..at.checked_add(n)?)?;
    digits.iter().try_fold(0u32, |acc, d| {
        d.is_ascii_digit()
            .then(|| acc * 10 + u32::from(d.saturating_sub(b'0')))
    })
}

/// `Some(())` when the byte at `at` is `expected`.
fn after(b: &[u8], at: usize, expected: u8) -> Option<()> {
    (b.get(at) == Some(&expected)).then_some(())
}

fn byte_is(b: &[u8], at: usize, any_of: &[u8]) -> bool {
    b.get(at).is_some_and(|c| any_of.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rfc3339() {
        let ok = |s: &str| rfc3339(s).unwrap_or_default();
        assert_eq!(ok("2021-12-31T18:37:07z"), "2021-12-31T18:37:07Z");
        assert_eq!(ok("2026-03-01T00:00:00+01:00"), "2026-03-01T00:00:00+01:00");
        assert_eq!(
            ok("2024-02-29t23:59:60.5-05:30"),
            "2024-02-29T23:59:60.5-05:30"
        );
        assert_eq!(
            ok("2024-01-01T00:00:00.123456789123Z"),
            "2024-01-01T00:00:00.123456789Z"
        );
    }

    #[test]
    fn refuses_the_rest() {
        for bad in [
            "",
            "2021-12-31",
            "2021-12-31T18:37Z",
            "2021-12-31 18:37:07Z",
            "2021-12-31T18:37:07",
            "2021-12-31T18:37:07.Z",
            "2021-12-31T18:37:07+0100",
            "2021-12-31T18:37:07+01:00x",
            "2021-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2021-04-31T00:00:00Z",
            "2021-12-00T00:00:00Z",
            "2021-12-31T24:00:00Z",
            "2021-12-31T23:60:00Z",
            "2021-12-31T23:59:61Z",
            "2021-12-31T23:59:59+24:00",
            "YYYY-MM-DDThh:mm:ssZ",
            "31/12/2021",
            "２０２１-12-31T00:00:00Z",
        ] {
            assert_eq!(rfc3339(bad), None, "{bad}");
        }
        assert!(rfc3339("2000-02-29T00:00:00Z").is_some());
    }
}
