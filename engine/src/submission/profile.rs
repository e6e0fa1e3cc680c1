//! The deployment profile (`[profile]` in `submission.toml`): what the product
//! is and does, and how critical it is. It reaches the policies as
//! `context.profile`.
//!
//! # Criticality tiers ("greatest harm")
//!
//! The health and care cyber strategy's first pillar is to focus on the
//! greatest risks and harms. There is no single NHS list of critical systems,
//! so the tier is derived from what the product is, and compared with the
//! tier the supplier claims (`criticality`). The rules see the stricter of
//! the two, so understating it gains nothing (and R29 says so).
//!
//! | implies | when | source |
//! |---|---|---|
//! | critical | `real_time_direct_care` | DTAC v2.0 C1.2: the product supports real-time or near-real-time direct care |
//! | critical | `device_class` IIb or III | UK MDR 2002 (SI 2002/618) Part II classes: the higher-risk devices |
//! | critical | `designated_critical_supplier` | Cyber Security and Resilience Bill (Nov 2025): designated critical suppliers come under NIS |
//! | high | `essential_function` | NIS Regulations 2018 essential services; CAF-aligned DSPT (Sept 2024) |
//! | high | `device_class` I or IIa | UK MDR 2002 Part II classes: the lower-risk devices |
//! | high | `managed_service` | Cyber Security and Resilience Bill: managed service providers come under NIS |
//! | high | `patient_data` and `hosted_service` | one supplier holding many organisations' patient records: a compromise harms them all at once (DSPT is required of such suppliers) |
//! | standard | none of these | |
//!
//! A question left unanswered is judged as its strictest answer (`true`,
//! class `III`, tier `critical`) and listed as missing evidence, exactly like
//! the four yes/no questions.

use serde::{Deserialize, Serialize};

/// A criticality tier, from least to most critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Tier {
    /// No input implies more.
    Standard,
    /// An essential function, a class I or IIa device, a managed service,
    /// or a hosted service holding patient data.
    High,
    /// Real-time direct care, a class IIb or III device, or a designated
    /// critical supplier.
    Critical,
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Tier {
    /// Every tier, least critical first.
    pub const ALL: [Tier; 3] = [Tier::Standard, Tier::High, Tier::Critical];

    /// Its name in `submission.toml` and in `context.profile.criticality`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Standard => "standard",
            Tier::High => "high",
            Tier::Critical => "critical",
        }
    }

    /// Its number in `context.profile.tier`: 1 standard, 2 high, 3 critical.
    pub fn level(self) -> i64 {
        match self {
            Tier::Standard => 1,
            Tier::High => 2,
            Tier::Critical => 3,
        }
    }

    /// The tier of a name, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// What in a profile implies the tier (any one is enough), for people
    /// and generated documents.
    pub fn implied_by(self) -> &'static str {
        match self {
            Tier::Standard => "nothing below (the least a product can be)",
            Tier::High => {
                "an essential function of an NHS organisation (NIS, CAF-aligned DSPT); a class I \
                 or IIa medical device (UK MDR 2002); a managed service (Cyber Security and \
                 Resilience Bill); a hosted service holding patient data"
            }
            Tier::Critical => {
                "real-time or near-real-time direct care (DTAC v2.0 C1.2); a class IIb or III \
                 medical device (UK MDR 2002); a designated critical supplier (Cyber Security \
                 and Resilience Bill)"
            }
        }
    }
}

impl TryFrom<String> for Tier {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| {
            format!("`criticality` must be `standard`, `high` or `critical`, not `{text}`")
        })
    }
}

impl From<Tier> for String {
    fn from(tier: Tier) -> Self {
        tier.as_str().to_owned()
    }
}

/// A medical device's class under the UK Medical Devices Regulations 2002
/// (SI 2002/618), or `None` for a product that is no device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DeviceClass {
    /// Not a medical device.
    None,
    /// Class I.
    I,
    /// Class IIa.
    IIa,
    /// Class IIb.
    IIb,
    /// Class III.
    III,
}

impl DeviceClass {
    /// Every class, "none" first.
    pub const ALL: [DeviceClass; 5] = [
        DeviceClass::None,
        DeviceClass::I,
        DeviceClass::IIa,
        DeviceClass::IIb,
        DeviceClass::III,
    ];

    /// Its name in `submission.toml` and in `context.profile.device_class`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceClass::None => "none",
            DeviceClass::I => "I",
            DeviceClass::IIa => "IIa",
            DeviceClass::IIb => "IIb",
            DeviceClass::III => "III",
        }
    }

    /// The class of a name, if it is one (written as the regulations write
    /// it: `IIa`, not `2a`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The tier the class implies on its own.
    pub fn implied_tier(self) -> Tier {
        match self {
            DeviceClass::None => Tier::Standard,
            DeviceClass::I | DeviceClass::IIa => Tier::High,
            DeviceClass::IIb | DeviceClass::III => Tier::Critical,
        }
    }
}

impl TryFrom<String> for DeviceClass {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| {
            format!(
                "`device_class` must be `none`, `I`, `IIa`, `IIb` or `III` (UK MDR 2002), not `{text}`"
            )
        })
    }
}

impl From<DeviceClass> for String {
    fn from(class: DeviceClass) -> Self {
        class.as_str().to_owned()
    }
}

/// The product's deployment profile: it reaches the policies as
/// `context.profile`. Each question must be answered: a key left out is
/// not `false` (that would make fewer rules apply) but unanswered, judged as
/// its strictest answer — `true`, device class `III`, tier `critical` —
/// under which more rules apply, and listed as missing evidence, so the
/// verdict is needs-evidence at best.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The product stores or processes patient data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_data: Option<bool>,
    /// The supplier hosts the product as a service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_service: Option<bool>,
    /// The product is (or contains) a medical device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_device: Option<bool>,
    /// The supplier has remote access for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier_remote_access: Option<bool>,
    /// The tier the supplier claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Tier>,
    /// The product supports real-time or near-real-time direct care (DTAC
    /// v2.0 C1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_time_direct_care: Option<bool>,
    /// The medical device class (UK MDR 2002), `none` for no device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_class: Option<DeviceClass>,
    /// The product supports an essential function of an NHS organisation
    /// (NIS; CAF-aligned DSPT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essential_function: Option<bool>,
    /// The supplier is a designated critical supplier (Cyber Security and
    /// Resilience Bill).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designated_critical_supplier: Option<bool>,
    /// The supplier operates the product as a managed service (Cyber
    /// Security and Resilience Bill: managed service providers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_service: Option<bool>,
}

/// The yes/no questions' answers.
const YES_NO: &[&str] = &["true", "false"];
/// The tiers' names.
const TIERS: &[&str] = &["standard", "high", "critical"];
/// The device classes' names.
const CLASSES: &[&str] = &["none", "I", "IIa", "IIb", "III"];

/// The questions a tier is derived from, besides `criticality` itself.
pub const TIER_INPUTS: [&str; 7] = [
    "real_time_direct_care",
    "device_class",
    "essential_function",
    "designated_critical_supplier",
    "managed_service",
    "patient_data",
    "hosted_service",
];

impl Profile {
    /// Every question, with the question a person answers.
    pub const QUESTIONS: [(&'static str, &'static str); 10] = [
        (
            "patient_data",
            "Does the product store or process patient data?",
        ),
        (
            "hosted_service",
            "Does the supplier host the product as a service?",
        ),
        (
            "medical_device",
            "Is the product (or does it contain) a medical device?",
        ),
        (
            "supplier_remote_access",
            "Does the supplier have remote access to the product for support?",
        ),
        (
            "criticality",
            "Which criticality tier do you claim for the product: standard, high or critical?",
        ),
        (
            "real_time_direct_care",
            "Does the product support real-time or near-real-time direct care (DTAC v2.0 C1.2)?",
        ),
        (
            "device_class",
            "What is its medical device class under UK MDR 2002: none, I, IIa, IIb or III?",
        ),
        (
            "essential_function",
            "Does the product support an essential function of an NHS organisation (NIS, CAF-aligned DSPT)?",
        ),
        (
            "designated_critical_supplier",
            "Is the supplier a designated critical supplier (Cyber Security and Resilience Bill)?",
        ),
        (
            "managed_service",
            "Does the supplier operate the product as a managed service (Cyber Security and Resilience Bill)?",
        ),
    ];

    /// The answers a question takes, as written in `submission.toml`
    /// (booleans as `true` / `false`).
    pub fn answers(key: &str) -> &'static [&'static str] {
        match key {
            "criticality" => TIERS,
            "device_class" => CLASSES,
            _ => YES_NO,
        }
    }

    /// The answer an unanswered question is judged as: the strictest.
    pub fn strictest(key: &str) -> &'static str {
        match key {
            "criticality" => "critical",
            "device_class" => "III",
            _ => "true",
        }
    }

    /// Whether the question is answered `true` or `false` (rather than with
    /// a name).
    pub fn is_yes_no(key: &str) -> bool {
        !matches!(key, "criticality" | "device_class")
    }

    /// A profile with the four yes/no questions answered and a tier that
    /// follows from them alone: no tier input is set, and the claim is the
    /// tier those answers imply (`high` for a hosted service with patient
    /// data, else `standard`).
    pub fn answered(
        patient_data: bool,
        hosted_service: bool,
        medical_device: bool,
        supplier_remote_access: bool,
    ) -> Self {
        let mut profile = Self {
            patient_data: Some(patient_data),
            hosted_service: Some(hosted_service),
            medical_device: Some(medical_device),
            supplier_remote_access: Some(supplier_remote_access),
            criticality: None,
            real_time_direct_care: Some(false),
            device_class: Some(DeviceClass::None),
            essential_function: Some(false),
            designated_critical_supplier: Some(false),
            managed_service: Some(false),
        };
        profile.criticality = Some(profile.implied_tier());
        profile
    }

    fn yes_no(&self, key: &str) -> Option<&Option<bool>> {
        Some(match key {
            "patient_data" => &self.patient_data,
            "hosted_service" => &self.hosted_service,
            "medical_device" => &self.medical_device,
            "supplier_remote_access" => &self.supplier_remote_access,
            "real_time_direct_care" => &self.real_time_direct_care,
            "essential_function" => &self.essential_function,
            "designated_critical_supplier" => &self.designated_critical_supplier,
            "managed_service" => &self.managed_service,
            _ => return None,
        })
    }

    fn yes_no_mut(&mut self, key: &str) -> Option<&mut Option<bool>> {
        Some(match key {
            "patient_data" => &mut self.patient_data,
            "hosted_service" => &mut self.hosted_service,
            "medical_device" => &mut self.medical_device,
            "supplier_remote_access" => &mut self.supplier_remote_access,
            "real_time_direct_care" => &mut self.real_time_direct_care,
            "essential_function" => &mut self.essential_function,
            "designated_critical_supplier" => &mut self.designated_critical_supplier,
            "managed_service" => &mut self.managed_service,
            _ => return None,
        })
    }

    /// The answer to a yes/no question by its key, `None` when unanswered
    /// or no such yes/no question.
    pub fn get(&self, key: &str) -> Option<bool> {
        self.yes_no(key).copied().flatten()
    }

    /// The answer to any question by its key, as written in
    /// `submission.toml`; `None` when unanswered or no such question.
    pub fn answer(&self, key: &str) -> Option<&'static str> {
        match key {
            "criticality" => self.criticality.map(Tier::as_str),
            "device_class" => self.device_class.map(DeviceClass::as_str),
            _ => self.get(key).map(|b| if b { "true" } else { "false" }),
        }
    }

    /// Sets the answer to a yes/no question by its key; false when no such
    /// yes/no question.
    pub fn set(&mut self, key: &str, value: bool) -> bool {
        match self.yes_no_mut(key) {
            Some(slot) => {
                *slot = Some(value);
                true
            }
            None => false,
        }
    }

    /// Sets the answer to any question from its text (`true`, `high`,
    /// `IIa`…).
    ///
    /// # Errors
    ///
    /// When there is no such question, or the text is not one of its
    /// answers: the message says which are.
    pub fn set_answer(&mut self, key: &str, text: &str) -> Result<(), crate::error::ProfileError> {
        self.set_answer_text(key, text).map_err(Into::into)
    }

    fn set_answer_text(&mut self, key: &str, text: &str) -> Result<(), String> {
        let text = text.trim();
        if !Self::QUESTIONS.iter().any(|(k, _)| *k == key) {
            return Err(format!("`{key}` is no profile question"));
        }
        match key {
            "criticality" => {
                self.criticality = Some(Tier::try_from(text.to_owned())?);
            }
            "device_class" => {
                self.device_class = Some(DeviceClass::try_from(text.to_owned())?);
            }
            _ => {
                let value = match text {
                    "true" | "yes" => true,
                    "false" | "no" => false,
                    other => return Err(format!("`{key}` must be true or false, not `{other}`")),
                };
                self.set(key, value);
            }
        }
        Ok(())
    }

    /// The value the rules see for a yes/no question: the answer, or `true`
    /// when unanswered (the stricter reading: more rules apply).
    pub fn effective(&self, key: &str) -> bool {
        self.get(key).unwrap_or(true)
    }

    /// The device class the rules see: the answer, or `III` when
    /// unanswered.
    pub fn effective_device_class(&self) -> DeviceClass {
        self.device_class.unwrap_or(DeviceClass::III)
    }

    /// The tier the supplier claims, or `critical` when unanswered.
    pub fn claimed_tier(&self) -> Tier {
        self.criticality.unwrap_or(Tier::Critical)
    }

    /// The tier the other answers imply (the mapping is in the module's
    /// documentation); unanswered inputs count as their strictest answer.
    pub fn implied_tier(&self) -> Tier {
        let yes = |key: &str| self.effective(key);
        let class = self.effective_device_class().implied_tier();
        let by_answers = if yes("real_time_direct_care") || yes("designated_critical_supplier") {
            Tier::Critical
        } else if yes("essential_function")
            || yes("managed_service")
            || (yes("patient_data") && yes("hosted_service"))
        {
            Tier::High
        } else {
            Tier::Standard
        };
        by_answers.max(class)
    }

    /// The tier the rules apply: the stricter of the claimed and the
    /// implied.
    pub fn tier(&self) -> Tier {
        self.claimed_tier().max(self.implied_tier())
    }

    /// The keys of the questions not answered, in order.
    pub fn unanswered(&self) -> Vec<&'static str> {
        Self::QUESTIONS
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| self.answer(key).is_none())
            .collect()
    }

    /// The questions whose answers decide a value the rules read
    /// (`context.profile.<read>`): the derived `criticality` and `tier`
    /// depend on the claim and every tier input, `claimed_tier` on the claim,
    /// `implied_tier` on the inputs; any other on itself.
    pub fn depends_on(read: &str) -> Vec<&str> {
        match read {
            "criticality" | "tier" => std::iter::once("criticality").chain(TIER_INPUTS).collect(),
            "claimed_tier" => vec!["criticality"],
            "implied_tier" => TIER_INPUTS.to_vec(),
            other => vec![other],
        }
    }

    /// What contradicts itself in the answers: a product that is no medical
    /// device yet has a device class.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.medical_device == Some(false)
            && let Some(class) = self.device_class
            && class != DeviceClass::None
        {
            problems.push(format!(
                "`profile.medical_device` is false but `profile.device_class` is `{}`: \
                 a product with a device class is a medical device; answer one of them again",
                class.as_str()
            ));
        }
        problems
    }

    /// Each unanswered question given its least strict answer (`false`,
    /// device class `none`, tier `standard`) when `value` is false, or its
    /// strictest when true: decision tables state only the answers that
    /// matter to a case.
    #[must_use]
    pub fn or(mut self, value: bool) -> Self {
        for (key, _) in Self::QUESTIONS {
            if self.answer(key).is_some() {
                continue;
            }
            match key {
                "criticality" => {
                    self.criticality = Some(if value {
                        Tier::Critical
                    } else {
                        Tier::Standard
                    });
                }
                "device_class" => {
                    self.device_class = Some(if value {
                        DeviceClass::III
                    } else {
                        DeviceClass::None
                    });
                }
                _ => {
                    self.set(key, value);
                }
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails on the first surprise")]

    use super::*;

    fn profile(text: &str) -> Result<Profile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_tier_is_the_stricter_of_the_claim_and_what_the_answers_imply() {
        let mut p = Profile::answered(false, false, false, false);
        assert_eq!(p.tier(), Tier::Standard);
        p.device_class = Some(DeviceClass::IIa);
        p.medical_device = Some(true);
        assert_eq!(
            (p.claimed_tier(), p.implied_tier()),
            (Tier::Standard, Tier::High)
        );
        assert_eq!(p.tier(), Tier::High);
        p.criticality = Some(Tier::Critical);
        assert_eq!(p.tier(), Tier::Critical);
        p.criticality = Some(Tier::Standard);
        p.real_time_direct_care = Some(true);
        assert_eq!(p.tier(), Tier::Critical);
        // A hosted service holding patient data is high on its own.
        assert_eq!(
            Profile::answered(true, true, false, false).tier(),
            Tier::High
        );
        assert_eq!(
            Profile::answered(true, false, false, false).tier(),
            Tier::Standard
        );
    }

    #[test]
    fn unanswered_means_strictest_and_is_listed() {
        let p = profile("patient_data = false\nhosted_service = false\nmedical_device = false\nsupplier_remote_access = false\n").unwrap();
        assert_eq!(p.claimed_tier(), Tier::Critical);
        assert_eq!(p.implied_tier(), Tier::Critical);
        assert_eq!(
            p.unanswered(),
            [
                "criticality",
                "real_time_direct_care",
                "device_class",
                "essential_function",
                "designated_critical_supplier",
                "managed_service"
            ]
        );
        // A claim of standard does not lower a tier whose inputs are
        // unanswered.
        let p = profile("criticality = \"standard\"\n").unwrap();
        assert_eq!(p.tier(), Tier::Critical);
    }

    #[test]
    fn unknown_values_name_the_key() {
        let e = profile("criticality = \"medium\"\n").unwrap_err();
        assert!(
            e.contains("`criticality` must be `standard`, `high` or `critical`, not `medium`"),
            "{e}"
        );
        let e = profile("device_class = \"IV\"\n").unwrap_err();
        assert!(e.contains("`device_class` must be"), "{e}");
        assert!(e.contains("not `IV`"), "{e}");
        assert!(
            profile("device_class = \"iia\"\n").is_err(),
            "classes are written as the regulations write them"
        );
        assert!(profile("criticality = 3\n").is_err());
    }

    #[test]
    fn set_answer_takes_each_kind_of_answer() {
        let mut p = Profile::default();
        p.set_answer("criticality", "high").unwrap();
        p.set_answer("device_class", "IIb").unwrap();
        p.set_answer("managed_service", "false").unwrap();
        assert_eq!(p.answer("criticality"), Some("high"));
        assert_eq!(p.answer("device_class"), Some("IIb"));
        assert_eq!(p.get("managed_service"), Some(false));
        assert!(p.set_answer("criticality", "medium").is_err());
        assert!(p.set_answer("managed_service", "maybe").is_err());
        assert!(p.set_answer("tier", "high").is_err());
    }

    #[test]
    fn a_device_class_without_a_device_is_a_problem() {
        let p = profile("medical_device = false\ndevice_class = \"IIa\"\n").unwrap();
        assert_eq!(p.problems().len(), 1);
        assert!(
            profile("medical_device = true\ndevice_class = \"IIa\"\n")
                .unwrap()
                .problems()
                .is_empty()
        );
        assert!(
            profile("medical_device = false\ndevice_class = \"none\"\n")
                .unwrap()
                .problems()
                .is_empty()
        );
    }

    #[test]
    fn a_decision_table_fills_in_the_least_strict_answers() {
        let p = Profile::default().or(false);
        assert!(p.unanswered().is_empty());
        assert_eq!(p.tier(), Tier::Standard);
        assert_eq!(Profile::default().or(true).tier(), Tier::Critical);
    }
}
