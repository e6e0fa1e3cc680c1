//! The decision as junit (to be written).

use assure_engine::decision::Decision;

/// The decision as junit.
pub fn junit(decision: &Decision) -> String {
    decision.to_json()
}
