//! The decision log, proved offline: a decision's inclusion with its record,
//! the log's consistency between two checkpoints, and a history rewritten
//! in the database (by someone holding the service key) caught.

use super::harness::{Client, Database, Server, json, tar_gz, token};
use crate::common;

/// Writes `bytes` to `name` in `dir`.
fn save(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `assure verify --log PROOF --log-key KEY [RECORD]`.
fn verify_log(
    proof: &std::path::Path,
    key: &std::path::Path,
    record: Option<&std::path::Path>,
) -> std::process::Output {
    let mut cmd = common::assure();
    cmd.arg("verify")
        .arg("--log")
        .arg(proof)
        .arg("--log-key")
        .arg(key);
    if let Some(record) = record {
        cmd.arg(record);
    }
    cmd.output().unwrap()
}

#[test]
fn a_decision_and_the_log_s_growth_are_proved_offline_and_a_rewrite_is_caught() {
    let db = Database::sqlite();
    let server = Server::start(&db);
    let client = Client::new(Some(&token(&db, "procurement", None)));
    let auditor = Client::new(Some(&token(&db, "auditor", None)));
    let dir = tempfile::tempdir().unwrap();
    let key = save(
        dir.path(),
        "log.key",
        &client.get(&server.url("/api/v1/log/key")).bytes().unwrap(),
    );

    let first = json(
        client.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    let id = first["id"].as_str().unwrap();
    let record = save(
        dir.path(),
        "record.json",
        &client
            .get(&server.url(&format!("/api/v1/decisions/{id}/record")))
            .bytes()
            .unwrap(),
    );
    let proof = save(
        dir.path(),
        "proof.json",
        &client
            .get(&server.url(&format!("/api/v1/decisions/{id}/proof")))
            .bytes()
            .unwrap(),
    );
    let out = verify_log(&proof, &key, Some(&record));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another decision's record is not the one this proof proves.
    let second = json(
        client.upload(&server, tar_gz(&common::example("rejected"))),
        201,
    );
    let other = save(
        dir.path(),
        "other.json",
        &client
            .get(&server.url(&format!(
                "/api/v1/decisions/{}/record",
                second["id"].as_str().unwrap()
            )))
            .bytes()
            .unwrap(),
    );
    let out = verify_log(&proof, &key, Some(&other));
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The auditor keeps the checkpoint it saw; the log grows; the new log
    // provably extends it.
    let seen = auditor
        .get(&server.url("/api/v1/log/checkpoint"))
        .text()
        .unwrap();
    let seen_size: u64 = seen.lines().nth(1).unwrap().parse().unwrap();
    json(
        client.upload(&server, tar_gz(&common::example("needs-evidence"))),
        201,
    );
    let consistency = save(
        dir.path(),
        "consistency.json",
        &auditor
            .get(&server.url(&format!("/api/v1/log/consistency?from={seen_size}")))
            .bytes()
            .unwrap(),
    );
    let proof_doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&consistency).unwrap()).unwrap();
    assert_eq!(
        proof_doc["old"].as_str().unwrap(),
        seen,
        "the proof starts at the checkpoint the auditor holds"
    );
    let out = verify_log(&consistency, &key, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Someone with the database rewrites the first decision's log entry
    // (and its leaf hash) and lets the service sign on: the log no longer
    // extends the checkpoint the auditor holds.
    drop(server);
    let sqlite = db.dir.path().join("assure.db");
    let rewrite = r#"
import hashlib, json, sqlite3, sys
def stored_index(level, n):
    for _ in range(level):
        n = 2 * n + 1
    i = 0
    while n > 0:
        i += n
        n >>= 1
    return i + level
def rebuild(entries):
    stored = {}
    for n, text in entries:
        h = hashlib.sha256(b"\x00" + text.encode()).digest()
        stored[stored_index(0, n)] = h
        level, m = 0, n
        while m & 1:
            h = hashlib.sha256(b"\x01" + stored[stored_index(level, m - 1)] + h).digest()
            level, m = level + 1, m >> 1
            stored[stored_index(level, m)] = h
    return stored
db = sqlite3.connect(sys.argv[1])
entries = lambda: db.execute("SELECT idx, entry FROM log_entries ORDER BY idx").fetchall()
# The forger's tree builder reproduces the service's stored hashes exactly.
assert {k: v.hex() for k, v in rebuild(entries()).items()} == dict(db.execute("SELECT idx, hash FROM log_hashes").fetchall())
idx, entry = db.execute("SELECT idx, entry FROM log_entries WHERE kind = 'decision' ORDER BY idx LIMIT 1").fetchone()
doc = json.loads(entry)
doc["sha256"] = "0" * 64
db.execute("UPDATE log_entries SET entry = ? WHERE idx = ?", (json.dumps(doc, separators=(",", ":")), idx))
db.execute("DELETE FROM log_hashes")
db.executemany("INSERT INTO log_hashes (idx, hash) VALUES (?, ?)", [(k, v.hex()) for k, v in rebuild(entries()).items()])
db.commit()
"#;
    let status = std::process::Command::new("python3")
        .args(["-c", rewrite])
        .arg(&sqlite)
        .status()
        .unwrap();
    assert!(status.success());
    let server = Server::start(&db);
    json(
        client.upload(&server, tar_gz(&common::example("approved"))),
        201,
    );
    let rewritten = save(
        dir.path(),
        "rewritten.json",
        &auditor
            .get(&server.url(&format!("/api/v1/log/consistency?from={seen_size}")))
            .bytes()
            .unwrap(),
    );
    let out = verify_log(&rewritten, &key, None);
    assert_eq!(
        out.status.code(),
        Some(4),
        "a rewritten history must not verify: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}
