//! Waivers in a decision: every waiver presented and what became of it, and
//! the mark on each finding a waiver accepted. A waived finding stays in
//! the decision, marked; a waiver that did not apply says why.

use serde::{Deserialize, Serialize};

use crate::waiver::document::{Reason, WaiverPredicate};

/// What became of a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverStatus {
    /// It waived the findings listed.
    Applied,
    /// It is valid and in scope, but no finding matched it.
    Unused,
    /// It is not a waiver document: unreadable, malformed or incomplete.
    Invalid,
    /// The bundle allows no waivers, or names no approver.
    NotAllowed,
    /// It carries no signature.
    Unsigned,
    /// A signature is not by an approver the bundle names, or does not verify.
    Untrusted,
    /// Fewer distinct approvers signed it than the bundle requires.
    UnderApproved,
    /// Its rule may not be waived (the bundle's `[waivers] rules`), or its
    /// finding may not (a known-exploited exposure at the critical tier).
    NotWaivable,
    /// It runs longer than the bundle allows for its rule.
    TooLong,
    /// It was created after the evaluation time.
    NotYetValid,
    /// It expired at or before the evaluation time.
    Expired,
    /// It is for another product, version or artefact.
    OutOfScope,
}

impl WaiverStatus {
    /// Its name in decisions (`under-approved`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverStatus::Applied => "applied",
            WaiverStatus::Unused => "unused",
            WaiverStatus::Invalid => "invalid",
            WaiverStatus::NotAllowed => "not-allowed",
            WaiverStatus::Unsigned => "unsigned",
            WaiverStatus::Untrusted => "untrusted",
            WaiverStatus::UnderApproved => "under-approved",
            WaiverStatus::NotWaivable => "not-waivable",
            WaiverStatus::TooLong => "too-long",
            WaiverStatus::NotYetValid => "not-yet-valid",
            WaiverStatus::Expired => "expired",
            WaiverStatus::OutOfScope => "out-of-scope",
        }
    }

    /// Whether the waiver was refused (it could not apply to anything).
    #[must_use]
    pub fn is_refused(self) -> bool {
        !matches!(self, WaiverStatus::Applied | WaiverStatus::Unused)
    }
}

impl std::fmt::Display for WaiverStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An approver whose signature on a waiver verified.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApproverRef {
    /// Their name and role, as the bundle gives it.
    pub name: String,
    /// Their key's id (SHA-256 of the raw public key, hex).
    pub key_id: String,
}

/// A finding a waiver accepted: its rule and subject.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WaivedRef {
    /// The rule.
    pub rule: String,
    /// The subject's kind (`Exposure`).
    pub kind: String,
    /// The subject's id.
    pub id: String,
}

/// One waiver presented with the check, and what became of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiverReport {
    /// The file it came from.
    pub file: String,
    /// The SHA-256 of its in-toto statement (the signed payload): the same
    /// however many approvers have signed it.
    pub digest: String,
    /// What became of it.
    pub status: WaiverStatus,
    /// Why, in one sentence.
    pub message: String,
    /// The approvers whose signatures verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approved_by: Vec<ApproverRef>,
    /// The findings it waived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<WaivedRef>,
    /// Whole days from the evaluation time to its expiry, for a waiver in
    /// force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    /// Whether it is in use and expires within the bundle's warning window:
    /// an advisory, so expiry is never a surprise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expiring: bool,
    /// What it says, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverPredicate>,
    /// The file's bytes, carried into the signed decision record so that
    /// replay judges the same waivers. Not part of the decision's JSON.
    #[serde(skip)]
    pub content: Vec<u8>,
}

impl WaiverReport {
    /// Its id (`W-2025-014`), or its file when it could not be read.
    #[must_use]
    pub fn label(&self) -> &str {
        self.waiver
            .as_ref()
            .map_or(self.file.as_str(), |w| w.id.as_str())
    }
}

/// The mark on a waived finding: which waiver accepted it, why, by whom,
/// until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverMark {
    /// The waiver's id (`W-2025-014`).
    pub id: String,
    /// Its digest (see [`WaiverReport::digest`]).
    pub digest: String,
    /// Why the risk is accepted.
    pub reason: Reason,
    /// The reason in words.
    pub justification: String,
    /// Who owns the risk.
    pub risk_owner: String,
    /// The approvers whose signatures verified.
    pub approved_by: Vec<String>,
    /// When it expires.
    pub expires: String,
}
