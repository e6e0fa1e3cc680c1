//! The extraction: checks the statement and emits the `assurance.*` facts.

use assure_plugin_sdk::json::{self, Map, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Location, Pointer, error,
};

use crate::text::required_text_list;
use crate::{DSPT_STATUSES, FORMAT, ISO27001_EDITIONS, KNOWN_MEMBERS, SECTIONS};
use assure_plugin_sdk::text::{
    MAX_TEXT, kind, optional_nonempty_text, optional_text, quote, required_bool, required_count,
    required_date, required_text,
};
use assure_plugin_sdk::time::Moment;

/// The largest document read, in bytes: a statement is a page of answers.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Answers to "which secure development framework" that name none.
const NO_FRAMEWORK: &[&str] = &[
    "none",
    "no",
    "n/a",
    "na",
    "nil",
    "-",
    "not applicable",
    "no framework",
];

/// The most parties a statement may list under `reports_to`.
pub const MAX_REPORTED_TO: usize = 64;

/// The longest incident notification period read, in hours: a year.
const MAX_NOTIFICATION_HOURS: i64 = 8_760;

/// The longest end-of-support notice read, in months: a century.
const MAX_NOTICE_MONTHS: i64 = 1_200;

/// Reads one supplier assurance statement.
///
/// # Errors
///
/// When the document is not JSON or too large; when it is not a
/// `supplier-assurance/1` document; when a member has the wrong type, or a
/// required one (of the statement, or of a section it gives) is missing or
/// empty; when a date does not exist, or a dated claim is dated after the
/// statement itself; when a DSPT status, assessment year or ISO/IEC 27001
/// edition is not one the format knows.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    if doc.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(error(
            format!(
                "the document is {} bytes: a supplier assurance statement is at most {MAX_DOCUMENT_BYTES} bytes",
                doc.bytes.len()
            ),
            Location::Whole,
        ));
    }
    let root = json::parse(&doc.bytes)?;
    json::refuse_long_text(&root, MAX_TEXT)?;
    let Json::Object(root) = &root else {
        return Err(error(
            "the top level of a supplier assurance statement must be a JSON object",
            Location::Whole,
        ));
    };
    check_format(root)?;
    let top = Pointer::root();
    let mut out = Facts::new();
    note_unknown_members(root, KNOWN_MEMBERS, &top, &mut out);

    let supplier = required_text(root, "supplier", &top)?;
    let product = required_text(root, "product", &top)?;
    let product_version = optional_nonempty_text(root, "product_version", &top)?;
    let statement = required_date(root, "statement_date", &top)?;
    optional_text(root, "signed_by", &top)?;

    out.text("assurance.supplier_name", supplier, top.key("supplier"));
    out.text("assurance.product_name", product, top.key("product"));
    if let Some(version) = product_version {
        out.text(
            "assurance.product_version",
            version,
            top.key("product_version"),
        );
    }
    out.datetime(
        "assurance.statement_date",
        statement.text(),
        top.key("statement_date"),
    );

    let reader = Reader {
        root,
        statement: &statement,
    };
    for (name, required, known) in SECTIONS {
        let Some((section, at)) = reader.section(name, required, known, &mut out)? else {
            continue;
        };
        match *name {
            "development" => development(section, &at, &mut out)?,
            "vulnerability_reporting" => vulnerability_reporting(section, &at, &mut out)?,
            "incident_response" => reader.incident_response(section, &at, &mut out)?,
            "backups" => reader.backups(section, &at, &mut out)?,
            "dspt" => reader.dspt(section, &at, &mut out)?,
            "iso27001" => iso27001(section, &at, &mut out)?,
            "post_market_surveillance" => post_market_surveillance(section, &at, &mut out)?,
            "support" => support(section, &at, &mut out)?,
            _ => {}
        }
    }
    Ok(out.finish())
}

/// The statement, for reading its sections.
struct Reader<'a> {
    root: &'a Map<String, Json>,
    statement: &'a Moment<'a>,
}

/// A section of the statement, with where it is.
type Section<'a> = (&'a Map<String, Json>, Pointer);

impl<'a> Reader<'a> {
    /// A section the statement gives: an object holding every required
    /// member. `None` when the statement does not give it.
    fn section(
        &self,
        name: &str,
        required: &[&str],
        known: &[&str],
        out: &mut Facts,
    ) -> Result<Option<Section<'a>>, ExtractError> {
        let at = Pointer::root().key(name);
        let section = match self.root.get(name) {
            None => return Ok(None),
            Some(Json::Object(section)) => section,
            Some(other) => {
                return Err(error(
                    format!(
                        "`{name}` must be an object of its members, not {}; leave it out when the statement does not cover it",
                        kind(other)
                    ),
                    at,
                ));
            }
        };
        if let Some(missing) = required.iter().find(|m| !section.contains_key(**m)) {
            return Err(error(
                format!(
                    "`{name}.{missing}` is missing: a section is given whole ({}), or left out",
                    required.join(", ")
                ),
                at.key(missing),
            ));
        }
        note_unknown_members(section, known, &at, out);
        Ok(Some((section, at)))
    }

    /// A required date in a section that reports something already done:
    /// not after the statement's own date.
    fn past_date(
        &self,
        section: &'a Map<String, Json>,
        key: &str,
        at: &Pointer,
    ) -> Result<Moment<'a>, ExtractError> {
        let date = required_date(section, key, at)?;
        if self.statement.instant() < date.instant() {
            return Err(error(
                format!(
                    "`{key}` {} is after the statement's date {}: a statement cannot report what had not yet happened",
                    date.text(),
                    self.statement.text()
                ),
                at.key(key),
            ));
        }
        Ok(date)
    }

    fn incident_response(
        &self,
        section: &'a Map<String, Json>,
        at: &Pointer,
        out: &mut Facts,
    ) -> Result<(), ExtractError> {
        let monitoring = required_bool(section, "monitoring_24x7", at)?;
        let customers = required_bool(section, "notifies_customers", at)?;
        let nhs_england = required_bool(section, "notifies_nhs_england", at)?;
        let hours = required_count(section, "notification_hours", MAX_NOTIFICATION_HOURS, at)?;
        let exercise = self.past_date(section, "board_exercise_date", at)?;
        out.boolean(
            "assurance.security_monitoring_24x7",
            monitoring,
            at.key("monitoring_24x7"),
        );
        out.boolean(
            "assurance.notifies_customers_of_incidents",
            customers,
            at.key("notifies_customers"),
        );
        out.boolean(
            "assurance.notifies_nhs_england_of_incidents",
            nhs_england,
            at.key("notifies_nhs_england"),
        );
        out.long(
            "assurance.incident_notification_hours",
            hours,
            at.key("notification_hours"),
        );
        out.datetime(
            "assurance.board_exercise_date",
            exercise.text(),
            at.key("board_exercise_date"),
        );
        Ok(())
    }

    fn backups(
        &self,
        section: &'a Map<String, Json>,
        at: &Pointer,
        out: &mut Facts,
    ) -> Result<(), ExtractError> {
        let immutable = required_bool(section, "immutable", at)?;
        let tested = self.past_date(section, "restore_tested", at)?;
        out.boolean(
            "assurance.backups_immutable",
            immutable,
            at.key("immutable"),
        );
        out.datetime(
            "assurance.backup_restore_tested",
            tested.text(),
            at.key("restore_tested"),
        );
        Ok(())
    }

    fn dspt(
        &self,
        section: &'a Map<String, Json>,
        at: &Pointer,
        out: &mut Facts,
    ) -> Result<(), ExtractError> {
        let status_text = required_text(section, "status", at)?;
        let status = DSPT_STATUSES
            .iter()
            .find(|s| s.eq_ignore_ascii_case(status_text))
            .ok_or_else(|| {
                error(
                    format!(
                        "`status` \"{}\" is not a DSPT status: one of {}",
                        quote(status_text),
                        DSPT_STATUSES.join(", ")
                    ),
                    at.key("status"),
                )
            })?;
        let year_text = required_text(section, "assessment_year", at)?;
        let year_ends = assessment_year_end(year_text).ok_or_else(|| {
            error(
                format!(
                    "`assessment_year` \"{}\" is not a DSPT assessment year: write it as the DSPT does, \"2025-26\" (1 July 2025 to 30 June 2026)",
                    quote(year_text)
                ),
                at.key("assessment_year"),
            )
        })?;
        let published = self.past_date(section, "published", at)?;
        let ods = required_text(section, "ods_code", at)?;
        out.text("assurance.dspt_status", *status, at.key("status"));
        out.text(
            "assurance.dspt_assessment_year",
            year_text,
            at.key("assessment_year"),
        );
        out.datetime(
            "assurance.dspt_year_ends",
            year_ends,
            at.key("assessment_year"),
        );
        out.datetime(
            "assurance.dspt_published",
            published.text(),
            at.key("published"),
        );
        out.text("assurance.dspt_ods_code", ods, at.key("ods_code"));
        Ok(())
    }
}

fn development(
    section: &Map<String, Json>,
    at: &Pointer,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let framework = required_text(section, "framework", at)?;
    let tested = required_bool(section, "tests_before_release", at)?;
    let by_default = required_bool(section, "secure_by_default", at)?;
    let framework = if NO_FRAMEWORK
        .iter()
        .any(|w| w.eq_ignore_ascii_case(framework))
    {
        out.note(
            format!(
                "`framework` \"{}\" names no framework: `assurance.secure_development_framework` is \"none\"",
                quote(framework)
            ),
            at.key("framework"),
        );
        "none"
    } else {
        framework
    };
    out.text(
        "assurance.secure_development_framework",
        framework,
        at.key("framework"),
    );
    out.boolean(
        "assurance.tests_before_release",
        tested,
        at.key("tests_before_release"),
    );
    out.boolean(
        "assurance.secure_by_default",
        by_default,
        at.key("secure_by_default"),
    );
    Ok(())
}

fn vulnerability_reporting(
    section: &Map<String, Json>,
    at: &Pointer,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let parties = required_text_list(section, "reports_to", MAX_REPORTED_TO, at)?;
    out.text_set(
        "assurance.reports_vulnerabilities_to",
        parties.into_iter().map(str::to_owned),
        at.key("reports_to"),
    );
    Ok(())
}

fn iso27001(
    section: &Map<String, Json>,
    at: &Pointer,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let edition_text = required_text(section, "edition", at)?;
    let edition = iso27001_edition(edition_text).ok_or_else(|| {
        error(
            format!(
                "`edition` \"{}\" is not an edition of ISO/IEC 27001: \"2022\" or \"2013\" (or \"ISO/IEC 27001:2022\")",
                quote(edition_text)
            ),
            at.key("edition"),
        )
    })?;
    let number = required_text(section, "certificate_number", at)?;
    let expires = required_date(section, "expires", at)?;
    let scope = required_text(section, "scope", at)?;
    optional_text(section, "certification_body", at)?;
    out.text("assurance.iso27001_edition", edition, at.key("edition"));
    out.text(
        "assurance.iso27001_certificate_number",
        number,
        at.key("certificate_number"),
    );
    out.datetime(
        "assurance.iso27001_expires",
        expires.text(),
        at.key("expires"),
    );
    out.text("assurance.iso27001_scope", scope, at.key("scope"));
    Ok(())
}

fn post_market_surveillance(
    section: &Map<String, Json>,
    at: &Pointer,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let plan = required_bool(section, "plan", at)?;
    optional_text(section, "reference", at)?;
    out.boolean("assurance.pms_plan", plan, at.key("plan"));
    Ok(())
}

fn support(section: &Map<String, Json>, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    let ends = required_date(section, "ends", at)?;
    let notice = required_count(
        section,
        "end_of_support_notice_months",
        MAX_NOTICE_MONTHS,
        at,
    )?;
    out.datetime("assurance.support_ends", ends.text(), at.key("ends"));
    out.long(
        "assurance.end_of_support_notice_months",
        notice,
        at.key("end_of_support_notice_months"),
    );
    Ok(())
}

/// The last moment of a DSPT assessment year written `YYYY-YY` ("2025-26":
/// 1 July 2025 to 30 June 2026), as an RFC 3339 date-time.
fn assessment_year_end(text: &str) -> Option<String> {
    let (first, second) = text.split_once('-')?;
    if first.len() != 4 || second.len() != 2 {
        return None;
    }
    let first: u32 = digits(first)?;
    let second: u32 = digits(second)?;
    let ends = first.checked_add(1)?;
    if ends % 100 != second || !(2000..=9999).contains(&ends) {
        return None;
    }
    Some(format!("{ends:04}-06-30T23:59:59Z"))
}

fn digits(text: &str) -> Option<u32> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// "2022", "2013", or the standard's name with its edition
/// ("ISO/IEC 27001:2022"): the edition's year.
fn iso27001_edition(text: &str) -> Option<&'static str> {
    let year = match text.rsplit_once(':') {
        Some((name, year)) => {
            let name: String = name
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_uppercase();
            if !matches!(
                name.as_str(),
                "ISO/IEC27001" | "ISO27001" | "BSENISO/IEC27001"
            ) {
                return None;
            }
            year.trim()
        }
        None => text,
    };
    ISO27001_EDITIONS.iter().copied().find(|e| *e == year)
}

/// `assure_format` must be `supplier-assurance/1`.
fn check_format(root: &Map<String, Json>) -> Result<(), ExtractError> {
    let at = Pointer::root().key("assure_format");
    match root.get("assure_format") {
        Some(Json::String(s)) if s == FORMAT => Ok(()),
        Some(Json::String(s)) if s.starts_with("supplier-assurance/") => Err(error(
            format!(
                "`assure_format` is \"{}\": this plugin reads \"{FORMAT}\"",
                quote(s)
            ),
            at,
        )),
        Some(Json::String(s)) => Err(error(
            format!(
                "`assure_format` is \"{}\", not \"{FORMAT}\": this is not a supplier assurance statement",
                quote(s)
            ),
            at,
        )),
        Some(other) => Err(error(
            format!(
                "`assure_format` must be the text \"{FORMAT}\", not {}",
                kind(other)
            ),
            at,
        )),
        None => Err(error(
            format!(
                "`assure_format` is missing: a supplier assurance statement starts with `\"assure_format\": \"{FORMAT}\"`"
            ),
            at,
        )),
    }
}

fn note_unknown_members(object: &Map<String, Json>, known: &[&str], at: &Pointer, out: &mut Facts) {
    let mut unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    unknown.sort_unstable();
    for key in unknown {
        out.note(
            format!("unknown member `{}`: ignored", quote(key)),
            at.key(key),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessment_years() {
        assert_eq!(
            assessment_year_end("2025-26").as_deref(),
            Some("2026-06-30T23:59:59Z")
        );
        assert_eq!(
            assessment_year_end("2099-00").as_deref(),
            Some("2100-06-30T23:59:59Z")
        );
        for bad in [
            "2025-27",
            "2025/26",
            "2025-2026",
            "25-26",
            "2025-2",
            "+025-26",
            "1998-99",
        ] {
            assert_eq!(assessment_year_end(bad), None, "{bad}");
        }
    }

    #[test]
    fn editions() {
        assert_eq!(iso27001_edition("2022"), Some("2022"));
        assert_eq!(iso27001_edition("ISO/IEC 27001:2013"), Some("2013"));
        assert_eq!(iso27001_edition("iso 27001:2022"), Some("2022"));
        assert_eq!(iso27001_edition("2005"), None);
        assert_eq!(iso27001_edition("ISO 9001:2015"), None);
        assert_eq!(iso27001_edition("27001"), None);
    }
}
