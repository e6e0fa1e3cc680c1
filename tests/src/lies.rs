//! Lying evidence: well-formed documents that say the wrong thing.
//!
//! Each [`Lie`] rewrites a submission held in memory so that it no longer
//! deserves approval — and says why ([`Lie::why`]) — while every document
//! stays well-formed: a VEX statement re-homed onto another product, an id
//! disguised, a score dropped, a date moved past the evaluation time, a
//! document about another product, a profile that contradicts the evidence.
//! The property (`tests/tests/integration/lying_evidence.rs`) is that no lie, on any
//! base submission, is ever approved.
//!
//! The generator lives here, beside the engine's test support, so that it
//! grows with every new plugin and rule: a new kind of evidence adds the lies
//! a supplier could tell in it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_engine::submission::{Evidence, LoadOptions, Manifest, Submission, sha256_hex};
use serde_json::{Value, json};

/// The evaluation time the lies are judged at (the tests' `--as-of`).
pub const AS_OF: &str = "2025-09-22T00:00:00Z";

/// A known-exploited vulnerability (it is in the bundle's KEV catalogue).
pub const KEV_CVE: &str = "CVE-2021-44228";

/// A submission held in memory.
#[derive(Debug, Clone)]
pub struct Case {
    /// What it is (for failure messages).
    pub name: String,
    /// The manifest.
    pub manifest: Manifest,
    /// Each evidence file: path, media type, bytes.
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl Case {
    /// Loads a submission folder.
    pub fn load(folder: &Path) -> Result<Self, String> {
        let submission =
            Submission::load(folder, &LoadOptions::default()).map_err(|e| e.to_string())?;
        Ok(Self {
            name: folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            manifest: submission.manifest,
            files: submission
                .evidence
                .into_iter()
                .map(|e| (e.path, e.media_type, e.bytes.to_vec()))
                .collect(),
        })
    }

    /// The submission, as the loader would make it.
    pub fn submission(&self) -> Submission {
        let mut manifest = self.manifest.clone();
        manifest.evidence.clear();
        Submission {
            root: PathBuf::from(&self.name),
            manifest,
            manifest_sha256: String::new(),
            manifest_bytes: std::sync::Arc::from(&[][..]),
            evidence: self
                .files
                .iter()
                .map(|(path, media_type, bytes)| Evidence {
                    path: path.clone(),
                    media_type: media_type.clone(),
                    media_type_declared: true,
                    sha256: sha256_hex(bytes),
                    bytes: Arc::from(bytes.as_slice()),
                })
                .collect(),
            unlisted: Vec::new(),
            unlisted_stopped_at: None,
            waivers: Vec::new(),
        }
    }

    /// The first file of a media type.
    pub fn of_type(&self, media_type: &str) -> Option<String> {
        self.files
            .iter()
            .find(|(_, m, _)| m == media_type)
            .map(|(p, _, _)| p.clone())
    }

    /// A file's bytes.
    pub fn bytes(&self, path: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, _, b)| b.as_slice())
    }

    /// A JSON file, parsed.
    pub fn json(&self, path: &str) -> Option<Value> {
        serde_json::from_slice(self.bytes(path)?).ok()
    }

    /// A text file.
    pub fn text(&self, path: &str) -> Option<String> {
        String::from_utf8(self.bytes(path)?.to_vec()).ok()
    }

    /// Replaces a file's bytes.
    pub fn put(&mut self, path: &str, bytes: Vec<u8>) {
        if let Some(slot) = self.files.iter_mut().find(|(p, _, _)| p == path) {
            slot.2 = bytes;
        }
    }

    /// Replaces a JSON file.
    pub fn put_json(&mut self, path: &str, value: &Value) {
        self.put(path, serde_json::to_vec_pretty(value).unwrap_or_default());
    }

    /// Adds a document.
    pub fn add(&mut self, path: &str, media_type: &str, value: &Value) {
        self.files.push((
            path.to_owned(),
            media_type.to_owned(),
            serde_json::to_vec_pretty(value).unwrap_or_default(),
        ));
    }

    /// Edits a JSON document in place; `None` when there is none or the
    /// edit does not apply.
    pub fn edit(
        &mut self,
        media_type: &str,
        f: impl FnOnce(&mut Value) -> Option<()>,
    ) -> Option<()> {
        let path = self.of_type(media_type)?;
        let mut value = self.json(&path)?;
        f(&mut value)?;
        self.put_json(&path, &value);
        Some(())
    }

    /// The same submission from another supplier, for another product: every
    /// mention of the product's name and the supplier's, in the manifest and
    /// in every document, replaced alike. It deserves what the original does.
    pub fn renamed(&self, name: &str, supplier: &str) -> Self {
        let old_name = self.manifest.product.name.clone();
        let old_supplier = self.manifest.product.supplier.clone();
        let mut case = self.clone();
        case.name = format!("{} as {name} by {supplier}", self.name);
        case.manifest.product.name = name.to_owned();
        case.manifest.product.supplier = supplier.to_owned();
        for (_, _, bytes) in &mut case.files {
            if let Ok(text) = std::str::from_utf8(bytes) {
                *bytes = text
                    .replace(&old_supplier, supplier)
                    .replace(&old_name, name)
                    .into_bytes();
            }
        }
        case
    }

    /// The product's purl from the manifest, else `product:<name>@<version>`.
    pub fn product_ref(&self) -> String {
        self.manifest
            .product
            .identifiers
            .iter()
            .find(|i| i.starts_with("pkg:"))
            .cloned()
            .unwrap_or_else(|| {
                format!(
                    "product:{}@{}",
                    self.manifest.product.name, self.manifest.product.version
                )
            })
    }

    /// A component of the SBOM: its bom-ref and purl.
    pub fn component(&self) -> Option<(String, String)> {
        let sbom = self.json(&self.of_type(CYCLONEDX)?)?;
        let first = sbom.get("components")?.as_array()?.first()?;
        Some((
            first.get("bom-ref")?.as_str()?.to_owned(),
            first.get("purl")?.as_str()?.to_owned(),
        ))
    }
}

/// Media types of the evidence the lies rewrite.
pub const CYCLONEDX: &str = "application/vnd.cyclonedx+json";
/// OpenVEX.
pub const OPENVEX: &str = "application/openvex+json";
/// DTAC answers.
pub const DTAC: &str = "application/vnd.assure.dtac+json";
/// Pen test summary.
pub const PENTEST: &str = "application/vnd.assure.pentest+json";
/// Cyber Essentials certificate.
pub const CYBER_ESSENTIALS: &str = "application/vnd.assure.cyber-essentials+json";
/// OpenSSF Scorecard.
pub const SCORECARD: &str = "application/vnd.ossf.scorecard+json";
/// The supplier's own assurance statement.
pub const ASSURANCE: &str = "application/vnd.assure.supplier-assurance+json";

/// One kind of lie. `variant` picks among its forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lie {
    /// A statement about another product (or another version of this one)
    /// claims the submission's own known-exploited `affected` is resolved.
    ForeignVex,
    /// A statement dated after the evaluation time claims it is resolved.
    FutureVex,
    /// A known-exploited vulnerability stated exploitable under a disguised id.
    DisguisedId,
    /// An open vulnerability whose score is dropped, out of range, or
    /// replaced by a severity word alone.
    UnusableScore,
    /// A known-exploited `not_affected` whose only reason is invisible.
    InvisibleReason,
    /// A document about another product, version or supplier.
    OtherSubject,
    /// A document dated after the evaluation time.
    FutureDocument,
    /// A profile that contradicts the evidence, or is not answered.
    Profile,
    /// The supplier judging itself: its own pen tester, its own acceptance
    /// of a high finding.
    SelfJudged,
    /// Evidence about something other than the product's own: a Scorecard
    /// result (as deps.dev serves it) of another repository, a Cyber
    /// Essentials certificate under requirements that never existed, or one
    /// scoped to the head office for a product the supplier hosts.
    OutOfScope,
    /// Unsupported software shipped as if it were not: the SBOM itself says a
    /// component's support has ended; a vendor fix for a high or critical
    /// vulnerability released long ago while the product is still stated
    /// affected; or a vendor fix dated after the evaluation time.
    Unpatched,
}

impl Lie {
    /// Every kind of lie.
    pub const ALL: [Lie; 11] = [
        Lie::ForeignVex,
        Lie::FutureVex,
        Lie::DisguisedId,
        Lie::UnusableScore,
        Lie::InvisibleReason,
        Lie::OtherSubject,
        Lie::FutureDocument,
        Lie::Profile,
        Lie::SelfJudged,
        Lie::OutOfScope,
        Lie::Unpatched,
    ];

    /// Why a submission told this lie no longer deserves approval.
    pub fn why(self) -> &'static str {
        match self {
            Lie::ForeignVex => {
                "the submitted product really ships a known-exploited vulnerability it states \
                 affected; a statement about another product or version says nothing about it"
            }
            Lie::FutureVex => {
                "the known-exploited vulnerability is stated affected; the statement resolving \
                 it has not been made yet at the evaluation time"
            }
            Lie::DisguisedId => {
                "a known-exploited vulnerability is stated exploitable; its id is only disguised"
            }
            Lie::UnusableScore => {
                "an open vulnerability whose severity is critical or unknown: unknown severity \
                 is not low severity"
            }
            Lie::InvisibleReason => {
                "a known-exploited vulnerability stated not_affected with no reason a person \
                 can read is not justified"
            }
            Lie::OtherSubject => {
                "the document is about another product, version or supplier: it is no evidence \
                 about this one"
            }
            Lie::FutureDocument => "evidence dated after the evaluation time is not evidence yet",
            Lie::Profile => {
                "the profile decides which rules apply; one that the evidence contradicts, or \
                 that is not answered, cannot be believed"
            }
            Lie::SelfJudged => {
                "only an independent tester tests, and only the buyer accepts a risk: the \
                 supplier cannot clear its own pen test"
            }
            Lie::OutOfScope => {
                "a Scorecard of another repository says nothing about the product's; a \
                 certificate under requirements that never existed was never issued; a \
                 certificate for the head office says nothing about the hosted service"
            }
            Lie::Unpatched => {
                "a component past its supplier's end of support gets no security updates; a \
                 critical or high fix left unapplied for more than 14 days fails Cyber \
                 Essentials; a fix not yet released at the evaluation time is no fact to judge"
            }
        }
    }

    /// Tells the lie on `case`; `None` when the case has no evidence to
    /// tell it in (the caller skips it).
    pub fn tell(self, case: &mut Case, variant: u64) -> Option<()> {
        match self {
            Lie::ForeignVex => foreign_vex(case, variant),
            Lie::FutureVex => future_vex(case, variant),
            Lie::DisguisedId => disguised_id(case, variant),
            Lie::UnusableScore => unusable_score(case, variant),
            Lie::InvisibleReason => invisible_reason(case, variant),
            Lie::OtherSubject => other_subject(case, variant),
            Lie::FutureDocument => future_document(case, variant),
            Lie::Profile => profile(case, variant),
            Lie::SelfJudged => self_judged(case, variant),
            Lie::OutOfScope => out_of_scope(case, variant),
            Lie::Unpatched => unpatched(case, variant),
        }
    }
}

/// An OpenVEX 0.2 document with these statements.
pub fn openvex(statements: Vec<Value>, timestamp: &str) -> Value {
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/lie",
        "author": "Supplier",
        "timestamp": timestamp,
        "version": 1,
        "statements": statements,
    })
}

/// One OpenVEX statement about a subcomponent of a product.
pub fn statement(cve: &str, product: &str, subcomponent: &str, status: &str, at: &str) -> Value {
    let mut s = json!({
        "vulnerability": { "name": cve },
        "products": [{ "@id": product, "subcomponents": [{ "@id": subcomponent }] }],
        "status": status,
        "timestamp": at,
    });
    let extra = match status {
        "not_affected" => Some(("justification", "vulnerable_code_not_in_execute_path")),
        "affected" => Some(("action_statement", "Upgrade the component")),
        _ => None,
    };
    if let (Some((key, value)), Some(object)) = (extra, s.as_object_mut()) {
        object.insert(key.to_owned(), json!(value));
    }
    s
}

/// The submission's own `affected` statement about a known-exploited
/// vulnerability in a component it ships, as a document of its own.
fn own_affected(case: &mut Case) -> Option<(String, String)> {
    let (_, purl) = case.component()?;
    let product = case.product_ref();
    case.add(
        "own-vex.openvex.json",
        OPENVEX,
        &openvex(
            vec![statement(
                KEV_CVE,
                &product,
                &purl,
                "affected",
                "2025-09-21T00:00:00Z",
            )],
            "2025-09-21T00:00:00Z",
        ),
    );
    Some((product, purl))
}

/// Another product, or this one at another version.
fn other_product(case: &Case, variant: u64) -> String {
    let mine = case.product_ref();
    match variant % 4 {
        0 => "pkg:npm/unrelated-product@1.0.0".to_owned(),
        1 => match mine.rsplit_once('@') {
            Some((base, _)) => format!("{base}@99.0.0"),
            None => format!("{mine}-other"),
        },
        2 => format!(
            "product:{} Lite@{}",
            case.manifest.product.name, case.manifest.product.version
        ),
        _ => format!("product:{}@0.0.1", case.manifest.product.name),
    }
}

fn foreign_vex(case: &mut Case, variant: u64) -> Option<()> {
    let (_, purl) = own_affected(case)?;
    let other = other_product(case, variant);
    let status = if (variant / 4).is_multiple_of(2) {
        "not_affected"
    } else {
        "fixed"
    };
    // Later than the submission's own statement, so it would win a
    // supersession it has no right to.
    let foreign = statement(KEV_CVE, &other, &purl, status, "2025-09-21T12:00:00Z");
    if (variant / 8).is_multiple_of(2) {
        case.add(
            "foreign.openvex.json",
            OPENVEX,
            &openvex(vec![foreign], "2025-09-21T12:00:00Z"),
        );
    } else {
        // In the same document as the submission's own statement.
        let mut doc = case.json("own-vex.openvex.json")?;
        doc.get_mut("statements")?.as_array_mut()?.push(foreign);
        case.put_json("own-vex.openvex.json", &doc);
    }
    Some(())
}

fn future_vex(case: &mut Case, variant: u64) -> Option<()> {
    let (product, purl) = own_affected(case)?;
    let status = if variant.is_multiple_of(2) {
        "not_affected"
    } else {
        "fixed"
    };
    let days = 1 + variant / 2 % 400;
    let when = future(days);
    let resolved = statement(KEV_CVE, &product, &purl, status, &when);
    if (variant / 1024).is_multiple_of(2) {
        case.add(
            "later.openvex.json",
            OPENVEX,
            &openvex(vec![resolved], &when),
        );
    } else {
        let mut doc = case.json("own-vex.openvex.json")?;
        doc.get_mut("statements")?.as_array_mut()?.push(resolved);
        case.put_json("own-vex.openvex.json", &doc);
    }
    Some(())
}

/// `days` after the evaluation time, as RFC 3339.
pub fn future(days: u64) -> String {
    let as_of: assure_engine::jiff::Timestamp = AS_OF.parse().unwrap_or_default();
    let later = as_of
        .checked_add(assure_engine::jiff::SignedDuration::from_hours(
            i64::try_from(days * 24).unwrap_or(24),
        ))
        .unwrap_or(as_of);
    later.to_string()
}

/// `days` after the evaluation time, as a date.
pub fn future_date(days: u64) -> String {
    future(days).get(..10).unwrap_or_default().to_owned()
}

/// A vulnerability entry for the SBOM's own `vulnerabilities`.
pub fn sbom_vulnerability(id: &str, bom_ref: &str, ratings: Value, state: &str) -> Value {
    json!({
        "id": id,
        "ratings": ratings,
        "analysis": { "state": state, "detail": "Stated by the supplier." },
        "affects": [{ "ref": bom_ref }],
    })
}

/// Adds a vulnerability to the SBOM's own `vulnerabilities`.
pub fn push_sbom_vulnerability(case: &mut Case, vulnerability: Value) -> Option<()> {
    case.edit(CYCLONEDX, |sbom| {
        let object = sbom.as_object_mut()?;
        let list = object
            .entry("vulnerabilities")
            .or_insert_with(|| json!([]))
            .as_array_mut()?;
        list.push(vulnerability);
        Some(())
    })
}

fn disguised_id(case: &mut Case, variant: u64) -> Option<()> {
    let (bom_ref, _) = case.component()?;
    let id = match variant % 6 {
        0 => format!("https://nvd.nist.gov/vuln/detail/{KEV_CVE}"),
        1 => "CVE-2021-\u{200B}44228".to_owned(),
        2 => KEV_CVE.to_lowercase(),
        3 => "CVE\u{2011}2021\u{2011}44228".to_owned(),
        4 => format!("\u{FEFF}{KEV_CVE}"),
        _ => "ＣＶＥ-2021-44228".to_owned(),
    };
    // A medium score, so nothing but the known-exploited rule stands
    // between it and an approve.
    let ratings = json!([{ "score": 5.3, "severity": "medium", "method": "CVSSv31" }]);
    push_sbom_vulnerability(
        case,
        sbom_vulnerability(&id, &bom_ref, ratings, "exploitable"),
    )
}

fn unusable_score(case: &mut Case, variant: u64) -> Option<()> {
    let (bom_ref, _) = case.component()?;
    let (ratings, state) = match variant % 5 {
        0 => (json!([{ "severity": "critical" }]), "exploitable"),
        1 => (
            json!([{ "score": 10.5, "method": "CVSSv31" }]),
            "exploitable",
        ),
        2 => (json!([]), "in_triage"),
        3 => (json!([{ "severity": "unknown" }]), "exploitable"),
        _ => (
            json!([{ "severity": "critical" }, { "score": 11, "method": "CVSSv31" }]),
            "in_triage",
        ),
    };
    push_sbom_vulnerability(
        case,
        sbom_vulnerability("CVE-2024-99999", &bom_ref, ratings, state),
    )
}

fn invisible_reason(case: &mut Case, variant: u64) -> Option<()> {
    let (_, purl) = case.component()?;
    let product = case.product_ref();
    let invisible = [
        "\u{200B}",
        "\u{200B}\u{200C}\u{200D}",
        "\u{2060}",
        "\u{3164}",
        " \u{FEFF} ",
    ]
    .get(usize::try_from(variant % 5).unwrap_or(0))
    .copied()
    .unwrap_or("\u{200B}");
    let mut s = statement(
        KEV_CVE,
        &product,
        &purl,
        "not_affected",
        "2025-09-21T00:00:00Z",
    );
    let object = s.as_object_mut()?;
    object.remove("justification");
    object.insert("impact_statement".into(), json!(invisible));
    case.add(
        "invisible.openvex.json",
        OPENVEX,
        &openvex(vec![s], "2025-09-21T00:00:00Z"),
    );
    Some(())
}

fn set(value: &mut Value, pointer: &str, new: Value) -> Option<()> {
    *value.pointer_mut(pointer)? = new;
    Some(())
}

fn remove(value: &mut Value, pointer: &str) -> Option<()> {
    let (parent, key) = pointer.rsplit_once('/')?;
    value
        .pointer_mut(parent)?
        .as_object_mut()?
        .remove(key)
        .map(|_| ())
}

/// The CSV with the answer of each row whose id is in `ids` replaced.
pub fn mds2_with(csv: &str, ids: &[&str], answer: &str) -> String {
    csv.lines()
        .map(|line| {
            let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
            if cells.first().is_some_and(|id| ids.contains(&id.as_str())) && cells.len() >= 3 {
                if let Some(cell) = cells.get_mut(2) {
                    *cell = answer.to_owned();
                }
                // A note that repeats the old name would name it still.
                cells.truncate(3);
                cells.push(String::new());
            }
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The MDS2 form's path.
pub fn mds2_path(case: &Case) -> Option<String> {
    case.files
        .iter()
        .find(|(_, m, _)| m == "text/csv" || m == "application/vnd.assure.mds2+csv")
        .map(|(p, _, _)| p.clone())
}

fn other_subject(case: &mut Case, variant: u64) -> Option<()> {
    const OTHER: &str = "Bellweather Dispatch";
    const OTHER_SUPPLIER: &str = "Crowmarsh Systems Ltd";
    match variant % 12 {
        0 => case.edit(CYCLONEDX, |v| {
            set(v, "/metadata/component/name", json!(OTHER))
        }),
        1 => case.edit(CYCLONEDX, |v| {
            set(v, "/metadata/component/version", json!("99.1.0"))
        }),
        2 => case.edit(CYCLONEDX, |v| remove(v, "/metadata/component/version")),
        3 => case.edit(DTAC, |v| set(v, "/product", json!(OTHER))),
        4 => case.edit(DTAC, |v| set(v, "/supplier", json!(OTHER_SUPPLIER))),
        5 => case.edit(PENTEST, |v| set(v, "/product", json!(OTHER))),
        6 => case.edit(CYBER_ESSENTIALS, |v| {
            set(v, "/organisation", json!(OTHER_SUPPLIER))
        }),
        9 => case.edit(ASSURANCE, |v| set(v, "/product", json!(OTHER))),
        10 => case.edit(ASSURANCE, |v| set(v, "/product_version", json!("99.1.0"))),
        11 => case.edit(ASSURANCE, |v| set(v, "/supplier", json!(OTHER_SUPPLIER))),
        7 => {
            let path = mds2_path(case)?;
            let csv = case.text(&path)?;
            let lied = mds2_with(&csv, &["device", "DOC-2", "DOC-3"], OTHER);
            case.put(&path, lied.into_bytes());
            Some(())
        }
        _ => {
            let path = mds2_path(case)?;
            let csv = case.text(&path)?;
            let lied = mds2_with(&csv, &["manufacturer", "DOC-1"], OTHER_SUPPLIER);
            case.put(&path, lied.into_bytes());
            Some(())
        }
    }
}

fn out_of_scope(case: &mut Case, variant: u64) -> Option<()> {
    match variant % 4 {
        0 => {
            // The product's own result, re-filed by deps.dev under another
            // repository's project, as its web API serves a package version.
            let path = case.of_type(SCORECARD)?;
            let mut result = case.json(&path)?;
            set(
                &mut result,
                "/repo/name",
                json!("github.com/crowmarsh/dispatch"),
            )?;
            let response = json!({
                "package": {"system": "NPM", "name": "crowmarsh-dispatch"},
                "version": {
                    "version": "2.0.0",
                    "links": {"repo": "https://github.com/crowmarsh/dispatch"},
                    "projects": [{"type": "GITHUB", "name": "crowmarsh/dispatch", "scorecardV2": result}]
                }
            });
            case.put_json(&path, &response);
            Some(())
        }
        1 => case.edit(CYBER_ESSENTIALS, |v| {
            set(v, "/requirements_version", json!("3.7"))
        }),
        2 => case.edit(CYBER_ESSENTIALS, |v| {
            set(v, "/requirements_version", json!("Oakwood"))
        }),
        _ => {
            if !case.manifest.profile.hosted_service.unwrap_or(false) {
                return None;
            }
            case.edit(CYBER_ESSENTIALS, |v| {
                set(v, "/scope", json!("Head office only"))?;
                set(v, "/whole_organisation", json!(false))
            })
        }
    }
}

/// The CSAF media type.
pub const CSAF: &str = "application/csaf+json";

/// `days` before the evaluation time, as an RFC 3339 date-time.
pub fn past(days: u64) -> String {
    let as_of: assure_engine::jiff::Timestamp = AS_OF.parse().unwrap_or_default();
    let earlier = as_of
        .checked_sub(assure_engine::jiff::SignedDuration::from_hours(
            i64::try_from(days * 24).unwrap_or(24),
        ))
        .unwrap_or(as_of);
    earlier.to_string()
}

/// A CSAF 2.0 security advisory, released at `released`, saying that the
/// component `purl` is affected by `cve` (CVSS 3.1 `score`, `severity`) and
/// that a vendor fix is available from `fixed`.
pub fn csaf_advisory(
    purl: &str,
    cve: &str,
    score: f64,
    severity: &str,
    fixed: &str,
    released: &str,
) -> Value {
    json!({
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "publisher": {"category": "vendor", "name": "Component Vendor", "namespace": "https://vendor.example"},
            "title": "Security update",
            "tracking": {
                "current_release_date": released,
                "id": "VENDOR-SA-1",
                "initial_release_date": released,
                "revision_history": [{"date": released, "number": "1", "summary": "Initial"}],
                "status": "final",
                "version": "1"
            }
        },
        "product_tree": {
            "full_product_names": [
                {"name": "the component", "product_id": "COMPONENT",
                 "product_identification_helper": {"purl": purl}}
            ]
        },
        "vulnerabilities": [{
            "cve": cve,
            "product_status": {"known_affected": ["COMPONENT"]},
            "remediations": [{
                "category": "vendor_fix",
                "date": fixed,
                "details": "Upgrade to the fixed release",
                "product_ids": ["COMPONENT"]
            }],
            "scores": [{
                "products": ["COMPONENT"],
                "cvss_v3": {"version": "3.1", "baseScore": score, "baseSeverity": severity,
                            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}
            }]
        }]
    })
}

fn unpatched(case: &mut Case, variant: u64) -> Option<()> {
    let (_, purl) = case.component()?;
    match variant % 3 {
        0 => {
            // The SBOM says its first component's support ended 1 to 400
            // days before the evaluation time (a date, or a date-time).
            let days = 1 + variant / 3 % 400;
            let when = if (variant / 3).is_multiple_of(2) {
                past(days)
            } else {
                past(days).get(..10)?.to_owned()
            };
            case.edit(CYCLONEDX, |v| {
                let first = v.get_mut("components")?.as_array_mut()?.first_mut()?;
                let object = first.as_object_mut()?;
                let properties = object.entry("properties").or_insert_with(|| json!([]));
                properties.as_array_mut()?.push(json!({
                    "name": "cdx:lifecycle:milestone:endOfSupport",
                    "value": when,
                }));
                Some(())
            })
        }
        1 => {
            // A vendor fix released 15 to 400 days ago for a high or
            // critical vulnerability; the advisory still says affected.
            let days = 15 + variant / 3 % 386;
            let (score, severity) = if (variant / 3).is_multiple_of(2) {
                (7.5, "HIGH")
            } else {
                (9.1, "CRITICAL")
            };
            let fixed = past(days);
            case.add(
                "advisory.csaf.json",
                CSAF,
                &csaf_advisory(&purl, "CVE-2025-55501", score, severity, &fixed, &fixed),
            );
            Some(())
        }
        _ => {
            // A vendor fix dated 1 to 400 days after the evaluation time,
            // in an advisory released before it.
            let fixed = future(1 + variant / 3 % 400);
            let released = past(1);
            case.add(
                "advisory.csaf.json",
                CSAF,
                &csaf_advisory(&purl, "CVE-2025-55501", 7.5, "HIGH", &fixed, &released),
            );
            Some(())
        }
    }
}

fn future_document(case: &mut Case, variant: u64) -> Option<()> {
    let days = 1 + variant / 9 % 400;
    let date = future_date(days);
    let when = future(days);
    match variant % 9 {
        0 => case.edit(PENTEST, |v| set(v, "/date", json!(date))),
        1 => case.edit(PENTEST, |v| set(v, "/retest_date", json!(date))),
        2 => case.edit(DTAC, |v| set(v, "/completed", json!(date))),
        3 => case.edit(CYCLONEDX, |v| set(v, "/metadata/timestamp", json!(when))),
        4 => case.edit(CYBER_ESSENTIALS, |v| {
            set(v, "/issued", json!(date))?;
            // Expiry a year on, so only the issue date is the lie.
            set(v, "/expires", json!(future_date(days + 365)))
        }),
        5 => case.edit(SCORECARD, |v| set(v, "/date", json!(when))),
        6 => {
            let path = mds2_path(case)?;
            let csv = case.text(&path)?;
            if !csv.lines().any(|l| l.starts_with("DOC-7,")) {
                return None;
            }
            case.put(&path, mds2_with(&csv, &["DOC-7"], &date).into_bytes());
            Some(())
        }
        8 => case.edit(ASSURANCE, |v| set(v, "/statement_date", json!(date))),
        _ => case.edit(OPENVEX, |v| {
            // Every statement of the supplier's VEX made in the future.
            for s in v.get_mut("statements")?.as_array_mut()? {
                s.as_object_mut()?.insert("timestamp".into(), json!(when));
            }
            set(v, "/timestamp", json!(when))
        }),
    }
}

fn profile(case: &mut Case, variant: u64) -> Option<()> {
    let key = match variant % 7 {
        0 => {
            // The MDS2 form says the supplier has remote access.
            let path = mds2_path(case)?;
            let csv = case.text(&path)?;
            if !csv
                .lines()
                .any(|l| l.starts_with("RMOT-1,") && l.contains(",Yes"))
            {
                return None;
            }
            case.manifest.profile.supplier_remote_access = Some(false);
            return Some(());
        }
        1 => &mut case.manifest.profile.patient_data,
        2 => &mut case.manifest.profile.hosted_service,
        3 => &mut case.manifest.profile.medical_device,
        4 => &mut case.manifest.profile.supplier_remote_access,
        5 => {
            // The tier claimed, left out: judged critical, and asked for.
            case.manifest.profile.criticality = None;
            return Some(());
        }
        _ => {
            // A tier input left out: judged as its strictest (class III).
            case.manifest.profile.device_class = None;
            return Some(());
        }
    };
    // Left unanswered.
    *key = None;
    Some(())
}

fn self_judged(case: &mut Case, variant: u64) -> Option<()> {
    let supplier = case.manifest.product.supplier.clone();
    case.edit(PENTEST, |v| match variant % 3 {
        0 => set(v, "/tester", json!(supplier)),
        1 => set(
            v,
            "/tester",
            json!(format!("{supplier} (internal security team)")),
        ),
        _ => {
            let findings = v.get_mut("findings")?.as_array_mut()?;
            findings.push(json!({
                "id": "LIE-1",
                "title": "Remote code execution in the report export",
                "cvss": 9.8,
                "status": "accepted",
            }));
            Some(())
        }
    })
}
