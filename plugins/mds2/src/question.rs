//! MDS2 question ids (ANSI/NEMA HN 1-2019): `SECTION-n(.n)*`, and the
//! questions that have facts of their own.

/// The form's section codes.
pub(crate) const SECTIONS: &[&str] = &[
    "DOC", "MPII", "ALOF", "AUDT", "AUTH", "CSUP", "DIDT", "DTBK", "EMRG", "IGAU", "MLDP", "NAUT",
    "CONN", "PAUT", "PLOK", "RDMP", "SBOM", "SAHD", "SGUD", "STCF", "TXCF", "TXIG", "RMOT", "OTHR",
];

/// The questions the schema has facts for, as the form numbers them.
pub(crate) const FACT_QUESTIONS: &[&str] = &[
    "PAUT-1.1", "PAUT-3", "PAUT-4", "PAUT-5", "PAUT-8", "PAUT-9", "SAHD-3.2", "SAHD-6", "STCF-1",
    "STCF-1.2", "TXCF-2", "CONN-7", "AUDT-1", "AUDT-5.2", "AUDT-7", "SBOM-1", "DOC-8", "CSUP-7",
    "CSUP-11", "RDMP-1", "RDMP-3", "RDMP-4", "RMOT-1", "RMOT-1.1", "RMOT-1.2", "DTBK-6",
];

/// The longest number in an id ("PAUT-12345" is not a question).
const MAX_DIGITS: usize = 4;

/// The most numbers in an id ("PAUT-1.2.3.4.5" is not a question).
const MAX_PARTS: usize = 4;

/// A cell as a question id in the form's spelling (section upper case,
/// numbers without leading zeros), or `None` when it is not one.
pub(crate) fn question_id(cell: &str) -> Option<String> {
    let (section, numbers) = cell.trim().split_once('-')?;
    let section = section.to_ascii_uppercase();
    if !SECTIONS.contains(&section.as_str()) {
        return None;
    }
    let mut parts = Vec::new();
    for part in numbers.split('.') {
        if part.is_empty() || part.len() > MAX_DIGITS || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(part.parse::<u32>().ok()?.to_string());
    }
    if parts.len() > MAX_PARTS {
        return None;
    }
    Some(format!("{section}-{}", parts.join(".")))
}

/// The fact path of a question: `mds2.` and the id in lower case with `-`
/// and `.` as `_` (`PAUT-1.1` → `mds2.paut_1_1`).
pub(crate) fn fact_path(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    format!("mds2.{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(question_id(" paut-1.1 ").as_deref(), Some("PAUT-1.1"));
        assert_eq!(question_id("DOC-8").as_deref(), Some("DOC-8"));
        assert_eq!(question_id("Sahd-03.02").as_deref(), Some("SAHD-3.2"));
        for bad in [
            "",
            "PAUT",
            "PAUT-",
            "PAUT-1.",
            "PAUT-a",
            "XXXX-1",
            "PAUT 1",
            "PAUT-1.1.1.1.1",
            "PAUT-12345",
            "manufacturer",
            "PAUT--1",
            "PAUT-+1",
            "PAUT-1 .1",
        ] {
            assert_eq!(question_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn fact_paths() {
        assert_eq!(fact_path("PAUT-1.1"), "mds2.paut_1_1");
        assert_eq!(fact_path("DOC-8"), "mds2.doc_8");
        for q in FACT_QUESTIONS {
            assert_eq!(question_id(q).as_deref(), Some(*q));
        }
    }
}
