//! The plugin over real CSAF documents (see `fixtures/README.md`).

use crate::common::*;

const VEX_AFFECTED: &[u8] = include_bytes!("../fixtures/csaf2.0-vex_2022-evd-uc-01-a-001.json");
const VEX_NOT_AFFECTED: &[u8] =
    include_bytes!("../fixtures/csaf2.0-vex_2022-evd-uc-01-na-001.json");
const BSI: &[u8] = include_bytes!("../fixtures/csaf2.0_bsi-2022-0001.json");
const RED_HAT: &[u8] = include_bytes!("../fixtures/csaf2.0_rhsa-2019_1862.json");
const OPENSHIFT: &[u8] = include_bytes!("../fixtures/csaf2.0_rhsa-2021_5186.json");
const PROVIDER_METADATA: &[u8] =
    include_bytes!("../fixtures/csaf2.0_provider-metadata-example-01.json");

/// Where the one product of the two VEX use-case documents is defined.
const VEX_PRODUCT_AT: &str = "/product_tree/branches/0/branches/0/branches/0/product";

#[test]
fn vex_known_affected_is_affected() -> Result<(), String> {
    let x = ok("2022-evd-uc-01-a-001.json", VEX_AFFECTED)?;
    assert!(x.facts.is_empty(), "VEX gives no product facts");
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 1);
    // The product has no identification helper: its product id names it.
    let e = entity(&x, "CVE-2021-44228 @ csaf:CSAFPID-0001")?;
    assert_eq!(e.kind, "Exposure");
    assert!(e.parents.is_empty());
    assert_eq!(
        pointer(&e.location)?,
        "/vulnerabilities/0/product_status/known_affected/0"
    );
    let f = &e.facts;
    assert_eq!(text(f, "vulnerability")?, "CVE-2021-44228");
    assert_eq!(at(f, "vulnerability")?, "/vulnerabilities/0/cve");
    assert_eq!(text(f, "status")?, "affected");
    assert_eq!(text(f, "status_source")?, "known_affected");
    assert_eq!(text(f, "format")?, "CSAF");
    assert_eq!(at(f, "format")?, "/document/csaf_version");
    // Vendor "Example Company" / product_name "DEF" / product_version "1.0".
    assert_eq!(
        text_set(f, "product_refs")?,
        ["csaf:CSAFPID-0001", "product:DEF@1.0"]
    );
    assert_eq!(at(f, "product_refs")?, VEX_PRODUCT_AT);
    assert_eq!(
        text(f, "action_statement")?,
        "vendor_fix: Customers should update to version 1.1 of product DEF which fixes the issue."
    );
    assert_eq!(
        at(f, "action_statement")?,
        "/vulnerabilities/0/remediations/0/details"
    );
    assert_eq!(datetime(f, "timestamp")?, "2022-03-03T11:00:00.000Z");
    assert_eq!(
        at(f, "timestamp")?,
        "/document/tracking/current_release_date"
    );
    for absent in [
        "justification",
        "impact_statement",
        "cvss_score",
        "severity",
        "aliases",
        "matched",
        "known_exploited",
    ] {
        assert!(!has(f, absent), "{absent}");
    }
    Ok(())
}

#[test]
fn vex_known_not_affected_is_not_affected_with_its_impact_statement() -> Result<(), String> {
    let x = ok("2022-evd-uc-01-na-001.json", VEX_NOT_AFFECTED)?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 1);
    let e = entity(&x, "CVE-2021-44228 @ csaf:CSAFPID-0001")?;
    let f = &e.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    assert_eq!(text(f, "status_source")?, "known_not_affected");
    // Vendor "Example Company" / product_name "ABC" / product_version "4.2".
    assert_eq!(
        text_set(f, "product_refs")?,
        ["csaf:CSAFPID-0001", "product:ABC@4.2"]
    );
    assert_eq!(at(f, "product_refs")?, VEX_PRODUCT_AT);
    assert!(!has(f, "aliases"), "the document has no `ids`");
    assert_eq!(
        at(f, "status")?,
        "/vulnerabilities/0/product_status/known_not_affected/0"
    );
    // The CSAF VEX profile's justification for known_not_affected: an
    // `impact` threat (this document has no flags).
    assert_eq!(
        text(f, "impact_statement")?,
        "Class with vulnerable code was removed before shipping."
    );
    assert_eq!(
        at(f, "impact_statement")?,
        "/vulnerabilities/0/threats/0/details"
    );
    assert!(!has(f, "justification"));
    assert!(!has(f, "action_statement"));
    Ok(())
}

#[test]
fn bsi_advisory_statuses_scores_and_remediation() -> Result<(), String> {
    let x = ok("bsi-2022-0001.json", BSI)?;
    assert_eq!(x.entities.len(), 6);
    let versions = ["alpha", "dev1", "dev2", "dev3", "rc1"];
    for (i, version) in versions.iter().enumerate() {
        let cpe = format!("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-{version}");
        let e = entity(&x, &format!("CVE-2022-27193 @ {cpe}"))?;
        assert_eq!(
            pointer(&e.location)?,
            format!("/vulnerabilities/0/product_status/known_affected/{i}")
        );
        let f = &e.facts;
        assert_eq!(text(f, "status")?, "affected");
        assert_eq!(text(f, "status_source")?, "known_affected");
        assert_eq!(
            text_set(f, "product_refs")?,
            [
                cpe,
                format!("csaf:CSAFPID-000{}", i + 1),
                format!("product:CVRF-CSAF-Converter@1.0.0-{version}")
            ]
        );
        // The `ids` entry (a GitHub issue) is another id of the CVE.
        assert_eq!(
            text_set(f, "aliases")?,
            ["csaf-tools/CVRF-CSAF-Converter#78"]
        );
        assert_eq!(at(f, "aliases")?, "/vulnerabilities/0/ids");
        assert_eq!(
            at(f, "product_refs")?,
            format!("/product_tree/branches/0/branches/0/branches/{i}/product")
        );
        assert_eq!(decimal(f, "cvss_score")?, "6.1");
        assert_eq!(
            at(f, "cvss_score")?,
            "/vulnerabilities/0/scores/0/cvss_v3/baseScore"
        );
        assert_eq!(text(f, "severity")?, "medium");
        assert_eq!(
            text(f, "action_statement")?,
            "vendor_fix: Update to the latest version of the product. At least version 1.0.0-rc2"
        );
        assert_eq!(datetime(f, "timestamp")?, "2022-03-17T13:03:42.105Z");
    }
    // rc2 is listed as both `fixed` and `first_fixed`: one exposure, a note.
    let fixed = entity(
        &x,
        "CVE-2022-27193 @ cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2",
    )?;
    let f = &fixed.facts;
    assert_eq!(text(f, "status")?, "fixed");
    assert_eq!(text(f, "status_source")?, "fixed");
    assert!(
        !has(f, "cvss_score"),
        "the score covers the affected versions only"
    );
    assert!(!has(f, "action_statement"));
    assert_eq!(
        notes(&x),
        [
            "/vulnerabilities/0/product_status/first_fixed/0: product \"CSAFPID-0006\" is listed under both `fixed` and `first_fixed`: one exposure (fixed)"
        ]
    );
    Ok(())
}

#[test]
fn red_hat_informational_advisory_has_no_vulnerabilities() -> Result<(), String> {
    let x = ok("rhsa-2019_1862.json", RED_HAT)?;
    assert!(x.entities.is_empty());
    assert!(x.facts.is_empty());
    let seen = notes(&x);
    assert_eq!(
        seen,
        [
            "/document/category: document category \"csaf_informational_advisory\" is neither a VEX nor a security advisory: read as csaf_base, for whatever vulnerabilities it lists",
            ": the document lists no vulnerabilities: no exposures",
        ]
    );
    Ok(())
}

#[test]
fn provider_metadata_is_not_an_advisory() -> Result<(), String> {
    let (at, message) = err_at(PROVIDER_METADATA)?;
    assert_eq!(at, "/document");
    assert!(message.contains("provider-metadata.json"), "{message}");
    assert!(message.contains("not a CSAF advisory"), "{message}");
    Ok(())
}

#[test]
fn openshift_components_carry_the_platform_as_their_scope() -> Result<(), String> {
    let x = ok("rhsa-2021_5186.json", OPENSHIFT)?;
    // Two CVEs, each about three container images that are components of
    // OpenShift Container Platform 4.6 (`default_component_of`).
    assert_eq!(x.entities.len(), 6);
    let images = [
        (
            "openshift4/ose-metering-ansible-operator-bundle:v4.6.0.202112161349.p0.gd74112d.assembly.art3595-1",
            "not_affected",
        ),
        (
            "openshift4/ose-metering-ansible-operator:v4.6.0-202112161349.p0.gd74112d.assembly.art3595",
            "not_affected",
        ),
        (
            "openshift4/ose-metering-hive:v4.6.0-202112160147.p0.gf139e12.assembly.stream",
            "fixed",
        ),
    ];
    for cve in ["CVE-2021-4104", "CVE-2021-4125"] {
        for (i, (image, status)) in images.iter().enumerate() {
            // The image has no purl or CPE: the relationship's product id
            // names the statement.
            let product_id = format!("8Base-RHOSE-4.6:{image}");
            let e = entity(&x, &format!("{cve} @ csaf:{product_id}"))?;
            let f = &e.facts;
            assert_eq!(text(f, "status")?, *status);
            assert_eq!(text_set(f, "product_refs")?, [format!("csaf:{product_id}")]);
            assert_eq!(
                at(f, "product_refs")?,
                format!("/product_tree/relationships/{i}/full_product_name")
            );
            // Vendor "Red Hat" / product_family / product_name "Red Hat
            // OpenShift Container Platform 4.6", with its CPE.
            assert_eq!(
                text_set(f, "product_scope")?,
                [
                    "cpe:/a:redhat:openshift:4.6::el8",
                    "csaf:8Base-RHOSE-4.6",
                    "product:Red Hat OpenShift Container Platform 4.6"
                ]
            );
            assert_eq!(
                at(f, "product_scope")?,
                "/product_tree/branches/0/branches/0/branches/0/product"
            );
        }
    }
    // Each CVE's impact threat names no product.
    let seen = notes(&x);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter()
            .all(|n| n.contains("impact threat that names no product")),
        "{seen:?}"
    );
    Ok(())
}
