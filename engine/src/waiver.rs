//! Waivers: the buyer's signed, scoped, expiring acceptance of a risk.
//!
//! A waiver is a DSSE envelope over an in-toto statement whose predicate
//! ([`document`]) names the product, the rule and the subject it accepts,
//! why, who owns the risk, who approved it, and until when. The bundle
//! governs waivers (`[waivers]`: the approvers' keys, how many must sign,
//! which rules may be waived and for how long). The engine applies them
//! once, after evaluation, for every front end:
//!
//! ```text
//! present   file ─▶ envelope ─▶ statement ─▶ predicate; signatures against the bundle's approvers
//! apply     rule allowed? validity within the bundle's maximum? in force at --as-of?
//!           for this product? ─▶ the matching findings marked waived
//! ```
//!
//! A waived finding stays in the decision, marked with its waiver; a waiver
//! that cannot apply is reported with why, and its findings stay active.
//! A supplier's VEX is the supplier's claim; a waiver is the buyer's
//! acceptance, and never comes from the evidence.

mod apply;
pub mod document;
mod present;

pub use crate::submission::WaiverFile;
pub use apply::{Scope, apply, standing};
pub use document::{
    MAX_WAIVER_BYTES, PAYLOAD_TYPE, PREDICATE_TYPE, ProductScope, Reason, WaiverPredicate,
    WaiverSubject, statement,
};
pub use present::{Presented, present};
