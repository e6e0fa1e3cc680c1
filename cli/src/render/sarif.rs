//! The decision as sarif (to be written).

use assure_engine::decision::Decision;
use std::path::Path;

/// The decision as sarif.
pub fn sarif(decision: &Decision, submission: &Path) -> String {
    let _ = submission;
    decision.to_json()
}
