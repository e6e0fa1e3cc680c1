//! The OpenPGP cleartext signature framework (RFC 4880 §7) around a
//! security.txt: finds the signed part, strips its dash-escaping, and says
//! which lines lie outside it. The signature itself is not verified.

use assure_plugin_sdk::{ExtractError, Facts, Location, error};

use crate::text::Line;

const BEGIN_MESSAGE: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIGNATURE: &str = "-----BEGIN PGP SIGNATURE-----";
const END_SIGNATURE: &str = "-----END PGP SIGNATURE-----";

/// The part of the file to read fields from.
#[derive(Debug, Default)]
pub(crate) struct Body<'a> {
    /// The line of `-----BEGIN PGP SIGNED MESSAGE-----`, when the file is a
    /// cleartext-signed message.
    pub signed_at: Option<u32>,
    /// The lines to read fields from, dash-escaping removed.
    pub lines: Vec<Line<'a>>,
    /// Lines with text outside the signed part of a signed file.
    pub outside: Vec<u32>,
    /// The line of a signature block with no signed message before it.
    pub stray_signature: Option<u32>,
}

/// Splits a file into the part to read and the rest.
///
/// # Errors
///
/// When a signed message is truncated: its signature block is missing or not
/// closed.
pub(crate) fn unwrap<'a>(lines: &[Line<'a>], out: &mut Facts) -> Result<Body<'a>, ExtractError> {
    let is = |line: &Line<'_>, marker: &str| line.text.trim_end() == marker;
    let Some(begin) = lines.iter().position(|l| is(l, BEGIN_MESSAGE)) else {
        return Ok(unsigned(lines));
    };
    let begin_line = lines.get(begin).map_or(1, |l| l.number);
    let mut body = Body {
        signed_at: Some(begin_line),
        ..Body::default()
    };
    let before = lines.get(..begin).unwrap_or_default();
    body.outside.extend(
        before
            .iter()
            .filter(|l| !l.text.trim().is_empty())
            .map(|l| l.number),
    );

    let mut rest = lines.get(begin + 1..).unwrap_or_default().iter().peekable();
    // Armor headers ("Hash: SHA256"), then one blank line.
    while rest.next_if(|l| l.text.starts_with("Hash:")).is_some() {}
    match rest.peek() {
        Some(l) if l.text.trim().is_empty() => {
            rest.next();
        }
        Some(l) => out.note(
            "no blank line after the signed message's armor headers (RFC 4880 §7): the text is read from here",
            Location::Line(l.number),
        ),
        None => {}
    }

    let mut signature_at = None;
    for line in rest.by_ref() {
        if is(line, BEGIN_SIGNATURE) {
            signature_at = Some(line.number);
            break;
        }
        // Dash-escaped lines (RFC 4880 §7.1) start with "- ".
        let text = line.text.strip_prefix("- ").unwrap_or(line.text);
        body.lines.push(Line {
            number: line.number,
            text,
        });
    }
    let Some(signature_at) = signature_at else {
        return Err(error(
            format!(
                "the OpenPGP signed message that starts on line {begin_line} has no signature: `{BEGIN_SIGNATURE}` is missing (is the file truncated?)"
            ),
            Location::Line(begin_line),
        ));
    };
    if !rest.by_ref().any(|l| is(l, END_SIGNATURE)) {
        return Err(error(
            format!(
                "the OpenPGP signature that starts on line {signature_at} is not closed: `{END_SIGNATURE}` is missing (is the file truncated?)"
            ),
            Location::Line(signature_at),
        ));
    }
    body.outside
        .extend(rest.filter(|l| !l.text.trim().is_empty()).map(|l| l.number));
    Ok(body)
}

/// An unsigned file: every line is read, but a signature block with no signed
/// message before it is set aside.
fn unsigned<'a>(lines: &[Line<'a>]) -> Body<'a> {
    let mut body = Body::default();
    let mut in_signature = false;
    for line in lines {
        let marker = line.text.trim_end();
        if marker == BEGIN_SIGNATURE {
            in_signature = true;
            body.stray_signature.get_or_insert(line.number);
        } else if in_signature {
            in_signature = marker != END_SIGNATURE;
        } else {
            body.lines.push(*line);
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    fn read(text: &str) -> Result<(Body<'_>, usize), ExtractError> {
        let mut out = Facts::new();
        let lines = lines(text)?;
        // The lines borrow from `text`, so the body can outlive them.
        let body = unwrap(&lines, &mut out)?;
        Ok((body, out.finish().notes.len()))
    }

    #[test]
    fn signed_message() -> Result<(), ExtractError> {
        let (body, notes) = read(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.test\n- -dash\n-----BEGIN PGP SIGNATURE-----\n\nabc=\n-----END PGP SIGNATURE-----\n",
        )?;
        assert_eq!(body.signed_at, Some(1));
        let got: Vec<(u32, &str)> = body.lines.iter().map(|l| (l.number, l.text)).collect();
        assert_eq!(got, [(4, "Contact: mailto:a@b.test"), (5, "-dash")]);
        assert!(body.outside.is_empty());
        assert_eq!(notes, 0);
        Ok(())
    }

    #[test]
    fn truncated_messages_are_errors() {
        let e = read("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: x\n").err();
        assert!(matches!(e.map(|e| e.location), Some(Location::Line(1))));
        let e = read(
            "-----BEGIN PGP SIGNED MESSAGE-----\n\nContact: x\n-----BEGIN PGP SIGNATURE-----\nabc\n",
        )
        .err();
        assert!(matches!(e.map(|e| e.location), Some(Location::Line(4))));
    }

    #[test]
    fn unsigned_with_a_stray_signature() -> Result<(), ExtractError> {
        let (body, _) = read(
            "Contact: x\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\nPolicy: y\n",
        )?;
        assert_eq!(body.signed_at, None);
        assert_eq!(body.stray_signature, Some(2));
        let got: Vec<u32> = body.lines.iter().map(|l| l.number).collect();
        assert_eq!(got, [1, 5]);
        Ok(())
    }
}
