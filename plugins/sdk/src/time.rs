//! RFC 3339 date-times for plugins: whether a text names a real moment, and
//! an instant to order statements by. Integer arithmetic only, no clock.

/// A point in time: seconds since 1970-01-01T00:00:00Z, then nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    seconds: i64,
    nanos: u32,
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, or a bare
/// `YYYY-MM-DD` (midnight UTC). `None` when the text is not one of those or
/// names no real moment (month 13, 30 February, hour 24, ...).
pub fn parse(text: &str) -> Option<Instant> {
    let b = text.as_bytes();
    let year = number(b, 0, 4)?;
    let month = number(b, 5, 2)?;
    let day = number(b, 8, 2)?;
    if !byte_is(b, 4, b"-") || !byte_is(b, 7, b"-") || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some(Instant {
            seconds: days.checked_mul(86_400)?,
            nanos: 0,
        });
    }
    let hour = number(b, 11, 2)?;
    let minute = number(b, 14, 2)?;
    let second = number(b, 17, 2)?;
    let shape = byte_is(b, 10, b"Tt") && byte_is(b, 13, b":") && byte_is(b, 16, b":");
    if !shape || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut nanos: u32 = 0;
    if byte_is(b, at, b".") {
        at += 1;
        let mut count = 0u32;
        while let Some(d) = b.get(at).filter(|c| c.is_ascii_digit()) {
            if count == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(d - b'0');
            count += 1;
            at += 1;
        }
        if count == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - count);
    }
    let offset = if byte_is(b, at, b"Zz") {
        at += 1;
        0
    } else {
        let sign = match b.get(at) {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        let oh = number(b, at + 1, 2)?;
        let om = number(b, at + 4, 2)?;
        if !byte_is(b, at + 3, b":") || oh > 23 || om > 59 {
            return None;
        }
        at += 6;
        sign * (oh * 3600 + om * 60)
    };
    if b.len() != at {
        return None;
    }
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second)?
        .checked_sub(offset)?;
    Some(Instant { seconds, nanos })
}

/// Whether `text` is an RFC 3339 date-time (or a bare date) naming a real
/// moment: what the engine can read as a `datetime`.
pub fn is_moment(text: &str) -> bool {
    parse(text).is_some()
}

/// The decimal number in `b[at..at + n]`, all ASCII digits.
fn number(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let digits = b.get(at..at.checked_add(n)?)?;
    digits.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn byte_is(b: &[u8], at: usize, any_of: &[u8]) -> bool {
    b.get(at).is_some_and(|c| any_of.contains(c))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm); `year` is 0 to 9999 here, so nothing overflows.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> Option<i64> {
        parse(text).map(|i| i.seconds)
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
}
