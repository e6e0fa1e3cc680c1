//! The document as text. The SDK reads UTF-8 (a byte-order mark noted) and
//! splits CRLF and LF lines under caps; this sets the caps for a security.txt
//! and words the errors with the RFC 9116 sections they come from.

use assure_plugin_sdk::text::{LinesPastLimit, NotUtf8, decode_utf8, split_lines};
use assure_plugin_sdk::{ExtractError, Location, error};

pub(crate) use assure_plugin_sdk::text::Line;

/// The longest line read, in bytes.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most lines read. RFC 9116 §5.4 suggests refusing files of more than
/// 1,000 lines; we allow ten times that before calling it hostile.
pub(crate) const MAX_LINES: usize = 10_000;

/// The document's text, and whether it began with a byte-order mark.
///
/// # Errors
///
/// When the bytes are not UTF-8: the error names the line of the first bad byte.
pub(crate) fn decode(bytes: &[u8]) -> Result<(&str, bool), ExtractError> {
    decode_utf8(bytes).map_err(|NotUtf8 { line, byte }| {
        error(
            format!(
                "the document is not valid UTF-8: byte 0x{byte:02X} on line {line} (a security.txt must be UTF-8, RFC 9116 §4)"
            ),
            Location::Line(line),
        )
    })
}

/// The lines of `text`, split on LF with a CR before it dropped.
///
/// # Errors
///
/// When a line is longer than [`MAX_LINE_BYTES`] or there are more than
/// [`MAX_LINES`] lines; the error names the line.
pub(crate) fn lines(text: &str) -> Result<Vec<Line<'_>>, ExtractError> {
    split_lines(text, MAX_LINES, MAX_LINE_BYTES).map_err(|past| match past {
        LinesPastLimit::TooMany { line } => error(
            format!(
                "the document has more than {MAX_LINES} lines: too long for a security.txt (RFC 9116 §5.4)"
            ),
            Location::Line(line),
        ),
        LinesPastLimit::TooLong { line, bytes } => error(
            format!(
                "line {line} is {bytes} bytes long, over the limit of {MAX_LINE_BYTES}: not a security.txt (RFC 9116 §5.4)"
            ),
            Location::Line(line),
        ),
    })
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
}
