//! The extraction: reads the fields of the (signed part of the) file, checks
//! them against RFC 9116, and emits the `security_txt.*` facts.

use std::collections::BTreeSet;

use assure_plugin_sdk::{Document, ExtractError, Extraction, FactSink, Facts, Location, error};

use crate::fields::{
    Known, LineKind, classify, contact_advice, is_contact_uri, is_encryption_uri, is_https,
    is_language_tag, placeholder, uri_scheme,
};
use crate::signed::{self, Body};
use assure_plugin_sdk::text::quote;
use assure_plugin_sdk::time::normalize_datetime;

use crate::text;

/// Comment lines of the RFC 9116 examples and the securitytxt.org template,
/// lower case. Left in, they are worth a note, not a problem: real files
/// keep them too.
const TEMPLATE_COMMENTS: &[&str] = &[
    "our security address",
    "our openpgp key",
    "our security policy",
    "our security acknowledgments page",
    "our security acknowledgements page",
    "canonical uri",
];

/// The most notes written for one kind of problem; the rest are counted.
const NOTES_PER_PROBLEM: usize = 20;

/// Reads one security.txt file.
///
/// # Errors
///
/// When the file is not UTF-8, has a line over 64 KiB or more than 10,000
/// lines, is a truncated OpenPGP signed message, or has no RFC 9116 field at
/// all (it is then not a security.txt).
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let (text, bom) = text::decode(&doc.bytes)?;
    let lines = text::lines(text)?;
    let mut report = Report::default();
    if bom {
        report.out.note(
            "byte-order mark at the start of the file: ignored (RFC 9116 files are plain UTF-8)",
            Location::Line(1),
        );
    }
    let body = signed::unwrap(&lines, &mut report.out)?;
    let seen = read_fields(&body, &mut report);
    if seen.known == 0 {
        return Err(error(
            "not a security.txt: no RFC 9116 field (Contact, Expires, Encryption, Policy, …) in the file",
            Location::Line(1),
        ));
    }
    check_signature_framing(&body, &mut report);
    check_contacts(&seen, &mut report);
    check_expires(&seen, &mut report);
    check_uris(&seen, &mut report);
    check_languages(&seen, &mut report);
    Ok(emit(&body, &seen, report))
}

/// A field value and its line.
#[derive(Debug, Clone, Copy)]
struct At<'a> {
    value: &'a str,
    line: u32,
}

/// The values of the fields read, by field, in file order.
#[derive(Debug, Default)]
struct Seen<'a> {
    /// How many fields this plugin knows the file has (values or not).
    known: usize,
    acknowledgments: Vec<At<'a>>,
    canonical: Vec<At<'a>>,
    contact: Vec<At<'a>>,
    csaf: Vec<At<'a>>,
    encryption: Vec<At<'a>>,
    expires: Vec<At<'a>>,
    hiring: Vec<At<'a>>,
    policy: Vec<At<'a>>,
    preferred_languages: Vec<At<'a>>,
}

impl<'a> Seen<'a> {
    fn slot(&mut self, field: Known) -> &mut Vec<At<'a>> {
        match field {
            Known::Acknowledgments => &mut self.acknowledgments,
            Known::Canonical => &mut self.canonical,
            Known::Contact => &mut self.contact,
            Known::Csaf => &mut self.csaf,
            Known::Encryption => &mut self.encryption,
            Known::Expires => &mut self.expires,
            Known::Hiring => &mut self.hiring,
            Known::Policy => &mut self.policy,
            Known::PreferredLanguages => &mut self.preferred_languages,
        }
    }
}

/// The facts and notes so far, and the problems found.
#[derive(Debug, Default)]
struct Report {
    out: Facts,
    problems: BTreeSet<String>,
    /// Notes written per problem sentence, to cap them.
    noted: std::collections::BTreeMap<String, usize>,
}

impl Report {
    /// Records a problem: a stable short sentence for `problems`, and a note
    /// with the particulars at `at`.
    fn problem(&mut self, sentence: impl Into<String>, note: impl Into<String>, at: Location) {
        let sentence = sentence.into();
        let count = self.noted.entry(sentence.clone()).or_default();
        *count += 1;
        if *count <= NOTES_PER_PROBLEM {
            self.out.note(note, at);
        }
        self.problems.insert(sentence);
    }

    /// One note for each problem whose notes were capped.
    fn note_the_rest(&mut self) {
        for (sentence, count) in &self.noted {
            if let Some(more) = count.checked_sub(NOTES_PER_PROBLEM).filter(|n| *n > 0) {
                self.out.note(
                    format!("{more} more like this: {sentence}"),
                    Location::Whole,
                );
            }
        }
    }
}

/// Reads every line of the body: fields into `Seen`, the rest checked.
fn read_fields<'a>(body: &Body<'a>, report: &mut Report) -> Seen<'a> {
    let mut seen = Seen::default();
    for line in &body.lines {
        let at = Location::Line(line.number);
        match classify(line.text) {
            LineKind::Blank => {}
            LineKind::Comment(comment) => read_comment(comment, line.number, report),
            LineKind::NotAField => report.problem(
                "a line is not a field, a comment or blank",
                format!(
                    "line {} is not a field (`Name: value`), a comment (`#`) or blank: `{}`",
                    line.number,
                    quote(line.text.trim())
                ),
                at,
            ),
            LineKind::Field { name, value } => {
                let field = Known::from_name(name);
                if field.is_some() {
                    seen.known += 1;
                }
                if value.is_empty() {
                    report.problem(
                        "a field has no value",
                        format!(
                            "`{}` has no value (RFC 9116 §2: a field is a name and a value)",
                            quote(name)
                        ),
                        at,
                    );
                    continue;
                }
                // Extension fields are ignored, as RFC 9116 §2.4 requires.
                let Some(field) = field else { continue };
                if Known::is_alias(name) {
                    report.out.note(
                        format!(
                            "`{name}` is read as `{}`, the RFC 9116 spelling",
                            field.name()
                        ),
                        at.clone(),
                    );
                }
                if let Some(why) = placeholder(value) {
                    report.problem(
                        format!("{} holds template placeholder text", field.name()),
                        format!(
                            "{} `{}` is {why}: template text, not a real value",
                            field.name(),
                            quote(value)
                        ),
                        at,
                    );
                }
                seen.slot(field).push(At {
                    value,
                    line: line.number,
                });
            }
        }
    }
    seen
}

/// A comment: a template's comment or a commented-out field is noted; a
/// commented-out field that still holds template text is a problem.
fn read_comment(comment: &str, line: u32, report: &mut Report) {
    let at = Location::Line(line);
    if let LineKind::Field { name, value } = classify(comment)
        && let Some(field) = Known::from_name(name)
    {
        match placeholder(value) {
            Some(why) => report.problem(
                "a template line is left commented out",
                format!(
                    "line {line} is a commented-out {} field whose value is {why}: the template was not finished",
                    field.name()
                ),
                at,
            ),
            None if value.is_empty() => report.problem(
                "a template line is left commented out",
                format!(
                    "line {line} is a commented-out {} field with no value: the template was not finished",
                    field.name()
                ),
                at,
            ),
            None => report.out.note(
                format!("commented-out {} field: ignored", field.name()),
                at,
            ),
        }
        return;
    }
    if TEMPLATE_COMMENTS.contains(&comment.to_ascii_lowercase().as_str()) {
        report.out.note(
            format!(
                "`# {comment}` is a comment from the RFC 9116 example and securitytxt.org template"
            ),
            at,
        );
    }
}

fn check_signature_framing(body: &Body<'_>, report: &mut Report) {
    for line in &body.outside {
        report.problem(
            "text outside the OpenPGP signed part",
            format!("line {line} is outside the OpenPGP signed message: RFC 9116 §4 allows nothing there, and it is not read"),
            Location::Line(*line),
        );
    }
    if let Some(line) = body.stray_signature {
        report.problem(
            "an OpenPGP signature without a signed message",
            format!(
                "line {line} starts an OpenPGP signature block, but the file does not start with `-----BEGIN PGP SIGNED MESSAGE-----`"
            ),
            Location::Line(line),
        );
    }
}

fn check_contacts(seen: &Seen<'_>, report: &mut Report) {
    if seen.contact.is_empty() {
        report.problem(
            "no Contact field",
            "no Contact field: RFC 9116 §2.5.3 requires at least one",
            Location::Whole,
        );
    }
    for contact in &seen.contact {
        if !is_contact_uri(contact.value) {
            report.problem(
                "a Contact is not a mailto:, https: or tel: URI",
                format!(
                    "Contact `{}` is not a mailto:, https: or tel: URI: {}",
                    quote(contact.value),
                    contact_advice(contact.value)
                ),
                Location::Line(contact.line),
            );
        }
    }
}

fn check_expires(seen: &Seen<'_>, report: &mut Report) {
    let mut expires = seen.expires.iter();
    let Some(first) = expires.next() else {
        report.problem(
            "no Expires field",
            "no Expires field: RFC 9116 §2.5.5 requires exactly one",
            Location::Whole,
        );
        return;
    };
    for again in expires {
        report.problem(
            "more than one Expires field",
            format!(
                "Expires appears again on line {} (first on line {}): RFC 9116 §2.5.5 allows exactly one",
                again.line, first.line
            ),
            Location::Line(again.line),
        );
    }
    for at in &seen.expires {
        if normalize_datetime(at.value).is_none() {
            report.problem(
                "Expires is not an RFC 3339 date-time",
                format!(
                    "Expires `{}` is not an RFC 3339 date-time such as `2026-12-31T23:59:59Z`",
                    quote(at.value)
                ),
                Location::Line(at.line),
            );
        }
    }
}

fn check_uris(seen: &Seen<'_>, report: &mut Report) {
    let https_only = [
        (Known::Policy, &seen.policy),
        (Known::Canonical, &seen.canonical),
        (Known::Csaf, &seen.csaf),
    ];
    for (field, values) in https_only {
        for at in values.iter().filter(|at| !is_https(at.value)) {
            report.problem(
                format!("{} is not an https: URI", field.name()),
                format!(
                    "{} `{}` is not an https:// URI",
                    field.name(),
                    quote(at.value)
                ),
                Location::Line(at.line),
            );
        }
    }
    for at in seen
        .encryption
        .iter()
        .filter(|at| !is_encryption_uri(at.value))
    {
        report.problem(
            "Encryption is not an https:, dns: or openpgp4fpr: URI",
            format!(
                "Encryption `{}` is not an https:, dns: or openpgp4fpr: URI (RFC 9116 §2.5.4: a key's location, never the key)",
                quote(at.value)
            ),
            Location::Line(at.line),
        );
    }
    for (field, values) in [
        (Known::Acknowledgments, &seen.acknowledgments),
        (Known::Hiring, &seen.hiring),
    ] {
        for at in values {
            let (sentence, why) = match uri_scheme(at.value).as_deref() {
                None => (format!("{} is not a URI", field.name()), "is not a URI"),
                Some("http") => (
                    format!("{} is an http: URI, not https:", field.name()),
                    "is a web URI without https: (RFC 9116 requires https://)",
                ),
                Some(_) => continue,
            };
            report.problem(
                sentence,
                format!("{} `{}` {why}", field.name(), quote(at.value)),
                Location::Line(at.line),
            );
        }
    }
}

fn check_languages(seen: &Seen<'_>, report: &mut Report) {
    let mut fields = seen.preferred_languages.iter();
    let first = fields.next();
    for again in fields {
        report.problem(
            "more than one Preferred-Languages field",
            format!(
                "Preferred-Languages appears again on line {} (first on line {}): RFC 9116 §2.5.8 allows one",
                again.line,
                first.map_or(0, |f| f.line)
            ),
            Location::Line(again.line),
        );
    }
    for at in &seen.preferred_languages {
        if !at.value.split(',').map(str::trim).all(is_language_tag) {
            report.problem(
                "Preferred-Languages is not a comma-separated list of language tags",
                format!(
                    "Preferred-Languages `{}` is not a comma-separated list of language tags such as `en, fr`",
                    quote(at.value)
                ),
                Location::Line(at.line),
            );
        }
    }
}

/// The facts.
fn emit(body: &Body<'_>, seen: &Seen<'_>, mut report: Report) -> Extraction {
    let out = &mut report.out;
    let first_line = |values: &[At<'_>]| {
        values
            .first()
            .map_or(Location::Whole, |at| Location::Line(at.line))
    };
    let values = |values: &[At<'_>]| {
        values
            .iter()
            .map(|at| at.value.to_owned())
            .collect::<Vec<_>>()
    };

    out.text_set(
        "security_txt.contacts",
        values(&seen.contact),
        first_line(&seen.contact),
    );
    out.long(
        "security_txt.contact_count",
        count(seen.contact.len()),
        first_line(&seen.contact),
    );
    out.long(
        "security_txt.expires_count",
        count(seen.expires.len()),
        first_line(&seen.expires),
    );
    if let [only] = seen.expires.as_slice()
        && let Some(when) = normalize_datetime(only.value)
    {
        out.datetime("security_txt.expires", when, Location::Line(only.line));
    }
    if let Some(policy) = seen.policy.first() {
        out.text(
            "security_txt.policy",
            policy.value,
            Location::Line(policy.line),
        );
    }
    let sets = [
        ("security_txt.encryption", &seen.encryption),
        ("security_txt.canonical", &seen.canonical),
        ("security_txt.csaf", &seen.csaf),
        ("security_txt.acknowledgments", &seen.acknowledgments),
        ("security_txt.hiring", &seen.hiring),
    ];
    for (path, found) in sets {
        if !found.is_empty() {
            out.text_set(path, values(found), first_line(found));
        }
    }
    let languages: Vec<String> = seen
        .preferred_languages
        .iter()
        .flat_map(|at| at.value.split(','))
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect();
    if !languages.is_empty() {
        out.text_set(
            "security_txt.preferred_languages",
            languages,
            first_line(&seen.preferred_languages),
        );
    }
    out.boolean(
        "security_txt.signed",
        body.signed_at.is_some(),
        body.signed_at.map_or(Location::Whole, Location::Line),
    );
    out.boolean(
        "security_txt.valid",
        report.problems.is_empty(),
        Location::Whole,
    );
    let problems: Vec<String> = report.problems.iter().cloned().collect();
    report
        .out
        .text_set("security_txt.problems", problems, Location::Whole);
    report.note_the_rest();
    report.out.finish()
}

/// A count as a Cedar long.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
