//! Real documents: a DTAC v1.0 form as a real supplier completed it,
//! transcribed to the JSON answer format. See `corpus/PROVENANCE.md`.

use crate::common::{at, boolean, has, noted, notes, ok, text};

const RCPCH: &[u8] = include_bytes!("../corpus/rcpch-dgc-dtac-v1.json");

/// The facts a reviewer reads off RCPCH's completed v1.0 form by hand.
#[test]
fn rcpch_digital_growth_charts_v1_form_is_accepted_and_read() -> Result<(), String> {
    let x = ok(RCPCH)?;
    let f = &x.facts;
    // No `dtac_version`: told from the v1.0-only codes (C1.1, C1.3, …), and
    // C1.1.1, C2.2.1, C3.3, C3.6, which v2.0 also numbers, are v1.0's.
    assert_eq!(text(f, "dtac.version")?, "1.0");
    assert_eq!(text(f, "dtac.product_name")?, "RCPCH Digital Growth Charts");
    assert_eq!(
        text(f, "dtac.supplier_name")?,
        "Royal College of Paediatrics and Child Health (RCPCH)"
    );
    // C1.1 "Yes"; C1.1.1 and C1.1.2 "Provided." followed by links.
    assert!(boolean(f, "dtac.dcb0129_in_scope")?);
    assert!(boolean(f, "dtac.dcb0129_compliant")?);
    assert!(boolean(f, "dtac.clinical_risk_management_system")?);
    assert!(boolean(f, "dtac.safety_case_and_hazard_log")?);
    assert!(noted(
        &x,
        "/answers/C1.1.2/answer",
        &["\"Provided\"", "Clinical Safety Case Report"]
    ));
    // C1.2, free text: "Dr Marcus Baw / GMC: 4712729 / General Practitioner …".
    assert!(boolean(f, "dtac.clinical_safety_officer")?);
    assert_eq!(
        text(f, "dtac.clinical_safety_officer_registration")?,
        "GMC 4712729"
    );
    assert_eq!(
        at(f, "dtac.clinical_safety_officer_registration")?,
        "/answers/C1.2/answer"
    );
    assert!(noted(
        &x,
        "/answers/C1.2/answer",
        &["free text", "Dr Marcus Baw"]
    ));
    // C1.3 "Yes, … registered as a Class I Medical Device with the MHRA";
    // C1.3.1 the registration, as written; C1.3.2 "Provided."
    assert!(boolean(f, "dtac.medical_device")?);
    assert!(boolean(f, "dtac.mhra_registered")?);
    assert_eq!(at(f, "dtac.mhra_registered")?, "/answers/C1.3/answer");
    assert!(text(f, "dtac.mhra_registration")?.starts_with("MHRA Account Number 13251"));
    assert!(boolean(f, "dtac.conformity_declaration")?);
    assert!(noted(
        &x,
        "/answers/C1.3/answer",
        &["\"Yes\"", "Class I Medical Device"]
    ));
    // C2.1 "Provided." with the ICO registration number in the words.
    assert!(boolean(f, "dtac.ico_registered")?);
    assert_eq!(text(f, "dtac.ico_registration_number")?, "Z5143673");
    // C2.3 "No": no personal or NHS patient data, so C2.3.1 and C2.3.2 do
    // not apply — their answers ("Confirmed. Standards Exceeded.", no DPIA
    // needed) are noted and give no fact, and no DPIA is asked for.
    assert!(!boolean(f, "dtac.processes_personal_data")?);
    assert!(!boolean(f, "dtac.patient_data_access")?);
    for absent in ["dtac.dspt_confirmed", "dtac.dspt_status", "dtac.dpia"] {
        assert!(!has(f, absent), "{absent}");
    }
    assert!(noted(
        &x,
        "/answers/C2.3/answer",
        &["routes past C2.3.1, C2.3.2"]
    ));
    assert!(noted(&x, "/answers/C2.3.2/answer", &["routes past it"]));
    // C2.5 "UK Only / (London, England)"; C2.5.1 routed past.
    assert!(boolean(f, "dtac.data_in_uk")?);
    assert!(!has(f, "dtac.data_transfer_basis"));
    // C3.1 and C3.2 are answered in words that are none of the options: a
    // link to the certificate, and "Penetration testing is in the process of
    // being conducted." No fact, and a note naming the options.
    assert!(!has(f, "dtac.cyber_essentials"));
    assert!(noted(
        &x,
        "/answers/C3.1/answer",
        &[
            "not one of the form's options",
            "Provided | No evidence available"
        ]
    ));
    assert!(!has(f, "dtac.pentest_summary_provided"));
    assert!(noted(
        &x,
        "/answers/C3.2/answer",
        &["in the process of being conducted"]
    ));
    // C3.3 "Yes - Internal code review"; C3.4 "Yes."; C3.5 "Yes.".
    assert!(boolean(f, "dtac.custom_code_reviewed")?);
    assert!(boolean(f, "dtac.mfa_privileged")?);
    assert!(boolean(f, "dtac.audit_logging")?);
    // v2.0-only topics: not asked.
    for absent in [
        "dtac.supplier_charter_signed",
        "dtac.sscop_conformant",
        "dtac.mfa_plan",
        "dtac.paq_provided",
    ] {
        assert!(!has(f, absent), "{absent}");
    }
    // Nothing that applies is left unanswered.
    assert!(
        !notes(&x).iter().any(|n| n.contains("not answered")),
        "{:?}",
        notes(&x)
    );
    Ok(())
}
