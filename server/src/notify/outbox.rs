//! The outbox: notifications queued in the transaction that records a change,
//! then delivered by a worker in every server process. Rows are claimed one
//! at a time like jobs (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the
//! conditional UPDATE is the claim), every attempt is logged in
//! `deliveries`, and a failed one is retried with exponential backoff until
//! [`MAX_ATTEMPTS`].
//!
//! The outbox's own instants are written with six fractional digits, so
//! that comparing them as text orders them as time.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::email::Smtp;
use super::webhook;
use crate::db::{Db, Dialect};

/// How long a claim lasts before another worker may take the row again
/// (well above a delivery's own timeouts).
pub const LEASE: Duration = Duration::from_secs(300);
/// After this many failed attempts a notification is given up (`failed`).
pub const MAX_ATTEMPTS: i64 = 8;
/// The wait after the first failure; each further failure doubles it.
const FIRST_RETRY: Duration = Duration::from_secs(30);
/// The longest wait between attempts.
const LONGEST_RETRY: Duration = Duration::from_secs(3600);
/// The longest an idle worker sleeps before looking again (another process
/// may have queued something).
const IDLE: Duration = Duration::from_secs(30);
/// The pause after the database failed, so a worker does not spin.
const AFTER_ERROR: Duration = Duration::from_secs(5);

/// Delivers this process's share of the outbox.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// The database holding the outbox and subscriptions.
    pub db: Db,
    /// The HTTP client for webhooks ([`webhook::client`]).
    pub http: reqwest::Client,
    /// The SMTP relay for e-mail, if one is configured.
    pub smtp: Option<Smtp>,
    /// This process's worker id, recorded with its claims.
    pub worker: String,
}

/// A claimed row: its id, subscription, event and attempts so far.
type Claimed = (String, String, String, i64);

/// How long to wait after `attempts` failed attempts: 30 s, doubled for each
/// further failure, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(LONGEST_RETRY)
}

/// An instant as the outbox stores it: RFC 3339, fixed width.
fn stamp(at: jiff::Timestamp) -> String {
    format!("{at:.6}")
}

/// `at` plus `by`, or `at` if that is past the end of time.
fn later(at: jiff::Timestamp, by: Duration) -> jiff::Timestamp {
    jiff::SignedDuration::try_from(by)
        .ok()
        .and_then(|by| at.checked_add(by).ok())
        .unwrap_or(at)
}

/// Queues `event` for a subscription inside the caller's transaction, due
/// now. `dedup_key` names the change (subscription, product, old substance →
/// new): a key already queued is left alone, and `false` returned.
pub async fn enqueue(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    subscription_id: &str,
    dedup_key: &str,
    event: &Value,
) -> Result<bool, sqlx::Error> {
    let now = stamp(jiff::Timestamp::now());
    let inserted = sqlx::query(
        "INSERT INTO outbox (id, subscription_id, dedup_key, event, state, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6) ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(crate::db::new_id("n"))
    .bind(subscription_id)
    .bind(dedup_key)
    .bind(event.to_string())
    .bind(&now)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// What became of one attempt.
enum Outcome {
    /// The receiver took it; what it answered.
    Delivered(String),
    /// It did not; why.
    Failed(String),
    /// The subscription is revoked or gone: nothing is sent.
    Cancelled,
}

impl Notifier {
    /// Runs this process's outbox worker until the process stops: e-mail
    /// through the relay `smtp` names (see [`Smtp::parse`]), if any. A relay
    /// URL that cannot be read is logged, and e-mail then fails each attempt
    /// saying no relay is configured; webhooks go on.
    pub async fn start(db: Db, smtp: Option<String>, wake: Arc<tokio::sync::Notify>) {
        let smtp = match smtp.as_deref().map(Smtp::parse).transpose() {
            Ok(smtp) => smtp,
            Err(e) => {
                tracing::error!(error = %e, "e-mail notifications are off");
                None
            }
        };
        let http = match webhook::client() {
            Ok(http) => http,
            Err(e) => {
                tracing::error!(error = %e, "notifications are off");
                return;
            }
        };
        let notifier = Notifier {
            db,
            http,
            smtp,
            worker: crate::db::new_id("w"),
        };
        Arc::new(notifier).run(wake).await;
    }

    /// Delivers every notification that is due and unclaimed, one at a time;
    /// how many were delivered.
    pub async fn deliver_due(&self) -> Result<usize, sqlx::Error> {
        let mut delivered = 0;
        while let Some(claimed) = self.claim().await? {
            if self.deliver(claimed).await? {
                delivered += 1;
            }
        }
        Ok(delivered)
    }

    /// Delivers notifications until the process stops: whatever is due, then
    /// a wait until the next one is due (at most [`IDLE`]) or until `wake`
    /// says something was queued.
    pub async fn run(self: Arc<Self>, wake: Arc<tokio::sync::Notify>) {
        loop {
            let wait = match self.deliver_due().await {
                Ok(_) => match self.next_due().await {
                    Ok(wait) => wait,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read the notification outbox");
                        AFTER_ERROR
                    }
                },
                Err(e) => {
                    tracing::error!(error = %e, "cannot deliver notifications");
                    AFTER_ERROR
                }
            };
            let _ = tokio::time::timeout(wait, wake.notified()).await;
        }
    }

    /// How long until the earliest unclaimed pending row is due, at most
    /// [`IDLE`]. Rows other workers hold are theirs until their lease ends.
    async fn next_due(&self) -> Result<Duration, sqlx::Error> {
        let (next,): (Option<String>,) = sqlx::query_as(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND claimed_at IS NULL",
        )
        .fetch_one(&self.db.pool)
        .await?;
        let Some(next) = next.and_then(|n| n.parse::<jiff::Timestamp>().ok()) else {
            return Ok(IDLE);
        };
        let until = jiff::Timestamp::now().duration_until(next);
        Ok(Duration::try_from(until).unwrap_or_default().min(IDLE))
    }

    /// Claims the row due longest (or one whose claim's lease ran out).
    async fn claim(&self) -> Result<Option<Claimed>, sqlx::Error> {
        let now = jiff::Timestamp::now();
        let expired = jiff::SignedDuration::try_from(LEASE)
            .ok()
            .and_then(|lease| now.checked_sub(lease).ok())
            .unwrap_or(now);
        let skip_locked = match self.db.dialect {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            // One writer at a time: the UPDATE itself is the claim.
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_by = $1, claimed_at = $2 \
             WHERE id = (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 \
             AND (claimed_at IS NULL OR claimed_at < $4) \
             ORDER BY next_attempt_at LIMIT 1{skip_locked}) \
             RETURNING id, subscription_id, event, attempts"
        );
        sqlx::query_as(&sql)
            .bind(&self.worker)
            .bind(stamp(now))
            .bind(stamp(now))
            .bind(stamp(expired))
            .fetch_optional(&self.db.pool)
            .await
    }

    /// Makes one attempt at a claimed row and records it; whether it was
    /// delivered.
    async fn deliver(
        &self,
        (id, subscription_id, event, attempts): Claimed,
    ) -> Result<bool, sqlx::Error> {
        let subscription: Option<(String, String, Option<String>, Option<String>)> =
            sqlx::query_as(
                "SELECT kind, target, secret, revoked_at FROM subscriptions WHERE id = $1",
            )
            .bind(&subscription_id)
            .fetch_optional(&self.db.pool)
            .await?;
        let outcome = match subscription {
            None | Some((_, _, _, Some(_))) => Outcome::Cancelled,
            Some((kind, target, secret, None)) => {
                match self
                    .send(&id, &kind, &target, secret.as_deref(), &event)
                    .await
                {
                    Ok(answer) => Outcome::Delivered(answer),
                    Err(error) => Outcome::Failed(error),
                }
            }
        };
        let attempt = attempts.saturating_add(1);
        self.record(&id, attempt, &outcome).await?;
        match &outcome {
            Outcome::Delivered(_) => {
                tracing::info!(notification = %id, subscription = %subscription_id, attempt, "notification delivered");
            }
            Outcome::Failed(error) => {
                tracing::warn!(notification = %id, subscription = %subscription_id, attempt, error = %error, "notification not delivered");
            }
            Outcome::Cancelled => {
                tracing::info!(notification = %id, subscription = %subscription_id, "notification cancelled: the subscription is revoked");
            }
        }
        Ok(matches!(outcome, Outcome::Delivered(_)))
    }

    /// Sends one event to one subscriber: the receiver's answer, or why it
    /// was not taken.
    async fn send(
        &self,
        id: &str,
        kind: &str,
        target: &str,
        secret: Option<&str>,
        event: &str,
    ) -> Result<String, String> {
        match kind {
            "webhook" => {
                let secret = secret.ok_or("the webhook subscription has no signing secret")?;
                webhook::post(&self.http, target, secret, id, event.as_bytes())
                    .await
                    .map(|status| format!("HTTP {status}"))
            }
            "email" => {
                let smtp = self.smtp.as_ref().ok_or(
                    "no SMTP relay is configured: e-mail subscriptions cannot be delivered",
                )?;
                let event: Value = serde_json::from_str(event)
                    .map_err(|e| format!("the queued event is not JSON: {e}"))?;
                let (subject, body) = message(&event);
                smtp.send(target, &subject, &body).await
            }
            other => Err(format!("unknown subscription kind `{other}`")),
        }
    }

    /// Logs an attempt in `deliveries` and moves the row on, in one
    /// transaction. A row whose claim was taken over meanwhile (its lease
    /// ran out) is left to the new holder; the attempt is still logged.
    async fn record(&self, id: &str, attempt: i64, outcome: &Outcome) -> Result<(), sqlx::Error> {
        let now = jiff::Timestamp::now();
        let mut tx = self.db.pool.begin().await?;
        let (ok, result) = match outcome {
            Outcome::Delivered(answer) => (Some(1i64), answer.as_str()),
            Outcome::Failed(error) => (Some(0i64), error.as_str()),
            Outcome::Cancelled => (None, "the subscription is revoked"),
        };
        if let Some(ok) = ok {
            sqlx::query(
                "INSERT INTO deliveries (id, outbox_id, attempt, at, ok, result) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(crate::db::new_id("dl"))
            .bind(id)
            .bind(attempt)
            .bind(stamp(now))
            .bind(ok)
            .bind(result)
            .execute(&mut *tx)
            .await?;
        }
        let update = match outcome {
            Outcome::Delivered(_) => sqlx::query(
                "UPDATE outbox SET state = 'delivered', attempts = $1, delivered_at = $2, last_error = NULL, \
                 claimed_by = NULL, claimed_at = NULL WHERE id = $3 AND claimed_by = $4",
            )
            .bind(attempt)
            .bind(stamp(now)),
            Outcome::Failed(error) => {
                let state = if attempt >= MAX_ATTEMPTS { "failed" } else { "pending" };
                sqlx::query(
                    "UPDATE outbox SET state = $1, attempts = $2, last_error = $3, next_attempt_at = $4, \
                     claimed_by = NULL, claimed_at = NULL WHERE id = $5 AND claimed_by = $6",
                )
                .bind(state)
                .bind(attempt)
                .bind(error.as_str())
                .bind(stamp(later(now, backoff(attempt))))
            }
            Outcome::Cancelled => sqlx::query(
                "UPDATE outbox SET state = 'cancelled', last_error = $1, \
                 claimed_by = NULL, claimed_at = NULL WHERE id = $2 AND claimed_by = $3",
            )
            .bind(result),
        };
        let moved = update.bind(id).bind(&self.worker).execute(&mut *tx).await?;
        tx.commit().await?;
        if moved.rows_affected() == 0 {
            tracing::warn!(notification = %id, "another worker took over this notification during its attempt");
        }
        Ok(())
    }
}

/// An e-mail's subject and body for an event: `[assure]` and the event's
/// `data.title` (else its type); `data.text`, else the event as JSON.
pub fn message(event: &Value) -> (String, String) {
    let data = event.get("data");
    let title = data
        .and_then(|d| d.get("title"))
        .and_then(Value::as_str)
        .or_else(|| event.get("type").and_then(Value::as_str))
        .unwrap_or("notification");
    // One line: a subject never carries a line break.
    let title: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let body = match data.and_then(|d| d.get("text")).and_then(Value::as_str) {
        Some(text) => text.to_owned(),
        None => serde_json::to_string_pretty(event).unwrap_or_else(|_| event.to_string()),
    };
    (format!("[assure] {title}"), body)
}

#[cfg(test)]
mod tests;
