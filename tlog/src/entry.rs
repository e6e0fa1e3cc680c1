//! [`Entry`]: what the log records, and its one canonical byte form.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::{LogError, Result};

/// The longest `id` or `actor`, in bytes.
pub const MAX_FIELD_BYTES: usize = 512;

/// What kind of object an entry logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A signed decision record.
    Decision,
    /// A published policy bundle.
    Bundle,
    /// Reference data (a KEV catalogue, NHS alerts) judged with.
    ReferenceData,
    /// A signed waiver.
    Waiver,
}

impl EntryKind {
    /// The name as written in an entry.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Decision => "decision",
            EntryKind::Bundle => "bundle",
            EntryKind::ReferenceData => "reference_data",
            EntryKind::Waiver => "waiver",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log entry: that an object (a decision record, a bundle, reference data, a waiver)
/// with these bytes was logged, when and by whom.
///
/// Its bytes ([`Entry::to_bytes`]) are canonical JSON — members in the order below, no
/// whitespace — so one entry has exactly one leaf hash; [`Entry::from_bytes`] refuses any
/// other encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// What kind of object.
    pub kind: EntryKind,
    /// The object's own identifier (a decision id, a bundle name and version…).
    pub id: String,
    /// Lowercase hex SHA-256 of the object's bytes (for a decision, the signed record
    /// envelope exactly as written): see [`object_sha256`].
    pub sha256: String,
    /// When it was logged: RFC 3339, UTC (`…Z`).
    pub at: String,
    /// Who caused it (a user or a service account).
    pub actor: String,
}

/// The lowercase hex SHA-256 of an object's bytes, as an [`Entry`] records it.
#[must_use]
pub fn object_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Entry {
    /// A checked entry (see [`Entry::validate`]).
    ///
    /// # Errors
    ///
    /// [`LogError::MalformedEntry`] naming the field at fault.
    pub fn new(
        kind: EntryKind,
        id: impl Into<String>,
        sha256: impl Into<String>,
        at: impl Into<String>,
        actor: impl Into<String>,
    ) -> Result<Self> {
        let entry = Self {
            kind,
            id: id.into(),
            sha256: sha256.into(),
            at: at.into(),
            actor: actor.into(),
        };
        entry.validate()?;
        Ok(entry)
    }

    /// Checks every field: `id` and `actor` non-empty, at most [`MAX_FIELD_BYTES`], no
    /// control characters; `sha256` 64 lowercase hex digits; `at` an RFC 3339 time in UTC.
    ///
    /// # Errors
    ///
    /// [`LogError::MalformedEntry`] naming the field at fault.
    pub fn validate(&self) -> Result<()> {
        let bad = |reason: String| Err(LogError::MalformedEntry { reason });
        for (name, value) in [("id", &self.id), ("actor", &self.actor)] {
            if value.is_empty() || value.len() > MAX_FIELD_BYTES {
                return bad(format!("`{name}` must be 1 to {MAX_FIELD_BYTES} bytes"));
            }
            if value.chars().any(char::is_control) {
                return bad(format!("`{name}` holds a control character"));
            }
        }
        if self.sha256.len() != 64
            || !self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return bad(format!(
                "`sha256` is `{}`, not 64 lowercase hex digits",
                self.sha256.escape_debug()
            ));
        }
        if !self.at.ends_with('Z') || self.at.parse::<jiff::Timestamp>().is_err() {
            return bad(format!(
                "`at` is `{}`, not an RFC 3339 time in UTC (ending `Z`)",
                self.at.escape_debug()
            ));
        }
        Ok(())
    }

    /// The canonical bytes: `{"kind":…,"id":…,"sha256":…,"at":…,"actor":…}`, no
    /// whitespace, strings escaped as `serde_json` escapes them. This is what is hashed
    /// into the log.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let text = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
        format!(
            r#"{{"kind":"{}","id":{},"sha256":{},"at":{},"actor":{}}}"#,
            self.kind,
            text(&self.id),
            text(&self.sha256),
            text(&self.at),
            text(&self.actor)
        )
        .into_bytes()
    }

    /// Parses and checks an entry's bytes; refuses any encoding but the canonical one.
    ///
    /// # Errors
    ///
    /// [`LogError::MalformedEntry`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let entry: Entry = serde_json::from_slice(bytes).map_err(|e| LogError::MalformedEntry {
            reason: e.to_string(),
        })?;
        entry.validate()?;
        if entry.to_bytes() != bytes {
            return Err(LogError::MalformedEntry {
                reason: "not in canonical form (members kind, id, sha256, at, actor in that \
                         order, no whitespace)"
                    .into(),
            });
        }
        Ok(entry)
    }

    /// Whether `object` is the object this entry logs (its SHA-256 is `sha256`).
    #[must_use]
    pub fn matches_object(&self, object: &[u8]) -> bool {
        object_sha256(object) == self.sha256
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn entry() -> Entry {
        Entry::new(
            EntryKind::ReferenceData,
            "kev/2025-08-25",
            object_sha256(b"catalogue"),
            "2025-09-22T00:00:00Z",
            "ci@nhs.example",
        )
        .unwrap()
    }

    #[test]
    fn canonical_bytes_round_trip() {
        let e = entry();
        let bytes = e.to_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            format!(
                r#"{{"kind":"reference_data","id":"kev/2025-08-25","sha256":"{}","at":"2025-09-22T00:00:00Z","actor":"ci@nhs.example"}}"#,
                e.sha256
            )
        );
        assert_eq!(Entry::from_bytes(&bytes).unwrap(), e);
        // The same members in another order, or with a space, are another encoding.
        let spaced = String::from_utf8(bytes).unwrap().replace(":\"", ": \"");
        assert!(Entry::from_bytes(spaced.as_bytes()).is_err());
    }

    #[test]
    fn quotes_and_unicode_are_escaped_once() {
        let mut e = entry();
        e.id = "a \"quoted\" \\ id — é".into();
        assert_eq!(Entry::from_bytes(&e.to_bytes()).unwrap(), e);
    }

    #[test]
    fn bad_fields_are_named() {
        let mut e = entry();
        e.sha256 = e.sha256.to_uppercase();
        assert!(
            matches!(e.validate(), Err(LogError::MalformedEntry { reason }) if reason.contains("sha256"))
        );
        let mut e = entry();
        e.at = "2025-09-22T01:00:00+01:00".into();
        assert!(
            matches!(e.validate(), Err(LogError::MalformedEntry { reason }) if reason.contains("`at`"))
        );
        let mut e = entry();
        e.actor = "a\nb".into();
        assert!(
            matches!(e.validate(), Err(LogError::MalformedEntry { reason }) if reason.contains("actor"))
        );
        let mut e = entry();
        e.id.clear();
        assert!(e.validate().is_err());
        assert!(Entry::from_bytes(br#"{"kind":"decision"}"#).is_err());
    }
}
