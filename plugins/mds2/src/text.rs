//! The document as text. The SDK reads UTF-8 (a byte-order mark dropped) and
//! checks the line caps; this sets the caps for an MDS2 export and words the
//! errors in its terms, so that a hostile document cannot make the plugin
//! hang or run out of memory.

use assure_plugin_sdk::text::{LinesPastLimit, NotUtf8, decode_utf8, split_lines};
use assure_plugin_sdk::{ExtractError, Location, error};

/// The longest physical line read, in bytes.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most physical lines read. An MDS2 form has a few hundred questions.
pub(crate) const MAX_LINES: usize = 100_000;

/// The document's text, without a leading byte-order mark.
///
/// # Errors
///
/// When the bytes are not UTF-8 (the error names the line of the first bad
/// byte), a line is longer than [`MAX_LINE_BYTES`], or there are more than
/// [`MAX_LINES`] lines.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ExtractError> {
    let (text, _bom) = decode_utf8(bytes).map_err(|NotUtf8 { line, byte }| {
        error(
            format!(
                "the document is not valid UTF-8: byte 0x{byte:02X} on line {line} (save the MDS2 export as CSV UTF-8)"
            ),
            Location::Line(line),
        )
    })?;
    split_lines(text, MAX_LINES, MAX_LINE_BYTES).map_err(|past| match past {
        LinesPastLimit::TooMany { line } => error(
            format!("the document has more than {MAX_LINES} lines: too long for an MDS2 export"),
            Location::Line(line),
        ),
        LinesPastLimit::TooLong { line, bytes } => error(
            format!(
                "line {line} is {bytes} bytes long, over the limit of {MAX_LINE_BYTES}: not an MDS2 export"
            ),
            Location::Line(line),
        ),
    })?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_utf8_names_its_line() {
        let e = decode(b"a,b\r\nc,\xFF").err();
        assert!(matches!(e.map(|e| e.location), Some(Location::Line(2))));
        assert!(matches!(decode(b"\xEF\xBB\xBFid"), Ok("id")));
    }

    #[test]
    fn long_lines_are_refused() {
        let doc = format!("a\n{}\n", "x".repeat(MAX_LINE_BYTES + 1));
        let e = decode(doc.as_bytes()).err();
        assert!(matches!(e.map(|e| e.location), Some(Location::Line(2))));
    }
}
