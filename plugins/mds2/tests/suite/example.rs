//! The plugin over the invented example export (see `examples/README.md`).

use crate::common::*;

const PUMP: &[u8] = include_bytes!("../../examples/corvane-voluflow3-mds2.csv");

#[test]
fn infusion_pump_metadata_and_count() -> Result<(), String> {
    let x = ok(PUMP)?;
    assert_eq!(text(&x, "manufacturer")?, "Corvane Medical Ltd");
    assert_eq!(at(&x, "manufacturer")?, "line 2");
    assert_eq!(
        text(&x, "device")?,
        "Corvane VoluFlow 3 large-volume infusion pump, software 4.2.1"
    );
    assert_eq!(at(&x, "device")?, "line 3");
    assert_eq!(text(&x, "document_id")?, "CVM-MDS2-VF3-2024-07");
    assert_eq!(at(&x, "document_id")?, "line 4");
    // DOC-3 Device Model.
    assert_eq!(text(&x, "device_model")?, "VoluFlow 3 (VF3-200)");
    assert_eq!(at(&x, "device_model")?, "line 9");
    // DOC-7 Document Release Date, written 15/07/2024 (the day is over 12).
    assert_eq!(datetime(&x, "release_date")?, "2024-07-15T00:00:00Z");
    assert_eq!(at(&x, "release_date")?, "line 14");
    assert_eq!(long(&x, "answered")?, 60);
    assert_eq!(at(&x, "answered")?, "whole");
    // The two section title rows are noted, and that the `device` row, not
    // DOC-2's description, is the device; every fact question is there.
    assert_eq!(
        notes(&x),
        [
            "line 6: line 6: row without a question id: ignored",
            "line 43: line 43: row without a question id: ignored",
            "line 8: `mds2.device` is the `device` row (line 3), not the DOC-2 device description \"Large-volume infusion pump\"",
        ]
    );
    assert!(x.entities.is_empty());
    Ok(())
}

#[test]
fn infusion_pump_answers() -> Result<(), String> {
    let x = ok(PUMP)?;
    // (fact, answer, note, line)
    let expected: [(&str, &str, Option<&str>, u32); 26] = [
        ("paut_1_1", "yes", None, 45),
        ("paut_3", "yes", Some("after 5 failed attempts"), 46),
        ("paut_4", "na", Some("No default accounts"), 47),
        ("paut_5", "yes", None, 48),
        ("paut_8", "no", Some("Planned for software 4.4"), 49),
        (
            "paut_9",
            "yes",
            Some("LDAP; Active Directory via LDAPS for the biomed service menu"),
            50,
        ),
        (
            "sahd_3_2",
            "yes",
            Some("Firmware images are signed (ECDSA P-256) and verified by the bootloader"),
            58,
        ),
        ("sahd_6", "no", None, 59),
        ("stcf_1", "yes", Some("AES-256"), 61),
        ("stcf_1_2", "unknown", Some("Unknown"), 62),
        ("txcf_2", "yes", None, 64),
        ("conn_7", "yes", Some("TLS 1.2+"), 41),
        ("audt_1", "yes", Some("syslog"), 22),
        (
            "audt_5_2",
            "yes",
            Some("Syslog over TLS (RFC 5425) to the customer's SIEM"),
            26,
        ),
        (
            "audt_7",
            "unknown",
            Some(
                "Logs are signed on the pump; integrity on the customer's syslog host is the customer's",
            ),
            27,
        ),
        ("sbom_1", "yes", Some("CycloneDX 1.5 on request"), 56),
        (
            "doc_8",
            "yes",
            Some("Policy at https://corvane-medical.test/psirt; security.txt published"),
            15,
        ),
        (
            "csup_7",
            "yes",
            Some("Customer advisory e-mail and the Corvane support portal"),
            30,
        ),
        ("csup_11", "yes", None, 31),
        ("rdmp_1", "yes", Some("IEC 81001-5-1"), 53),
        ("rdmp_3", "yes", Some("Supported until 31 Dec 2031"), 54),
        ("rdmp_4", "unknown", Some("TBD"), 55),
        // RMOT-1: remote service connections for analysis or repair.
        ("rmot_1", "yes", None, 66),
        (
            "rmot_1_1",
            "yes",
            Some("Customer biomed staff start the session from the pump server"),
            67,
        ),
        ("rmot_1_2", "unknown", None, 68),
        ("dtbk_6", "na", None, 34),
    ];
    for (name, answer, note, line) in expected {
        assert_eq!(text(&x, name)?, answer, "{name}");
        assert_eq!(at(&x, name)?, format!("line {line}"), "{name}");
        let note_path = format!("{name}_note");
        match note {
            Some(note) => {
                assert_eq!(text(&x, &note_path)?, note, "{name}");
                assert_eq!(at(&x, &note_path)?, format!("line {line}"), "{name}");
            }
            None => assert!(!has(&x, &note_path), "{name} has a note"),
        }
    }
    // Questions the schema does not name are counted, not emitted.
    assert!(!has(&x, "paut_1"));
    assert!(!has(&x, "doc_6"));
    // 6 metadata/count facts, 26 answers, 18 notes.
    assert_eq!(x.facts.len(), 6 + 26 + 18);
    Ok(())
}

#[test]
fn every_fact_is_declared() -> Result<(), String> {
    let x = ok(PUMP)?;
    let info = assure_plugin_mds2::describe();
    for fact in &x.facts {
        assert!(info.fact_paths.contains(&fact.path), "{}", fact.path);
    }
    Ok(())
}
