//! Base64 decoding (RFC 4648), for a DSSE envelope's `payload`.
//!
//! DSSE allows the standard alphabet (§4) or the URL-safe one (§5), so both
//! are accepted. Padding may be left off; when it is there it must be right.
//! Line breaks are skipped, as common encoders wrap long text. Unused low bits
//! in the last character are ignored, as most decoders do.

/// Decodes `text`, or says what is wrong with it (in words fit for a message
/// about the `payload` member).
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches(['\r', '\n']);
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    // Bits read but not yet written out, and how many there are (0 to 6).
    let mut pending: u32 = 0;
    let mut bits = 0;
    let mut chars: usize = 0;
    for (offset, byte) in body.bytes().enumerate() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'\r' | b'\n' => continue,
            b'=' => return Err(format!("has padding `=` before its end (byte {offset})")),
            _ => {
                return Err(format!(
                    "has a character that is not base64 at byte {offset}"
                ));
            }
        };
        chars += 1;
        pending = (pending << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let [.., low] = (pending >> bits).to_be_bytes();
            out.push(low);
            pending &= (1 << bits) - 1;
        }
    }
    if chars % 4 == 1 {
        return Err("ends in the middle of a byte: it is cut short".to_owned());
    }
    if padding > 0 && (padding > 2 || !(chars + padding).is_multiple_of(4)) {
        return Err("has the wrong number of `=` at its end".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn rfc_4648_test_vectors() {
        for (encoded, decoded) in [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "foobar"),
            ("Zm9vYg", "foob"),
            ("Zm9v\nYmFy\n", "foobar"),
        ] {
            assert_eq!(
                decode(encoded).as_deref(),
                Ok(decoded.as_bytes()),
                "{encoded}"
            );
        }
    }

    #[test]
    fn both_alphabets() {
        assert_eq!(decode("+/+/").as_deref(), Ok(&[0xfb, 0xff, 0xbf][..]));
        assert_eq!(decode("-_-_").as_deref(), Ok(&[0xfb, 0xff, 0xbf][..]));
    }

    #[test]
    fn malformed_text_is_an_error() {
        for bad in ["Zm9v!", "Zm=9v", "Z", "Zm9vY", "Zg===", "Zg=", "Zm9=v", "é"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
        assert_eq!(
            decode("Zm9v*A==").err().as_deref(),
            Some("has a character that is not base64 at byte 4")
        );
    }
}
