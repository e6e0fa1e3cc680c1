//! Who hears about what: a subscription is a webhook URL or an e-mail
//! address, and filters on supplier, product, rule, severity and transition
//! (each absent filter matches anything).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::Db;

/// The transitions a subscription can ask for; `any` stands for all.
pub const TRANSITIONS: &[&str] = &[
    "approve",
    "reject",
    "needs-evidence",
    "new-blocking",
    "expiring",
    "any",
];

/// The longest target or filter value kept.
const MAX_LEN: usize = 2048;

/// A subscription as asked for, before it is checked.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// `webhook` or `email`.
    pub kind: String,
    /// The webhook's URL, or the e-mail address.
    pub target: String,
    /// Only this supplier's products.
    #[serde(default)]
    pub supplier: Option<String>,
    /// Only this product.
    #[serde(default)]
    pub product: Option<String>,
    /// Only changes involving this rule.
    #[serde(default)]
    pub rule: Option<String>,
    /// Only changes involving findings of this severity.
    #[serde(default)]
    pub severity: Option<String>,
    /// Only these transitions (none, or `any`: every one).
    #[serde(default)]
    pub transitions: Vec<String>,
}

/// A subscription as stored, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SubscriptionRow {
    /// Its id.
    pub id: String,
    /// `webhook` or `email`.
    pub kind: String,
    /// The webhook's URL, or the e-mail address.
    pub target: String,
    /// Only this supplier's products.
    pub supplier: Option<String>,
    /// Only this product.
    pub product: Option<String>,
    /// Only changes involving this rule.
    pub rule: Option<String>,
    /// Only changes involving findings of this severity.
    pub severity: Option<String>,
    /// Only these transitions (empty: every one).
    pub transitions: Vec<String>,
    /// When it was created.
    pub created_at: String,
    /// The token that created it.
    pub created_by: String,
    /// When it was revoked; nothing is sent to it after.
    pub revoked_at: Option<String>,
}

/// A stored subscription's columns, secret excluded.
type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
);

impl NewSubscription {
    /// Every problem with this subscription, or none. A webhook must be an
    /// `https://` URL, or `http://` to this machine (to any host when
    /// `allow_plain_http`), with no credentials in it: the signature is what
    /// authenticates the sender.
    pub fn validate(&self, allow_plain_http: bool) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        match self.kind.as_str() {
            "webhook" => {
                if let Err(problem) = check_url(&self.target, allow_plain_http) {
                    problems.push(problem);
                }
            }
            "email" => {
                if self.target.parse::<lettre::Address>().is_err() {
                    problems.push(format!(
                        "`{}` is not an e-mail address",
                        shorten(&self.target)
                    ));
                }
            }
            other => problems.push(format!(
                "the kind `{}` is not `webhook` or `email`",
                shorten(other)
            )),
        }
        if self.target.len() > MAX_LEN {
            problems.push(format!("the target is longer than {MAX_LEN} bytes"));
        }
        for (name, value) in [
            ("supplier", &self.supplier),
            ("product", &self.product),
            ("rule", &self.rule),
            ("severity", &self.severity),
        ] {
            if let Some(value) = value {
                if value.trim().is_empty() {
                    problems.push(format!("the {name} is empty: leave it out to match any"));
                } else if value.len() > MAX_LEN || value.chars().any(char::is_control) {
                    problems.push(format!("the {name} `{}` is not a name", shorten(value)));
                }
            }
        }
        for transition in &self.transitions {
            if !TRANSITIONS.contains(&transition.as_str()) {
                problems.push(format!(
                    "the transition `{}` is not one of {}",
                    shorten(transition),
                    TRANSITIONS.join(", ")
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The transitions as stored: `NULL` for every one.
    fn stored_transitions(&self) -> Option<String> {
        let mut transitions: Vec<&str> = self.transitions.iter().map(String::as_str).collect();
        transitions.sort_unstable();
        transitions.dedup();
        if transitions.is_empty() || transitions.contains(&"any") {
            None
        } else {
            Some(transitions.join(","))
        }
    }
}

/// Why a webhook URL cannot be used, if it cannot.
fn check_url(target: &str, allow_plain_http: bool) -> Result<(), String> {
    let shown = shorten(target);
    let url = reqwest::Url::parse(target)
        .map_err(|e| format!("the webhook `{shown}` is not a URL: {e}"))?;
    let host = url
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or_else(|| format!("the webhook `{shown}` names no host"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "the webhook `{shown}` holds credentials: leave them out, the signature authenticates each delivery"
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" => {
            if super::host::is_loopback(host) || allow_plain_http {
                Ok(())
            } else {
                Err(format!(
                    "the webhook `{shown}` is plain http to another host: use https"
                ))
            }
        }
        other => Err(format!(
            "the webhook `{shown}` is `{other}`, not http or https"
        )),
    }
}

/// A value as a message may quote it: at most 100 characters, one line.
fn shorten(value: &str) -> String {
    let mut shown: String = value
        .chars()
        .take(100)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if value.chars().nth(100).is_some() {
        shown.push('…');
    }
    shown
}

/// Stores a subscription after checking it (see
/// [`NewSubscription::validate`]; plain http only to this machine); its id,
/// and for a webhook its signing secret, which is shown this once and never
/// listed.
pub async fn create(
    db: &Db,
    new: &NewSubscription,
    created_by: &str,
) -> Result<(String, Option<String>), String> {
    create_with_policy(db, new, created_by, false).await
}

/// [`create`], with plain-http webhooks to other hosts allowed when
/// `allow_plain_http` (a closed network that terminates TLS elsewhere).
pub async fn create_with_policy(
    db: &Db,
    new: &NewSubscription,
    created_by: &str,
    allow_plain_http: bool,
) -> Result<(String, Option<String>), String> {
    new.validate(allow_plain_http)
        .map_err(|problems| problems.join("; "))?;
    let id = crate::db::new_id("sub");
    let secret = (new.kind == "webhook").then(super::webhook::new_secret);
    let trimmed = |value: &Option<String>| value.as_ref().map(|v| v.trim().to_owned());
    sqlx::query(
        "INSERT INTO subscriptions (id, kind, target, secret, supplier, product, rule, severity, transitions, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(&new.kind)
    .bind(new.target.trim())
    .bind(secret.clone())
    .bind(trimmed(&new.supplier))
    .bind(trimmed(&new.product))
    .bind(trimmed(&new.rule))
    .bind(trimmed(&new.severity))
    .bind(new.stored_transitions())
    .bind(jiff::Timestamp::now().to_string())
    .bind(created_by)
    .execute(&db.pool)
    .await
    .map_err(|e| format!("cannot store the subscription: {e}"))?;
    Ok((id, secret))
}

/// Every subscription, revoked ones too, oldest first; no secret.
pub async fn list(db: &Db) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, target, supplier, product, rule, severity, transitions, created_at, created_by, revoked_at \
         FROM subscriptions ORDER BY created_at, id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(row).collect())
}

/// Every subscription not revoked, oldest first, read through `executor`
/// (the pool, or the transaction queuing a change).
pub async fn active<'c, E>(executor: E) -> Result<Vec<SubscriptionRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, target, supplier, product, rule, severity, transitions, created_at, created_by, revoked_at \
         FROM subscriptions WHERE revoked_at IS NULL ORDER BY created_at, id",
    )
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().map(row).collect())
}

/// One subscription, without its secret.
pub async fn get(db: &Db, id: &str) -> Result<Option<SubscriptionRow>, sqlx::Error> {
    let found: Option<Row> = sqlx::query_as(
        "SELECT id, kind, target, supplier, product, rule, severity, transitions, created_at, created_by, revoked_at \
         FROM subscriptions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.map(row))
}

fn row(
    (
        id,
        kind,
        target,
        supplier,
        product,
        rule,
        severity,
        transitions,
        created_at,
        created_by,
        revoked_at,
    ): Row,
) -> SubscriptionRow {
    SubscriptionRow {
        id,
        kind,
        target,
        supplier,
        product,
        rule,
        severity,
        transitions: transitions
            .map(|t| {
                t.split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        created_at,
        created_by,
        revoked_at,
    }
}

/// Revokes a subscription: nothing more is sent to it, and what is queued
/// for it is cancelled when its turn comes. Whether it was active.
pub async fn revoke(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE subscriptions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(jiff::Timestamp::now().to_string())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a change matches a subscription: its supplier and product, the
/// rules and severities of the findings involved, and the transitions it
/// makes (`approve`, `reject`, `needs-evidence`, `new-blocking`,
/// `expiring`). A revoked subscription matches nothing.
pub fn matches(
    sub: &SubscriptionRow,
    supplier: &str,
    product: &str,
    rules: &[String],
    severities: &[String],
    transitions: &[String],
) -> bool {
    sub.revoked_at.is_none()
        && sub.supplier.as_deref().is_none_or(|s| s == supplier)
        && sub.product.as_deref().is_none_or(|p| p == product)
        && sub
            .rule
            .as_deref()
            .is_none_or(|r| rules.iter().any(|x| x == r))
        && sub
            .severity
            .as_deref()
            .is_none_or(|s| severities.iter().any(|x| x.eq_ignore_ascii_case(s)))
        && (sub.transitions.is_empty()
            || sub.transitions.iter().any(|t| t == "any")
            || sub.transitions.iter().any(|t| transitions.contains(t)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn webhook(target: &str) -> NewSubscription {
        NewSubscription {
            kind: "webhook".into(),
            target: target.into(),
            ..NewSubscription::default()
        }
    }

    #[test]
    fn webhooks_are_https_or_plain_http_to_this_machine() {
        for ok in [
            "https://hooks.example.org/assure",
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://[::1]:9000/",
        ] {
            assert_eq!(webhook(ok).validate(false), Ok(()), "{ok}");
        }
        let refused = |target: &str| webhook(target).validate(false).unwrap_err().join("; ");
        assert!(refused("http://hooks.example.org/").contains("plain http to another host"));
        assert!(refused("http://10.0.0.8/").contains("plain http to another host"));
        assert!(refused("ftp://hooks.example.org/").contains("not http or https"));
        assert!(refused("hooks.example.org/x").contains("is not a URL"));
        assert!(refused("https://user:pw@hooks.example.org/").contains("holds credentials"));
        assert_eq!(webhook("http://hooks.example.org/").validate(true), Ok(()));
    }

    #[test]
    fn email_targets_are_addresses() {
        let email = |target: &str| NewSubscription {
            kind: "email".into(),
            target: target.into(),
            ..NewSubscription::default()
        };
        assert_eq!(email("security@trust.nhs.uk").validate(false), Ok(()));
        for bad in ["security", "a@b\r\nBcc: x@y", "@trust.nhs.uk", ""] {
            assert!(email(bad).validate(false).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let new = NewSubscription {
            kind: "pager".into(),
            target: "x".into(),
            supplier: Some(" ".into()),
            transitions: vec!["approve".into(), "approved".into()],
            ..NewSubscription::default()
        };
        let problems = new.validate(false).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`pager` is not `webhook` or `email`"));
        assert!(problems[1].contains("the supplier is empty"));
        assert!(problems[2].contains("the transition `approved` is not one of"));
    }

    #[test]
    fn transitions_are_stored_sorted_and_any_is_everything() {
        let mut new = webhook("https://h.example.org/");
        new.transitions = vec!["reject".into(), "approve".into(), "reject".into()];
        assert_eq!(new.stored_transitions().as_deref(), Some("approve,reject"));
        new.transitions.push("any".into());
        assert_eq!(new.stored_transitions(), None);
    }

    fn sub() -> SubscriptionRow {
        SubscriptionRow {
            id: "sub-1".into(),
            kind: "webhook".into(),
            target: "https://h.example.org/".into(),
            supplier: None,
            product: None,
            rule: None,
            severity: None,
            transitions: Vec::new(),
            created_at: "2026-01-01T00:00:00Z".into(),
            created_by: "t-1".into(),
            revoked_at: None,
        }
    }

    #[test]
    fn filters_match_only_what_they_name() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let change = |sub: &SubscriptionRow| {
            matches(
                sub,
                "acme",
                "pacs",
                &s(&["sbom-present"]),
                &s(&["High"]),
                &s(&["reject", "new-blocking"]),
            )
        };
        assert!(change(&sub()));
        assert!(change(&SubscriptionRow {
            supplier: Some("acme".into()),
            ..sub()
        }));
        assert!(!change(&SubscriptionRow {
            supplier: Some("globex".into()),
            ..sub()
        }));
        assert!(!change(&SubscriptionRow {
            product: Some("ris".into()),
            ..sub()
        }));
        assert!(change(&SubscriptionRow {
            rule: Some("sbom-present".into()),
            ..sub()
        }));
        assert!(!change(&SubscriptionRow {
            rule: Some("pentest-recent".into()),
            ..sub()
        }));
        assert!(change(&SubscriptionRow {
            severity: Some("high".into()),
            ..sub()
        }));
        assert!(!change(&SubscriptionRow {
            severity: Some("critical".into()),
            ..sub()
        }));
        assert!(change(&SubscriptionRow {
            transitions: s(&["approve", "reject"]),
            ..sub()
        }));
        assert!(change(&SubscriptionRow {
            transitions: s(&["any"]),
            ..sub()
        }));
        assert!(!change(&SubscriptionRow {
            transitions: s(&["approve", "expiring"]),
            ..sub()
        }));
        assert!(!change(&SubscriptionRow {
            revoked_at: Some("2026-02-01T00:00:00Z".into()),
            ..sub()
        }));
    }
}
