//! Notification e-mail over SMTP: plain-text messages to one address, through
//! the relay a URL names.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one SMTP command may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// None (`smtp://`): for a relay on this host or a trusted network.
    None,
    /// Plain text upgraded with STARTTLS, which must succeed
    /// (`smtp+starttls://`, port 587 unless given).
    StartTls,
    /// TLS from the first byte (`smtps://`, port 465 unless given).
    Implicit,
}

/// An SMTP relay and the sender it sends as, from a URL such as
/// `smtp://127.0.0.1:2525?from=assure@example.org`,
/// `smtp+starttls://user:password@mail.example.org?from=assure@example.org`
/// or `smtps://mail.example.org?from=Assure%20<assure@example.org>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Smtp {
    /// The relay's host name or address.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The sender: an address, or a name and an address (`Assure <a@b>`).
    pub from: String,
    /// How the connection is protected.
    pub tls: SmtpTls,
    /// The user name and password to log in with, if the relay asks.
    credentials: Option<(String, String)>,
}

impl fmt::Debug for Smtp {
    // The password never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("tls", &self.tls)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

impl FromStr for Smtp {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        Smtp::parse(url)
    }
}

impl Smtp {
    /// Reads a relay URL: `smtp://`, `smtp+starttls://` or `smtps://`, an
    /// optional `user:password@`, the host and port, and `?from=` the
    /// sender. A password is refused over an unprotected connection to
    /// another host.
    pub fn parse(url: &str) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| format!("SMTP URL `{}`: {e}", crate::error::redact(url)))?;
        let shown = without_password(&parsed);
        let (tls, default_port) = match parsed.scheme() {
            "smtp" => (SmtpTls::None, 25),
            "smtp+starttls" => (SmtpTls::StartTls, 587),
            "smtps" => (SmtpTls::Implicit, 465),
            other => {
                return Err(format!(
                    "SMTP URL `{shown}`: the scheme `{other}` is not one of smtp, smtp+starttls, smtps"
                ));
            }
        };
        let host = parsed
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| format!("SMTP URL `{shown}` names no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let mut from = None;
        for (name, value) in parsed.query_pairs() {
            match &*name {
                "from" => from = Some(value.into_owned()),
                other => {
                    return Err(format!(
                        "SMTP URL `{shown}`: unknown parameter `{other}` (only `from` is read)"
                    ));
                }
            }
        }
        let from = from.ok_or_else(|| {
            format!("SMTP URL `{shown}` names no sender: add `?from=assure@example.org`")
        })?;
        from.parse::<Mailbox>().map_err(|e| {
            format!("SMTP URL `{shown}`: the sender `{from}` is not an address: {e}")
        })?;
        let credentials = if parsed.username().is_empty() {
            None
        } else {
            let decode = |part: &str| {
                percent_decode(part).ok_or_else(|| {
                    format!("SMTP URL `{shown}`: the user name or password is not UTF-8")
                })
            };
            let user = decode(parsed.username())?;
            let password = decode(parsed.password().unwrap_or_default())?;
            if tls == SmtpTls::None && !super::host::is_loopback(&host) {
                return Err(format!(
                    "SMTP URL `{shown}`: a password would cross the network in clear; use smtps:// or smtp+starttls://"
                ));
            }
            Some((user, password))
        };
        Ok(Smtp {
            host,
            port: parsed.port().unwrap_or(default_port),
            from,
            tls,
            credentials,
        })
    }

    /// Sends a plain-text message to `to`; the relay's reply (its code and
    /// text) once it took the message, else what went wrong.
    pub async fn send(&self, to: &str, subject: &str, text_body: &str) -> Result<String, String> {
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e| format!("the sender `{}` is not an address: {e}", self.from))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("the recipient `{to}` is not an address: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text_body.to_owned())
            .map_err(|e| format!("cannot write the message: {e}"))?;
        let response = self
            .transport()?
            .send(message)
            .await
            .map_err(|e| format!("SMTP {}:{}: {e}", self.host, self.port))?;
        let text = response.message().collect::<Vec<_>>().join(" ");
        Ok(format!("{} {text}", response.code()).trim_end().to_owned())
    }

    /// A connection to the relay, made for one message (notifications are
    /// few; a pool would hold connections the relay may close).
    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let tls = match self.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(self.tls_parameters()?),
            SmtpTls::Implicit => Tls::Wrapper(self.tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        // Greet with the sender's domain: relays distrust `localhost`.
        if let Some(domain) = self
            .from
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('>'))
        {
            builder = builder.hello_name(ClientId::Domain(domain.to_owned()));
        }
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }

    fn tls_parameters(&self) -> Result<TlsParameters, String> {
        TlsParameters::new(self.host.clone())
            .map_err(|e| format!("cannot set up TLS to `{}`: {e}", self.host))
    }
}

/// A URL as it may be shown: its password, if any, replaced by `***`.
fn without_password(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Cannot fail: the URL has a host, since it has a password.
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// `%XX` escapes decoded, as a URL's user name and password hold them.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            out.push(value);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpListener;

    use super::*;

    #[test]
    fn reads_relay_urls() {
        let smtp = Smtp::parse("smtp://127.0.0.1:2525?from=assure@example.org").unwrap();
        assert_eq!(smtp.host, "127.0.0.1");
        assert_eq!(smtp.port, 2525);
        assert_eq!(smtp.from, "assure@example.org");
        assert_eq!(smtp.tls, SmtpTls::None);

        let smtp = Smtp::parse(
            "smtp+starttls://bot%40example.org:p%40ss@mail.example.org?from=Assure%20%3Cassure@example.org%3E",
        )
        .unwrap();
        assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
        assert_eq!(smtp.from, "Assure <assure@example.org>");
        assert_eq!(
            smtp.credentials,
            Some(("bot@example.org".to_owned(), "p@ss".to_owned()))
        );
        assert!(!format!("{smtp:?}").contains("p@ss"));

        let smtp = Smtp::parse("smtps://mail.example.org?from=a@example.org").unwrap();
        assert_eq!((smtp.port, smtp.tls), (465, SmtpTls::Implicit));
    }

    #[test]
    fn refuses_unusable_relay_urls() {
        for (url, expected) in [
            (
                "http://mail.example.org?from=a@example.org",
                "scheme `http`",
            ),
            ("smtp://mail.example.org", "names no sender"),
            ("smtp://mail.example.org?from=nobody", "is not an address"),
            (
                "smtp://mail.example.org?from=a@example.org&to=b",
                "unknown parameter `to`",
            ),
            (
                "smtp://u:secret@mail.example.org?from=a@example.org",
                "in clear",
            ),
        ] {
            let error = Smtp::parse(url).unwrap_err();
            assert!(error.contains(expected), "{url}: {error}");
            assert!(!error.contains("secret"), "{url}: {error}");
        }
    }

    /// A relay that takes one message and hands back what it was sent.
    async fn sink() -> (u16, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
            let mut data = String::new();
            let mut in_data = false;
            while let Some(line) = lines.next_line().await.unwrap() {
                if in_data {
                    if line == "." {
                        in_data = false;
                        write
                            .write_all(b"250 2.0.0 queued as 42\r\n")
                            .await
                            .unwrap();
                    } else {
                        data.push_str(&line);
                        data.push('\n');
                    }
                    continue;
                }
                let command = line.to_ascii_uppercase();
                let reply: &[u8] = if command.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if command.starts_with("QUIT") {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                } else if command.starts_with("EHLO")
                    || command.starts_with("MAIL")
                    || command.starts_with("RCPT")
                {
                    b"250 ok\r\n"
                } else {
                    b"502 not here\r\n"
                };
                write.write_all(reply).await.unwrap();
            }
            data
        });
        (port, task)
    }

    #[tokio::test]
    async fn sends_a_plain_text_message() {
        let (port, received) = sink().await;
        let smtp =
            Smtp::parse(&format!("smtp://127.0.0.1:{port}?from=assure@example.org")).unwrap();
        let reply = smtp
            .send(
                "buyer@example.org",
                "[assure] Product approved",
                "Acme PACS 4.2 is now approved.\nSee the decision for details.",
            )
            .await
            .unwrap();
        assert_eq!(reply, "250 2.0.0 queued as 42");
        let data = received.await.unwrap();
        assert!(
            data.contains("Subject: [assure] Product approved\n"),
            "{data}"
        );
        assert!(data.contains("From: assure@example.org\n"), "{data}");
        assert!(data.contains("To: buyer@example.org\n"), "{data}");
        assert!(
            data.contains("Content-Type: text/plain; charset=utf-8\n"),
            "{data}"
        );
        assert!(
            data.contains("\n\nAcme PACS 4.2 is now approved.\nSee the decision for details.\n"),
            "{data}"
        );
    }

    #[tokio::test]
    async fn an_unreachable_relay_is_an_error() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let smtp =
            Smtp::parse(&format!("smtp://127.0.0.1:{port}?from=assure@example.org")).unwrap();
        let error = smtp.send("buyer@example.org", "s", "b").await.unwrap_err();
        assert!(
            error.starts_with(&format!("SMTP 127.0.0.1:{port}: ")),
            "{error}"
        );
    }
}
