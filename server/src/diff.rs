//! What changed between two decisions: evidence added, removed or changed,
//! findings that appeared or cleared, missing evidence asked for or
//! answered, and the bundle and reference data each was made with.

use std::collections::{BTreeMap, BTreeSet};

use assure_engine::Decision;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::portfolio::{self, StoredFile};
use crate::problem::Problem;
use crate::state::AppState;

/// One side of a diff.
#[derive(Debug, Serialize, ToSchema)]
pub struct Side {
    /// The decision's id.
    pub id: String,
    /// The version submitted.
    pub version: String,
    /// Its verdict.
    pub verdict: String,
    /// When it was decided as of.
    pub evaluated_at: String,
    /// The bundle: name, version, digest.
    pub bundle: String,
    /// The reference data: name, version, SHA-256, one per line.
    pub reference_data: String,
}

/// A file that differs.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct FileChange {
    /// Its path in the submission.
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// Its SHA-256 before, if it was there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_sha256: Option<String>,
    /// Its SHA-256 after, if it is there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_sha256: Option<String>,
}

/// A finding, as compared: its rule and subject.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord, Clone)]
pub struct FindingKey {
    /// The rule.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// What it is about (`kind:id`).
    pub subject: String,
    /// Whether it is advisory (does not block).
    pub advisory: bool,
}

/// What changed from one decision to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct Diff {
    /// The earlier decision.
    pub from: Side,
    /// The later decision.
    pub to: Side,
    /// Whether the verdict differs.
    pub verdict_changed: bool,
    /// Evidence (and manifest and waiver) files added, removed or changed.
    pub files: Vec<FileChange>,
    /// Findings in the later decision that the earlier did not have.
    pub appeared: Vec<FindingKey>,
    /// Findings of the earlier decision the later no longer has.
    pub cleared: Vec<FindingKey>,
    /// Evidence the later decision asks for that the earlier did not.
    pub missing_added: Vec<String>,
    /// Evidence the earlier decision asked for that the later does not.
    pub missing_answered: Vec<String>,
    /// Whether the bundle differs (name, version or digest).
    pub bundle_changed: bool,
    /// Whether the reference data differs.
    pub reference_data_changed: bool,
}

/// The diff from decision `from` to decision `to`, both visible to `principal`.
pub async fn between(
    state: &AppState,
    principal: &Principal,
    from: &str,
    to: &str,
) -> Result<Diff, Problem> {
    let from_row = portfolio::visible(state, principal, from).await?;
    let to_row = portfolio::visible(state, principal, to).await?;
    let (Some((a, _)), Some((b, _))) = (
        portfolio::decision_body(&state.db, from).await?,
        portfolio::decision_body(&state.db, to).await?,
    ) else {
        return Err(Problem::not_found("no such decision"));
    };
    let files_a = portfolio::files(&state.db, from).await?;
    let files_b = portfolio::files(&state.db, to).await?;
    let side = |row: &portfolio::DecisionRow, d: &Decision| Side {
        id: row.id.clone(),
        version: row.version.clone(),
        verdict: row.verdict.clone(),
        evaluated_at: row.evaluated_at.clone(),
        bundle: row.bundle.clone(),
        reference_data: portfolio::reference_data(d),
    };
    Ok(compare(
        side(&from_row, &a),
        side(&to_row, &b),
        &a,
        &b,
        &files_a,
        &files_b,
    ))
}

/// The pure comparison.
pub fn compare(
    from: Side,
    to: Side,
    a: &Decision,
    b: &Decision,
    files_a: &BTreeMap<String, StoredFile>,
    files_b: &BTreeMap<String, StoredFile>,
) -> Diff {
    let keys = |d: &Decision| -> BTreeSet<FindingKey> {
        d.findings
            .iter()
            .chain(&d.advisories)
            .map(|f| FindingKey {
                rule: f.rule.clone(),
                title: f.title.clone(),
                subject: format!("{}:{}", f.subject.kind, f.subject.id),
                advisory: f.advisory,
            })
            .collect()
    };
    let (ka, kb) = (keys(a), keys(b));
    let missing = |d: &Decision| -> BTreeSet<String> {
        d.missing_evidence.iter().map(|m| m.title.clone()).collect()
    };
    let (ma, mb) = (missing(a), missing(b));
    let mut files = Vec::new();
    for path in files_a
        .keys()
        .chain(files_b.keys())
        .collect::<BTreeSet<_>>()
    {
        let before = files_a.get(path).map(|f| f.sha256.clone());
        let after = files_b.get(path).map(|f| f.sha256.clone());
        let change = match (&before, &after) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(x), Some(y)) if x != y => "changed",
            _ => continue,
        };
        files.push(FileChange {
            path: path.clone(),
            change: change.into(),
            from_sha256: before,
            to_sha256: after,
        });
    }
    Diff {
        verdict_changed: a.verdict != b.verdict,
        bundle_changed: from.bundle != to.bundle,
        reference_data_changed: from.reference_data != to.reference_data,
        from,
        to,
        files,
        appeared: kb.difference(&ka).cloned().collect(),
        cleared: ka.difference(&kb).cloned().collect(),
        missing_added: mb.difference(&ma).cloned().collect(),
        missing_answered: ma.difference(&mb).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn decision() -> Decision {
        serde_json::from_str(include_str!("../../report/tests/fixtures/decision.json")).unwrap()
    }

    fn side(id: &str, d: &Decision) -> Side {
        Side {
            id: id.into(),
            version: d.product.version.clone(),
            verdict: d.verdict.as_str().into(),
            evaluated_at: d.evaluated_at.clone(),
            bundle: format!(
                "{} v{} ({})",
                d.bundle.name, d.bundle.version, d.bundle.digest
            ),
            reference_data: portfolio::reference_data(d),
        }
    }

    fn file(path: &str, sha: &str) -> (String, StoredFile) {
        (
            path.into(),
            StoredFile {
                path: path.into(),
                role: "evidence".into(),
                sha256: sha.into(),
                size: 1,
            },
        )
    }

    #[test]
    fn a_cleared_finding_a_changed_file_and_a_new_bundle_are_each_reported() {
        let a = decision();
        assert!(!a.findings.is_empty(), "the fixture rejects");
        let mut b = a.clone();
        let cleared = b.findings.remove(0);
        b.bundle.version += 1;
        let files_a: BTreeMap<_, _> = [file("sbom.cdx.json", "aa"), file("vex.json", "bb")].into();
        let files_b: BTreeMap<_, _> =
            [file("sbom.cdx.json", "cc"), file("pentest.json", "dd")].into();
        let diff = compare(side("a", &a), side("b", &b), &a, &b, &files_a, &files_b);
        let changes: Vec<_> = diff
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.change.as_str()))
            .collect();
        assert_eq!(
            changes,
            [
                ("pentest.json", "added"),
                ("sbom.cdx.json", "changed"),
                ("vex.json", "removed")
            ]
        );
        // Findings with the same rule and subject are one; the cleared one
        // is reported unless another finding has its rule and subject.
        let still = b
            .findings
            .iter()
            .any(|f| f.rule == cleared.rule && f.subject.id == cleared.subject.id);
        assert_eq!(diff.cleared.iter().any(|k| k.rule == cleared.rule), !still);
        assert!(diff.appeared.is_empty());
        assert!(diff.bundle_changed);
        assert!(!diff.reference_data_changed);
    }

    #[test]
    fn a_decision_compared_with_itself_has_no_change() {
        let a = decision();
        let files: BTreeMap<_, _> = [file("sbom.cdx.json", "aa")].into();
        let diff = compare(side("a", &a), side("a", &a), &a, &a, &files, &files);
        assert!(!diff.verdict_changed && !diff.bundle_changed);
        assert!(diff.files.is_empty() && diff.appeared.is_empty() && diff.cleared.is_empty());
    }
}
