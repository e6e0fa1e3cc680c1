//! Webhooks as the Standard Webhooks specification has them
//! (<https://www.standardwebhooks.com/>): each request carries `webhook-id`,
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`, the last
//! `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the
//! subscription's secret (`whsec_` and the base64 of its key).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;

/// The prefix of a Standard Webhooks secret.
const PREFIX: &str = "whsec_";
/// The signature scheme this module writes and reads.
const VERSION: &str = "v1,";
/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a refusing receiver's answer is kept with the attempt.
const ANSWER_KEPT: usize = 200;

/// A webhook secret that is not `whsec_` and base64.
#[derive(Debug, thiserror::Error)]
#[error("the webhook secret is not `whsec_` followed by a base64 key")]
pub struct InvalidSecret;

/// A new secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The HMAC key a secret holds (the prefix is optional, as in the reference
/// libraries).
fn key(secret: &str) -> Result<Vec<u8>, InvalidSecret> {
    let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
    match STANDARD.decode(encoded) {
        Ok(key) if !key.is_empty() => Ok(key),
        _ => Err(InvalidSecret),
    }
}

/// The MAC of one message, not yet finalised.
fn mac(
    key: &[u8],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<Hmac<Sha256>, InvalidSecret> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| InvalidSecret)?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The `webhook-signature` value for a message: `v1,` and the base64
/// HMAC-SHA256 of `{msg_id}.{timestamp}.{body}`.
pub fn sign(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, InvalidSecret> {
    let tag = mac(&key(secret)?, msg_id, timestamp, body)?
        .finalize()
        .into_bytes();
    Ok(format!("{VERSION}{}", STANDARD.encode(tag)))
}

/// Whether `header_value` (one or more space-separated signatures, as a
/// receiver gets them while a secret is rotated) holds a `v1` signature of
/// this message under `secret`. Each comparison takes constant time. The
/// timestamp's freshness is the receiver's to judge.
pub fn verify(secret: &str, msg_id: &str, timestamp: i64, body: &[u8], header_value: &str) -> bool {
    let Ok(key) = key(secret) else {
        return false;
    };
    header_value
        .split(' ')
        .filter_map(|signature| signature.strip_prefix(VERSION))
        .filter_map(|tag| STANDARD.decode(tag).ok())
        .any(|tag| {
            mac(&key, msg_id, timestamp, body).is_ok_and(|mac| mac.verify_slice(&tag).is_ok())
        })
}

/// The HTTP client deliveries use: it follows no redirect (a receiver that
/// moved answers 3xx, which fails the attempt, rather than sending a signed
/// event somewhere nobody subscribed), and trusts the system's certificates.
pub fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("assure-webhooks/", env!("CARGO_PKG_VERSION")))
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| format!("cannot start the webhook client: {}", chain(&e)))
}

/// POSTs a signed event (`event_json`, a structured-mode CloudEvent) to
/// `url`, with `msg_id` its `webhook-id`; the receiver's status when it is
/// 2xx, else what went wrong (the status and the start of its answer, or why
/// no answer came).
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    msg_id: &str,
    event_json: &[u8],
) -> Result<u16, String> {
    let timestamp = jiff::Timestamp::now().as_second();
    let signature = sign(secret, msg_id, timestamp, event_json).map_err(|e| e.to_string())?;
    let response = client
        .post(url)
        .timeout(TIMEOUT)
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .header(reqwest::header::CONTENT_TYPE, super::event::CONTENT_TYPE)
        .body(event_json.to_vec())
        .send()
        .await
        .map_err(|e| chain(&e.without_url()))?;
    let status = response.status();
    if status.is_success() {
        return Ok(status.as_u16());
    }
    let answer = start_of(response).await;
    Err(if answer.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {answer}")
    })
}

/// The first few characters of an answer, on one line; reading stops there.
async fn start_of(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ANSWER_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    String::from_utf8_lossy(&bytes)
        .chars()
        .take(ANSWER_KEPT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// An error and its causes, on one line (reqwest's own message names only
/// the outermost).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The Standard Webhooks reference vector (the JavaScript library's
    /// `sign function works`, also the Svix libraries' test).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_reference_vectors() {
        assert_eq!(sign(SECRET, MSG_ID, TIMESTAMP, BODY).unwrap(), SIGNATURE);
        // The reference Rust library's `test_sign`.
        assert_eq!(
            sign(
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1649367553,
                br#"{"email":"test@example.com","username":"test_user"}"#,
            )
            .unwrap(),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn verifies_the_reference_vector_and_nothing_tampered() {
        assert!(verify(SECRET, MSG_ID, TIMESTAMP, BODY, SIGNATURE));
        assert!(!verify(
            SECRET,
            MSG_ID,
            TIMESTAMP,
            br#"{"test": 2432232315}"#,
            SIGNATURE
        ));
        assert!(!verify(SECRET, "msg_other", TIMESTAMP, BODY, SIGNATURE));
        assert!(!verify(SECRET, MSG_ID, TIMESTAMP + 1, BODY, SIGNATURE));
        assert!(!verify(&new_secret(), MSG_ID, TIMESTAMP, BODY, SIGNATURE));
        assert!(!verify(SECRET, MSG_ID, TIMESTAMP, BODY, "v1,"));
        assert!(!verify(
            SECRET,
            MSG_ID,
            TIMESTAMP,
            BODY,
            "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ));
        assert!(!verify("whsec_!!!", MSG_ID, TIMESTAMP, BODY, SIGNATURE));
    }

    #[test]
    fn one_good_signature_among_several_verifies() {
        let header = format!(
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc {SIGNATURE} v1,not-base64"
        );
        assert!(verify(SECRET, MSG_ID, TIMESTAMP, BODY, &header));
    }

    #[test]
    fn new_secrets_hold_32_random_bytes() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(key(&secret).unwrap().len(), 32);
        assert_ne!(secret, new_secret());
        let signature = sign(&secret, "m", 1, b"{}").unwrap();
        assert!(verify(&secret, "m", 1, b"{}", &signature));
        assert!(sign("whsec_", "m", 1, b"{}").is_err());
    }
}
