//! The web pages in headless Chromium: sign in, the dashboard, a product's
//! history and diff, a decision, the upload form and its errors; each page
//! screenshotted into the test artefacts and checked by axe-core against
//! WCAG 2.2 A and AA.

use super::harness::{Client, Database, Server, json, tar_gz, token};
use super::webdriver::Browser;
use crate::common;

fn accessible(browser: &Browser, page: &str) {
    let violations = browser.accessibility_violations();
    assert!(violations.is_empty(), "{page}: {violations:#?}");
    browser.screenshot(page);
}

#[test]
fn a_procurement_officer_uses_the_web_pages() {
    let Some(browser) = Browser::start() else {
        return;
    };
    // The checker finds what it should: an image without a text alternative.
    browser.goto("data:text/html,<!DOCTYPE html><html><head><title>t</title></head><body><img src=x></body></html>");
    if std::env::var_os("ASSURE_AXE").is_some() {
        let violations = browser.accessibility_violations();
        assert!(
            violations.iter().any(|v| v.starts_with("image-alt")),
            "{violations:?}"
        );
    }
    let db = Database::sqlite();
    let server = Server::start(&db);
    let token = token(&db, "procurement", None);
    let api = Client::new(Some(&token));
    let first = json(
        api.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    json(
        api.upload(&server, tar_gz(&common::example("rejected"))),
        201,
    );
    let changed = common::copy_example("approved");
    std::fs::remove_file(changed.path().join("pentest-summary.json")).unwrap();
    let manifest = changed.path().join("submission.toml");
    let mut doc: toml::Table = std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
    doc["product"]["version"] = toml::Value::String("2.0.0".into());
    doc["evidence"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["path"].as_str() != Some("pentest-summary.json"));
    std::fs::write(&manifest, toml::to_string(&doc).unwrap()).unwrap();
    json(api.upload(&server, tar_gz(changed.path())), 201);

    // Not signed in: the sign-in page.
    browser.goto(&server.url("/"));
    assert!(browser.url().ends_with("/sign-in"), "{}", browser.url());
    accessible(&browser, "sign-in");
    browser.type_into("#token", "assure_wrong");
    browser.click_and_wait("main button[type=submit]");
    assert!(
        browser.text().contains("There is a problem"),
        "{}",
        browser.text()
    );
    accessible(&browser, "sign-in-error");
    browser.type_into("#token", &token);
    browser.click_and_wait("main button[type=submit]");

    // The dashboard: counts, products, what is missing.
    let text = browser.text();
    assert_eq!(browser.title(), "Portfolio – assure");
    assert!(text.contains(first["product"].as_str().unwrap()), "{text}");
    assert!(text.contains("Products needing evidence"), "{text}");
    accessible(&browser, "dashboard");

    // A product: its history, and what changed between its two versions.
    browser.click_and_wait(&format!(
        "a[href=\"{}\"]",
        first["links"]["product"]
            .as_str()
            .unwrap()
            .replace("/api/v1", "")
    ));
    let text = browser.text();
    assert!(text.contains("What changed from"), "{text}");
    assert!(text.contains("pentest-summary.json: removed"), "{text}");
    accessible(&browser, "product");

    // A decision: the HTML report.
    browser.goto(&server.url(first["links"]["html"].as_str().unwrap()));
    assert!(
        browser.title().starts_with("assure:"),
        "{}",
        browser.title()
    );
    accessible(&browser, "decision");

    // The upload form: a file that is not a submission is refused, clearly.
    browser.goto(&server.url("/upload"));
    accessible(&browser, "upload");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-a-submission.tar.gz");
    std::fs::write(&bad, b"not gzip").unwrap();
    browser.type_into("#archive", bad.to_str().unwrap());
    browser.click_and_wait("main button[type=submit]");
    let text = browser.text();
    assert!(text.contains("There is a problem"), "{text}");
    assert!(text.contains("archive"), "{text}");
    accessible(&browser, "upload-error");
    // A real archive is checked and its decision shown.
    let good = dir.path().join("needs-evidence.tar.gz");
    std::fs::write(&good, tar_gz(&common::example("needs-evidence"))).unwrap();
    browser.type_into("#archive", good.to_str().unwrap());
    browser.click_and_wait("main button[type=submit]");
    assert!(browser.url().contains("/decisions/d-"), "{}", browser.url());
    assert!(
        browser.title().starts_with("assure:"),
        "{}",
        browser.title()
    );
}
