//! The form's release date (DOC-7), as spreadsheets write it, read into an
//! RFC 3339 date-time at midnight UTC.
//!
//! Read: `2024-07-15` and RFC 3339 date-times (kept as written); `2024/07/15`;
//! `15/07/2024`, `15.07.2024`, `15-07-2024` and `07/15/2024` when the day is
//! over 12, so that the order cannot be mistaken (HN 1-2019 is an American
//! form, UK exports write the day first: `05/07/2024` could be either, and is
//! not read); and a month written as a word, in any order with the day and a
//! four-digit year (`15 July 2024`, `15-Jul-2024`, `July 15, 2024`,
//! `15th Sept 2024`). A two-digit year, a month without a day, or anything
//! else is not read.
//!
//! Kept in this plugin: these spellings are how MDS2 spreadsheets write a
//! date; checking RFC 3339 is the SDK's (`assure_plugin_sdk::time`).

use assure_plugin_sdk::time;

/// Month names and their usual abbreviations, lower case.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// The date-time `text` names, or why it cannot be read.
pub(crate) fn release_date(text: &str) -> Result<String, String> {
    let text = text.trim();
    if time::is_moment(text) {
        return Ok(if text.len() == 10 {
            format!("{text}T00:00:00Z")
        } else {
            text.to_owned()
        });
    }
    let (year, month, day) = if text.bytes().any(|b| b.is_ascii_alphabetic()) {
        worded(text)?
    } else {
        numeric(text)?
    };
    let date = format!("{year:04}-{month:02}-{day:02}");
    if time::is_moment(&date) {
        Ok(format!("{date}T00:00:00Z"))
    } else {
        Err(format!("{year:04}-{month:02} has no day {day}"))
    }
}

/// `Y/M/D` with a four-digit year first, or `D/M/Y` or `M/D/Y` when the day
/// is over 12; `/`, `.` or `-` between the parts.
fn numeric(text: &str) -> Result<(u32, u32, u32), String> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err("a date is day, month and year".to_owned());
    };
    let number = |part: &str| -> Option<u32> {
        (!part.is_empty() && part.len() <= 4 && part.bytes().all(|d| d.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(x), Some(y), Some(z)) = (number(a), number(b), number(c)) else {
        return Err("a date is day, month and year in digits or words".to_owned());
    };
    if a.len() == 4 {
        return Ok((x, y, z));
    }
    if c.len() != 4 {
        return Err("the year must have four digits".to_owned());
    }
    match (x, y) {
        (x, y) if x == y && x <= 12 => Ok((z, x, y)),
        (day, month) if day > 12 && month <= 12 => Ok((z, month, day)),
        (month, day) if day > 12 && month <= 12 => Ok((z, month, day)),
        (x, y) if x <= 12 && y <= 12 => Err(format!(
            "it could be day {x} of month {y} or month {x}, day {y}: write it as YYYY-MM-DD"
        )),
        _ => Err("no month is over 12".to_owned()),
    }
}

/// A month name, a day and a four-digit year, in any order.
fn worded(text: &str) -> Result<(u32, u32, u32), String> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '/' | '.'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let (mut year, mut month, mut day) = (None, None, None);
    for word in &words {
        if let Some((_, m)) = MONTHS.iter().find(|(name, _)| name == word) {
            if month.replace(*m).is_some() {
                return Err("it names two months".to_owned());
            }
            continue;
        }
        let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = word.get(digits.len()..).unwrap_or_default();
        let ordinal = suffix.is_empty() || ["st", "nd", "rd", "th"].contains(&suffix);
        if digits.is_empty() || !ordinal || !digits.bytes().all(|d| d.is_ascii_digit()) {
            return Err(format!("`{word}` is not a day, a month or a year"));
        }
        let slot = match digits.len() {
            4 if suffix.is_empty() => &mut year,
            1 | 2 => &mut day,
            _ => return Err(format!("`{word}` is not a day or a four-digit year")),
        };
        if slot.replace(digits.parse::<u32>().unwrap_or(0)).is_some() {
            return Err("a date is one day, one month and one year".to_owned());
        }
    }
    match (year, month, day) {
        (Some(year), Some(month), Some(day)) => Ok((year, month, day)),
        (_, _, None) => Err("it has no day".to_owned()),
        _ => Err("a date is day, month and four-digit year".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::release_date;

    #[test]
    fn dates_as_spreadsheets_write_them() {
        for (written, read) in [
            ("2024-07-15", "2024-07-15T00:00:00Z"),
            (" 2024-07-15 ", "2024-07-15T00:00:00Z"),
            ("2024-07-15T09:30:00+01:00", "2024-07-15T09:30:00+01:00"),
            ("2024/07/15", "2024-07-15T00:00:00Z"),
            ("15/07/2024", "2024-07-15T00:00:00Z"),
            ("15.07.2024", "2024-07-15T00:00:00Z"),
            ("15-07-2024", "2024-07-15T00:00:00Z"),
            ("07/15/2024", "2024-07-15T00:00:00Z"),
            ("7/7/2024", "2024-07-07T00:00:00Z"),
            ("15 July 2024", "2024-07-15T00:00:00Z"),
            ("15-Jul-2024", "2024-07-15T00:00:00Z"),
            ("July 15, 2024", "2024-07-15T00:00:00Z"),
            ("15th Sept 2024", "2024-09-15T00:00:00Z"),
            ("1st MARCH 2020", "2020-03-01T00:00:00Z"),
            ("29 Feb 2024", "2024-02-29T00:00:00Z"),
        ] {
            assert_eq!(release_date(written).as_deref(), Ok(read), "{written}");
        }
    }

    #[test]
    fn what_is_not_read() {
        for (written, why) in [
            ("05/07/2024", "could be day 5 of month 7 or month 5, day 7"),
            ("15/07/24", "four digits"),
            ("13/13/2024", "no month"),
            ("31/02/2024", "2024-02 has no day 31"),
            ("29 Feb 2025", "2025-02 has no day 29"),
            ("July 2024", "no day"),
            ("See note", "not a day"),
            ("TBD", "not a day"),
            ("", "day, month and year"),
            ("45488", "day, month and year"),
            ("15 July August 2024", "two months"),
            ("15 16 July 2024", "one day"),
            ("15th July 2024th", "not a day or a four-digit year"),
            ("2024-13-01", "2024-13 has no day 1"),
        ] {
            let got = release_date(written);
            assert!(
                got.as_ref().is_err_and(|e| e.contains(why)),
                "{written}: {got:?}"
            );
        }
    }
}
