//! The one table from DTAC question ids to `dtac.*` facts.
//!
//! v1.0 and v2.0 of the form number their questions differently; each row
//! names the fact, then where each version of the form answers it. The
//! README carries the same table for people.

/// How an answer becomes a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Yes or no (`true`, `"Yes"`, `"y"`, `false`, `"No"`, …): a Bool fact.
    YesNo,
    /// A DSPT status, normalised to one of [`DSPT_STATUSES`]: a String fact.
    DsptStatus,
    /// Free text: a String fact.
    Text,
}

/// Where one version of the form answers a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The question id, e.g. `"C1.2.2"`.
    pub id: &'static str,
    /// The member of the answer object read: `"answer"`, or another such as
    /// `"registration"`.
    pub member: &'static str,
    /// The member read when `member` is absent.
    pub fallback: Option<&'static str>,
}

/// One fact and where each version of the form answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The fact path, e.g. `"dtac.dcb0129_compliant"`.
    pub fact: &'static str,
    /// How the answer becomes the fact.
    pub kind: Kind,
    /// Whether the schema declares the fact required (not `?`).
    pub required: bool,
    /// Where DTAC v1.0 answers it, if it asks.
    pub v1: Option<Source>,
    /// Where DTAC v2.0 answers it, if it asks.
    pub v2: Option<Source>,
}

/// The five DSPT statuses, as the facts spell them.
pub const DSPT_STATUSES: &[&str] = &[
    "Standards Met",
    "Standards Exceeded",
    "Approaching Standards",
    "Standards Not Met",
    "Not Published",
];

/// v2.0 questions a supplier who signed the NHS supplier cyber charter
/// (C3.2) may skip.
pub const CHARTER_SKIPPABLE: &[&str] = &["C3.3", "C3.4", "C3.5", "C3.5.1", "C3.6"];

/// The v2.0 question that says the supplier signed the charter.
pub const CHARTER_QUESTION: &str = "C3.2";

const fn answer(id: &'static str) -> Option<Source> {
    Some(Source {
        id,
        member: "answer",
        fallback: None,
    })
}

const fn member(id: &'static str, member: &'static str) -> Option<Source> {
    Some(Source {
        id,
        member,
        fallback: None,
    })
}

const fn registration(id: &'static str) -> Option<Source> {
    Some(Source {
        id,
        member: "registration",
        fallback: Some("detail"),
    })
}

const fn row(
    fact: &'static str,
    kind: Kind,
    required: bool,
    v1: Option<Source>,
    v2: Option<Source>,
) -> Row {
    Row {
        fact,
        kind,
        required,
        v1,
        v2,
    }
}

use Kind::{DsptStatus, Text, YesNo};

/// The mapping: one row per fact, in the schema's order.
#[rustfmt::skip]
pub const MAPPING: &[Row] = &[
    // C1: clinical safety.
    row("dtac.dcb0129_compliant", YesNo, true, answer("C1.1"), answer("C1.2.2")),
    row("dtac.safety_case_and_hazard_log", YesNo, true, answer("C1.1.2"), answer("C1.2.4")),
    row("dtac.clinical_safety_officer", YesNo, true, answer("C1.2"), answer("C1.2.5")),
    row("dtac.clinical_safety_officer_registration", Text, false, registration("C1.2"), registration("C1.2.5")),
    row("dtac.medical_device", YesNo, true, answer("C1.3"), answer("C1.1.1")),
    row("dtac.mhra_registered", YesNo, false, answer("C1.3.1"), answer("C1.1.2")),
    row("dtac.conformity_declaration", YesNo, false, answer("C1.3.2"), member("C1.1.2", "conformity_declaration")),
    // C2: data protection.
    row("dtac.dspt_status", DsptStatus, true, answer("C2.3.1"), answer("C2.1")),
    row("dtac.dspt_ods_code", Text, false, member("C2.3.1", "ods_code"), member("C2.1", "ods_code")),
    row("dtac.dpia", YesNo, true, answer("C2.3.2"), answer("C2.2.2")),
    row("dtac.ico_registered", YesNo, true, answer("C2.1"), answer("C2.2.1")),
    row("dtac.ico_registration_number", Text, false, member("C2.1", "registration"), member("C2.2.1", "registration")),
    row("dtac.data_in_uk", YesNo, true, answer("C2.5"), answer("C2.2.5")),
    row("dtac.data_transfer_basis", Text, false, answer("C2.5.1"), answer("C2.2.6")),
    // C3: technical security.
    row("dtac.cyber_essentials", YesNo, true, answer("C3.1"), answer("C3.1")),
    row("dtac.supplier_charter_signed", YesNo, false, None, answer("C3.2")),
    row("dtac.pentest_within_12_months", YesNo, true, answer("C3.2"), answer("C3.3")),
    row("dtac.pentest_owasp_top10", YesNo, false, member("C3.2", "owasp_top10"), member("C3.3", "owasp_top10")),
    row("dtac.pentest_no_open_high", YesNo, false, member("C3.2", "no_open_high"), member("C3.3", "no_open_high")),
    row("dtac.sscop_conformant", YesNo, false, None, answer("C3.4")),
    row("dtac.mfa_privileged", YesNo, true, answer("C3.4"), answer("C3.5")),
    row("dtac.mfa_remote_access", YesNo, false, member("C3.4", "remote_access"), answer("C3.5.1")),
    row("dtac.audit_logging", YesNo, true, answer("C3.5"), answer("C3.6")),
];

/// A version of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// DTAC v1.0 (2021 to April 2026).
    V1,
    /// DTAC v2.0 (from 6 April 2026).
    V2,
}

impl Version {
    /// The version as the `dtac.version` fact spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "1.0",
            Version::V2 => "2.0",
        }
    }

    /// The other version.
    pub fn other(self) -> Version {
        match self {
            Version::V1 => Version::V2,
            Version::V2 => Version::V1,
        }
    }

    /// Where this version answers `row`.
    pub fn source(self, row: &Row) -> Option<Source> {
        match self {
            Version::V1 => row.v1,
            Version::V2 => row.v2,
        }
    }

    /// Whether this version of the form asks question `id` (as far as the
    /// mapping knows).
    pub fn asks(self, id: &str) -> bool {
        MAPPING
            .iter()
            .any(|row| self.source(row).is_some_and(|s| s.id == id))
    }

    /// Whether `id` is a question only this version asks: its answer tells
    /// the versions apart.
    pub fn only_asks(self, id: &str) -> bool {
        self.asks(id) && !self.other().asks(id)
    }
}

/// The members an answer object may have, and what each is.
pub const ANSWER_MEMBERS: &[&str] = &[
    "answer",
    "detail",
    "evidence",
    "date",
    "registration",
    "ods_code",
    "conformity_declaration",
    "owasp_top10",
    "no_open_high",
    "remote_access",
];

/// Members read as yes/no wherever they occur.
pub const YES_NO_MEMBERS: &[&str] = &[
    "conformity_declaration",
    "owasp_top10",
    "no_open_high",
    "remote_access",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguishing_ids() {
        for id in ["C1.1", "C1.2", "C2.3.1", "C2.5", "C2.5.1", "C1.3.2"] {
            assert!(Version::V1.only_asks(id), "{id}");
        }
        for id in ["C1.2.2", "C2.2.1", "C3.3", "C3.5.1", "C3.6", "C1.1.1"] {
            assert!(Version::V2.only_asks(id), "{id}");
        }
        // Asked by both versions (about different things, for some).
        for id in ["C1.1.2", "C2.1", "C3.1", "C3.2", "C3.4", "C3.5"] {
            assert!(
                !Version::V1.only_asks(id) && !Version::V2.only_asks(id),
                "{id}"
            );
        }
    }

    #[test]
    fn every_fact_once_and_every_source_member_known() {
        for (i, row) in MAPPING.iter().enumerate() {
            assert!(MAPPING.iter().skip(i + 1).all(|r| r.fact != row.fact));
            for source in [row.v1, row.v2].into_iter().flatten() {
                assert!(ANSWER_MEMBERS.contains(&source.member), "{}", source.member);
            }
        }
    }
}
