//! Locate: each JSON Pointer a decision cites (in findings, advisories,
//! notes and document errors) turned into the line and column of the value
//! in the evidence, while the engine still holds the documents' bytes, so
//! no report has to read the evidence again.

use std::collections::{BTreeMap, BTreeSet};

use crate::decision::Decision;
use crate::position::Region;
use crate::position::{Span, locate_all};
use crate::submission::Submission;

/// Sets the region of every JSON Pointer location in `decision` that is
/// found in its submitted document. A pointer that is not found (or a
/// document that is not JSON up to it) keeps no region.
pub(super) fn regions(decision: &mut Decision, submission: &Submission) {
    let mut wanted: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let cited = decision
        .findings
        .iter()
        .chain(&decision.advisories)
        .flat_map(|f| &f.evidence)
        .map(|c| (c.document.as_str(), c.location.as_str()))
        .chain(
            decision
                .notes
                .iter()
                .map(|n| (n.document.as_str(), n.location.as_str())),
        )
        .chain(
            decision
                .document_errors
                .iter()
                .map(|e| (e.document.as_str(), e.location.as_str())),
        );
    for (document, location) in cited {
        if location.starts_with('/')
            && let Some(evidence) = submission.evidence.iter().find(|e| e.path == document)
        {
            wanted
                .entry(evidence.path.as_str())
                .or_default()
                .insert(location.to_owned());
        }
    }
    let mut found: BTreeMap<(String, String), Span> = BTreeMap::new();
    for (document, pointers) in &wanted {
        let Some(evidence) = submission.evidence.iter().find(|e| e.path == *document) else {
            continue;
        };
        let text = String::from_utf8_lossy(&evidence.bytes);
        let pointers: BTreeSet<&str> = pointers.iter().map(String::as_str).collect();
        for (pointer, span) in locate_all(&text, &pointers) {
            found.insert(((*document).to_owned(), pointer.to_owned()), span);
        }
    }
    if found.is_empty() {
        return;
    }
    let region = |document: &str, location: &str| {
        found
            .get(&(document.to_owned(), location.to_owned()))
            .map(|s| Region {
                start_line: s.start.line,
                start_column: s.start.column,
                end_line: s.end.line,
                end_column: s.end.column,
            })
    };
    for citation in decision
        .findings
        .iter_mut()
        .chain(decision.advisories.iter_mut())
        .flat_map(|f| f.evidence.iter_mut())
    {
        citation.region = region(&citation.document, &citation.location);
    }
    for note in &mut decision.notes {
        note.region = region(&note.document, &note.location);
    }
    for error in &mut decision.document_errors {
        error.region = region(&error.document, &error.location);
    }
}
