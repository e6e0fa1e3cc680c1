//! Dates for plugins: a bare `YYYY-MM-DD` date or an RFC 3339 date-time,
//! checked (with a reason when it is not one), put in order, and moved on by
//! calendar months; all in integer arithmetic, without a clock.
//!
//! A bare date is midnight UTC, as the engine reads it. A leap second (`:60`)
//! is accepted and orders as the second before it. At most nine fractional
//! digits are read: the host reads no more.

/// A point in time: seconds since 1970-01-01T00:00:00Z, then nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    seconds: i64,
    nanos: u32,
}

impl Instant {
    /// Seconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn seconds(self) -> i64 {
        self.seconds
    }

    /// The fraction of the second, in nanoseconds.
    pub fn nanos(self) -> u32 {
        self.nanos
    }
}

/// A checked date or date-time, and the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment<'a> {
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
    /// Checks `text`: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.fraction]`
    /// then `Z` or `±HH:MM`, naming a real moment.
    ///
    /// # Errors
    ///
    /// Why `text` is not a date, in words fit for a message.
    pub fn parse(text: &'a str) -> Result<Self, String> {
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
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Whether it was written as a bare date, without a time.
    pub fn is_date_only(&self) -> bool {
        self.text.len() == 10
    }

    /// The moment as an RFC 3339 date-time: a bare date is midnight UTC
    /// (`2026-04-20T00:00:00Z`), as the engine reads it; a date-time is kept
    /// as written.
    pub fn to_datetime(&self) -> String {
        if self.is_date_only() {
            format!("{}T00:00:00Z", self.text)
        } else {
            self.text.to_owned()
        }
    }

    /// The instant, for ordering.
    pub fn instant(&self) -> Instant {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        Instant {
            seconds: days * 86_400 + self.seconds - self.offset,
            nanos: self.nanos,
        }
    }

    /// The same moment `months` calendar months later, written as this one
    /// is (a date stays a date; a date-time keeps its time and offset). A day
    /// the later month lacks becomes its last day: 29 February plus 12
    /// months is 28 February. `None` past the year 9999.
    pub fn plus_months(&self, months: u32) -> Option<String> {
        let index = self.month.checked_sub(1)?.checked_add(months)?;
        let year = self.year.checked_add(index / 12)?;
        if year > 9999 {
            return None;
        }
        let month = index % 12 + 1;
        let day = self.day.min(days_in_month(year, month));
        let rest = self.text.get(10..).unwrap_or_default();
        Some(format!("{year:04}-{month:02}-{day:02}{rest}"))
    }
}

/// The instant `text` names, when it is a date or date-time that
/// [`Moment::parse`] accepts.
pub fn parse(text: &str) -> Option<Instant> {
    Moment::parse(text).ok().map(|m| m.instant())
}

/// Whether `text` is an RFC 3339 date-time (or a bare date) naming a real
/// moment: what the engine can read as a `datetime`.
pub fn is_moment(text: &str) -> bool {
    Moment::parse(text).is_ok()
}

/// Whether `text` has the shape of an RFC 3339 date-time (not a bare date):
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of any length, then `Z` or
/// `±HH:MM`. Only the shape: the host checks the values (month 13, ...).
pub fn looks_like_rfc3339(text: &str) -> bool {
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

/// The most fractional-second digits the host reads; [`normalize_datetime`]
/// cuts longer fractions to this.
const MAX_FRACTION_DIGITS: usize = 9;

/// An RFC 3339 date-time (not a bare date) in the form to emit: `T` and `Z`
/// upper case, a fraction longer than nine digits cut to nine (RFC 3339
/// allows any number; the host reads no more, and they add nothing to
/// ordering). `None` when `text` is not one or names no real moment.
pub fn normalize_datetime(text: &str) -> Option<String> {
    if !looks_like_rfc3339(text) {
        return None;
    }
    let date = text.get(..10)?;
    let clock = text.get(11..19)?;
    let rest = text.get(19..)?;
    let (fraction, offset) = match rest.strip_prefix('.') {
        Some(after_dot) => {
            let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            (after_dot.get(..digits)?, after_dot.get(digits..)?)
        }
        None => ("", rest),
    };
    let fraction = fraction.get(..MAX_FRACTION_DIGITS).unwrap_or(fraction);
    let dot = if fraction.is_empty() { "" } else { "." };
    let offset = if offset.eq_ignore_ascii_case("z") {
        "Z"
    } else {
        offset
    };
    let out = format!("{date}T{clock}{dot}{fraction}{offset}");
    is_moment(&out).then_some(out)
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

    fn secs(text: &str) -> Option<i64> {
        parse(text).map(Instant::seconds)
    }

    fn plus_12(text: &str) -> Option<String> {
        Moment::parse(text).ok()?.plus_months(12)
    }

    fn instant(text: &str) -> (i64, u32) {
        Moment::parse(text)
            .map(|m| (m.instant().seconds, m.instant().nanos))
            .unwrap_or((i64::MIN, 0))
    }

    #[test]
    fn epoch_and_offsets() {
        assert_eq!(secs("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(secs("1970-01-01"), Some(0));
        assert_eq!(secs("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            secs("2022-12-22T16:36:43-05:00"),
            secs("2022-12-22T21:36:43Z")
        );
        assert!(
            parse("2023-08-15T19:55:22.076684217-06:00")
                < parse("2023-08-16T19:55:22.076684217-06:00")
        );
        assert!(parse("2023-01-01T00:00:00.5Z") > parse("2023-01-01T00:00:00.4999Z"));
    }

    #[test]
    fn rejects_what_is_not_a_moment() {
        for bad in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-02-29",
            "2023-01-01T24:00:00Z",
            "2023-01-01T00:00:00",
            "2023-01-01T00:00:00.Z",
            "2023-01-01T00:00:00.1234567891Z",
            "2023-01-01T00:00:00+0100",
            "2023-01-01T00:00:00Zjunk",
            "2023-1-01",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(parse("2024-02-29").is_some());
    }

    #[test]
    fn twelve_calendar_months() {
        assert_eq!(plus_12("2025-11-03").as_deref(), Some("2026-11-03"));
        assert_eq!(plus_12("2024-02-29").as_deref(), Some("2025-02-28"));
        assert_eq!(plus_12("2023-02-28").as_deref(), Some("2024-02-28"));
        assert_eq!(plus_12("2027-02-29"), None);
        assert_eq!(
            plus_12("2025-12-31T23:59:59+01:00").as_deref(),
            Some("2026-12-31T23:59:59+01:00")
        );
        assert_eq!(plus_12("9998-06-01").as_deref(), Some("9999-06-01"));
        assert_eq!(plus_12("9999-06-01"), None);
        let m = Moment::parse("2024-01-31").ok();
        assert_eq!(
            m.and_then(|m| m.plus_months(1)).as_deref(),
            Some("2024-02-29")
        );
        let m = Moment::parse("2024-11-30").ok();
        assert_eq!(
            m.and_then(|m| m.plus_months(3)).as_deref(),
            Some("2025-02-28")
        );
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
    fn dates_as_datetimes() {
        let read = |t| Moment::parse(t).map(|m| m.to_datetime());
        assert_eq!(read("2026-04-20").as_deref(), Ok("2026-04-20T00:00:00Z"));
        assert_eq!(
            read("2026-04-20T09:30:00+01:00").as_deref(),
            Ok("2026-04-20T09:30:00+01:00")
        );
    }

    #[test]
    fn datetimes_normalized_for_emitting() {
        let ok = |s: &str| normalize_datetime(s).unwrap_or_default();
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
            assert_eq!(normalize_datetime(bad), None, "{bad}");
        }
        assert!(normalize_datetime("2000-02-29T00:00:00Z").is_some());
    }
}
