//! Telling people when a decision changes: subscriptions (a webhook or an
//! e-mail address, filtered by supplier, product, rule, severity and
//! transition), a transactional outbox of CloudEvents, and a worker that
//! delivers them — webhooks signed as Standard Webhooks, e-mail over SMTP —
//! retrying with backoff and logging every attempt.
//!
//! A change is queued with [`outbox::enqueue`] in the same transaction that
//! stores it, so a notification is sent if and only if the change is kept,
//! and a unique key per subscription and change means it is queued once.

pub mod email;
pub mod event;
pub mod host;
pub mod outbox;
pub mod subscriptions;
pub mod webhook;
