//! A real `assure serve` process on a loopback port, its database (a SQLite
//! file, or a fresh database on the PostgreSQL server the CI starts), and an
//! HTTP client.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common;

/// The time the tests decide as of (the examples' evidence is dated 2025).
pub const AS_OF: &str = "2025-09-22T00:00:00Z";

/// A database for one test.
pub struct Database {
    pub url: String,
    pub dir: tempfile::TempDir,
    /// For PostgreSQL: the server URL and the database to drop afterwards.
    postgres: Option<(String, String)>,
}

impl Database {
    /// A fresh SQLite file.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("assure.db").display());
        Database {
            url,
            dir,
            postgres: None,
        }
    }

    /// A fresh database on the PostgreSQL server named by
    /// `ASSURE_TEST_POSTGRES`, or `None` (saying so) where there is none.
    pub fn postgres() -> Option<Self> {
        let Ok(server) = std::env::var("ASSURE_TEST_POSTGRES") else {
            assert!(
                std::env::var("ASSURE_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "ASSURE_REQUIRE_POSTGRES=1 but ASSURE_TEST_POSTGRES is not set"
            );
            eprintln!(
                "skipped: no PostgreSQL server (set ASSURE_TEST_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/DB; .ci/run starts one)"
            );
            return None;
        };
        let name = format!(
            "assure_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        psql(&server, &format!("CREATE DATABASE {name}"));
        let url = match server.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("ASSURE_TEST_POSTGRES has no database name: {server}"),
        };
        Some(Database {
            url,
            dir: tempfile::tempdir().unwrap(),
            postgres: Some((server, name)),
        })
    }

    /// The service key file the servers on this database share.
    pub fn key(&self) -> PathBuf {
        self.dir.path().join("service.key")
    }
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            let _ = Command::new("psql")
                .arg(server)
                .args([
                    "-q",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

/// Runs one SQL statement with psql, failing the test if it fails.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .arg(url)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql `{sql}`: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A running `assure serve`.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `assure serve` on `db`, deciding as of [`AS_OF`].
    pub fn start(db: &Database) -> Self {
        Self::start_with(db, &[])
    }

    /// The same, with more arguments.
    pub fn start_with(db: &Database, extra: &[&std::ffi::OsStr]) -> Self {
        Self::start_at(db, AS_OF, extra)
    }

    /// The same, deciding as of `as_of`.
    pub fn start_at(db: &Database, as_of: &str, extra: &[&std::ffi::OsStr]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("assure"))
            .args(["serve", "--listen", "127.0.0.1:0", "--as-of", as_of])
            .args(extra)
            .arg("--database")
            .arg(&db.url)
            .arg("--key")
            .arg(db.key())
            .env("ASSURE_CACHE_DIR", common::test_cache())
            .env("ASSURE_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = send.send(line);
            }
            // Keep reading so the server never blocks on a full pipe.
            for _ in lines {}
        });
        let line = receive
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("assure serve did not say where it listens within 120 s")
            });
        let base = line
            .split_once("listening on ")
            .map(|(_, url)| url.trim().to_owned())
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        Server { child, base }
    }

    /// `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new API token with `role`, from `assure serve token new`.
pub fn token(db: &Database, role: &str, supplier: Option<&str>) -> String {
    let mut cmd = common::assure();
    cmd.args(["serve", "token", "new", "--role", role, "--label", role])
        .arg("--database")
        .arg(&db.url);
    if let Some(s) = supplier {
        cmd.args(["--supplier", s]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "token new: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A `.tar.gz` of a submission folder, its files under one top folder.
pub fn tar_gz(folder: &Path) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut archive = tar::Builder::new(encoder);
    archive.append_dir_all("submission", folder).unwrap();
    archive.into_inner().unwrap().finish().unwrap()
}

/// An HTTP client with a token.
pub struct Client {
    http: reqwest::blocking::Client,
    token: Option<String>,
}

impl Client {
    pub fn new(token: Option<&str>) -> Self {
        Client {
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(300))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            token: token.map(str::to_owned),
        }
    }

    fn auth(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        match &self.token {
            Some(t) => request.bearer_auth(t),
            None => request,
        }
    }

    pub fn get(&self, url: &str) -> reqwest::blocking::Response {
        self.auth(self.http.get(url)).send().unwrap()
    }

    pub fn get_accept(&self, url: &str, accept: &str) -> reqwest::blocking::Response {
        self.auth(self.http.get(url).header("Accept", accept))
            .send()
            .unwrap()
    }

    /// POSTs a submission archive.
    pub fn upload(&self, server: &Server, archive: Vec<u8>) -> reqwest::blocking::Response {
        self.auth(
            self.http
                .post(server.url("/api/v1/submissions"))
                .header("Content-Type", "application/gzip")
                .body(archive),
        )
        .send()
        .unwrap()
    }

    /// POSTs JSON.
    pub fn post_json(&self, url: &str, body: &serde_json::Value) -> reqwest::blocking::Response {
        self.auth(self.http.post(url).json(body)).send().unwrap()
    }

    /// POSTs a file's bytes as JSON.
    pub fn post_bytes(&self, url: &str, body: Vec<u8>) -> reqwest::blocking::Response {
        self.auth(
            self.http
                .post(url)
                .header("Content-Type", "application/json")
                .body(body),
        )
        .send()
        .unwrap()
    }

    /// POSTs a multipart form.
    pub fn upload_form(
        &self,
        server: &Server,
        form: reqwest::blocking::multipart::Form,
    ) -> reqwest::blocking::Response {
        self.auth(
            self.http
                .post(server.url("/api/v1/submissions"))
                .multipart(form),
        )
        .send()
        .unwrap()
    }
}

/// A response's JSON body, after checking its status.
pub fn json(response: reqwest::blocking::Response, status: u16) -> serde_json::Value {
    let got = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().unwrap();
    assert_eq!(got, status, "status {got} ({kind}): {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A problem document's body, after checking its status and media type.
pub fn problem(response: reqwest::blocking::Response, status: u16) -> serde_json::Value {
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(kind, "application/problem+json");
    let body = json(response, status);
    assert_eq!(body["status"], status);
    assert!(body["type"].as_str().unwrap().starts_with("https://"));
    body
}

/// POSTs only the head of an upload that declares `length` bytes, and
/// returns the status and body the server answers with before any of it
/// is sent (a server must refuse an oversized upload without reading it).
pub fn declare_upload(server: &Server, token: &str, length: u64) -> (u16, String) {
    use std::io::{Read, Write};
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/submissions HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/gzip\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text}"));
    (status, text)
}

impl Client {
    /// POSTs a submission archive with `Prefer: respond-async`.
    pub fn upload_later(&self, server: &Server, archive: Vec<u8>) -> reqwest::blocking::Response {
        self.auth(
            self.http
                .post(server.url("/api/v1/submissions"))
                .header("Content-Type", "application/gzip")
                .header("Prefer", "respond-async")
                .body(archive),
        )
        .send()
        .unwrap()
    }
}

/// Polls a job until it is done or failed (two minutes at most).
pub fn wait_for_job(client: &Client, server: &Server, job: &str) -> serde_json::Value {
    let started = std::time::Instant::now();
    loop {
        let body = json(client.get(&server.url(job)), 200);
        if body["state"] == "done" || body["state"] == "failed" {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "job still {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
