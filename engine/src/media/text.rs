//! Text formats, told apart by their lines: security.txt by its fields, an
//! MDS2 form's CSV export by its question ids.

use super::types::{CSV, Recognition, SECURITY_TXT, TEXT};

/// The most of a text the recogniser looks at for security.txt (RFC 9116
/// files are a few hundred bytes).
const MAX_SECURITY_TXT: usize = 1024 * 1024;
/// The rows of a CSV looked at for question ids.
const MAX_CSV_ROWS: usize = 500;

/// The MDS2 (HN 1-2019) section codes a question id starts with.
const MDS2_SECTIONS: &[&str] = &[
    "DOC", "MPII", "ALOF", "AUDT", "AUTH", "CSUP", "DIDT", "DTBK", "EMRG", "IGAU", "MLDP", "NAUT",
    "CONN", "PAUT", "PLOK", "RDMP", "SBOM", "SAHD", "SGUD", "STCF", "TXCF", "TXIG", "RMOT", "OTHR",
];

/// Recognises a UTF-8 text (no byte-order mark).
pub(super) fn recognise(name: &str, text: &str) -> Recognition {
    let lower_name = name.to_ascii_lowercase();
    let start = text.trim_start();
    if start.starts_with('<') {
        return xml(start);
    }
    if let Some(version) = spdx_tag_value(text) {
        return Recognition::unrecognised(
            "text/spdx",
            format!(
                "SPDX {version} tag-value, which no plugin reads: convert it to SPDX JSON \
                 (`pyspdxtools -i FILE -o FILE.json`)"
            ),
        );
    }
    let security_txt = security_txt(text);
    if let Ok(fields) = &security_txt {
        return Recognition::Recognised {
            media_type: SECURITY_TXT,
            format: format!("security.txt ({fields} fields)"),
        };
    }
    let mds2 = mds2(text);
    if let Ok(rows) = mds2 {
        return Recognition::Recognised {
            media_type: CSV,
            format: format!("MDS2 form, CSV export ({rows} question rows)"),
        };
    }
    let reason = if lower_name.ends_with("security.txt") {
        format!(
            "named security.txt, but {}",
            security_txt.err().unwrap_or_default()
        )
    } else if lower_name.ends_with(".csv") {
        format!("CSV, but {}", mds2.err().unwrap_or_default())
    } else {
        "text, neither a security.txt (its `Contact:` and other fields) nor an MDS2 form's CSV \
         export (rows with question ids such as `DOC-1`)"
            .to_owned()
    };
    Recognition::unrecognised(TEXT, reason)
}

fn xml(start: &str) -> Recognition {
    let head: String = start.chars().take(4096).collect();
    if head.contains("cyclonedx.org/schema/bom") {
        return Recognition::unrecognised(
            "application/vnd.cyclonedx+xml",
            "CycloneDX XML, which no plugin reads: have the generator write CycloneDX JSON",
        );
    }
    if head.contains("spdx.org/rdf") {
        return Recognition::unrecognised(
            "application/spdx+xml",
            "SPDX RDF/XML, which no plugin reads: convert it to SPDX JSON \
             (`pyspdxtools -i FILE -o FILE.json`)",
        );
    }
    if head.to_ascii_lowercase().contains("<html") {
        return Recognition::unrecognised("text/html", "an HTML page, which no plugin reads");
    }
    Recognition::unrecognised("application/xml", "XML, of no format a plugin reads")
}

/// The version of an SPDX tag-value document: a `SPDXVersion: SPDX-…` line.
fn spdx_tag_value(text: &str) -> Option<String> {
    text.lines().take(200).find_map(|line| {
        let (tag, value) = line.split_once(':')?;
        (tag.trim() == "SPDXVersion")
            .then(|| value.trim())
            .and_then(|v| v.strip_prefix("SPDX-"))
            .map(str::to_owned)
    })
}

/// Whether `text` is a security.txt (RFC 9116), plain or OpenPGP
/// cleartext-signed: every line a comment or a `Field: value`, and at
/// least one `Contact`. The count of fields, or why not.
fn security_txt(text: &str) -> Result<usize, String> {
    if text.len() > MAX_SECURITY_TXT {
        return Err(format!(
            "it is {} bytes, more than a security.txt is",
            text.len()
        ));
    }
    let mut lines = text.lines().enumerate().peekable();
    let signed = lines
        .peek()
        .is_some_and(|(_, l)| l.trim_end() == "-----BEGIN PGP SIGNED MESSAGE-----");
    if signed {
        // The armour header lines (`Hash: …`) end at the first blank line.
        for (_, line) in lines.by_ref() {
            if line.trim().is_empty() {
                break;
            }
        }
    }
    let mut fields = 0usize;
    let mut contacts = 0usize;
    for (index, line) in lines {
        let line = if signed {
            if line.trim_end() == "-----BEGIN PGP SIGNATURE-----" {
                break;
            }
            line.strip_prefix("- ").unwrap_or(line)
        } else {
            line
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let field = line.split_once(':').and_then(|(name, value)| {
            let name_ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            (name_ok && !value.trim().is_empty()).then_some(name)
        });
        let Some(field) = field else {
            return Err(format!(
                "line {} is not a `Field: value` line",
                index.saturating_add(1)
            ));
        };
        fields = fields.saturating_add(1);
        if field.eq_ignore_ascii_case("Contact") {
            contacts = contacts.saturating_add(1);
        }
    }
    if contacts == 0 {
        return Err("it has no `Contact:` field, which RFC 9116 requires".to_owned());
    }
    Ok(fields)
}

/// Whether a cell is an MDS2 question id: `SECTION-n(.n)*`.
fn is_question_id(cell: &str) -> bool {
    let Some((section, numbers)) = cell.trim().split_once('-') else {
        return false;
    };
    MDS2_SECTIONS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(section.trim()))
        && numbers.split('.').count() <= 4
        && numbers
            .split('.')
            .all(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits one CSV line into cells (quotes respected within the line).
fn cells(line: &str, delimiter: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// Whether `text` is an MDS2 form's CSV export: at least two rows with a
/// question id among their first cells, or one under a header naming a
/// question id column and an answer column. The count of such rows in the
/// first [`MAX_CSV_ROWS`], or why not.
fn mds2(text: &str) -> Result<usize, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = lines.next() else {
        return Err("it is empty".to_owned());
    };
    let count = |c: char| first.chars().filter(|x| *x == c).count();
    let delimiter = [(',', count(',')), (';', count(';')), ('\t', count('\t'))]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or(',', |(c, _)| c);
    let header: Vec<String> = cells(first, delimiter)
        .iter()
        .map(|c| c.trim().trim_end_matches(':').to_ascii_lowercase())
        .collect();
    let has = |names: &[&str]| header.iter().any(|h| names.contains(&h.as_str()));
    let header_ok = has(&[
        "id",
        "question id",
        "question_id",
        "questionid",
        "mds2 id",
        "qid",
    ]) && has(&[
        "answer",
        "answers",
        "response",
        "responses",
        "yes/no",
        "value",
    ]);
    let rows = std::iter::once(first)
        .chain(lines)
        .take(MAX_CSV_ROWS)
        .filter(|line| {
            cells(line, delimiter)
                .iter()
                .take(4)
                .any(|c| is_question_id(c))
        })
        .count();
    if rows >= 2 || (rows == 1 && header_ok) {
        Ok(rows)
    } else {
        Err("no row has an MDS2 question id (such as `DOC-1` or `PAUT-8`)".to_owned())
    }
}
