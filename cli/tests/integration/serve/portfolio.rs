//! The portfolio over HTTP: uploads, verdicts, formats, diffs, roles and
//! limits, on SQLite (and the same round trip on PostgreSQL in `postgres`).

use super::harness::{
    AS_OF, Client, Database, Server, declare_upload, json, problem, tar_gz, token,
};
use crate::common;

/// The verdict `assure check` gives an example as of [`AS_OF`].
fn cli_verdict(name: &str) -> String {
    let out = common::assure()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(common::example(name))
        .output()
        .unwrap();
    let decision: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    decision["verdict"].as_str().unwrap().to_owned()
}

/// Uploads the three examples and checks what a procurement officer sees:
/// the same verdicts as `assure check`, every format, the product listing.
pub fn round_trip(db: &Database) {
    let server = Server::start(db);
    let client = Client::new(Some(&token(db, "procurement", None)));
    let health = json(client.get(&server.url("/healthz")), 200);
    assert_eq!(health["status"], "ok");
    let mut ids = Vec::new();
    for name in ["approved", "rejected", "needs-evidence"] {
        let body = json(client.upload(&server, tar_gz(&common::example(name))), 201);
        assert_eq!(body["verdict"], cli_verdict(name), "{name}: {body}");
        ids.push((name, body));
    }
    let (_, approved) = &ids[0];
    let id = approved["id"].as_str().unwrap();
    // Every format, by extension and by Accept.
    let base = server.url(&format!("/api/v1/decisions/{id}"));
    let decision = json(client.get(&base), 200);
    assert_eq!(decision["format"], "assure.decision/v1");
    assert_eq!(decision["verdict"], approved["verdict"]);
    let sarif = json(client.get(&format!("{base}.sarif")), 200);
    assert_eq!(sarif["version"], "2.1.0");
    let junit = client.get(&format!("{base}.junit.xml")).text().unwrap();
    roxmltree::Document::parse(&junit).expect("JUnit XML parses");
    let markdown = client.get(&format!("{base}.md")).text().unwrap();
    assert!(markdown.starts_with('#'), "{markdown}");
    let text = client.get(&format!("{base}.txt")).text().unwrap();
    assert!(
        text.contains("approve") || text.contains("APPROVE") || text.contains("Approve"),
        "{text}"
    );
    let html = client.get_accept(&base, "text/html");
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    assert!(html.headers().contains_key("content-security-policy"));
    assert!(html.text().unwrap().contains("<html"));
    let sarif_by_accept = json(client.get_accept(&base, "application/sarif+json"), 200);
    assert_eq!(sarif_by_accept["version"], "2.1.0");
    // Each product's latest decision.
    let products = json(client.get(&server.url("/api/v1/products")), 200);
    assert_eq!(products.as_array().unwrap().len(), 3, "{products}");
    // The signed record verifies with the service's public key.
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.json");
    let pem = dir.path().join("service.pem");
    std::fs::write(
        &record,
        client.get(&format!("{base}/record")).bytes().unwrap(),
    )
    .unwrap();
    std::fs::write(
        &pem,
        client
            .get(&server.url("/api/v1/service-key.pem"))
            .bytes()
            .unwrap(),
    )
    .unwrap();
    let verified = common::assure()
        .arg("verify")
        .arg(&record)
        .arg("--trust")
        .arg(&pem)
        .args(["--submission"])
        .arg(common::example("approved"))
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    // The OpenAPI document describes the interface.
    let openapi = json(client.get(&server.url("/openapi.json")), 200);
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/submissions", "/api/v1/decisions/{id}", "/healthz"] {
        assert!(openapi["paths"].get(path).is_some(), "{path} missing");
    }
}

#[test]
fn sqlite_portfolio_decides_the_examples_as_the_cli_does() {
    round_trip(&Database::sqlite());
}

/// A copy of an example with its version changed and, optionally, one
/// evidence file dropped from its manifest.
fn variant(name: &str, version: &str, drop: Option<&str>) -> tempfile::TempDir {
    let dir = common::copy_example(name);
    let manifest = dir.path().join("submission.toml");
    let mut doc: toml::Table = std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
    doc["product"]["version"] = toml::Value::String(version.into());
    if let Some(path) = drop {
        let evidence = doc["evidence"].as_array_mut().unwrap();
        evidence.retain(|e| e["path"].as_str() != Some(path));
        std::fs::remove_file(dir.path().join(path)).unwrap();
    }
    std::fs::write(&manifest, toml::to_string(&doc).unwrap()).unwrap();
    dir
}

#[test]
fn two_versions_of_a_product_are_diffed() {
    let db = Database::sqlite();
    let server = Server::start(&db);
    let client = Client::new(Some(&token(&db, "assurance", None)));
    let v1 = json(
        client.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    let v2_dir = variant("approved", "9.9.9", Some("pentest-summary.json"));
    let v2 = json(client.upload(&server, tar_gz(v2_dir.path())), 201);
    assert_eq!(
        v1["links"]["product"], v2["links"]["product"],
        "one product"
    );
    assert_ne!(
        v1["verdict"], v2["verdict"],
        "dropping the pen test changes the verdict"
    );
    let diff = json(
        client.get(&server.url(&format!(
            "/api/v1/decisions/{}/diff/{}",
            v1["id"].as_str().unwrap(),
            v2["id"].as_str().unwrap()
        ))),
        200,
    );
    assert_eq!(diff["verdict_changed"], true);
    assert_eq!(diff["from"]["version"], v1["version"]);
    assert_eq!(diff["to"]["version"], "9.9.9");
    let files = diff["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "pentest-summary.json" && f["change"] == "removed"),
        "{diff}"
    );
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "submission.toml" && f["change"] == "changed"),
        "{diff}"
    );
    assert!(
        !diff["missing_added"].as_array().unwrap().is_empty(),
        "{diff}"
    );
    assert_eq!(diff["bundle_changed"], false);
    // The product's history, newest first.
    let history = json(
        client.get(&server.url(v2["links"]["product"].as_str().unwrap())),
        200,
    );
    let versions: Vec<_> = history["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(versions[0], "9.9.9");
    assert_eq!(versions.len(), 2);
}

/// The log's size, which every stored decision grows.
fn log_size(client: &Client, server: &Server) -> u64 {
    json(client.get(&server.url("/healthz")), 200)["log_size"]
        .as_u64()
        .unwrap()
}

#[test]
fn broken_and_oversized_uploads_are_refused_with_a_problem_and_nothing_is_stored() {
    let db = Database::sqlite();
    let server = Server::start(&db);
    let client = Client::new(Some(&token(&db, "procurement", None)));
    let before = log_size(&client, &server);
    // Not a gzip at all.
    let body = problem(client.upload(&server, b"not an archive".to_vec()), 422);
    assert!(
        body["detail"].as_str().unwrap().contains("archive"),
        "{body}"
    );
    // A submission whose manifest names a file it does not hold.
    let broken = common::copy_example("approved");
    std::fs::remove_file(broken.path().join("vex.openvex.json")).unwrap();
    let body = problem(client.upload(&server, tar_gz(broken.path())), 422);
    assert!(body.to_string().contains("vex.openvex.json"), "{body}");
    // Over the upload limit (docs/LIMITS.md): refused before it is read.
    let procurement = token(&db, "procurement", None);
    let (status, text) = declare_upload(&server, &procurement, 300 * 1024 * 1024);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    // Neither a form nor an archive.
    let response = reqwest::blocking::Client::new()
        .post(server.url("/api/v1/submissions"))
        .bearer_auth(&procurement)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .unwrap();
    problem(response, 415);
    let products = json(client.get(&server.url("/api/v1/products")), 200);
    assert_eq!(products.as_array().unwrap().len(), 0);
    assert_eq!(log_size(&client, &server), before, "nothing was logged");
    // A form with a field that is not a file.
    let form = reqwest::blocking::multipart::Form::new().text("note", "hello");
    problem(client.upload_form(&server, form), 400);
    // The submission's files as a form are accepted.
    let mut form = reqwest::blocking::multipart::Form::new();
    for entry in std::fs::read_dir(common::example("approved")).unwrap() {
        let path = entry.unwrap().path();
        form = form.file("files", &path).unwrap();
    }
    let body = json(client.upload_form(&server, form), 201);
    assert_eq!(body["verdict"], cli_verdict("approved"));
}

#[test]
fn each_role_may_do_only_its_own_part() {
    let db = Database::sqlite();
    let server = Server::start(&db);
    let procurement = Client::new(Some(&token(&db, "procurement", None)));
    let approved = json(
        procurement.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    let id = approved["id"].as_str().unwrap();
    let supplier_name = approved["supplier"].as_str().unwrap();
    // No token, an unknown token: 401.
    problem(Client::new(None).get(&server.url("/api/v1/products")), 401);
    problem(
        Client::new(Some("assure_not-a-token")).get(&server.url("/api/v1/products")),
        401,
    );
    // An auditor reads and proves, but never uploads.
    let auditor = Client::new(Some(&token(&db, "auditor", None)));
    problem(
        auditor.upload(&server, tar_gz(&common::example("approved"))),
        403,
    );
    json(
        auditor.get(&server.url(&format!("/api/v1/decisions/{id}"))),
        200,
    );
    json(
        auditor.get(&server.url(&format!("/api/v1/decisions/{id}/proof"))),
        200,
    );
    // Another supplier's token cannot upload for this supplier, nor see it.
    let other = Client::new(Some(&token(&db, "supplier", Some("Another Supplier Ltd"))));
    let body = problem(
        other.upload(&server, tar_gz(&common::example("approved"))),
        403,
    );
    assert!(
        body["detail"].as_str().unwrap().contains(supplier_name),
        "{body}"
    );
    problem(
        other.get(&server.url(&format!("/api/v1/decisions/{id}"))),
        404,
    );
    assert_eq!(
        json(other.get(&server.url("/api/v1/products")), 200),
        serde_json::json!([])
    );
    // The supplier's own token uploads and sees its own product.
    let own = Client::new(Some(&token(&db, "supplier", Some(supplier_name))));
    json(
        own.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    assert_eq!(
        json(own.get(&server.url("/api/v1/products")), 200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    problem(own.get(&server.url("/api/v1/log/checkpoint")), 403);
    // Every decision names who uploaded it.
    let history = json(
        procurement.get(&server.url(approved["links"]["product"].as_str().unwrap())),
        200,
    );
    let by: Vec<_> = history["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["created_by"].as_str().unwrap().to_owned())
        .collect();
    assert!(by[0].contains("supplier"), "{by:?}");
    assert!(by[1].contains("procurement"), "{by:?}");
    // A supplier token must name its supplier.
    common::assure()
        .args([
            "serve",
            "token",
            "new",
            "--role",
            "supplier",
            "--database",
            &db.url,
        ])
        .assert()
        .failure();
}
