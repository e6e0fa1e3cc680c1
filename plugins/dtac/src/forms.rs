//! Every question of DTAC v1.0 and v2.0, as the official forms publish them:
//! the question's code, its wording, its answer options (none for free text)
//! and its skip logic ("If No, go to …").
//!
//! Sources, checked on 7 December 2026:
//!
//! - DTAC v2.0, NHS England, 24 February 2026 (in use from 6 April 2026):
//!   the form's every question, option and note, from a verbatim
//!   transcription of the published form.
//! - DTAC v1.0 (NHSX, 2021; published as an ODT document): a completed
//!   supplier copy, RCPCH Digital Growth Charts, in the repository
//!   `rcpch/digital-growth-charts-server` at commit
//!   `f81752a244f46fd75afa2d04384d8d05ca539c7e`,
//!   `docs/_assets/_pdfs/RCPCH dGC DTAC (draft).docx` (AGPL-3.0). Its
//!   question and option columns are the form's own.
//!
//! Options are spelled as the form spells them; [`read`] matches an answer
//! to them whatever its case, spacing, dashes and trailing punctuation.

use crate::mapping::Version;

/// A route a question's answer takes past later questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The option that takes the route, as the form spells it.
    pub option: &'static str,
    /// The questions it routes past: they do not apply.
    pub skips: &'static [&'static str],
}

/// One question of a version of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// The question's code, e.g. `"C1.2.2"`.
    pub id: &'static str,
    /// The question as the form words it.
    pub wording: &'static str,
    /// The answer options as the form spells them; empty for free text.
    pub options: &'static [&'static str],
    /// The skip logic: which options route past which questions.
    pub routes: &'static [Route],
}

impl Question {
    /// Whether the question is answered in free text.
    pub fn is_free_text(&self) -> bool {
        self.options.is_empty()
    }
}

const fn q(
    id: &'static str,
    wording: &'static str,
    options: &'static [&'static str],
    routes: &'static [Route],
) -> Question {
    Question {
        id,
        wording,
        options,
        routes,
    }
}

const fn r(option: &'static str, skips: &'static [&'static str]) -> Route {
    Route { option, skips }
}

/// DTAC v1.0, every question in the form's order.
#[rustfmt::skip]
pub const V1: &[Question] = &[
    q("A1", "Provide the name of your company", &[], &[]),
    q("A2", "Provide the name of your product", &[], &[]),
    q("A3", "Provide the type of product", &[], &[]),
    q("A4", "Provide the name and job title of the individual who will be the key contact at your organisation", &[], &[]),
    q("A5", "Provide the key contact's email address", &[], &[]),
    q("A6", "Provide the key contact's phone number", &[], &[]),
    q("A7", "Provide the registered address of your company", &[], &[]),
    q("A8", "In which country is your organisation registered?", &[], &[]),
    q("A9", "If you have a Companies House registration in the UK please provide your number", &[], &[]),
    q("A10", "If applicable, when was your last assessment from the Care Quality Commission (CQC)?", &[], &[]),
    q("A11", "If applicable, provide your latest CQC report.", &[], &[]),
    q("B1", "Who is this product intended to be used for?", &["Patients", "Diagnostics", "Clinical Support", "Infrastructure", "Workforce", "Other"], &[]),
    q("B2", "Provide a clear description of what the product is designed to do and of how it is expected to be used", &[], &[]),
    q("B3", "Describe clearly the intended or proven benefits for users and confirm if / how the benefits have been validated", &[], &[]),
    q("B4", "Please attach one or more user journeys which were used in the development of this product Where possible please also provide your data flows", &["Provided", "Not available"], &[]),
    q("C1.1", "Have you undertaken Clinical Risk Management activities for this product which comply with DCB0129?", &["Yes", "No"], &[]),
    q("C1.1.1", "Please detail your clinical risk management system", &["Provided", "No evidence available"], &[]),
    q("C1.1.2", "Please supply your Clinical Safety Case Report and Hazard Log", &["Provided", "No evidence available"], &[]),
    q("C1.2", "Please provide the name of your Clinical Safety Officer (CSO), their profession and registration details", &[], &[]),
    q("C1.3", "If your product falls within the UK Medical Devices Regulations 2002, is it registered with the Medicines and Healthcare products Regulatory Agency (MHRA)?", &["Yes", "No", "Not applicable"], &[r("Not applicable", &["C1.3.1", "C1.3.2"]), r("No", &["C1.3.1"])]),
    q("C1.3.1", "If yes, please provide your MHRA registration number", &[], &[]),
    q("C1.3.2", "If the UK Medical Device Regulations 2002 are applicable, please provide your Declaration of Conformity and, if applicable, certificate of conformity issued by a Notified Body / UK Approved Body", &["Provided", "No evidence available"], &[]),
    q("C1.4", "Do you use or connect to any third-party products?", &["Yes", "No"], &[r("No", &["C1.4.1"])]),
    q("C1.4.1", "If yes, please attach relevant Clinical Risk Management documentation and conformity certificate", &["Provided", "No evidence available"], &[]),
    q("C2.1", "If you are required to register with the Information Commissioner, please attach evidence of a current registration. If you are not required to register, please attach a completed self-assessment showing the outcome from the Information Commissioner and your responses which support this determination.", &["Provided", "Not provided"], &[]),
    q("C2.2", "Do you have a nominated Data Protection Officer (DPO)?", &["Yes", "No", "We do not need one"], &[]),
    q("C2.2.1", "If you are required to have a nominated Data Protection Officer, please provide their name. If you are not required to have a DPO please attach a completed self-assessment showing the outcome from the Information Commissioner and your responses which support this determination.", &[], &[]),
    q("C2.3", "Does your product have access to any personally identifiable data or NHS held patient data?", &["Yes", "No"], &[r("No", &["C2.3.1", "C2.3.2"])]),
    q("C2.3.1", "Please confirm you are compliant (having standards met or exceeded status) with the annual Data Security and Protection Toolkit Assessment. If you have not completed the current year's assessment and the deadline has not yet passed, please confirm that you intend to complete this ahead of the deadline and that there are no material changes from your previous years submission that would affect your compliance.", &["Confirmed", "Unable to confirm"], &[]),
    q("C2.3.2", "Please attach the Data Protection Impact Assessment (DPIA) relating to the product.", &["Provided", "Not provided"], &[]),
    q("C2.4", "Please confirm your risk assessments and mitigations / access controls / system level security policies have been signed-off by your Data Protection Officer (if one is in place) or an accountable officer where exempt in question C2.2.", &["Confirm", "Cannot confirm"], &[]),
    q("C2.5", "Please confirm where you store and process data (including any third-party products your product uses)", &["UK only", "In EU", "Outside of EU"], &[r("UK only", &["C2.5.1"])]),
    q("C2.5.1", "If you process store or process data outside of the UK, please name the country and set out how the arrangements are compliant with current legislation", &[], &[]),
    q("C3.1", "Please attach your Cyber Essentials Certificate", &["Provided", "No evidence available"], &[]),
    q("C3.2", "Please provide the summary report of an external penetration test of the product that included Open Web Application Security Project (OWASP) Top 10 vulnerabilities from within the previous 12-month period.", &["Provided", "No evidence available"], &[]),
    q("C3.3", "Please confirm whether all custom code had a security review.", &["Yes - Internal code review", "Yes - External code review", "No", "No because there is no custom code"], &[]),
    q("C3.4", "Please confirm whether all privileged accounts have appropriate Multi-Factor Authentication (MFA)?", &["Yes", "No"], &[]),
    q("C3.5", "Please confirm whether logging and reporting requirements have been clearly defined.", &["Yes", "No"], &[]),
    q("C3.6", "Please confirm whether the product has been load tested", &["Yes", "No"], &[]),
    q("C4.1", "Does your product expose any Application Programme Interfaces (API) or integration channels for other consumers?", &["Yes", "No"], &[]),
    q("C4.1.1", "If yes, please provide detail and evidence: The API’s (e.g., what they connect to) set out the healthcare standards of data interoperability e.g., Health Level Seven International (HL7) / Fast Healthcare Interoperability Resources (FHIR) Confirm that they follow Government Digital Services Open API Best Practice Confirm they are documented and freely available Third parties have reasonable access to connect If no, please set out why your product does not have APIs.", &[], &[]),
    q("C4.2", "Do you use NHS number to identify patient record data?", &["Yes", "No", "No because product does not identify patient record data"], &[]),
    q("C4.2.1", "If yes, please confirm whether it uses NHS Login to establish a user’s verified NHS number. If no, please set out the rationale, how your product established NHS number and the associated security measures in place.", &[], &[]),
    q("C4.3", "Does your product have the capability for read/write operations with electronic health records (EHRs) using industry standards for secure interoperability (e.g. OAuth 2.0, TLS 1.2)", &["Yes", "No", "No because the product does not read/ write into EHRs"], &[r("Yes", &["C4.3.2"]), r("No", &["C4.3.1"]), r("No because the product does not read/ write into EHRs", &["C4.3.1"])]),
    q("C4.3.1", "If yes, please detail the standard", &[], &[]),
    q("C4.3.2", "If no, please state the reasons and mitigations, methodology and security measures.", &[], &[]),
    q("C4.4", "Is your product a wearable or device, or does it integrate with them?", &["Yes", "No"], &[r("No", &["C4.4.1"])]),
    q("C4.4.1", "If yes, provide evidence of how it complies with ISO/IEEE 11073 Personal Health Data (PHD) Standards.", &["Provided", "No evidence available"], &[]),
    q("D1.1", "Understand users and their needs in context of health and social care Do you engage users in the development of the product?", &["Yes", "No", "Working towards it"], &[r("No", &["D1.1.1"])]),
    q("D1.1.1", "If yes or working towards it, how frequently do you consider user needs in your product development and what methods do you use to engage users and understand their needs?", &[], &[]),
    q("D1.2", "Work towards solving a whole problem for users Are all key user journeys mapped to ensure that the whole user problem is solved, or it is clear to users how it fits into their pathway or journey?", &["Yes", "No", "Working towards it"], &[r("No", &["D1.2.1"])]),
    q("D1.2.1", "If yes or working towards it, please attach the user journeys and/or how the product fits into a user pathway or journey", &["Provided", "No evidence available"], &[]),
    q("D1.3", "Make the service simple to use Do you undertake user acceptance testing to validate usability of the system?", &["Yes", "No", "Working towards it"], &[r("No", &["D1.3.1"])]),
    q("D1.3.1", "If yes or working towards it, please attach information that demonstrates that user acceptance testing is in place to validate usability.", &["Provided", "No evidence available"], &[]),
    q("D1.4", "Make sure everyone can use the service Are you international Web Content Accessibility Guidelines (WCAG) 2.1 level AA compliant?", &["Yes", "No", "Working towards it"], &[]),
    q("D1.4.1", "Provide a link to your published accessibility statement.", &[], &[]),
    q("D1.5", "Create a team that includes multi-disciplinary skills and perspectives Does your team contain multidisciplinary skills?", &["Yes", "No", "Working towards it"], &[]),
    q("D1.6", "Use agile ways of working Do you use agile ways of working to deliver your product?", &["Yes", "No", "Working towards it"], &[]),
    q("D1.7", "Iterate and improve frequently Do you continuously develop your product?", &["Yes", "No", "Working towards it"], &[]),
    q("D1.8", "Define what success looks like and be open about how your service is performing Do you have a benefits case that includes your objectives and the benefits you will be measuring and have metrics that you are tracking?", &["Yes", "No", "Working towards it"], &[]),
    q("D1.9", "Choose the right tools and technology Does this product meet with NHS Cloud First Strategy?", &["Yes", "No", "No because it is not applicable"], &[]),
    q("D1.9.1", "Does this product meet the NHS Internet First Policy?", &["Yes", "No", "No because it is not applicable"], &[]),
    q("D1.10", "Use and contribute to open standards, common components and patterns Are common components and patterns in use?", &["Yes", "No", "Working towards it"], &[r("No", &["D1.10.1"])]),
    q("D1.10.1", "If yes, which common components and patterns have been used?", &[], &[]),
    q("D1.11", "Operate a reliable service Do you provide a Service Level Agreement to all customers purchasing the product?", &["Yes", "No"], &[]),
    q("D1.12", "Do you report to customers on your performance with respect to support, system performance (response times) and availability (uptime) at a frequency required by your customers?", &["Yes", "No"], &[]),
    q("D1.12.1", "Please attach a copy of the information provided to customers", &["Provided", "No evidence available"], &[]),
    q("D1.12.2", "Please provide your average service availability for the past 12 months, as a percentage to two decimal places", &[], &[]),
];

/// DTAC v2.0 (24 February 2026), every question in the form's order.
#[rustfmt::skip]
pub const V2: &[Question] = &[
    q("A1", "Name of your company.", &[], &[]),
    q("A2", "Name of your product.", &[], &[]),
    q("A3", "Version number of the product this form corresponds to.", &[], &[]),
    q("A4", "Type of product.", &["Standalone Software Application or Mobile Application", "Wearable", "Software as a Service (SaaS)", "Other"], &[]),
    q("A5", "Name and job title of the key contact.", &[], &[]),
    q("A6", "Key contact's email address.", &[], &[]),
    q("A7", "Key contact's phone number.", &[], &[]),
    q("A8", "Registered address of your company.", &[], &[]),
    q("A9", "Country where your organisation is registered.", &[], &[]),
    q("A10", "Companies House number, charity number, or other organisational reference.", &[], &[]),
    q("A11", "Date of your last CQC assessment, if you must register with the CQC.", &[], &[]),
    q("A12", "Latest CQC report, if applicable.", &["Provided", "Not applicable"], &[]),
    q("B1", "Intended use of the product.", &["Patient Care or Support", "Diagnostics", "Clinical Support", "Workforce Support or Management", "Other"], &[]),
    q("B2", "Clear, high-level description of what the product does and how it is used.", &[], &[]),
    q("B3", "Intended users and the intended or proven benefits, and how the benefits were validated. Include any evaluation or clinical trial information.", &[], &[]),
    q("B4", "Data flow between the product and the Health IT system, and a user journey map where applicable. May be included in the DPIA, in which case attach it separately.", &["Provided", "Not available"], &[]),
    q("C1.1.1", "Does the product or any component qualify as Software or AI as a Medical Device under the UK Medical Devices Regulations 2002?", &["Yes", "No"], &[r("No", &["C1.1.2"])]),
    q("C1.1.2", "Is the product classified as a standalone medical device?", &["Yes", "No"], &[r("Yes", &["C1.2", "C1.2.1", "C1.2.2", "C1.2.3", "C1.2.4", "C1.2.5"])]),
    q("C1.2", "Is the product designed to provide electronic information that influences, supports or manages real-time or near-real-time direct care?", &["Yes", "No"], &[r("Yes", &["C1.2.1"]), r("No", &["C1.2.2", "C1.2.3", "C1.2.4", "C1.2.5"])]),
    q("C1.2.1", "If No to C1.2, justify why the product is not in scope of DCB0129.", &[], &[]),
    q("C1.2.2", "Have you carried out clinical risk management activities that comply with DCB0129?", &["Yes", "No"], &[]),
    q("C1.2.3", "Detail your clinical risk management system.", &["Provided", "Not provided"], &[]),
    q("C1.2.4", "Supply your Clinical Safety Case Report and Hazard Log.", &["Provided", "Not provided"], &[]),
    q("C1.2.5", "Name, profession and registration details of your Clinical Safety Officer (CSO).", &[], &[]),
    q("C2.1", "If you have direct or remote access to patient data or NHS systems, confirm your Data Security and Protection Toolkit (DSPT) status.", &["Confirmed", "Unable to Confirm", "No access to patient data or national NHS System"], &[]),
    q("C2.2", "Does the product or service process any personal data or data about deceased individuals, including data processed by a sub-processor?", &["Yes", "No"], &[r("No", &["C2.2.1", "C2.2.2", "C2.2.3", "C2.2.4", "C2.2.5", "C2.2.6"])]),
    q("C2.2.1", "Evidence of current ICO registration.", &["Provided", "Not provided"], &[]),
    q("C2.2.2", "Data Protection Impact Assessment (DPIA) for the product.", &["Provided", "Not provided"], &[]),
    q("C2.2.3", "Copy or link to the product's transparency information (privacy notice).", &["Provided", "Not provided"], &[]),
    q("C2.2.4", "Product terms and conditions on use of user data, end user licence agreement or equivalent. If this does not apply, state why.", &["Provided", "Not provided", "Not applicable"], &[]),
    q("C2.2.5", "Where does the product, including third-party components, store and process data?", &["UK only", "Outside of UK"], &[r("UK only", &["C2.2.6"])]),
    q("C2.2.6", "If outside the UK, name the country and explain how the arrangements comply with current legislation.", &[], &[]),
    q("C3.1", "Attach your Cyber Essentials certificate.", &["Provided", "Not Provided"], &[]),
    q("C3.2", "Have you signed the Cyber Security Charter for Suppliers to the NHS?", &["Yes", "No"], &[r("Yes", &["C3.3", "C3.4", "C3.5", "C3.5.1", "C3.6"])]),
    q("C3.3", "For internet-based or internet-accessible products, provide the summary report of an external penetration test from the last 12 months that covered the OWASP Top 10.", &["Provided", "Not provided"], &[]),
    q("C3.4", "Confirm the software was produced in line with the DSIT/NCSC Software Security Code of Practice, and that you commit to its principles: secure design and development, secure build environment, secure deployment and maintenance, and communication with customers.", &["Confirmed", "Unable to Confirm"], &[]),
    q("C3.5", "Confirm you have a plan to implement multi-factor authentication (MFA) for all account types, preferably through identity federation.", &["Yes", "No"], &[]),
    q("C3.5.1", "If applicable, confirm all supplier accounts with privileged access to the product have MFA, or equivalent MFA at the remote end.", &["Yes", "No", "Not applicable as supplier has no access to the product"], &[]),
    q("C3.6", "Confirm logging and reporting requirements have been defined.", &["Yes", "No"], &[]),
    q("C4.1", "Does the product expose any APIs or integration channels for other products used in health or social care?", &["Yes", "No"], &[r("No", &["C4.1.1", "C4.1.2", "C4.1.3"])]),
    q("C4.1.1", "List the international or industry interoperability standards your APIs use and explain why they are appropriate.", &[], &[]),
    q("C4.1.2", "Confirm the APIs follow GDS Open API best practice and are openly documented and freely available to third parties.", &["Confirm", "Cannot confirm"], &[r("Confirm", &["C4.1.3"])]),
    q("C4.1.3", "If you cannot confirm C4.1.2, set out the basis on which your APIs are documented and made available to third parties.", &[], &[]),
    q("C4.2", "Is the product intended to share or receive data with national or local care or administrative systems where patient identity is relevant?", &["Yes", "No"], &[r("No", &["C4.2.1", "C4.2.2", "C4.2.3", "C4.2.4", "C4.2.5", "C4.2.6"])]),
    q("C4.2.1", "Can the product use the NHS number to identify patient data when exchanging data?", &["Yes", "No"], &[r("No", &["C4.2.2"])]),
    q("C4.2.2", "Does the product integrate with the NHS Personal Demographics Service, or other local record systems, to establish or validate the NHS number?", &["Yes", "No"], &[r("Yes", &["C4.2.3"])]),
    q("C4.2.3", "If you answered No to C4.2.1 or C4.2.2, describe how you identify patient records correctly and keep data quality.", &[], &[]),
    q("C4.2.4", "If the product is used directly by patients, do you use NHS login to verify and authenticate users?", &["Yes", "No", "Not Applicable – product is not used directly by patients."], &[r("Yes", &["C4.2.5", "C4.2.6"])]),
    q("C4.2.5", "If public health or adult social care organisations use the product to deliver care services, does it support compliance with the DAPB3051 identity verification and authentication standard?", &["Yes", "No", "Not Applicable – product is not used by public health or adult social care services"], &[r("Yes", &["C4.2.6"])]),
    q("C4.2.6", "If you do not use NHS login, describe how you authenticate users and what data protection measures are in place.", &[], &[]),
    q("D1.1", "Explain how the product fits into existing systems or care pathways. For example, provide a user journey or instructions for use.", &["Provided", "Not provided"], &[]),
    q("D1.2", "Do you test with intended users to validate usability?", &["Yes", "No"], &[]),
    q("D1.3", "Confirm you have read the Accessible Information Standard and considered it in your design.", &["Confirm", "Cannot confirm"], &[]),
    q("D1.4", "Is the product a web or mobile application?", &["Yes", "No"], &[r("No", &["D1.4.1", "D1.4.2", "D1.4.3"])]),
    q("D1.4.1", "Does it comply with WCAG 2.2 level AA or higher?", &["Yes", "No, but a plan and timeline for achieving WCAG 2.2 AA or higher is in place", "No", "Not applicable as not a web of mobile application"], &[r("Yes", &["D1.4.2"]), r("No", &["D1.4.2"]), r("Not applicable as not a web of mobile application", &["D1.4.2"])]),
    q("D1.4.2", "If you have a plan, give the timescale for achieving WCAG 2.2 AA.", &[], &[]),
    q("D1.4.3", "Link to your published accessibility statement.", &[], &[]),
    q("D1.5", "Average service availability over the past 12 months, as a percentage to two decimal places.", &[], &[]),
];

/// The questions of `version`, in the form's order.
pub fn questions(version: Version) -> &'static [Question] {
    match version {
        Version::V1 => V1,
        Version::V2 => V2,
    }
}

/// The question `id` of `version`, if that version asks it.
pub fn question(version: Version, id: &str) -> Option<&'static Question> {
    questions(version).iter().find(|q| q.id == id)
}

/// An answer as given: text, or `true`/`false` in the JSON format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// The answer's text, as written.
    Text(String),
    /// A JSON `true` or `false`: the question's yes (or "Provided",
    /// "Confirmed") or no option.
    Bool(bool),
}

/// What an answer says, read against its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// One of the question's options; `rest` is what the answer adds after
    /// it ("Yes - see attached" → "see attached").
    Option {
        /// The option, as the form spells it.
        option: &'static str,
        /// The words after the option, trimmed, if any.
        rest: Option<String>,
    },
    /// A free-text question's answer, trimmed.
    Text(String),
    /// Not an answer the question allows: why, for a note.
    Invalid(String),
}

/// Reads `answer` against `question`'s options: the longest option the
/// answer starts with (at a word boundary), whatever its case, spacing,
/// dashes and punctuation; "n/a" for the question's one "Not applicable…"
/// option; `true`/`false` for its yes/no (or provided, confirmed) options.
pub fn read(question: &Question, answer: &AnswerValue) -> Reading {
    let text = match answer {
        AnswerValue::Bool(b) => return read_bool(question, *b),
        AnswerValue::Text(text) => text,
    };
    if question.is_free_text() {
        let text = text.trim();
        return if text.is_empty() {
            Reading::Invalid("is empty".to_owned())
        } else {
            Reading::Text(text.to_owned())
        };
    }
    let tokens = canonical(text);
    if tokens.is_empty() {
        return Reading::Invalid("is empty".to_owned());
    }
    let mut best: Option<(&'static str, usize, usize)> = None;
    for option in question.options {
        let wanted = canonical(option);
        let n = wanted.len();
        let matches = n > 0
            && tokens.len() >= n
            && wanted
                .iter()
                .zip(&tokens)
                .all(|(want, got)| want.word == got.word);
        if matches && best.is_none_or(|(_, len, _)| n > len) {
            let end = tokens.get(n - 1).map_or(0, |t| t.end);
            best = Some((option, n, end));
        }
    }
    if best.is_none() && is_words(&tokens, &["not", "applicable"]) {
        let mut na = question.options.iter().filter(|o| {
            canonical(o).first().is_some_and(|t| t.word == "not") && {
                let c = canonical(o);
                c.get(1).is_some_and(|t| t.word == "applicable")
            }
        });
        if let (Some(option), None) = (na.next(), na.next()) {
            let end = tokens.last().map_or(0, |t| t.end);
            best = Some((option, 2, end));
        }
    }
    let Some((option, _, end)) = best else {
        return Reading::Invalid(format!(
            "is \"{}\", not one of the form's options ({})",
            assure_plugin_sdk::text::quote(&text.split_whitespace().collect::<Vec<_>>().join(" ")),
            question.options.join(" | ")
        ));
    };
    let rest = text
        .get(end..)
        .unwrap_or_default()
        .trim_start_matches(|c: char| c.is_whitespace() || "-–—.,:;/|".contains(c))
        .trim_end();
    if !is_negative(option)
        && let Some(word) = hedge(rest)
    {
        return Reading::Invalid(format!(
            "begins \"{option}\" but goes on \"{}\", which takes it back (\"{word}\"): answer with one of the form's options ({}) and put the detail in the supporting evidence",
            assure_plugin_sdk::text::quote(&rest.split_whitespace().collect::<Vec<_>>().join(" ")),
            question.options.join(" | ")
        ));
    }
    Reading::Option {
        option,
        rest: (!rest.is_empty()).then(|| rest.to_owned()),
    }
}

/// Words that, after a positive option, qualify it away: "Yes - but not
/// yet", "Provided (in progress)", "Yes/No", "Yes - intend to sign".
const HEDGES: &[&str] = &[
    "no",
    "not",
    "yet",
    "but",
    "pending",
    "planned",
    "plan",
    "plans",
    "progress",
    "draft",
    "partial",
    "partially",
    "intend",
    "intends",
    "intended",
    "tbc",
    "tbd",
    "except",
    "unless",
    "awaiting",
    "expected",
    "soon",
    "future",
    "will",
    "unable",
    "cannot",
    "outside",
];

/// Options that say no (or not provided, unable to confirm, outside the
/// UK): a qualification after them cannot make a passing fact.
fn is_negative(option: &str) -> bool {
    canonical(option).first().is_some_and(|t| {
        ["no", "not", "unable", "cannot", "outside", "in"].contains(&t.word.as_str())
    })
}

/// The word that takes a positive answer back, if one of the first words
/// on the answer's own line does ("Yes - but not yet", "Provided (in
/// progress)", "Yes/No"). Later lines and sentences explain ("there is no
/// requirement for a certificate") and are kept as a note.
fn hedge(rest: &str) -> Option<String> {
    let line = rest.lines().next().unwrap_or_default();
    let clause = line.split(['.', ';']).next().unwrap_or_default();
    canonical(clause)
        .into_iter()
        .take(4)
        .find(|t| HEDGES.contains(&t.word.as_str()))
        .map(|t| t.word)
}

/// `true` or `false` as the question's yes or no option.
fn read_bool(question: &Question, value: bool) -> Reading {
    let wanted: &[&[&str]] = if value {
        &[&["yes"], &["provided"], &["confirm"]]
    } else {
        &[&["no"], &["not", "provided"], &["cannot", "confirm"]]
    };
    for option in question.options {
        let tokens = canonical(option);
        if wanted.iter().any(|w| is_words(&tokens, w)) {
            return Reading::Option { option, rest: None };
        }
    }
    Reading::Invalid(format!(
        "is {value}, which is none of the form's options ({})",
        if question.is_free_text() {
            "free text".to_owned()
        } else {
            question.options.join(" | ")
        }
    ))
}

/// Whether `option` is `wanted`, as the reader compares them.
pub fn same_option(option: &str, wanted: &str) -> bool {
    let (a, b) = (canonical(option), canonical(wanted));
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.word == y.word)
}

/// One word of an answer, lower case, with the byte offset in the original
/// text just after the words it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    word: String,
    end: usize,
}

/// Words the form spells more than one way, and what they are read as: each
/// version of the form words the same option a little differently.
const SYNONYMS: &[(&[&str], &[&str])] = &[
    (&["confirmed"], &["confirm"]),
    (&["unable", "to", "confirm"], &["cannot", "confirm"]),
    (&["can", "not", "confirm"], &["cannot", "confirm"]),
    (&["no", "evidence", "available"], &["not", "provided"]),
    (&["not", "available"], &["not", "provided"]),
    (&["outside", "the", "uk"], &["outside", "of", "uk"]),
    (&["outside", "uk"], &["outside", "of", "uk"]),
    (&["outside", "the", "eu"], &["outside", "of", "eu"]),
    (&["outside", "eu"], &["outside", "of", "eu"]),
    (&["n", "a"], &["not", "applicable"]),
    (&["na"], &["not", "applicable"]),
];

/// Whole answers read as yes or no.
const WHOLE: &[(&str, &str)] = &[("y", "yes"), ("true", "yes"), ("n", "no"), ("false", "no")];

/// The answer's words, lower case, with [`SYNONYMS`] applied.
fn canonical(text: &str) -> Vec<Token> {
    let mut raw: Vec<(String, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            raw.push((text.get(s..i).unwrap_or_default().to_lowercase(), i));
        }
    }
    if let [(word, end)] = raw.as_slice()
        && let Some((_, to)) = WHOLE.iter().find(|(from, _)| from == word)
    {
        return vec![Token {
            word: (*to).to_owned(),
            end: *end,
        }];
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let rest = raw.get(i..).unwrap_or_default();
        let synonym = SYNONYMS.iter().find(|(from, _)| {
            rest.len() >= from.len() && from.iter().zip(rest).all(|(f, (w, _))| f == w)
        });
        if let Some((from, to)) = synonym {
            let end = rest.get(from.len() - 1).map_or(0, |(_, e)| *e);
            out.extend(to.iter().map(|w| Token {
                word: (*w).to_owned(),
                end,
            }));
            i += from.len();
        } else if let Some((word, end)) = rest.first() {
            out.push(Token {
                word: word.clone(),
                end: *end,
            });
            i += 1;
        }
    }
    out
}

fn is_words(tokens: &[Token], words: &[&str]) -> bool {
    tokens.len() == words.len() && tokens.iter().zip(words).all(|(t, w)| t.word == *w)
}

/// The questions the answers route past, each with the question and option
/// that routes past it. Routes are followed in the form's order, and a
/// question routed past does not route anything itself.
pub fn skipped<'a>(
    version: Version,
    answer_of: impl Fn(&str) -> Option<&'a Reading>,
) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str, &'static str)> = Vec::new();
    for question in questions(version) {
        if out.iter().any(|(id, _, _)| *id == question.id) {
            continue;
        }
        let Some(Reading::Option { option, .. }) = answer_of(question.id) else {
            continue;
        };
        for route in question.routes {
            if same_option(option, route.option) {
                for skip in route.skips {
                    if !out.iter().any(|(id, _, _)| id == skip) {
                        out.push((skip, question.id, route.option));
                    }
                }
            }
        }
    }
    out
}

impl Version {
    /// Whether this version of the form asks question `id`.
    pub fn asks(self, id: &str) -> bool {
        question(self, id).is_some()
    }

    /// The ids among `ids` that only this version asks, in their order:
    /// what tells a document's version when it does not declare one.
    pub fn only_asked<'a>(self, ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        ids.into_iter().filter(|id| self.only_asks(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> AnswerValue {
        AnswerValue::Text(s.to_owned())
    }

    fn option(version: Version, id: &str, answer: &str) -> Option<(&'static str, Option<String>)> {
        match read(question(version, id)?, &text(answer)) {
            Reading::Option { option, rest } => Some((option, rest)),
            _ => None,
        }
    }

    #[test]
    fn the_forms_own_words_and_their_variants() {
        use Version::{V1, V2};
        assert_eq!(option(V2, "C1.2.4", "Provided"), Some(("Provided", None)));
        assert_eq!(
            option(V2, "C1.2.4", "NOT PROVIDED."),
            Some(("Not provided", None))
        );
        assert_eq!(
            option(V2, "C3.1", "Not provided"),
            Some(("Not Provided", None))
        );
        assert_eq!(option(V2, "C2.1", "Confirm"), Some(("Confirmed", None)));
        assert_eq!(
            option(V2, "C2.1", "Cannot confirm"),
            Some(("Unable to Confirm", None))
        );
        assert_eq!(
            option(V1, "C2.3.1", "Unable to Confirm"),
            Some(("Unable to confirm", None))
        );
        assert_eq!(
            option(V1, "C1.1.1", "Not provided"),
            Some(("No evidence available", None))
        );
        assert_eq!(
            option(V1, "C2.5", "UK Only / (London, England)"),
            Some(("UK only", Some("(London, England)".to_owned())))
        );
        assert_eq!(
            option(V2, "C2.2.5", "Outside the UK"),
            Some(("Outside of UK", None))
        );
        assert_eq!(
            option(V1, "C3.3", "Yes – internal code review"),
            Some(("Yes - Internal code review", None))
        );
        assert_eq!(
            option(V1, "C3.3", "No because there is no custom code."),
            Some(("No because there is no custom code", None))
        );
        assert_eq!(
            option(V2, "C1.2.2", "Yes. See attached"),
            Some(("Yes", Some("See attached".to_owned())))
        );
        assert_eq!(
            option(V2, "C3.5.1", "N/A"),
            Some((
                "Not applicable as supplier has no access to the product",
                None
            ))
        );
        assert_eq!(option(V2, "C3.5", "y"), Some(("Yes", None)));
        // Word boundaries: "Yesterday" is not "Yes", "Not" is not "No".
        assert_eq!(option(V2, "C3.5", "Yesterday"), None);
        assert_eq!(option(V2, "C3.5", "Not yet"), None);
        assert_eq!(option(V2, "C2.1", "No"), None);
        assert_eq!(option(V2, "C2.1", "Standards Met"), None);
        assert_eq!(option(V2, "C3.5", "N/A"), None);
    }

    #[test]
    fn booleans_are_the_yes_and_no_options() {
        let c331 = question(Version::V2, "C3.3");
        assert!(matches!(
            c331.map(|q| read(q, &AnswerValue::Bool(false))),
            Some(Reading::Option {
                option: "Not provided",
                ..
            })
        ));
        let cso = question(Version::V2, "C1.2.5");
        assert!(matches!(
            cso.map(|q| read(q, &AnswerValue::Bool(true))),
            Some(Reading::Invalid(_))
        ));
    }

    #[test]
    fn every_route_names_an_option_and_questions_of_its_version() {
        for version in [Version::V1, Version::V2] {
            for (i, asked) in questions(version).iter().enumerate() {
                assert!(
                    questions(version)
                        .iter()
                        .skip(i + 1)
                        .all(|q| q.id != asked.id),
                    "{} twice",
                    asked.id
                );
                for route in asked.routes {
                    assert!(asked.options.contains(&route.option), "{}", asked.id);
                    for skip in route.skips {
                        assert!(question(version, skip).is_some(), "{skip}");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod hedge_tests {
    use super::*;

    fn reading(version: Version, id: &str, answer: &str) -> Reading {
        let Some(question) = question(version, id) else {
            return Reading::Invalid(format!("no question {id}"));
        };
        read(question, &AnswerValue::Text(answer.to_owned()))
    }

    #[test]
    fn a_positive_answer_taken_back_is_no_answer() {
        for answer in [
            "Yes - but not yet",
            "Yes/No",
            "Yes – intend to sign",
            "Yes, pending board approval",
        ] {
            assert!(
                matches!(reading(Version::V2, "C3.2", answer), Reading::Invalid(_)),
                "{answer}"
            );
        }
        assert!(matches!(
            reading(Version::V2, "C3.3", "Provided (in progress)"),
            Reading::Invalid(_)
        ));
        // An explanation after the answer is kept, not read as a hedge.
        assert!(matches!(
            reading(
                Version::V1,
                "C1.3.2",
                "Provided.\nAs a Class I device there is no requirement for a certificate."
            ),
            Reading::Option {
                option: "Provided",
                ..
            }
        ));
        // A negative answer stays negative, whatever follows.
        assert!(matches!(
            reading(Version::V2, "C3.2", "No - not yet"),
            Reading::Option { option: "No", .. }
        ));
    }
}
