//! The plugin over the real advisories in `corpus/` (see `corpus/PROVENANCE.md`):
//! each test asserts what a reviewer reads off the document by hand.

use crate::common::*;
use assure_plugin_sdk::Entity;

fn statements<'a>(x: &'a assure_plugin_sdk::Extraction, cve: &str) -> Vec<&'a Entity> {
    x.entities
        .iter()
        .filter(|e| e.kind == "Exposure" && e.id.starts_with(&format!("{cve} @ ")))
        .collect()
}

fn scope_has(e: &Entity, reference: &str) -> bool {
    text_set(&e.facts, "product_scope").is_ok_and(|s| s.iter().any(|r| r == reference))
}

#[test]
fn red_hat_packages_on_three_platforms_keep_each_platform_s_cpe() -> Result<(), String> {
    let x = ok(
        "rhsa-2022_0011.json",
        include_bytes!("../corpus/csaf2.0_rhsa-2022_0011.json"),
    )?;
    let found = statements(&x, "CVE-2020-10188");
    assert_eq!(found.len(), 15);
    assert_eq!(x.entities.len(), 15);
    for e in &found {
        assert_eq!(text(&e.facts, "status")?, "fixed", "{}", e.id);
        // The "Important" impact threat names no product: it is no
        // statement's impact.
        assert!(!has(&e.facts, "impact_statement"), "{}", e.id);
    }
    // E4S ships the ppc64le packages too.
    for (platform, packages) in [("rhel_aus", 4), ("rhel_e4s", 7), ("rhel_tus", 4)] {
        let cpe = format!("cpe:/o:redhat:{platform}:7.6::server");
        let on = found.iter().filter(|e| scope_has(e, &cpe)).count();
        assert_eq!(on, packages, "{cpe}");
    }
    // A telnet package on RHEL 7.6 AUS, as the product tree names it.
    let e = entity(
        &x,
        "CVE-2020-10188 @ csaf:7Server-7.6.AUS:telnet-1:0.17-65.el7_6.x86_64",
    )?;
    assert!(scope_has(e, "csaf:7Server-7.6.AUS"));
    // The package has no purl or CPE: its product id names it.
    assert_eq!(
        text_set(&e.facts, "product_refs")?,
        ["csaf:7Server-7.6.AUS:telnet-1:0.17-65.el7_6.x86_64"]
    );
    Ok(())
}

#[test]
fn red_hat_container_images_on_openshift() -> Result<(), String> {
    let x = ok(
        "rhsa-2021_5186.json",
        include_bytes!("../corpus/csaf2.0_rhsa-2021_5186.json"),
    )?;
    for cve in ["CVE-2021-4104", "CVE-2021-4125"] {
        let found = statements(&x, cve);
        assert_eq!(found.len(), 3, "{cve}");
        let fixed = found
            .iter()
            .filter(|e| text(&e.facts, "status").is_ok_and(|s| s == "fixed"))
            .count();
        let not_affected = found
            .iter()
            .filter(|e| text(&e.facts, "status").is_ok_and(|s| s == "not_affected"))
            .count();
        assert_eq!((fixed, not_affected), (1, 2), "{cve}");
        assert!(
            found
                .iter()
                .all(|e| scope_has(e, "cpe:/a:redhat:openshift:4.6::el8")),
            "{cve}"
        );
    }
    Ok(())
}

#[test]
fn red_hat_single_fix() -> Result<(), String> {
    let x = ok(
        "rhsa-2021_5217.json",
        include_bytes!("../corpus/csaf2.0_rhsa-2021_5217.json"),
    )?;
    let found = statements(&x, "CVE-2021-4133");
    assert_eq!(found.len(), 1);
    assert_eq!(x.entities.len(), 1);
    let [e] = found.as_slice() else {
        return Err("one statement".into());
    };
    assert_eq!(text(&e.facts, "status")?, "fixed");
    Ok(())
}

#[test]
fn cisco_smart_install_affects_259_products_at_9_8() -> Result<(), String> {
    let x = ok(
        "cisco-sa-20180328-smi2.json",
        include_bytes!("../corpus/csaf2.0_cisco-sa-20180328-smi2.json"),
    )?;
    let found = statements(&x, "CVE-2018-0171");
    assert_eq!(found.len(), 259);
    for e in &found {
        assert_eq!(text(&e.facts, "status")?, "affected", "{}", e.id);
        assert_eq!(decimal(&e.facts, "cvss_score")?, "9.8", "{}", e.id);
        assert!(!has(&e.facts, "product_scope"), "{}", e.id);
    }
    Ok(())
}

#[test]
fn bsi_converter_versions() -> Result<(), String> {
    let x = ok(
        "bsi-2022-0001.json",
        include_bytes!("../corpus/csaf2.0_bsi-2022-0001.json"),
    )?;
    let found = statements(&x, "CVE-2022-27193");
    assert_eq!(found.len(), 6);
    let affected: Vec<_> = found
        .iter()
        .filter(|e| text(&e.facts, "status").is_ok_and(|s| s == "affected"))
        .collect();
    assert_eq!(affected.len(), 5);
    for e in affected {
        assert_eq!(decimal(&e.facts, "cvss_score")?, "6.1", "{}", e.id);
        // The vendor_fix remediation names the five affected versions and
        // dates the fix (1.0.0-rc2): the 14-day patching clock (R2.4).
        assert_eq!(
            datetime(&e.facts, "fix_available")?,
            "2022-03-14T13:10:55.000+01:00",
            "{}",
            e.id
        );
        assert_eq!(
            at(&e.facts, "fix_available")?,
            "/vulnerabilities/0/remediations/0/date"
        );
    }
    // The fixed version is not among the remediation's products.
    let fixed: Vec<_> = found
        .iter()
        .filter(|e| text(&e.facts, "status").is_ok_and(|s| s == "fixed"))
        .collect();
    assert_eq!(fixed.len(), 1);
    assert!(fixed.iter().all(|e| !has(&e.facts, "fix_available")));
    Ok(())
}

/// Red Hat's vendor fixes carry no `date`, and Cisco's remediation is a
/// workaround: neither dates a fix, so no statement has `fix_available`.
#[test]
fn only_a_dated_vendor_fix_dates_a_fix() -> Result<(), String> {
    for (name, bytes) in [
        (
            "rhsa-2022_0011.json",
            &include_bytes!("../corpus/csaf2.0_rhsa-2022_0011.json")[..],
        ),
        (
            "rhsa-2021_5186.json",
            include_bytes!("../corpus/csaf2.0_rhsa-2021_5186.json"),
        ),
        (
            "cisco-sa-20180328-smi2.json",
            include_bytes!("../corpus/csaf2.0_cisco-sa-20180328-smi2.json"),
        ),
    ] {
        let x = ok(name, bytes)?;
        assert!(!x.entities.is_empty(), "{name}");
        for e in &x.entities {
            assert!(!has(&e.facts, "fix_available"), "{name}: {}", e.id);
        }
    }
    Ok(())
}

#[test]
fn vex_use_case_under_investigation() -> Result<(), String> {
    let x = ok(
        "2022-evd-uc-05-001.json",
        include_bytes!("../corpus/csaf2.0-vex_2022-evd-uc-05-001.json"),
    )?;
    let found = statements(&x, "CVE-2021-44228");
    assert_eq!(found.len(), 1);
    assert_eq!(x.entities.len(), 1);
    let [e] = found.as_slice() else {
        return Err("one statement".into());
    };
    assert_eq!(text(&e.facts, "status")?, "under_investigation");
    Ok(())
}
