//! One VEX status model for every dialect (OpenVEX, CycloneDX VEX, CSAF).
//!
//! | status | OpenVEX | CycloneDX `analysis.state` | CSAF `product_status` |
//! |---|---|---|---|
//! | `not_affected` | not_affected | not_affected, false_positive | known_not_affected |
//! | `fixed` | fixed | resolved, resolved_with_pedigree | fixed, first_fixed |
//! | `affected` | affected | exploitable | known_affected, first_affected, last_affected |
//! | `under_investigation` | under_investigation | in_triage | under_investigation |
//!
//! "unknown" is the absence of any statement, so it is never emitted.

/// A normalised VEX status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The product is not affected (a justification or impact statement is due).
    NotAffected,
    /// The vulnerability is fixed in this product.
    Fixed,
    /// The product is affected.
    Affected,
    /// Not yet known.
    UnderInvestigation,
}

impl Status {
    /// The status as Exposure facts spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Fixed => "fixed",
            Status::Affected => "affected",
            Status::UnderInvestigation => "under_investigation",
        }
    }

    /// An OpenVEX `status`.
    pub fn from_openvex(s: &str) -> Option<Self> {
        match s.trim() {
            "not_affected" => Some(Status::NotAffected),
            "fixed" => Some(Status::Fixed),
            "affected" => Some(Status::Affected),
            "under_investigation" => Some(Status::UnderInvestigation),
            _ => None,
        }
    }

    /// A CycloneDX `analysis.state`.
    pub fn from_cyclonedx(s: &str) -> Option<Self> {
        match s.trim() {
            "not_affected" | "false_positive" => Some(Status::NotAffected),
            "resolved" | "resolved_with_pedigree" => Some(Status::Fixed),
            "exploitable" => Some(Status::Affected),
            "in_triage" => Some(Status::UnderInvestigation),
            _ => None,
        }
    }

    /// A CSAF `product_status` member name.
    pub fn from_csaf(s: &str) -> Option<Self> {
        match s.trim() {
            "known_not_affected" => Some(Status::NotAffected),
            "fixed" | "first_fixed" => Some(Status::Fixed),
            "known_affected" | "first_affected" | "last_affected" => Some(Status::Affected),
            "under_investigation" => Some(Status::UnderInvestigation),
            _ => None,
        }
    }
}

/// The `Exposure` entity id for a statement about `vulnerability` in the
/// product named by `product_ref`: `CVE-2021-44228 @ pkg:maven/…`.
pub fn exposure_id(vulnerability: &str, product_ref: &str) -> String {
    format!("{vulnerability} @ {product_ref}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialect_maps_onto_one_model() {
        assert_eq!(
            Status::from_openvex("not_affected"),
            Some(Status::NotAffected)
        );
        assert_eq!(
            Status::from_cyclonedx("false_positive"),
            Some(Status::NotAffected)
        );
        assert_eq!(
            Status::from_csaf("known_not_affected"),
            Some(Status::NotAffected)
        );
        assert_eq!(
            Status::from_cyclonedx("resolved_with_pedigree"),
            Some(Status::Fixed)
        );
        assert_eq!(Status::from_csaf("first_fixed"), Some(Status::Fixed));
        assert_eq!(
            Status::from_cyclonedx("exploitable"),
            Some(Status::Affected)
        );
        assert_eq!(Status::from_csaf("known_affected"), Some(Status::Affected));
        assert_eq!(
            Status::from_cyclonedx("in_triage"),
            Some(Status::UnderInvestigation)
        );
        assert_eq!(Status::from_openvex("maybe"), None);
        assert_eq!(Status::Fixed.as_str(), "fixed");
    }
}
