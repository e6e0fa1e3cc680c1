//! Answers, normalised: the free text of a form's answer cell becomes "yes",
//! "no", "na" or "unknown", and whatever follows the leading word is kept.

/// A normalised answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Yes,
    No,
    Na,
    Unknown,
}

impl Answer {
    /// The fact value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Na => "na",
            Answer::Unknown => "unknown",
        }
    }
}

/// Leading words and what they mean, longest first where one starts another.
const WORDS: &[(&str, Answer)] = &[
    ("not applicable", Answer::Na),
    ("n/a", Answer::Na),
    ("n.a.", Answer::Na),
    ("na", Answer::Na),
    ("yes", Answer::Yes),
    ("y", Answer::Yes),
    ("no", Answer::No),
    ("n", Answer::No),
];

/// Answer text that only points at the note column, dropped from the note.
const POINTERS: &[&str] = &[
    "see note",
    "see notes",
    "see note below",
    "see comment",
    "see comments",
];

/// Normalises an answer cell: the answer, and the text to keep as a note
/// (what follows the leading word, or the whole text when the answer is
/// unknown), if any.
///
/// "Yes", "Y", "yes,LDAP", "Yes - see note" are yes; "No", "N" are no; "N/A",
/// "NA", "N/A: No default accounts", "Not applicable" are na; anything else
/// ("", "See note", "TBD", "Unknown", "Yes/No", "None") is unknown.
pub(crate) fn normalise(cell: &str) -> (Answer, Option<String>) {
    let text = cell.trim();
    let lower = text.to_ascii_lowercase();
    for (word, answer) in WORDS {
        let Some(after) = lower.strip_prefix(word) else {
            continue;
        };
        // The word must end there: "None" is not "no", "Nay" is not "n".
        if after.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        // "Yes/No", "Y/N": a form's choices left unchosen.
        if after.trim_start().starts_with('/') {
            break;
        }
        let rest = text.get(word.len()..).unwrap_or_default();
        return (*answer, tidy(rest));
    }
    (Answer::Unknown, tidy(text))
}

/// The text after an answer word, without leading separators, surrounding
/// brackets or a bare "see note"; `None` when nothing is left.
fn tidy(rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ':' | ';' | '-' | '–' | '—' | '.')
    });
    let rest = rest.trim_end();
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest)
        .trim();
    let bare = rest.trim_end_matches('.').to_ascii_lowercase();
    if rest.is_empty() || POINTERS.contains(&bare.as_str()) {
        None
    } else {
        Some(rest.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cell: &str, answer: Answer, note: Option<&str>) {
        assert_eq!(normalise(cell), (answer, note.map(str::to_owned)), "{cell}");
    }

    #[test]
    fn yes() {
        check("Yes", Answer::Yes, None);
        check(" Y ", Answer::Yes, None);
        check("YES.", Answer::Yes, None);
        check("yes,LDAP", Answer::Yes, Some("LDAP"));
        check("Yes - see note", Answer::Yes, None);
        check("Yes (AES-256)", Answer::Yes, Some("AES-256"));
        check(
            "Yes – configurable by site",
            Answer::Yes,
            Some("configurable by site"),
        );
    }

    #[test]
    fn no() {
        check("No", Answer::No, None);
        check("N", Answer::No, None);
        check("no - planned for v4", Answer::No, Some("planned for v4"));
    }

    #[test]
    fn not_applicable() {
        check("N/A", Answer::Na, None);
        check("NA", Answer::Na, None);
        check("n.a.", Answer::Na, None);
        check(
            "N/A: No default accounts",
            Answer::Na,
            Some("No default accounts"),
        );
        check("Not applicable", Answer::Na, None);
        check(
            "Not Applicable - no network",
            Answer::Na,
            Some("no network"),
        );
    }

    #[test]
    fn unknown() {
        check("", Answer::Unknown, None);
        check("See note", Answer::Unknown, None);
        check("TBD", Answer::Unknown, Some("TBD"));
        check("Unknown", Answer::Unknown, Some("Unknown"));
        check("Yes/No", Answer::Unknown, Some("Yes/No"));
        check("Y / N", Answer::Unknown, Some("Y / N"));
        check("None", Answer::Unknown, Some("None"));
        check("Nay", Answer::Unknown, Some("Nay"));
        check("Partially", Answer::Unknown, Some("Partially"));
        check("Yesterday", Answer::Unknown, Some("Yesterday"));
        check("Ñ", Answer::Unknown, Some("Ñ"));
    }
}
