//! Times as decisions and Cedar write them: RFC 3339 in UTC, with
//! milliseconds only when they are not zero.

/// An RFC 3339 date-time (or a bare date) as UTC, the form Cedar reads.
pub fn normalise_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    let timestamp: jiff::Timestamp = match s.parse() {
        Ok(t) => t,
        Err(_) => {
            let date: jiff::civil::Date = s.parse().ok()?;
            date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp()
        }
    };
    Some(format_datetime(timestamp))
}

/// A timestamp in Cedar's datetime form.
pub fn format_datetime(t: jiff::Timestamp) -> String {
    let millis = t.subsec_millisecond();
    if millis == 0 {
        t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        format!("{}.{millis:03}Z", t.strftime("%Y-%m-%dT%H:%M:%S"))
    }
}
