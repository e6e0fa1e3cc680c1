//! A headless Chromium driven over WebDriver (chromedriver), as a person
//! uses the web pages: no script of ours on the page, only the browser's.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Browser {
    http: reqwest::blocking::Client,
    base: String,
    driver: Child,
    /// The axe-core script, when the accessibility engine is installed.
    axe: Option<String>,
}

fn required() -> bool {
    std::env::var("ASSURE_REQUIRE_BROWSER").as_deref() == Ok("1")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session, or `None`
    /// (saying so) where there is none.
    pub fn start() -> Option<Self> {
        let driver = std::env::var_os("ASSURE_CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let chromium = std::env::var_os("ASSURE_CHROMIUM")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        if !driver.exists() || !chromium.exists() {
            assert!(
                !required(),
                "ASSURE_REQUIRE_BROWSER=1 but there is no chromedriver at {} or no chromium at {}",
                driver.display(),
                chromium.display()
            );
            eprintln!(
                "skipped: no chromedriver/chromium (set ASSURE_REQUIRE_BROWSER=1 to require them)"
            );
            return None;
        }
        let axe = match std::env::var_os("ASSURE_AXE") {
            Some(path) => Some(std::fs::read_to_string(path).unwrap()),
            None => {
                assert!(
                    !required(),
                    "ASSURE_REQUIRE_BROWSER=1 but ASSURE_AXE (axe.min.js) is not set"
                );
                eprintln!("note: no ASSURE_AXE: the accessibility checks are skipped");
                None
            }
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while http.get(format!("{base}/status")).send().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let session: Value = http
            .post(format!("{base}/session"))
            .json(&json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--disable-quic", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                             format!("--user-data-dir={}", profile.path().display())]
                }
            }}}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let id = session["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {session}"))
            .to_owned();
        std::mem::forget(profile);
        Some(Browser {
            http,
            base: format!("{base}/session/{id}"),
            driver: child,
            axe,
        })
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request.send().unwrap().json().unwrap();
        if let Some(error) = response["value"].get("error") {
            panic!(
                "WebDriver {path}: {error}: {}",
                response["value"]["message"]
            );
        }
        response["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The page's visible text.
    pub fn text(&self) -> String {
        self.script("return document.body.innerText;")
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn find(&self, css: &str) -> String {
        let found = self.call(
            reqwest::Method::POST,
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        // The W3C web element reference: an object with one key.
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element `{css}`: {found}"))
            .to_owned()
    }

    /// Types `text` into the field `css` (a file input takes a path).
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Clicks `css` (a submit button, a link) and waits until the browser
    /// has loaded the page it leads to, however long the server takes.
    pub fn click_and_wait(&self, css: &str) {
        self.script("window.assureOldPage = true; return null;");
        self.click(css);
        let started = Instant::now();
        loop {
            let loaded = self.script(
                "return typeof window.assureOldPage === 'undefined' && document.readyState === 'complete';",
            );
            if loaded == Value::Bool(true) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no new page within 120 s of clicking {css}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a screenshot to the test artefacts (`target/test-artifacts/serve/`).
    pub fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine as _;
        let png = self.call(reqwest::Method::GET, "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .unwrap()
            .join("test-artifacts")
            .join("serve");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The page's WCAG 2.2 A/AA violations found by axe-core (empty when
    /// axe is not installed, which only a run without ASSURE_REQUIRE_BROWSER allows).
    pub fn accessibility_violations(&self) -> Vec<String> {
        let Some(axe) = &self.axe else {
            return Vec::new();
        };
        let script = format!(
            "{axe}\nconst done = arguments[arguments.length - 1];\n\
             axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}}})\n\
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\n\
               .catch(e => done(['axe failed: ' + e]));"
        );
        let result = self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        );
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.base).send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
