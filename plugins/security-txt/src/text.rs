//! The document as text: UTF-8 (invalid bytes are an error naming their
//! line), a byte-order mark tolerated, CRLF and LF line ends, and caps on line
//! length and line count so that a hostile document cannot make the plugin
//! hang or run out of memory.

use assure_plugin_sdk::{ExtractError, Location, error};

/// The longest line read, in bytes.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most lines read. RFC 9116 §5.4 suggests refusing files of more than
/// 1,000 lines; we allow ten times that before calling it hostile.
pub(crate) const MAX_LINES: usize = 10_000;

/// The longest piece of document text quoted back in a message.
const QUOTE_CHARS: usize = 80;

/// One line of the document, without its line end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based.
    pub number: u32,
    pub text: &'a str,
}

/// The document's text, and whether it began with a byte-order mark.
///
/// # Errors
///
/// When the bytes are not UTF-8: the error names the line of the first bad byte.
pub(crate) fn decode(bytes: &[u8]) -> Result<(&str, bool), ExtractError> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text, bom)),
        Err(e) => {
            let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let newlines = good.iter().filter(|b| **b == b'\n').count();
            let line = line_number(newlines);
            let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            Err(error(
                format!(
                    "the document is not valid UTF-8: byte 0x{byte:02X} on line {line} (a security.txt must be UTF-8, RFC 9116 §4)"
                ),
                Location::Line(line),
            ))
        }
    }
}

/// The lines of `text`, split on LF with a CR before it dropped.
///
/// # Errors
///
/// When a line is longer than [`MAX_LINE_BYTES`] or there are more than
/// [`MAX_LINES`] lines; the error names the line.
pub(crate) fn lines(text: &str) -> Result<Vec<Line<'_>>, ExtractError> {
    let mut out = Vec::new();
    // A final line end does not start another line.
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(out);
    }
    for (index, raw) in text.split('\n').enumerate() {
        let number = line_number(index);
        if index >= MAX_LINES {
            return Err(error(
                format!(
                    "the document has more than {MAX_LINES} lines: too long for a security.txt (RFC 9116 §5.4)"
                ),
                Location::Line(number),
            ));
        }
        if raw.len() > MAX_LINE_BYTES {
            return Err(error(
                format!(
                    "line {number} is {} bytes long, over the limit of {MAX_LINE_BYTES}: not a security.txt (RFC 9116 §5.4)",
                    raw.len()
                ),
                Location::Line(number),
            ));
        }
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        out.push(Line { number, text });
    }
    Ok(out)
}

/// The 1-based number of the line after `index` line ends.
fn line_number(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf_lines() {
        let got: Vec<(u32, &str)> = lines("a\r\nb\n\nc\r\n")
            .unwrap_or_default()
            .iter()
            .map(|l| (l.number, l.text))
            .collect();
        assert_eq!(got, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        assert!(lines("").unwrap_or_default().is_empty());
    }

    #[test]
    fn bad_utf8_names_its_line() {
        let e = decode(b"a\nb\n\xC3(").err();
        assert!(matches!(e.map(|e| e.location), Some(Location::Line(3))));
        assert!(matches!(decode(b"\xEF\xBB\xBFok"), Ok(("ok", true))));
    }

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("abc"), "abc");
        assert_eq!(quote(&"é".repeat(200)).chars().count(), QUOTE_CHARS + 1);
    }
}
