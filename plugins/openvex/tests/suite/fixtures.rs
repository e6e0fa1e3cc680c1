//! The plugin over real OpenVEX documents (see `fixtures/README.md`).

use crate::common::*;

const DEMO: &[u8] = include_bytes!("../fixtures/vexctl_demo.vex.json");
const LEGACY: &[u8] = include_bytes!("../fixtures/vexctl_images.vex.legacy-v0.0.1.json");
const TWO_VULNS: &[u8] = include_bytes!("../fixtures/vexctl_sample-2vulns.openvex.json");
const HISTORY: &[u8] = include_bytes!("../fixtures/vexctl_sample-history.openvex.json");
const V020: &[u8] = include_bytes!("../fixtures/vexctl_v020-1.vex.json");
const GO_VEX: &[u8] = include_bytes!("../fixtures/go-vex_v0.2.0.json");

const NGINX: &str =
    "pkg:oci/nginx@sha256%3A13d22ec63300e16014d4a42aed735207a8b33c223cff19627dd3042e5a10a3a0";

#[test]
fn demo_one_statement_two_products() -> Result<(), String> {
    let x = ok("demo.vex.json", DEMO)?;
    assert!(x.facts.is_empty(), "VEX gives no product facts");
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 2);
    for (i, arch) in ["armv7", "x86_64"].iter().enumerate() {
        let purl = format!("pkg:apk/distro/git@2.39.0-r1?arch={arch}");
        let e = entity(&x, &format!("CVE-2014-123456 @ {purl}"))?;
        assert_eq!(e.kind, "Exposure");
        assert!(e.parents.is_empty());
        assert_eq!(pointer(&e.location)?, format!("/statements/0/products/{i}"));
        let f = &e.facts;
        assert_eq!(text(f, "vulnerability")?, "CVE-2014-123456");
        assert_eq!(at(f, "vulnerability")?, "/statements/0/vulnerability/name");
        assert_eq!(text(f, "status")?, "fixed");
        assert_eq!(text(f, "status_source")?, "fixed");
        assert_eq!(at(f, "status")?, "/statements/0/status");
        assert_eq!(text(f, "format")?, "OpenVEX");
        assert_eq!(text_set(f, "product_refs")?, [purl]);
        // The product is the subject: no scope.
        assert!(!has(f, "product_scope"));
        assert_eq!(
            datetime(f, "timestamp")?,
            "2023-12-04T21:55:19.945015302-06:00"
        );
        assert_eq!(at(f, "timestamp")?, "/statements/0/timestamp");
        for absent in [
            "justification",
            "impact_statement",
            "action_statement",
            "aliases",
            "matched",
            "known_exploited",
            "cvss_score",
        ] {
            assert!(!has(f, absent), "{absent}");
        }
    }
    Ok(())
}

#[test]
fn legacy_shape_plain_text_vulnerability_and_products() -> Result<(), String> {
    let x = ok("images.vex.json", LEGACY)?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 4);
    let products = [
        "pkg:oci/alpine@sha256%3Af271e74b17ced29b915d351685fd4644785c6d1559dd1f2d4189a5e851ef753a",
        "nginx",
        "registry.k8s.io/kube-apiserver:v1.26.0",
        "pkg:oci/kube-apiserver?repository_url=registry.k8s.io&tag=v1.26.0",
    ];
    for (i, product) in products.iter().enumerate() {
        let e = entity(&x, &format!("CVE-1234-5678 @ {product}"))?;
        assert_eq!(pointer(&e.location)?, format!("/statements/{i}/products/0"));
        let f = &e.facts;
        assert_eq!(text(f, "vulnerability")?, "CVE-1234-5678");
        assert_eq!(
            at(f, "vulnerability")?,
            format!("/statements/{i}/vulnerability")
        );
        assert_eq!(text(f, "status")?, "under_investigation");
        // A bare name (no `:`) also names the product itself.
        let mut refs = vec![(*product).to_owned()];
        if !product.contains(':') {
            refs.push(format!("product:{product}"));
        }
        assert_eq!(text_set(f, "product_refs")?, refs);
        assert!(!has(f, "aliases"));
        assert_eq!(datetime(f, "timestamp")?, "2022-12-22T16:36:43-05:00");
    }
    Ok(())
}

#[test]
fn two_vulnerabilities_one_not_affected_with_justification() -> Result<(), String> {
    let x = ok("sample-2vulns.openvex.json", TWO_VULNS)?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 2);
    let e = entity(&x, &format!("CVE-2023-27103 @ {NGINX}"))?;
    let f = &e.facts;
    assert_eq!(text(f, "status")?, "not_affected");
    assert_eq!(text(f, "justification")?, "component_not_present");
    assert_eq!(at(f, "justification")?, "/statements/0/justification");
    assert_eq!(text_set(f, "aliases")?, ["SNYK-DEBIAN12-LIBDE265-3361563"]);
    assert_eq!(at(f, "aliases")?, "/statements/0/vulnerability/aliases");
    assert_eq!(
        datetime(f, "timestamp")?,
        "2023-08-15T19:55:22.076684217-06:00"
    );
    let e = entity(&x, &format!("CVE-2007-5686 @ {NGINX}"))?;
    let f = &e.facts;
    assert_eq!(text(f, "status")?, "fixed");
    assert!(!has(f, "justification"));
    assert_eq!(text_set(f, "aliases")?, ["SNYK-DEBIAN12-SHADOW-1559391"]);
    // No statement timestamp: the document's.
    assert_eq!(
        datetime(f, "timestamp")?,
        "2023-08-16T19:55:22.076684217-06:00"
    );
    assert_eq!(at(f, "timestamp")?, "/timestamp");
    Ok(())
}

#[test]
fn history_keeps_the_latest_statement_and_notes_the_superseded() -> Result<(), String> {
    let x = ok("sample-history.openvex.json", HISTORY)?;
    assert_eq!(x.entities.len(), 1);
    let e = entity(&x, &format!("CVE-2023-27103 @ {NGINX}"))?;
    // The second statement has no timestamp, so it inherits the document's
    // (16 August), later than the first's (15 August).
    assert_eq!(pointer(&e.location)?, "/statements/1/products/0");
    assert_eq!(at(&e.facts, "status")?, "/statements/1/status");
    assert_eq!(at(&e.facts, "timestamp")?, "/timestamp");
    let seen = notes(&x);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen.iter()
            .all(|n| n.starts_with("/statements/0/products/0: ")
                && n.contains("superseded")
                && n.contains("/statements/1")),
        "{seen:?}"
    );
    Ok(())
}

#[test]
fn v020_under_investigation() -> Result<(), String> {
    let x = ok("v020-1.vex.json", V020)?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    assert_eq!(x.entities.len(), 1);
    let e = entity(&x, "CVE-9876-54321 @ pkg:apk/wolfi/bash@1.0.0")?;
    assert_eq!(text(&e.facts, "status")?, "under_investigation");
    assert_eq!(text(&e.facts, "status_source")?, "under_investigation");
    assert_eq!(
        datetime(&e.facts, "timestamp")?,
        "2022-12-22T16:36:43-05:00"
    );
    Ok(())
}

#[test]
fn go_vex_subcomponents_carry_the_image_as_their_scope() -> Result<(), String> {
    let x = ok("v0.2.0.json", GO_VEX)?;
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    // Five statements, each about two subcomponents of one Alpine image.
    assert_eq!(x.entities.len(), 10);
    let image =
        "pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";
    let cves = [
        ("CVE-2023-1255", "fixed"),
        ("CVE-2023-2650", "fixed"),
        ("CVE-2023-2975", "fixed"),
        ("CVE-2023-3446", "not_affected"),
        ("CVE-2023-3817", "not_affected"),
    ];
    for (i, (cve, status)) in cves.iter().enumerate() {
        for (j, lib) in ["libssl3", "libcrypto3"].iter().enumerate() {
            let purl = format!("pkg:apk/alpine/{lib}@3.0.8-r3");
            let e = entity(&x, &format!("{cve} @ {purl}"))?;
            assert_eq!(
                pointer(&e.location)?,
                format!("/statements/{i}/products/0/subcomponents/{j}")
            );
            let f = &e.facts;
            assert_eq!(text(f, "status")?, *status);
            // The subcomponent is the subject; the image it is part of is
            // the scope, not a reference.
            assert_eq!(text_set(f, "product_refs")?, [purl]);
            assert_eq!(text_set(f, "product_scope")?, [image]);
            assert_eq!(
                at(f, "product_scope")?,
                format!("/statements/{i}/products/0")
            );
        }
    }
    Ok(())
}
