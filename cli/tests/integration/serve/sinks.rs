//! Where the service's notifications land in the tests: a webhook receiver
//! (HTTP/1.1 on a loopback port, recording each request) and an SMTP sink
//! (speaking enough SMTP to take each message), each on its own thread.
//! Webhook signatures are verified here with the Standard Webhooks scheme,
//! independently of the service's code.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hmac::Mac as _;

/// One request the receiver took.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver answering every request with `status`.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub fn start(status: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut headers = Vec::new();
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    continue;
                }
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some((n, v)) = l.split_once(':') {
                        headers.push((n.trim().to_owned(), v.trim().to_owned()));
                    }
                }
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                sink.lock().unwrap().push(Received { headers, body });
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, received }
    }

    /// Waits (a minute at most) until `n` requests have arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} of {n} webhook deliveries arrived",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

/// Checks a delivery's `webhook-signature` against `secret` (Standard
/// Webhooks: HMAC-SHA256 over `id.timestamp.body`, keyed with the base64
/// after `whsec_`).
pub fn signature_verifies(secret: &str, delivery: &Received) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let id = delivery.header("webhook-id").unwrap();
    let timestamp = delivery.header("webhook-timestamp").unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&delivery.body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    delivery
        .header("webhook-signature")
        .unwrap()
        .split(' ')
        .any(|s| s == expected)
}

/// One e-mail: its envelope recipients and its data (headers and body).
pub type Mail = (Vec<String>, String);

/// An SMTP sink: every message taken.
pub struct SmtpSink {
    pub url: String,
    pub messages: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "smtp://{}?from=assure@example.org",
            listener.local_addr().unwrap()
        );
        let messages = Arc::new(Mutex::new(Vec::new()));
        let sink = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let sink = sink.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let _ = write!(stream, "220 sink ESMTP\r\n");
                    let mut to = Vec::new();
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let command = line.trim_end().to_ascii_uppercase();
                        if command.starts_with("EHLO") || command.starts_with("HELO") {
                            let _ = write!(stream, "250 sink\r\n");
                        } else if command.starts_with("RCPT TO:") {
                            to.push(line.trim_end()[8..].trim().to_owned());
                            let _ = write!(stream, "250 OK\r\n");
                        } else if command.starts_with("DATA") {
                            let _ = write!(stream, "354 go ahead\r\n");
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                    return;
                                }
                                if line.trim_end() == "." {
                                    break;
                                }
                                data.push_str(&line);
                            }
                            sink.lock().unwrap().push((std::mem::take(&mut to), data));
                            let _ = write!(stream, "250 OK queued\r\n");
                        } else if command.starts_with("QUIT") {
                            let _ = write!(stream, "221 bye\r\n");
                            return;
                        } else {
                            // MAIL FROM, RSET, NOOP…
                            let _ = write!(stream, "250 OK\r\n");
                        }
                    }
                });
            }
        });
        SmtpSink { url, messages }
    }

    /// Waits (a minute at most) until `n` messages have arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Mail> {
        let started = Instant::now();
        loop {
            let got = self.messages.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} of {n} e-mails arrived",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
