//! The plugin over OpenVEX documents a real project publishes (see
//! `corpus/PROVENANCE.md`).
//!
//! The tables below were read off the documents with Python's `json` module,
//! not with the plugin: for each statement, `vulnerability.name`, the first of
//! `vulnerability.aliases`, `status`, `justification`, `impact_statement`,
//! each product's `@id` and its `subcomponents[]."@id"`.

use crate::common::*;

const TRIVY: &[u8] = include_bytes!("../corpus/trivy_trivy.openvex.json");
const OCI: &[u8] = include_bytes!("../corpus/trivy_oci.openvex.json");

/// trivy's VEX for its Go binary: (vulnerability, first alias,
/// justification, subcomponent), every statement `not_affected` about one
/// Go module of `pkg:golang/github.com/aquasecurity/trivy`.
const TRIVY_STATEMENTS: [(&str, &str, &str, &str); 21] = [
    (
        "GO-2024-2575",
        "CVE-2024-26147",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/helm.sh/helm/v3",
    ),
    (
        "GO-2023-1765",
        "CVE-2023-1732",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/cloudflare/circl",
    ),
    (
        "GO-2024-2512",
        "CVE-2024-24557",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/docker/docker",
    ),
    (
        "GO-2024-2453",
        "GHSA-9763-4f94-gfch",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/cloudflare/circl",
    ),
    (
        "GO-2023-2048",
        "GHSA-6xv5-86q9-7xr8",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/github.com/cyphar/filepath-securejoin",
    ),
    (
        "GO-2024-2497",
        "CVE-2024-23653",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/moby/buildkit",
    ),
    (
        "GO-2023-2102",
        "CVE-2023-39325",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/golang.org/x/net",
    ),
    (
        "GO-2024-2493",
        "CVE-2024-23651",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/moby/buildkit",
    ),
    (
        "GO-2024-2491",
        "CVE-2024-21626",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/opencontainers/runc",
    ),
    (
        "GO-2024-2494",
        "CVE-2024-23652",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/moby/buildkit",
    ),
    (
        "GO-2023-2412",
        "GHSA-7ww5-4wqc-m92c",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/containerd/containerd",
    ),
    (
        "GO-2023-1988",
        "CVE-2023-3978",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/golang.org/x/net",
    ),
    (
        "GO-2024-2492",
        "CVE-2024-23650",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/moby/buildkit",
    ),
    (
        "GO-2022-0646",
        "CVE-2020-8911",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/aws/aws-sdk-go",
    ),
    (
        "GO-2023-2153",
        "GHSA-m425-mq94-257g",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/google.golang.org/grpc",
    ),
    (
        "GO-2024-3105",
        "CVE-2024-34155",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/stdlib",
    ),
    (
        "GO-2024-3106",
        "CVE-2024-34156",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/stdlib",
    ),
    (
        "GO-2024-3107",
        "CVE-2024-34158",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/stdlib",
    ),
    (
        "GO-2024-3321",
        "CVE-2024-45337",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/golang.org/x/crypto",
    ),
    (
        "GO-2024-3333",
        "CVE-2024-45338",
        "vulnerable_code_not_in_execute_path",
        "pkg:golang/golang.org/x/net",
    ),
    (
        "GO-2025-4192",
        "CVE-2025-66564",
        "vulnerable_code_not_present",
        "pkg:golang/github.com/sigstore/timestamp-authority@v1.2.2",
    ),
];

/// trivy's VEX for its images: (vulnerability, subcomponents, impact
/// statement), every statement `not_affected` with the justification
/// `vulnerable_code_cannot_be_controlled_by_adversary`, each naming the same
/// subcomponents of three image products.
const OCI_STATEMENTS: [(&str, &[&str], &str); 7] = [
    (
        "CVE-2023-42363",
        &[
            "pkg:apk/alpine/busybox",
            "pkg:apk/alpine/busybox-binsh",
            "pkg:apk/alpine/ssl_client",
        ],
        "awk is not used",
    ),
    (
        "CVE-2023-42364",
        &[
            "pkg:apk/alpine/busybox",
            "pkg:apk/alpine/busybox-binsh",
            "pkg:apk/alpine/ssl_client",
        ],
        "awk is not used",
    ),
    (
        "CVE-2023-42365",
        &[
            "pkg:apk/alpine/busybox",
            "pkg:apk/alpine/busybox-binsh",
            "pkg:apk/alpine/ssl_client",
        ],
        "awk is not used",
    ),
    (
        "CVE-2023-42366",
        &[
            "pkg:apk/alpine/busybox",
            "pkg:apk/alpine/busybox-binsh",
            "pkg:apk/alpine/ssl_client",
        ],
        "awk is not used",
    ),
    (
        "CVE-2024-4741",
        &[
            "pkg:apk/alpine/libcrypto3",
            "pkg:apk/alpine/libssl3",
            "pkg:apk/alpine/ssl_client",
        ],
        "openssl is not used",
    ),
    (
        "CVE-2024-5535",
        &[
            "pkg:apk/alpine/libcrypto3",
            "pkg:apk/alpine/libssl3",
            "pkg:apk/alpine/ssl_client",
        ],
        "openssl is not used",
    ),
    (
        "CVE-2024-6119",
        &["pkg:apk/alpine/libcrypto3", "pkg:apk/alpine/libssl3"],
        "openssl is not used",
    ),
];

/// The three image products every `trivy_oci` statement names.
const IMAGES: [&str; 3] = [
    "pkg:oci/trivy?repository_url=index.docker.io%2Faquasec%2Ftrivy",
    "pkg:oci/trivy?repository_url=public.ecr.aws%2Faquasecurity%2Ftrivy",
    "pkg:oci/trivy?repository_url=ghcr.io/aquasecurity/trivy",
];

#[test]
fn trivy_go_binary() -> Result<(), String> {
    let x = ok("trivy.openvex.json", TRIVY)?;
    assert!(x.facts.is_empty(), "VEX gives no product facts");
    assert_eq!(x.entities.len(), TRIVY_STATEMENTS.len());
    assert!(notes(&x).is_empty(), "{:?}", notes(&x));
    for (i, (vulnerability, alias, justification, module)) in TRIVY_STATEMENTS.iter().enumerate() {
        let id = format!("{vulnerability} @ {module}");
        let exposure = entity(&x, &id)?;
        assert_eq!(
            pointer(&exposure.location)?,
            format!("/statements/{i}/products/0/subcomponents/0")
        );
        let e = &exposure.facts;
        assert_eq!(text(e, "vulnerability")?, *vulnerability);
        assert!(
            text_set(e, "aliases")?.contains(&(*alias).to_owned()),
            "{id}"
        );
        assert_eq!(text(e, "status")?, "not_affected", "{id}");
        assert_eq!(text(e, "justification")?, *justification, "{id}");
        assert_eq!(text_set(e, "product_refs")?, [*module], "{id}");
        assert_eq!(
            text_set(e, "product_scope")?,
            ["pkg:golang/github.com/aquasecurity/trivy"],
            "{id}"
        );
        assert_eq!(text(e, "format")?, "OpenVEX");
        // No statement has its own timestamp: the document's applies.
        assert_eq!(
            datetime(e, "timestamp")?,
            "2024-07-09T11:38:00.115697+04:00"
        );
    }
    let stdlib = entity(&x, "GO-2024-3106 @ pkg:golang/stdlib")?;
    assert_eq!(
        text(&stdlib.facts, "impact_statement")?,
        "Govulncheck incorrectly marks this vulnerability as affected. The vulnerable code isn't called. See https://github.com/aquasecurity/trivy/issues/7478"
    );
    let aws = entity(&x, "GO-2022-0646 @ pkg:golang/github.com/aws/aws-sdk-go")?;
    assert_eq!(
        text_set(&aws.facts, "aliases")?,
        [
            "CVE-2020-8911",
            "CVE-2020-8912",
            "GHSA-7f33-f4f5-xwgw",
            "GHSA-f5pg-7wfw-84q9"
        ]
    );
    Ok(())
}

/// One statement, three products, the same subcomponents in each: an
/// exposure per (product, subcomponent), each scoped to its image.
#[test]
fn trivy_images() -> Result<(), String> {
    let x = ok("oci.openvex.json", OCI)?;
    assert!(x.facts.is_empty());
    let expected: usize = OCI_STATEMENTS
        .iter()
        .map(|(_, subs, _)| subs.len() * IMAGES.len())
        .sum();
    assert_eq!(x.entities.len(), expected);
    assert!(notes(&x).is_empty(), "{:?}", notes(&x));
    for (vulnerability, subcomponents, impact) in OCI_STATEMENTS {
        for subcomponent in subcomponents {
            let id = format!("{vulnerability} @ {subcomponent}");
            let found = entities(&x, &id);
            assert_eq!(found.len(), IMAGES.len(), "{id}");
            let mut scopes = Vec::new();
            for exposure in found {
                let e = &exposure.facts;
                assert_eq!(text(e, "status")?, "not_affected", "{id}");
                assert_eq!(
                    text(e, "justification")?,
                    "vulnerable_code_cannot_be_controlled_by_adversary",
                    "{id}"
                );
                assert_eq!(text(e, "impact_statement")?, impact, "{id}");
                assert_eq!(text_set(e, "product_refs")?, [*subcomponent], "{id}");
                scopes.extend(text_set(e, "product_scope")?);
            }
            scopes.sort();
            let mut images = IMAGES.map(str::to_owned).to_vec();
            images.sort();
            assert_eq!(scopes, images, "{id}");
        }
    }
    Ok(())
}
