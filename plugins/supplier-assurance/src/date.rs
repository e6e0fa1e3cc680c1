//! Dates: a bare `YYYY-MM-DD` date or an RFC 3339 date-time, checked and
//! put in order, in integer arithmetic.
//!
//! The parsing rules are the same as the dtac, pentest and cyber-essentials plugins'. A bare
//! date is midnight UTC, as the engine reads it.

/// A checked date or date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Moment<'a> {
    /// The text as written.
    text: &'a str,
    year: u32,
    month: u32,
    day: u32,
    /// Seconds into the day, in the written offset (a leap second counts
    /// as the second before it), and the fraction in nanoseconds.
    seconds: i64,
    nanos: u32,
    /// The offset from UTC, in seconds.
    offset: i64,
}

impl<'a> Moment<'a> {
    /// Checks `text`; the error says why it is not a date.
    pub(crate) fn parse(text: &'a str) -> Result<Self, String> {
        let b = text.as_bytes();
        let (year, month, day) = date_part(b).ok_or_else(|| {
            "a date is `YYYY-MM-DD` or an RFC 3339 date-time such as `2026-01-19T09:30:00Z`"
                .to_owned()
        })?;
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} does not exist"));
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(format!("{year:04}-{month:02} has no day {day}"));
        }
        let mut moment = Moment {
            text,
            year,
            month,
            day,
            seconds: 0,
            nanos: 0,
            offset: 0,
        };
        if b.len() == 10 {
            return Ok(moment);
        }
        let (seconds, nanos, offset) = time_part(b.get(10..).unwrap_or_default()).ok_or_else(|| {
            "the time must be `THH:MM:SS`, an optional fraction of up to 9 digits, then `Z` or `+HH:MM`"
                .to_owned()
        })?;
        moment.seconds = seconds;
        moment.nanos = nanos;
        moment.offset = offset;
        Ok(moment)
    }

    /// The text as written.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The instant, for ordering: seconds since 1970-01-01T00:00:00Z and
    /// nanoseconds.
    pub(crate) fn instant(&self) -> (i64, u32) {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        (days * 86_400 + self.seconds - self.offset, self.nanos)
    }
}

/// The year, month and day of `YYYY-MM-DD` at the start of `b`.
fn date_part(b: &[u8]) -> Option<(u32, u32, u32)> {
    if !(byte_is(b, 4, b"-") && byte_is(b, 7, b"-")) {
        return None;
    }
    Some((number(b, 0, 4)?, number(b, 5, 2)?, number(b, 8, 2)?))
}

/// `THH:MM:SS[.fraction](Z|±HH:MM)`, in range: seconds into the day,
/// nanoseconds, and the offset in seconds.
fn time_part(b: &[u8]) -> Option<(i64, u32, i64)> {
    if !(byte_is(b, 0, b"Tt") && byte_is(b, 3, b":") && byte_is(b, 6, b":")) {
        return None;
    }
    let (hour, minute, second) = (number(b, 1, 2)?, number(b, 4, 2)?, number(b, 7, 2)?);
    // RFC 3339 allows a leap second (60).
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let seconds = i64::from(hour * 3600 + minute * 60 + second.min(59));
    let mut at = 9;
    let mut nanos = 0;
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
        nanos = number(b, at + 1, digits)? * 10u32.pow(9 - u32::try_from(digits).ok()?);
        at += 1 + digits;
    }
    let offset = b.get(at..).unwrap_or_default();
    match offset {
        [b'Z' | b'z'] => Some((seconds, nanos, 0)),
        [sign @ (b'+' | b'-'), ..] if offset.len() == 6 && byte_is(offset, 3, b":") => {
            let (hours, minutes) = (number(offset, 1, 2)?, number(offset, 4, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let magnitude = i64::from(hours * 3600 + minutes * 60);
            Some((
                seconds,
                nanos,
                if *sign == b'-' { -magnitude } else { magnitude },
            ))
        }
        _ => None,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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

/// The `n` (at most 9) ASCII digits at `at`, as a number.
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
    use super::*;

    fn instant(text: &str) -> (i64, u32) {
        Moment::parse(text)
            .map(|m| m.instant())
            .unwrap_or((i64::MIN, 0))
    }

    #[test]
    fn instants_are_ordered_across_offsets() {
        assert_eq!(instant("1970-01-01"), (0, 0));
        assert_eq!(instant("2000-03-01"), (951_868_800, 0));
        assert_eq!(instant("2026-04-06T00:00:00Z"), instant("2026-04-06"));
        assert_eq!(instant("2026-04-06T01:00:00+01:00"), instant("2026-04-06"));
        assert_eq!(instant("2026-04-05T19:00:00-05:00"), instant("2026-04-06"));
        assert!(instant("2026-04-06T00:00:00.5Z") > instant("2026-04-06"));
        assert_eq!(instant("2026-04-06T00:00:00.5Z").1, 500_000_000);
        assert!(instant("0000-01-01") < instant("1969-12-31"));
        assert_eq!(instant("1969-12-31"), (-86_400, 0));
    }

    #[test]
    fn bad_dates() {
        for bad in [
            "",
            "2026-4-6",
            "2026-13-01",
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
        ] {
            assert!(Moment::parse(bad).is_err(), "{bad}");
        }
        assert!(Moment::parse("2000-02-29").is_ok());
        assert!(Moment::parse("2026-12-31T23:59:60Z").is_ok());
    }
}
