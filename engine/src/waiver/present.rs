//! Presenting waivers: each file read as a DSSE envelope over a waiver
//! statement, and its signatures checked against the bundle's approvers.
//! What cannot be read or is not approved is kept, refused with why.

use assure_trust::dsse::{self, Envelope};

use crate::bundle::Bundle;
use crate::decision::{ApproverRef, WaiverStatus};
use crate::submission::{WaiverFile, sha256_hex};

use super::document::{self, MAX_WAIVER_BYTES, PAYLOAD_TYPE, WaiverPredicate, statement};

/// A waiver read, and its signatures checked against the bundle's approvers.
#[derive(Debug, Clone)]
pub struct Presented {
    /// Where it came from.
    pub file: String,
    /// The SHA-256 of its statement (of the file, when it has none).
    pub digest: String,
    /// The file's bytes.
    pub content: Vec<u8>,
    /// What it says, when it could be read.
    pub waiver: Option<WaiverPredicate>,
    /// The approvers whose signatures verified.
    pub approved_by: Vec<ApproverRef>,
    /// Why it cannot apply, found before its scope is looked at.
    pub refused: Option<(WaiverStatus, String)>,
}

impl Presented {
    /// Its id (`W-2025-014`), or its file when it could not be read.
    #[must_use]
    pub fn label(&self) -> &str {
        self.waiver
            .as_ref()
            .map_or(self.file.as_str(), |w| w.id.as_str())
    }

    /// A waiver stated as already approved by `approved_by` (policy tests
    /// state waivers this way; nothing is signed).
    #[must_use]
    pub fn stated(file: &str, waiver: WaiverPredicate, approved_by: Vec<ApproverRef>) -> Self {
        let payload = statement(&waiver);
        Presented {
            file: file.to_owned(),
            digest: sha256_hex(&payload),
            content: Vec::new(),
            waiver: Some(waiver),
            approved_by,
            refused: None,
        }
    }
}

/// Reads each waiver file and checks its signatures against `bundle`'s
/// approvers. Never fails: a file that is no valid, approved waiver is
/// returned refused, with why. The same waiver given twice counts once.
#[must_use]
pub fn present<'a>(
    bundle: &Bundle,
    files: impl IntoIterator<Item = &'a WaiverFile>,
) -> Vec<Presented> {
    let mut out: Vec<Presented> = files.into_iter().map(|f| present_one(bundle, f)).collect();
    out.sort_by(|a, b| (&a.digest, &a.file).cmp(&(&b.digest, &b.file)));
    out.dedup_by(|later, first| later.digest == first.digest);
    // As people read them: by the waiver's id (its file when unreadable).
    out.sort_by(|a, b| (a.label(), &a.digest).cmp(&(b.label(), &b.digest)));
    out
}

fn present_one(bundle: &Bundle, file: &WaiverFile) -> Presented {
    let mut presented = Presented {
        file: file.name.clone(),
        digest: sha256_hex(&file.bytes),
        content: file.bytes.clone(),
        waiver: None,
        approved_by: Vec::new(),
        refused: None,
    };
    let refuse = |mut p: Presented, status: WaiverStatus, message: String| {
        p.refused = Some((status, message));
        p
    };
    if file.bytes.len() > MAX_WAIVER_BYTES {
        return refuse(
            presented,
            WaiverStatus::Invalid,
            format!(
                "it is {} bytes; a waiver is at most {MAX_WAIVER_BYTES}",
                file.bytes.len()
            ),
        );
    }
    let envelope = match Envelope::from_json(&file.bytes) {
        Ok(envelope) => envelope,
        Err(e) => {
            return refuse(
                presented,
                WaiverStatus::Invalid,
                format!("it is not a DSSE envelope: {e}"),
            );
        }
    };
    presented.digest = sha256_hex(&envelope.payload);
    if envelope.payload_type != PAYLOAD_TYPE {
        return refuse(
            presented,
            WaiverStatus::Invalid,
            format!(
                "its payload type is `{}`, not an in-toto statement (`{PAYLOAD_TYPE}`)",
                envelope.payload_type
            ),
        );
    }
    match document::predicate(&envelope.payload) {
        Ok(waiver) => presented.waiver = Some(waiver),
        Err(message) => return refuse(presented, WaiverStatus::Invalid, message),
    }
    let Some(policy) = &bundle.waivers else {
        let message = format!(
            "the bundle `{}` allows no waivers (its bundle.toml has no `[waivers]`)",
            bundle.name
        );
        return refuse(presented, WaiverStatus::NotAllowed, message);
    };
    if policy.approvers.is_empty() {
        let message = format!(
            "the bundle `{}` names no waiver approver: an assurance team publishing its own bundle adds its approvers' keys (`[[waivers.approver]]`)",
            bundle.name
        );
        return refuse(presented, WaiverStatus::NotAllowed, message);
    }
    if envelope.signatures.is_empty() {
        let message = format!(
            "it carries no signature: {} of the bundle's approvers must sign it (`assure waiver sign`)",
            policy.threshold
        );
        return refuse(presented, WaiverStatus::Unsigned, message);
    }
    let keys: Vec<assure_trust::keys::PublicKey> =
        policy.approvers.iter().map(|a| a.key.clone()).collect();
    match dsse::verify(&envelope, PAYLOAD_TYPE, &keys, 1) {
        Ok(verified) => {
            let ids: Vec<String> = verified.signers.iter().map(|k| k.to_hex()).collect();
            presented.approved_by = policy
                .approvers
                .iter()
                .filter(|a| ids.contains(&a.key_id))
                .map(|a| ApproverRef {
                    name: a.name.clone(),
                    key_id: a.key_id.clone(),
                })
                .collect();
            presented.approved_by.sort();
            let found = presented.approved_by.len();
            if found < policy.threshold {
                let others = envelope.signatures.len().saturating_sub(found);
                let mut message = format!(
                    "approved by {found} of the bundle's approvers ({}); the bundle requires {}",
                    presented
                        .approved_by
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    policy.threshold
                );
                if others > 0 {
                    message.push_str(&format!(
                        "; {others} other signature(s) are by no approver of the bundle or do not verify"
                    ));
                }
                return refuse(presented, WaiverStatus::UnderApproved, message);
            }
            presented
        }
        Err(e) => refuse(
            presented,
            WaiverStatus::Untrusted,
            format!("no signature on it is a valid signature by an approver the bundle names: {e}"),
        ),
    }
}
