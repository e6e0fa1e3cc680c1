//! The document as text: UTF-8 (invalid bytes are an error naming their
//! line), a byte-order mark dropped, and caps on line length and line count
//! so that a hostile document cannot make the plugin hang or run out of memory.

use assure_plugin_sdk::{ExtractError, Location, error};

/// The longest physical line read, in bytes.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most physical lines read. An MDS2 form has a few hundred questions.
pub(crate) const MAX_LINES: usize = 100_000;

/// The longest piece of document text quoted back in a message.
const QUOTE_CHARS: usize = 80;

/// The document's text, without a leading byte-order mark.
///
/// # Errors
///
/// When the bytes are not UTF-8 (the error names the line of the first bad
/// byte), a line is longer than [`MAX_LINE_BYTES`], or there are more than
/// [`MAX_LINES`] lines.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ExtractError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let line = line_number(good.iter().filter(|b| **b == b'\n').count());
            let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            return Err(error(
                format!(
                    "the document is not valid UTF-8: byte 0x{byte:02X} on line {line} (save the MDS2 export as CSV UTF-8)"
                ),
                Location::Line(line),
            ));
        }
    };
    for (index, line) in text.split('\n').enumerate() {
        let number = line_number(index);
        if index >= MAX_LINES {
            return Err(error(
                format!(
                    "the document has more than {MAX_LINES} lines: too long for an MDS2 export"
                ),
                Location::Line(number),
            ));
        }
        if line.len() > MAX_LINE_BYTES {
            return Err(error(
                format!(
                    "line {number} is {} bytes long, over the limit of {MAX_LINE_BYTES}: not an MDS2 export",
                    line.len()
                ),
                Location::Line(number),
            ));
        }
    }
    Ok(text)
}

/// The 1-based number of the line after `index` line ends.
pub(crate) fn line_number(index: usize) -> u32 {
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

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote(&"é".repeat(200)).chars().count(), QUOTE_CHARS + 1);
    }
}
