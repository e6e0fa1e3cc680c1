#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;

use super::*;
use crate::notify::subscriptions::{self, NewSubscription};
use crate::notify::{event, webhook};

#[test]
fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
    let seconds = |attempts| backoff(attempts).as_secs();
    assert_eq!(
        (1..=8).map(seconds).collect::<Vec<_>>(),
        [30, 60, 120, 240, 480, 960, 1920, 3600]
    );
    assert_eq!(seconds(0), 30);
    assert_eq!(seconds(-3), 30);
    assert_eq!(seconds(40), 3600);
    assert_eq!(seconds(i64::MAX), 3600);
}

#[test]
fn stamps_compare_as_text_in_time_order() {
    let whole: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let half = later(whole, Duration::from_millis(500));
    assert_eq!(stamp(whole), "2026-01-01T00:00:00.000000Z");
    assert_eq!(stamp(half), "2026-01-01T00:00:00.500000Z");
    // Unpadded, "…00Z" would sort after "…00.5Z".
    assert!(stamp(whole) < stamp(half));
    assert_eq!(stamp(half).parse::<jiff::Timestamp>().unwrap(), half);
}

#[test]
fn an_email_says_the_events_title_and_text() {
    let with_text = json!({"type": event::DECISION_CHANGED, "data": {"title": "Acme PACS\r\nrejected", "text": "Rejected: no SBOM."}});
    assert_eq!(
        message(&with_text),
        (
            "[assure] Acme PACS  rejected".to_owned(),
            "Rejected: no SBOM.".to_owned()
        )
    );
    let bare = json!({"type": event::EVIDENCE_EXPIRING, "data": {"days": 14}});
    let (subject, body) = message(&bare);
    assert_eq!(subject, "[assure] uk.nhs.assure.evidence.expiring");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), bare);
    assert!(body.contains('\n'), "pretty JSON: {body}");
}

/// What a receiver was sent.
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A webhook receiver on this machine answering `status`; its URL, and what
/// it receives.
async fn receiver(status: StatusCode) -> (String, Inbox) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |State((inbox, status)): State<(Inbox, StatusCode)>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    inbox.lock().unwrap().push(Received { headers, body });
                    (status, "receiver says no")
                },
            ),
        )
        .with_state((inbox.clone(), status));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), inbox)
}

async fn subscribe(db: &Db, kind: &str, target: &str) -> (String, Option<String>) {
    let new = NewSubscription {
        kind: kind.into(),
        target: target.into(),
        ..NewSubscription::default()
    };
    subscriptions::create(db, &new, "t-admin").await.unwrap()
}

async fn queue(db: &Db, subscription: &str, key: &str, event: &Value) -> bool {
    let mut tx = db.pool.begin().await.unwrap();
    let inserted = enqueue(&mut tx, subscription, key, event).await.unwrap();
    tx.commit().await.unwrap();
    inserted
}

/// An outbox row's state, attempts, next attempt, last error, and id.
async fn row(db: &Db, key: &str) -> (String, i64, String, Option<String>, String) {
    sqlx::query_as(
        "SELECT state, attempts, next_attempt_at, last_error, id FROM outbox WHERE dedup_key = $1",
    )
    .bind(key)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

/// A row's logged attempts: number, ok, result.
async fn attempts(db: &Db, outbox_id: &str) -> Vec<(i64, i64, String)> {
    sqlx::query_as(
        "SELECT attempt, ok, result FROM deliveries WHERE outbox_id = $1 ORDER BY attempt",
    )
    .bind(outbox_id)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

fn decision_changed(id: &str) -> Value {
    event::cloud_event(
        id,
        "https://assure.example.org",
        event::DECISION_CHANGED,
        "products/p-1",
        jiff::Timestamp::now(),
        json!({"title": "Acme PACS approved", "verdict": "approve"}),
    )
}

#[tokio::test]
async fn delivers_each_change_once_signed_and_retries_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    let notifier = Notifier {
        db: db.clone(),
        http: webhook::client().unwrap(),
        smtp: None,
        worker: "w-test".into(),
    };

    // Queued twice under one key, delivered once, signed.
    let (url, inbox) = receiver(StatusCode::NO_CONTENT).await;
    let (subscription, secret) = subscribe(&db, "webhook", &url).await;
    let secret = secret.unwrap();
    let sent = decision_changed("e-1");
    assert!(queue(&db, &subscription, "k-1", &sent).await);
    assert!(!queue(&db, &subscription, "k-1", &sent).await);
    assert_eq!(notifier.deliver_due().await.unwrap(), 1);
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    let (state, tries, _, last_error, outbox_id) = row(&db, "k-1").await;
    assert_eq!((state.as_str(), tries, last_error), ("delivered", 1, None));
    {
        let inbox = inbox.lock().unwrap();
        assert_eq!(inbox.len(), 1);
        let got = &inbox[0];
        let header = |name: &str| got.headers[name].to_str().unwrap().to_owned();
        assert_eq!(header("webhook-id"), outbox_id);
        assert_eq!(header("content-type"), "application/cloudevents+json");
        let timestamp: i64 = header("webhook-timestamp").parse().unwrap();
        assert!((jiff::Timestamp::now().as_second() - timestamp).abs() < 60);
        let signature = header("webhook-signature");
        assert!(webhook::verify(
            &secret, &outbox_id, timestamp, &got.body, &signature
        ));
        assert!(!webhook::verify(
            &webhook::new_secret(),
            &outbox_id,
            timestamp,
            &got.body,
            &signature
        ));
        assert_eq!(serde_json::from_slice::<Value>(&got.body).unwrap(), sent);
    }
    assert_eq!(
        attempts(&db, &outbox_id).await,
        [(1, 1, "HTTP 204".to_owned())]
    );

    // A refusal: logged, retried later.
    let (url, refusing) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let (subscription, _) = subscribe(&db, "webhook", &url).await;
    assert!(queue(&db, &subscription, "k-2", &decision_changed("e-2")).await);
    let before = jiff::Timestamp::now();
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    let (state, tries, next, last_error, outbox_id) = row(&db, "k-2").await;
    assert_eq!((state.as_str(), tries), ("pending", 1));
    let next: jiff::Timestamp = next.parse().unwrap();
    assert!(next >= later(before, Duration::from_secs(29)), "{next}");
    assert!(
        next <= later(jiff::Timestamp::now(), Duration::from_secs(30)),
        "{next}"
    );
    let expected = "HTTP 500 Internal Server Error: receiver says no".to_owned();
    assert_eq!(last_error.as_deref(), Some(expected.as_str()));
    assert_eq!(attempts(&db, &outbox_id).await, [(1, 0, expected.clone())]);
    assert_eq!(refusing.lock().unwrap().len(), 1);
    // Not due yet: left alone.
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    assert_eq!(refusing.lock().unwrap().len(), 1);

    // The eighth failure gives up.
    sqlx::query("UPDATE outbox SET attempts = 7, next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE id = $1")
        .bind(&outbox_id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    let (state, tries, ..) = row(&db, "k-2").await;
    assert_eq!((state.as_str(), tries), ("failed", 8));
    assert_eq!(refusing.lock().unwrap().len(), 2);

    // A revoked subscription's notifications are cancelled, not sent.
    assert!(subscriptions::revoke(&db, &subscription).await.unwrap());
    assert!(!subscriptions::revoke(&db, &subscription).await.unwrap());
    assert!(queue(&db, &subscription, "k-3", &decision_changed("e-3")).await);
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    let (state, _, _, _, outbox_id) = row(&db, "k-3").await;
    assert_eq!(state, "cancelled");
    assert!(attempts(&db, &outbox_id).await.is_empty());
    assert_eq!(refusing.lock().unwrap().len(), 2);

    // E-mail with no relay configured fails, saying so.
    let (subscription, secret) = subscribe(&db, "email", "security@trust.nhs.uk").await;
    assert_eq!(secret, None);
    assert!(queue(&db, &subscription, "k-4", &decision_changed("e-4")).await);
    assert_eq!(notifier.deliver_due().await.unwrap(), 0);
    let (state, _, _, last_error, _) = row(&db, "k-4").await;
    assert_eq!(state, "pending");
    assert!(last_error.unwrap().contains("no SMTP relay is configured"));

    // Listing shows every subscription and no secret; `active` the others.
    let listed = subscriptions::list(&db).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed[1].revoked_at.is_some());
    assert!(!serde_json::to_string(&listed).unwrap().contains("whsec_"));
    let mut tx = db.pool.begin().await.unwrap();
    let active = subscriptions::active(&mut *tx).await.unwrap();
    assert_eq!(active, [listed[0].clone(), listed[2].clone()]);
}

#[tokio::test]
async fn the_worker_delivers_when_woken_and_sleeps_until_the_next_retry() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    let notifier = Arc::new(Notifier {
        db: db.clone(),
        http: webhook::client().unwrap(),
        smtp: None,
        worker: "w-test".into(),
    });
    assert_eq!(notifier.next_due().await.unwrap(), IDLE);

    let (url, inbox) = receiver(StatusCode::OK).await;
    let (subscription, _) = subscribe(&db, "webhook", &url).await;
    let wake = Arc::new(tokio::sync::Notify::new());
    let worker = tokio::spawn(notifier.clone().run(wake.clone()));
    // Let the worker run its first pass over an empty outbox and go idle.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(queue(&db, &subscription, "k-1", &decision_changed("e-1")).await);
    assert_eq!(notifier.next_due().await.unwrap(), Duration::ZERO);
    wake.notify_one();
    let delivered = async {
        while inbox.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), delivered)
        .await
        .unwrap();
    worker.abort();

    // A row waiting for its retry is due when its backoff ends.
    sqlx::query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = $1 WHERE dedup_key = 'k-1'",
    )
    .bind(stamp(later(
        jiff::Timestamp::now(),
        Duration::from_secs(10),
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    let wait = notifier.next_due().await.unwrap();
    assert!(
        wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
        "{wait:?}"
    );
}
