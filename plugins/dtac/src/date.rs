//! Checking dates: a bare `YYYY-MM-DD` date or an RFC 3339 date-time.
//!
//! The same rules are used by the cyber-essentials and pentest plugins: the
//! engine normalises what a plugin emits, so a plugin only checks that a date
//! is one the engine can read (a real calendar day, a time with an offset).

/// Why `text` is not a date the engine can read, or `Ok` when it is.
pub(crate) fn check(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let (year, month, day) = date_part(b).ok_or_else(|| {
        "a date is `YYYY-MM-DD` or an RFC 3339 date-time such as `2026-01-19T09:30:00Z`".to_owned()
    })?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} does not exist"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("{year:04}-{month:02} has no day {day}"));
    }
    if b.len() == 10 {
        return Ok(());
    }
    time_part(b.get(10..).unwrap_or_default()).ok_or_else(|| {
        "the time must be `THH:MM:SS`, an optional fraction of up to 9 digits, then `Z` or `+HH:MM`"
            .to_owned()
    })
}

/// A checked date as an RFC 3339 date-time: a bare `YYYY-MM-DD` is midnight
/// UTC (`2026-04-20T00:00:00Z`), as the engine reads it; a date-time is kept
/// as written.
pub(crate) fn as_datetime(checked: &str) -> String {
    if checked.len() == 10 {
        format!("{checked}T00:00:00Z")
    } else {
        checked.to_owned()
    }
}

/// The year, month and day of `YYYY-MM-DD` at the start of `b`.
fn date_part(b: &[u8]) -> Option<(u32, u32, u32)> {
    if !(byte_is(b, 4, b"-") && byte_is(b, 7, b"-")) {
        return None;
    }
    Some((number(b, 0, 4)?, number(b, 5, 2)?, number(b, 8, 2)?))
}

/// `THH:MM:SS[.fraction](Z|±HH:MM)`, in range.
fn time_part(b: &[u8]) -> Option<()> {
    if !(byte_is(b, 0, b"Tt") && byte_is(b, 3, b":") && byte_is(b, 6, b":")) {
        return None;
    }
    let (hour, minute, second) = (number(b, 1, 2)?, number(b, 4, 2)?, number(b, 7, 2)?);
    // RFC 3339 allows a leap second (60).
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 9;
    if byte_is(b, at, b".") {
        let digits = b
            .get(at + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        at += 1 + digits;
    }
    let offset = b.get(at..).unwrap_or_default();
    match offset {
        [b'Z' | b'z'] => Some(()),
        [b'+' | b'-', ..] if offset.len() == 6 && byte_is(offset, 3, b":") => {
            (number(offset, 1, 2)? <= 23 && number(offset, 4, 2)? <= 59).then_some(())
        }
        _ => None,
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The number of days in `month` (1 to 12) of `year`.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The `n` ASCII digits at `at`, as a number.
fn number(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = b.get(at..at.checked_add(n)?)?;
    digits.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn byte_is(b: &[u8], at: usize, any_of: &[u8]) -> bool {
    b.get(at).is_some_and(|c| any_of.contains(c))
}

#[cfg(test)]
mod tests {
    use super::{as_datetime, check};

    #[test]
    fn bare_dates_are_midnight_utc() {
        assert_eq!(as_datetime("2026-04-20"), "2026-04-20T00:00:00Z");
        assert_eq!(
            as_datetime("2025-09-01T14:05:00+01:00"),
            "2025-09-01T14:05:00+01:00"
        );
    }

    #[test]
    fn dates_and_date_times() {
        for ok in [
            "2026-04-06",
            "2024-02-29",
            "2000-02-29",
            "2026-04-06T09:30:00Z",
            "2026-04-06t09:30:00z",
            "2026-04-06T09:30:00.123456789+01:00",
            "2026-12-31T23:59:60-05:30",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "2026-4-6",
            "2026-13-01",
            "2026-00-10",
            "2025-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-04-06T09:30:00",
            "2026-04-06T24:00:00Z",
            "2026-04-06T09:30:00.Z",
            "2026-04-06T09:30:00.1234567890Z",
            "2026-04-06T09:30:00+0100",
            "2026-04-06T09:30:00+24:00",
            "2026-04-06 ",
            "06/04/2026",
            "2026-04-06T09:30:00Zjunk",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
