//! The notifications' envelope: a CloudEvents 1.0 event in structured mode
//! (the whole event one JSON document), sent as
//! `application/cloudevents+json`.

use serde_json::{Value, json};

/// A product's decision changed: approved, rejected, needs evidence, or a new
/// blocking finding.
pub const DECISION_CHANGED: &str = "uk.nhs.assure.decision.changed";
/// Evidence a decision rests on expires soon.
pub const EVIDENCE_EXPIRING: &str = "uk.nhs.assure.evidence.expiring";

/// The media type of a structured-mode CloudEvent in JSON.
pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// A CloudEvents 1.0 event: `id` unique within `source`, `kind` its `type`
/// (one of [`DECISION_CHANGED`], [`EVIDENCE_EXPIRING`]), `subject` what it
/// is about within the source (a product), `data` the JSON payload.
pub fn cloud_event(
    id: &str,
    source: &str,
    kind: &str,
    subject: &str,
    time: jiff::Timestamp,
    data: Value,
) -> Value {
    json!({
        "specversion": "1.0",
        "type": kind,
        "source": source,
        "id": id,
        "time": time.to_string(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn an_event_carries_every_required_attribute() {
        let time: jiff::Timestamp = "2026-03-01T09:30:00Z".parse().unwrap();
        let event = cloud_event(
            "e-1",
            "https://assure.example.org",
            DECISION_CHANGED,
            "products/p-1",
            time,
            json!({"title": "Product approved"}),
        );
        assert_eq!(event["specversion"], "1.0");
        assert_eq!(event["type"], "uk.nhs.assure.decision.changed");
        assert_eq!(event["source"], "https://assure.example.org");
        assert_eq!(event["id"], "e-1");
        assert_eq!(event["time"], "2026-03-01T09:30:00Z");
        assert_eq!(event["subject"], "products/p-1");
        assert_eq!(event["datacontenttype"], "application/json");
        assert_eq!(event["data"]["title"], "Product approved");
    }
}
