//! The decision as markdown (to be written).

use assure_engine::decision::Decision;

/// The decision as markdown.
pub fn markdown(decision: &Decision) -> String {
    decision.to_json()
}
