//! The assure evidence plugin for the supplier's own assurance statements
//! (`supplier-assurance/1`).
//!
//! Some of what the NHS baseline asks can only be stated by the supplier: how
//! it develops and tests software (Software Security Code of Practice 1.1,
//! 1.3, 1.4), to whom it reports vulnerabilities (3.4), how it tells
//! customers and NHS England of incidents (4.3; NHS supplier cyber charter 4,
//! 6 and 7), its backups, its DSPT status, its ISO/IEC 27001 certificate, its
//! post-market surveillance plan for a medical device, and how long it
//! supports the product (4.1, 4.2). This plugin reads one such statement in
//! assure's own JSON format (`"assure_format": "supplier-assurance/1"`; see
//! the crate README and `schema/supplier-assurance.schema.json`) and emits
//! the product facts of the `Assurance` record under `assurance.*`.
//!
//! The statement names the supplier, the product (and optionally its
//! version) and the date it was made; the engine binds it to the submission
//! with them, and the baseline judges its date against the evaluation time.
//! Every dated claim carries its date: a section without one is an error,
//! never a claim taken on trust, and a date after the statement's own is an
//! error too (a statement cannot report what had not happened). Every fact
//! carries a JSON Pointer to where it came from. The plugin never panics,
//! whatever the input.

mod extract;
mod text;

pub use extract::{MAX_DOCUMENT_BYTES, MAX_REPORTED_TO, extract};

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/vnd.assure.supplier-assurance+json";

/// The `assure_format` marker of the documents this plugin reads.
pub const FORMAT: &str = "supplier-assurance/1";

/// The members a document must have.
pub const REQUIRED_MEMBERS: &[&str] = &["assure_format", "supplier", "product", "statement_date"];

/// Every top-level member a document may have.
pub const KNOWN_MEMBERS: &[&str] = &[
    "assure_format",
    "supplier",
    "product",
    "product_version",
    "statement_date",
    "signed_by",
    "development",
    "vulnerability_reporting",
    "incident_response",
    "backups",
    "dspt",
    "iso27001",
    "post_market_surveillance",
    "support",
];

/// Each section: its name, its required members, and every member it may
/// have. A section is optional; when given, it is given whole.
pub const SECTIONS: &[(&str, &[&str], &[&str])] = &[
    (
        "development",
        &["framework", "tests_before_release", "secure_by_default"],
        &["framework", "tests_before_release", "secure_by_default"],
    ),
    ("vulnerability_reporting", &["reports_to"], &["reports_to"]),
    (
        "incident_response",
        &[
            "monitoring_24x7",
            "notifies_customers",
            "notifies_nhs_england",
            "notification_hours",
            "board_exercise_date",
        ],
        &[
            "monitoring_24x7",
            "notifies_customers",
            "notifies_nhs_england",
            "notification_hours",
            "board_exercise_date",
        ],
    ),
    (
        "backups",
        &["immutable", "restore_tested"],
        &["immutable", "restore_tested"],
    ),
    (
        "dspt",
        &["status", "assessment_year", "published", "ods_code"],
        &["status", "assessment_year", "published", "ods_code"],
    ),
    (
        "iso27001",
        &["edition", "certificate_number", "expires", "scope"],
        &[
            "edition",
            "certificate_number",
            "expires",
            "scope",
            "certification_body",
        ],
    ),
    (
        "post_market_surveillance",
        &["plan"],
        &["plan", "reference"],
    ),
    (
        "support",
        &["ends", "end_of_support_notice_months"],
        &["ends", "end_of_support_notice_months"],
    ),
];

/// The DSPT statuses, as the DSPT register writes them.
pub const DSPT_STATUSES: &[&str] = &[
    "Standards Met",
    "Standards Exceeded",
    "Approaching Standards",
    "Standards Not Met",
    "Not Published",
];

/// The ISO/IEC 27001 editions a certificate may name.
pub const ISO27001_EDITIONS: &[&str] = &["2013", "2022"];

/// Every fact path the plugin may emit.
pub const FACT_PATHS: &[&str] = &[
    "assurance.supplier_name",
    "assurance.product_name",
    "assurance.product_version",
    "assurance.statement_date",
    "assurance.secure_development_framework",
    "assurance.tests_before_release",
    "assurance.secure_by_default",
    "assurance.reports_vulnerabilities_to",
    "assurance.security_monitoring_24x7",
    "assurance.notifies_customers_of_incidents",
    "assurance.notifies_nhs_england_of_incidents",
    "assurance.incident_notification_hours",
    "assurance.board_exercise_date",
    "assurance.backups_immutable",
    "assurance.backup_restore_tested",
    "assurance.dspt_status",
    "assurance.dspt_assessment_year",
    "assurance.dspt_year_ends",
    "assurance.dspt_published",
    "assurance.dspt_ods_code",
    "assurance.iso27001_edition",
    "assurance.iso27001_certificate_number",
    "assurance.iso27001_expires",
    "assurance.iso27001_scope",
    "assurance.pms_plan",
    "assurance.support_ends",
    "assurance.end_of_support_notice_months",
];

/// The supplier assurance plugin, as exported to the host.
pub struct SupplierAssurance;

impl Guest for SupplierAssurance {
    fn describe() -> PluginInfo {
        describe()
    }

    fn extract(doc: Document) -> Result<Extraction, ExtractError> {
        extract(&doc)
    }
}

/// Who the plugin is and what it reads.
pub fn describe() -> PluginInfo {
    PluginInfo {
        name: "supplier-assurance".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// The SDK generates `export!` inside its `bindings` module.
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(SupplierAssurance);
