//! The one table from DTAC questions to `dtac.*` facts.
//!
//! v1.0 and v2.0 of the form number and word their questions differently;
//! each row names the fact, then where and how each version of the form
//! answers it. Checked against DTAC form v1.0 (the RCPCH completed copy,
//! checked 7 December 2026) and v2.0 (NHS England, 24 February 2026). The
//! README carries the same table for people, with the rules that read each
//! fact.

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A Bool fact.
    Bool,
    /// A String fact.
    Text,
}

/// How one question's answer gives a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// The option chosen, as the value it gives; options not listed give
    /// no fact.
    Options(&'static [(&'static str, bool)]),
    /// The free-text answer, as text.
    Text,
    /// A free-text answer naming someone: `true` when it does, `false` when
    /// it says "no" or "none".
    Named,
    /// The value whenever the version asks the question's section at all
    /// (v1.0 always asks the DCB0129 questions).
    Always(bool),
    /// An answer member read as yes/no ("Yes", "Provided", `true`, …).
    YesNoMember(&'static str),
    /// The `registration` member, else a professional registration (GMC,
    /// NMC, HCPC, …, and a number) found in the free-text answer.
    ProfessionalRegistration,
    /// The `registration` member, else an ICO registration number
    /// (`Z1234567`, `ZA123456`) found in the answer.
    IcoNumber,
    /// The `ods_code` member, else an ODS code found in the answer (after
    /// "ODS" or in a DSPT `OrganisationSearch/` link).
    OdsCode,
    /// A DSPT status named anywhere in the answer, normalised to one of
    /// [`DSPT_STATUSES`].
    DsptStatus,
}

/// Where one version of the form answers a fact, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The question's code, e.g. `"C1.2.2"`.
    pub id: &'static str,
    /// How its answer gives the fact.
    pub read: Read,
}

/// One fact and where each version of the form answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The fact path, e.g. `"dtac.dcb0129_compliant"`.
    pub fact: &'static str,
    /// The fact's type.
    pub ty: Type,
    /// Whether the schema declares the fact required (not `?`): an
    /// unanswered question that applies is then noted.
    pub required: bool,
    /// Where DTAC v1.0 answers it: the first source that gives a value wins.
    pub v1: &'static [Source],
    /// Where DTAC v2.0 answers it: the first source that gives a value wins.
    pub v2: &'static [Source],
}

/// The five DSPT statuses, as the facts spell them.
pub const DSPT_STATUSES: &[&str] = &[
    "Standards Met",
    "Standards Exceeded",
    "Approaching Standards",
    "Standards Not Met",
    "Not Published",
];

const fn s(id: &'static str, read: Read) -> Source {
    Source { id, read }
}

const fn row(
    fact: &'static str,
    ty: Type,
    required: bool,
    v1: &'static [Source],
    v2: &'static [Source],
) -> Row {
    Row {
        fact,
        ty,
        required,
        v1,
        v2,
    }
}

use Read::{
    Always, DsptStatus, IcoNumber, Named, OdsCode, Options, ProfessionalRegistration, Text,
    YesNoMember,
};
use Type::{Bool, Text as Str};

const YES_NO: Read = Options(&[("Yes", true), ("No", false)]);
const PROVIDED_V1: Read = Options(&[("Provided", true), ("No evidence available", false)]);
const PROVIDED_V2: Read = Options(&[("Provided", true), ("Not provided", false)]);

/// The mapping: one row per fact, in the schema's order.
#[rustfmt::skip]
pub const MAPPING: &[Row] = &[
    // C1: clinical safety and medical devices.
    row("dtac.medical_device", Bool, true,
        &[s("C1.3", Options(&[("Yes", true), ("No", true), ("Not applicable", false)]))],
        &[s("C1.1.1", YES_NO)]),
    row("dtac.paq_provided", Bool, false, &[], &[s("C1.1.1", YesNoMember("paq"))]),
    row("dtac.standalone_medical_device", Bool, false, &[], &[s("C1.1.2", YES_NO)]),
    row("dtac.mhra_registered", Bool, false, &[s("C1.3", Options(&[("Yes", true), ("No", false)]))], &[]),
    row("dtac.mhra_registration", Str, false, &[s("C1.3.1", Text)], &[]),
    row("dtac.conformity_declaration", Bool, false, &[s("C1.3.2", PROVIDED_V1)], &[]),
    row("dtac.dcb0129_in_scope", Bool, true,
        &[s("C1.1", Always(true))],
        &[s("C1.1.2", Options(&[("Yes", false)])), s("C1.2", YES_NO)]),
    row("dtac.dcb0129_out_of_scope_reason", Str, false, &[], &[s("C1.2.1", Text)]),
    row("dtac.dcb0129_compliant", Bool, true, &[s("C1.1", YES_NO)], &[s("C1.2.2", YES_NO)]),
    row("dtac.clinical_risk_management_system", Bool, true, &[s("C1.1.1", PROVIDED_V1)], &[s("C1.2.3", PROVIDED_V2)]),
    row("dtac.safety_case_and_hazard_log", Bool, true, &[s("C1.1.2", PROVIDED_V1)], &[s("C1.2.4", PROVIDED_V2)]),
    row("dtac.clinical_safety_officer", Bool, true, &[s("C1.2", Named)], &[s("C1.2.5", Named)]),
    row("dtac.clinical_safety_officer_registration", Str, false,
        &[s("C1.2", ProfessionalRegistration)], &[s("C1.2.5", ProfessionalRegistration)]),
    // C2: data protection.
    row("dtac.patient_data_access", Bool, true,
        &[s("C2.3", YES_NO)],
        &[s("C2.1", Options(&[("Confirmed", true), ("Unable to Confirm", true), ("No access to patient data or national NHS System", false)]))]),
    row("dtac.dspt_confirmed", Bool, false,
        &[s("C2.3.1", Options(&[("Confirmed", true), ("Unable to confirm", false)]))],
        &[s("C2.1", Options(&[("Confirmed", true), ("Unable to Confirm", false)]))]),
    row("dtac.dspt_status", Str, false, &[s("C2.3.1", DsptStatus)], &[s("C2.1", DsptStatus)]),
    row("dtac.dspt_ods_code", Str, false, &[s("C2.3.1", OdsCode)], &[s("C2.1", OdsCode)]),
    row("dtac.processes_personal_data", Bool, true, &[s("C2.3", YES_NO)], &[s("C2.2", YES_NO)]),
    row("dtac.ico_registered", Bool, true,
        &[s("C2.1", Options(&[("Provided", true), ("Not provided", false)]))], &[s("C2.2.1", PROVIDED_V2)]),
    row("dtac.ico_registration_number", Str, false, &[s("C2.1", IcoNumber)], &[s("C2.2.1", IcoNumber)]),
    row("dtac.dpia", Bool, true,
        &[s("C2.3.2", Options(&[("Provided", true), ("Not provided", false)]))], &[s("C2.2.2", PROVIDED_V2)]),
    row("dtac.data_in_uk", Bool, true,
        &[s("C2.5", Options(&[("UK only", true), ("In EU", false), ("Outside of EU", false)]))],
        &[s("C2.2.5", Options(&[("UK only", true), ("Outside of UK", false)]))]),
    row("dtac.data_transfer_basis", Str, false, &[s("C2.5.1", Text)], &[s("C2.2.6", Text)]),
    // C3: technical security.
    row("dtac.cyber_essentials", Bool, false,
        &[s("C3.1", PROVIDED_V1)], &[s("C3.1", Options(&[("Provided", true), ("Not Provided", false)]))]),
    row("dtac.supplier_charter_signed", Bool, false, &[], &[s("C3.2", YES_NO)]),
    row("dtac.pentest_summary_provided", Bool, false, &[s("C3.2", PROVIDED_V1)], &[s("C3.3", PROVIDED_V2)]),
    row("dtac.pentest_within_12_months", Bool, false,
        &[s("C3.2", YesNoMember("within_12_months"))], &[s("C3.3", YesNoMember("within_12_months"))]),
    row("dtac.pentest_owasp_top10", Bool, false,
        &[s("C3.2", YesNoMember("owasp_top10"))], &[s("C3.3", YesNoMember("owasp_top10"))]),
    row("dtac.pentest_no_open_high", Bool, false,
        &[s("C3.2", YesNoMember("no_open_high"))], &[s("C3.3", YesNoMember("no_open_high"))]),
    row("dtac.custom_code", Bool, true,
        &[s("C3.3", Options(&[("Yes - Internal code review", true), ("Yes - External code review", true), ("No", true), ("No because there is no custom code", false)]))], &[]),
    row("dtac.custom_code_reviewed", Bool, true,
        &[s("C3.3", Options(&[("Yes - Internal code review", true), ("Yes - External code review", true), ("No", false)]))], &[]),
    row("dtac.sscop_conformant", Bool, false, &[],
        &[s("C3.4", Options(&[("Confirmed", true), ("Unable to Confirm", false)]))]),
    row("dtac.mfa_plan", Bool, true, &[], &[s("C3.5", YES_NO)]),
    row("dtac.supplier_has_access", Bool, false, &[],
        &[s("C3.5.1", Options(&[("Yes", true), ("No", true), ("Not applicable as supplier has no access to the product", false)]))]),
    row("dtac.mfa_privileged", Bool, true, &[s("C3.4", YES_NO)], &[s("C3.5.1", YES_NO)]),
    row("dtac.mfa_remote_access", Bool, false, &[s("C3.4", YesNoMember("remote_access"))], &[s("C3.5.1", YES_NO)]),
    row("dtac.audit_logging", Bool, true, &[s("C3.5", YES_NO)], &[s("C3.6", YES_NO)]),
];

/// A version of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// DTAC v1.0 (2021 to April 2026).
    V1,
    /// DTAC v2.0 (24 February 2026; in use from 6 April 2026).
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
    pub fn sources(self, row: &Row) -> &'static [Source] {
        match self {
            Version::V1 => row.v1,
            Version::V2 => row.v2,
        }
    }

    /// Whether `id` is a question only this version asks: its answer tells
    /// the versions apart.
    pub fn only_asks(self, id: &str) -> bool {
        self.asks(id) && !self.other().asks(id)
    }

    /// Whether this version reads `id` into some fact.
    pub fn reads(self, id: &str) -> bool {
        MAPPING
            .iter()
            .any(|row| self.sources(row).iter().any(|s| s.id == id))
    }
}

/// The members an answer object may have.
pub const ANSWER_MEMBERS: &[&str] = &[
    "answer",
    "detail",
    "evidence",
    "date",
    "registration",
    "ods_code",
    "paq",
    "within_12_months",
    "owasp_top10",
    "no_open_high",
    "remote_access",
];

/// Members read as yes/no wherever they occur.
pub const YES_NO_MEMBERS: &[&str] = &[
    "paq",
    "within_12_months",
    "owasp_top10",
    "no_open_high",
    "remote_access",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms;

    #[test]
    fn distinguishing_ids() {
        for id in ["C1.1", "C1.3", "C1.3.1", "C2.3.1", "C2.5", "C2.5.1", "C1.4"] {
            assert!(Version::V1.only_asks(id), "{id}");
        }
        for id in ["C1.2.2", "C1.2.5", "C2.2.2", "C3.5.1", "C2.2.6", "A12"] {
            assert!(Version::V2.only_asks(id), "{id}");
        }
        // Asked by both versions (about different things, for some).
        for id in ["C1.1.1", "C1.1.2", "C2.1", "C2.2.1", "C3.1", "C3.3", "C3.6"] {
            assert!(Version::V1.asks(id) && Version::V2.asks(id), "{id}");
        }
    }

    #[test]
    fn every_source_is_a_question_and_every_option_is_the_forms() {
        for (i, row) in MAPPING.iter().enumerate() {
            assert!(MAPPING.iter().skip(i + 1).all(|r| r.fact != row.fact));
            for version in [Version::V1, Version::V2] {
                for source in version.sources(row) {
                    let question = forms::question(version, source.id);
                    assert!(question.is_some(), "{} {}", version.as_str(), source.id);
                    let Some(question) = question else { continue };
                    match source.read {
                        Options(options) => {
                            for (option, _) in options {
                                assert!(
                                    question.options.contains(option),
                                    "{} {}: {option}",
                                    version.as_str(),
                                    source.id
                                );
                            }
                        }
                        Text | Named => assert!(question.is_free_text(), "{}", source.id),
                        YesNoMember(member) => assert!(ANSWER_MEMBERS.contains(&member)),
                        _ => {}
                    }
                }
            }
        }
    }
}
