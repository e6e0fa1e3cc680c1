//! The decision as html (to be written).

use assure_engine::decision::Decision;

/// The decision as html.
pub fn html(decision: &Decision) -> String {
    decision.to_json()
}
