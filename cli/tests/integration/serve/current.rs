//! The portfolio keeps itself current: a known-exploited catalogue that adds
//! a CVE re-decides exactly the products that ship it, each flip told once to
//! a webhook (signature verified here) and by e-mail, nothing told again on
//! a second identical load; a date in the evidence passing flips its product
//! when the service's time reaches it.

use std::path::Path;

use sha2::Digest as _;

use super::harness::{AS_OF, Client, Database, Server, json, problem, tar_gz, token};
use super::sinks::{Receiver, SmtpSink, signature_verifies};
use crate::common;

/// The CVE the generated products' VEX says affects them (unfixed), and
/// that the built-in catalogue does not list.
const CVE: &str = "CVE-2025-48734";

/// A product made from `examples/approved` under another name: every file
/// says `name` where the example says CareFlow, and `CVE` is stated as
/// `status`: `not_affected` (the example's justified OpenVEX statement),
/// `fixed` (OpenVEX), or, in the SBOM with a low severity, `exploitable`
/// (affected) or `in_triage` (under investigation).
pub fn generate(root: &Path, name: &str, status: &str) -> std::path::PathBuf {
    let dir = root.join(name);
    common::copy_dir(&common::example("approved"), &dir);
    let lower = name.to_ascii_lowercase();
    let mut digests = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        if file == "submission.toml" {
            continue;
        }
        let mut text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("CareFlow", name)
            .replace("careflow", &lower);
        if file == "vex.openvex.json" && status != "not_affected" {
            let mut vex: serde_json::Value = serde_json::from_str(&text).unwrap();
            let statements = vex["statements"].as_array_mut().unwrap();
            if status == "fixed" {
                for statement in statements.iter_mut() {
                    if statement["vulnerability"]["name"] == CVE {
                        let s = statement.as_object_mut().unwrap();
                        s.remove("justification");
                        s.remove("impact_statement");
                        s.insert("status".into(), "fixed".into());
                    }
                }
            } else {
                // Stated in the SBOM instead, with its severity (OpenVEX has none).
                statements.retain(|s| s["vulnerability"]["name"] != CVE);
            }
            text = serde_json::to_string_pretty(&vex).unwrap();
        }
        if file == "sbom.cdx.json" && (status == "exploitable" || status == "in_triage") {
            let mut sbom: serde_json::Value = serde_json::from_str(&text).unwrap();
            sbom["vulnerabilities"] = serde_json::json!([{
                "bom-ref": format!("vuln-{CVE}"),
                "id": CVE,
                "source": {"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{CVE}")},
                "ratings": [{"severity": "low", "score": 3.1, "method": "CVSSv31"}],
                "analysis": {"state": status, "detail": "Upgrade to 1.11.0 in the next release"},
                "affects": [{"ref": "pkg:maven/commons-beanutils/commons-beanutils@1.9.4"}]
            }]);
            text = serde_json::to_string_pretty(&sbom).unwrap();
        }
        std::fs::write(&path, &text).unwrap();
        digests.push((file, hex::encode(sha2::Sha256::digest(text.as_bytes()))));
    }
    let manifest = dir.join("submission.toml");
    let mut out = String::new();
    let mut current: Option<String> = None;
    for line in std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("CareFlow", name)
        .replace("careflow", &lower)
        .lines()
    {
        if let Some(path) = line.strip_prefix("path = ") {
            current = Some(path.trim_matches('"').to_owned());
        }
        if line.starts_with("sha256 = ")
            && let Some(path) = current.take()
        {
            let digest = &digests.iter().find(|(f, _)| *f == path).unwrap().1;
            out.push_str(&format!("sha256 = \"{digest}\"\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    std::fs::write(&manifest, out).unwrap();
    dir
}

/// The built-in catalogue with `CVE` added: a later version, released after
/// the built-in one.
pub fn kev_adding_cve(version: &str, released: &str) -> Vec<u8> {
    let path = common::root().join("policies/nhs-baseline/data/kev.json");
    let mut kev: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    kev["catalogVersion"] = version.into();
    kev["dateReleased"] = released.into();
    let list = kev["vulnerabilities"].as_array_mut().unwrap();
    list.push(serde_json::json!({
        "cveID": CVE,
        "vendorProject": "Apache",
        "product": "Commons BeanUtils",
        "vulnerabilityName": "Apache Commons BeanUtils Improper Access Control",
        "dateAdded": "2025-09-01",
        "shortDescription": "Test entry added for the re-decision tests.",
        "requiredAction": "Apply mitigations per vendor instructions.",
        "dueDate": "2025-09-22",
        "knownRansomwareCampaignUse": "Unknown",
        "notes": "",
        "cwes": []
    }));
    let count = list.len();
    kev["count"] = count.into();
    serde_json::to_vec_pretty(&kev).unwrap()
}

fn verdicts(client: &Client, server: &Server) -> std::collections::BTreeMap<String, String> {
    json(client.get(&server.url("/api/v1/products")), 200)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["product"].as_str().unwrap().to_owned(),
                p["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_kev_addition_flips_exactly_the_products_that_ship_it_and_tells_each_once() {
    kev_addition(&Database::sqlite());
}

#[test]
fn on_postgres_a_kev_addition_flips_exactly_the_products_that_ship_it() {
    if let Some(db) = Database::postgres() {
        kev_addition(&db);
    }
}

/// The portfolio, a catalogue adding a CVE some products ship, and what
/// the service does and says about it, on `db`.
fn kev_addition(db: &Database) {
    let hooks = Receiver::start(200);
    let mail = SmtpSink::start();
    let server = Server::start_with(db, &["--smtp".as_ref(), mail.url.as_str().as_ref()]);
    let assurance = Client::new(Some(&token(db, "assurance", None)));
    let procurement = Client::new(Some(&token(db, "procurement", None)));

    // Subscriptions: every change to a webhook; rejections by e-mail.
    let hook = json(
        procurement.post_json(
            &server.url("/api/v1/subscriptions"),
            &serde_json::json!({"kind": "webhook", "target": hooks.url}),
        ),
        201,
    );
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{hook}");
    json(
        procurement.post_json(
            &server.url("/api/v1/subscriptions"),
            &serde_json::json!({"kind": "email", "target": "ops@example.org", "transitions": ["reject"]}),
        ),
        201,
    );

    // The portfolio: the three examples and three generated products, two
    // of which ship the CVE unfixed and one of which states it fixed.
    let root = tempfile::tempdir().unwrap();
    let mut folders: Vec<std::path::PathBuf> = ["approved", "rejected", "needs-evidence"]
        .iter()
        .map(|n| common::example(n))
        .collect();
    folders.push(generate(root.path(), "Wardview", "exploitable"));
    folders.push(generate(root.path(), "Theatrelist", "in_triage"));
    folders.push(generate(root.path(), "Pharmacyq", "fixed"));
    for folder in &folders {
        json(procurement.upload(&server, tar_gz(folder)), 201);
    }
    let before = verdicts(&procurement, &server);
    assert_eq!(before["CareFlow"], "approve", "{before:?}");
    assert_eq!(before["Pharmacyq"], "approve", "{before:?}");
    assert_eq!(before["Wardview"], "approve", "{before:?}");
    assert_eq!(before["Theatrelist"], "approve", "{before:?}");
    // Uploading tells nobody about a first decision.
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(hooks.count(), 0);

    // Only the assurance team loads reference data.
    let kev = kev_adding_cve("2025.09.01", "2025-09-01T12:00:00.000Z");
    let refused = procurement.post_bytes(&server.url("/api/v1/reference/kev"), kev.clone());
    problem(refused, 403);
    // A catalogue that is not one, or whose count lies, is refused saying
    // where, and nothing is decided again.
    let broken = problem(
        assurance.post_bytes(
            &server.url("/api/v1/reference/kev"),
            b"{\"catalogVersion\": 1".to_vec(),
        ),
        422,
    );
    assert!(
        broken["detail"].as_str().unwrap().contains("line"),
        "{broken}"
    );
    let mut lying: serde_json::Value = serde_json::from_slice(&kev).unwrap();
    lying["count"] = 3.into();
    let lie = problem(
        assurance.post_bytes(
            &server.url("/api/v1/reference/kev"),
            serde_json::to_vec(&lying).unwrap(),
        ),
        422,
    );
    assert!(lie["detail"].as_str().unwrap().contains("count"), "{lie}");
    assert_eq!(verdicts(&procurement, &server), before);

    let loaded = json(
        assurance.post_bytes(&server.url("/api/v1/reference/kev"), kev.clone()),
        200,
    );
    assert_eq!(loaded["unchanged"], false, "{loaded}");
    assert_eq!(loaded["changed_cves"], serde_json::json!([CVE]), "{loaded}");
    // Considered: the products whose evidence names the CVE (CareFlow states
    // it not_affected, Pharmacyq fixed): not the rejected or needs-evidence
    // examples.
    assert_eq!(loaded["considered"], 4, "{loaded}");
    let flipped: Vec<&str> = loaded["redecided"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["from"] != r["to"])
        .map(|r| r["product"].as_str().unwrap())
        .collect();
    assert_eq!(flipped.len(), 2, "{loaded}");
    assert!(
        flipped.contains(&"Wardview") && flipped.contains(&"Theatrelist"),
        "{loaded}"
    );
    let mut considered: Vec<&str> = loaded["redecided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["product"].as_str().unwrap())
        .collect();
    considered.sort_unstable();
    assert_eq!(
        considered,
        ["CareFlow", "Pharmacyq", "Theatrelist", "Wardview"],
        "{loaded}"
    );
    for r in loaded["redecided"].as_array().unwrap() {
        let flipped = r["from"] != r["to"];
        assert_eq!(r["notifications"] != 0, flipped, "told only of a flip: {r}");
        if flipped {
            assert!(r["decision"].is_string(), "{r}");
        }
    }
    let after = verdicts(&procurement, &server);
    assert_eq!(after["Wardview"], "reject");
    assert_eq!(after["Theatrelist"], "reject");
    for unchanged in ["CareFlow", "Pharmacyq"] {
        assert_eq!(after[unchanged], before[unchanged]);
    }
    assert_eq!(after.len(), before.len());

    // One webhook per flipped product, signed, explaining itself.
    let deliveries = hooks.wait_for(2);
    let mut subjects = Vec::new();
    for d in &deliveries {
        assert!(
            signature_verifies(&secret, d),
            "signature of {:?}",
            d.headers
        );
        let event = d.json();
        assert_eq!(event["specversion"], "1.0");
        assert_eq!(event["type"], "uk.nhs.assure.decision.changed");
        let data = &event["data"];
        assert_eq!(data["from"], "approve");
        assert_eq!(data["to"], "reject");
        let text = data["text"].as_str().unwrap();
        assert!(
            text.contains("R1 now fires") && text.contains(CVE),
            "{text}"
        );
        assert!(text.contains("kev 2025.09.01"), "{text}");
        subjects.push(data["product"].as_str().unwrap().to_owned());
    }
    subjects.sort();
    assert_eq!(subjects, ["Theatrelist", "Wardview"]);
    // The same by e-mail (transitions to reject).
    let mails = mail.wait_for(2);
    for (to, data) in &mails {
        assert_eq!(to.len(), 1);
        assert!(to[0].contains("ops@example.org"), "{to:?}");
        assert!(
            data.contains("approve") && data.contains("reject"),
            "{data}"
        );
    }

    // The same catalogue again: nothing decided, nobody told.
    let again = json(
        assurance.post_bytes(&server.url("/api/v1/reference/kev"), kev),
        200,
    );
    assert_eq!(again["unchanged"], true, "{again}");
    // An older catalogue is refused: reference data never rolls back.
    let older = kev_adding_cve("2025.08.30", "2025-08-30T12:00:00.000Z");
    problem(
        assurance.post_bytes(&server.url("/api/v1/reference/kev"), older),
        409,
    );
    // A full sweep finds nothing new either.
    let swept = json(
        assurance.post_json(
            &server.url("/api/v1/recheck?all=true"),
            &serde_json::json!({}),
        ),
        200,
    );
    assert!(
        swept
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["decision"].is_null()),
        "{swept}"
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(hooks.count(), 2, "no notification twice");
    assert_eq!(mail.messages.lock().unwrap().len(), 2);

    // The delivery log says what was delivered.
    let log = json(
        procurement.get(&server.url(&format!(
            "/api/v1/subscriptions/{}/deliveries",
            hook["id"].as_str().unwrap()
        ))),
        200,
    );
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log.iter()
            .all(|d| d["ok"] == true && d["state"] == "delivered")
    );

    // A restart keeps the catalogue loaded (and decides nothing again).
    drop(server);
    let server = Server::start(db);
    let listed = json(procurement.get(&server.url("/api/v1/reference")), 200);
    assert_eq!(listed[0]["version"], "2025.09.01", "{listed}");
    assert_eq!(verdicts(&procurement, &server), after);
}

#[test]
fn a_date_in_the_evidence_passing_flips_its_product_when_the_time_comes() {
    let db = Database::sqlite();
    let hooks = Receiver::start(200);
    let server = Server::start(&db);
    let procurement = Client::new(Some(&token(&db, "procurement", None)));
    json(
        procurement.post_json(
            &server.url("/api/v1/subscriptions"),
            &serde_json::json!({"kind": "webhook", "target": hooks.url, "transitions": ["reject", "needs-evidence", "new-blocking"]}),
        ),
        201,
    );
    let approved = json(
        procurement.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    assert_eq!(approved["verdict"], "approve");
    let product = approved["product"].as_str().unwrap_or_default().to_owned();
    let state = json(procurement.get(&server.url("/api/v1/products")), 200);
    let next = state[0]["next_change"].as_str().unwrap().to_owned();
    let (at, reason) = next.split_once(' ').unwrap();
    let reason = reason.trim_start_matches('(').trim_end_matches(')');
    let at: jiff::Timestamp = at.parse().unwrap();
    assert!(at > AS_OF.parse().unwrap(), "{next}");
    // The service restarted later than that: the product is decided again
    // at start, without anything being submitted.
    drop(server);
    let later = at.checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    let later = later.to_string();
    let server = Server::start_at(&db, &later, &[]);
    // The start-up pass runs in the background: wait for it.
    let started = std::time::Instant::now();
    let verdict = loop {
        let v = json(procurement.get(&server.url("/api/v1/products")), 200);
        if v[0]["verdict"] != "approve" || started.elapsed().as_secs() > 60 {
            break v[0].clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let _ = product;
    assert_ne!(
        verdict["verdict"], "approve",
        "{verdict} (next change was {next})"
    );
    let delivered = hooks.wait_for(1);
    let text = delivered[0].json()["data"]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains(reason), "{text} (next change was {next})");
    assert!(!reason.is_empty());
}

/// The built-in catalogue under a later version and release date, nothing
/// else changed.
fn kev_released(version: &str, released: &str) -> Vec<u8> {
    let path = common::root().join("policies/nhs-baseline/data/kev.json");
    let mut kev: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    kev["catalogVersion"] = version.into();
    kev["dateReleased"] = released.into();
    serde_json::to_vec(&kev).unwrap()
}

/// Waits (a minute at most) until `product`'s listing satisfies `done`.
fn wait_for_product(
    client: &Client,
    server: &Server,
    product: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = std::time::Instant::now();
    loop {
        let listing = json(client.get(&server.url("/api/v1/products")), 200);
        let row = listing
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product"] == product)
            .cloned()
            .unwrap();
        if done(&row) {
            return row;
        }
        assert!(started.elapsed().as_secs() < 60, "{row}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn a_waiver_warns_before_it_expires_and_its_product_flips_when_it_does() {
    // A trust's bundle with two approvers; Log4Shell in CareFlow Reports
    // accepted by two waivers from 2025-09-20 for 30 days (to 2025-10-20).
    let trust = crate::waivers::Trust::new();
    let root = tempfile::tempdir().unwrap();
    let submission = root.path().join("rejected");
    common::copy_dir(&common::example("rejected"), &submission);
    std::fs::create_dir_all(submission.join("waivers")).unwrap();
    for (file, rule, signers) in [
        ("r1.json", "R1", ["patel", "jones"]),
        ("r21.json", "R2.1", ["jones", "patel"]),
    ] {
        let waiver = trust.waiver(file, rule, &[], &signers);
        std::fs::copy(&waiver, submission.join("waivers").join(file)).unwrap();
    }
    let bundle = trust.path("trust.bundle");
    let publisher = trust.path("publisher.pub");
    let state = trust.path("state.json");
    let with_bundle: Vec<&std::ffi::OsStr> = vec![
        "--bundle".as_ref(),
        bundle.as_os_str(),
        "--trust".as_ref(),
        publisher.as_os_str(),
        "--state".as_ref(),
        state.as_os_str(),
    ];

    let db = Database::sqlite();
    let hooks = Receiver::start(200);
    let server = Server::start_with(&db, &with_bundle);
    let assurance = Client::new(Some(&token(&db, "assurance", None)));
    let procurement = Client::new(Some(&token(&db, "procurement", None)));
    let hook = json(
        procurement.post_json(
            &server.url("/api/v1/subscriptions"),
            &serde_json::json!({"kind": "webhook", "target": hooks.url, "product": "CareFlow Reports"}),
        ),
        201,
    );
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let uploaded = json(procurement.upload(&server, tar_gz(&submission)), 201);
    assert_eq!(uploaded["verdict"], "approve", "{uploaded}");

    // Reference data current for the weeks ahead, then every product
    // decided again with it: nothing new to say, so nothing stored or told,
    // but the next change is now the waivers' warning period.
    let loaded = json(
        assurance.post_bytes(
            &server.url("/api/v1/reference/kev"),
            kev_released("2025.10.19", "2025-10-19T00:00:00.000Z"),
        ),
        200,
    );
    assert_eq!(loaded["changed_cves"], serde_json::json!([]), "{loaded}");
    let alerts_path = common::root().join("policies/nhs-baseline/data/nhs-cyber-alerts.json");
    let mut alerts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(alerts_path).unwrap()).unwrap();
    alerts["version"] = "2025.10.19".into();
    alerts["released"] = "2025-10-19T00:00:00Z".into();
    json(
        assurance.post_bytes(
            &server.url("/api/v1/reference/nhs_alerts"),
            serde_json::to_vec(&alerts).unwrap(),
        ),
        200,
    );
    let swept = json(
        assurance.post_json(
            &server.url("/api/v1/recheck?all=true"),
            &serde_json::json!({}),
        ),
        200,
    );
    assert!(swept[0]["decision"].is_null(), "{swept}");
    let row = wait_for_product(&procurement, &server, "CareFlow Reports", |_| true);
    let next = row["next_change"].as_str().unwrap().to_owned();
    assert!(next.contains("enters its last 14 days"), "{next}");
    let warn_at: jiff::Timestamp = next.split_once(' ').unwrap().0.parse().unwrap();
    assert_eq!(warn_at, "2025-10-06T00:00:01Z".parse().unwrap(), "{next}");
    drop(server);

    // An hour into the warning period: still approved, and told once.
    let server = Server::start_at(&db, "2025-10-06T01:00:00Z", &with_bundle);
    let warned = hooks.wait_for(1);
    assert!(signature_verifies(&secret, &warned[0]));
    let data = &warned[0].json()["data"];
    assert_eq!(data["to"], "approve", "{data}");
    assert_eq!(
        data["transitions"],
        serde_json::json!(["expiring"]),
        "{data}"
    );
    assert!(
        data["text"].as_str().unwrap().contains("expires soon"),
        "{data}"
    );
    let row = wait_for_product(&procurement, &server, "CareFlow Reports", |r| {
        r["next_change"]
            .as_str()
            .is_some_and(|n| n.contains("expires"))
            && !r["next_change"].as_str().unwrap().contains("enters")
    });
    assert_eq!(row["verdict"], "approve");
    drop(server);

    // The day the waivers end: rejected again, and told why.
    let server = Server::start_at(&db, "2025-10-20T01:00:00Z", &with_bundle);
    let row = wait_for_product(&procurement, &server, "CareFlow Reports", |r| {
        r["verdict"] != "approve"
    });
    assert_eq!(row["verdict"], "reject", "{row}");
    let told = hooks.wait_for(2);
    assert_eq!(told.len(), 2);
    let data = &told[1].json()["data"];
    assert_eq!(
        (data["from"].as_str(), data["to"].as_str()),
        (Some("approve"), Some("reject"))
    );
    let text = data["text"].as_str().unwrap();
    assert!(
        text.contains("R1 now fires") && text.contains("CVE-2021-44228"),
        "{text}"
    );
    assert!(text.contains("expires"), "{text}");
}
