//! Keeping the portfolio current: each product's current decision, what it
//! says and when it can next change by itself (`product_state`); an index
//! from the CVEs and components its decision holds to the product
//! (`product_index`); the extractions kept (`facts_cache`), so that
//! re-deciding runs only the join and Cedar; and re-deciding products,
//! storing a new decision only when what it says changes, with the people
//! subscribed told through the outbox.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use assure_engine::change::{NextChange, Transition, next_change, substance_digest};
use assure_engine::factcache::MemoryFacts;
use assure_engine::{CheckOptions, Decision, Engine, Submission};
use assure_tlog::{Entry, EntryKind};
use serde::Serialize;
use sqlx::{Any, Transaction};
use utoipa::ToSchema;

use crate::db::Db;
use crate::problem::Problem;
use crate::state::AppState;

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// A time as stored where it is compared as text: fixed width, so that
/// text order is time order (`2025-09-22T00:00:00.000000000Z`).
pub fn sortable(t: jiff::Timestamp) -> String {
    format!(
        "{}.{:09}Z",
        t.strftime("%Y-%m-%dT%H:%M:%S"),
        t.subsec_nanosecond()
    )
}

/// The facts kept for `keys`, in a store a check reads and adds to.
pub async fn facts_for(db: &Db, keys: &[String]) -> Result<MemoryFacts, Problem> {
    let mut entries = Vec::new();
    for chunk in keys.chunks(200) {
        if chunk.is_empty() {
            continue;
        }
        let sql = format!(
            "SELECT key, entry FROM facts_cache WHERE key IN ({})",
            crate::db::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, Vec<u8>)>(&sql);
        for k in chunk {
            query = query.bind(k);
        }
        entries.extend(query.fetch_all(&db.pool).await.map_err(Problem::internal)?);
    }
    Ok(MemoryFacts::with(entries))
}

/// Stores the extractions a check added to `facts`, and forgets the
/// entries that did not verify.
pub async fn keep_facts(
    tx: &mut Transaction<'static, Any>,
    facts: &MemoryFacts,
) -> Result<(), Problem> {
    for key in facts.discarded() {
        sqlx::query("DELETE FROM facts_cache WHERE key = $1")
            .bind(&key)
            .execute(&mut **tx)
            .await
            .map_err(Problem::internal)?;
    }
    for (key, entry) in facts.written() {
        sqlx::query(
            "INSERT INTO facts_cache (key, entry, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
        )
        .bind(&key)
        .bind(entry)
        .bind(now())
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    }
    Ok(())
}

/// The CVE ids and package URLs anywhere in a decision's facts.
pub fn index_terms(decision: &Decision) -> BTreeSet<(&'static str, String)> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<(&'static str, String)>) {
        match v {
            serde_json::Value::String(s) => terms_in(s, out),
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| {
                terms_in(k, out);
                walk(v, out);
            }),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(facts) = serde_json::to_value(&decision.facts) {
        walk(&facts, &mut out);
    }
    out
}

fn terms_in(s: &str, out: &mut BTreeSet<(&'static str, String)>) {
    if s.starts_with("pkg:") {
        out.insert(("purl", s.to_owned()));
    }
    let upper = s.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let mut from = 0;
    while let Some(i) = upper.get(from..).and_then(|r| r.find("CVE-")) {
        let start = from + i;
        let mut end = start + 4;
        let digits = |at: usize| {
            bytes
                .get(at..)
                .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
        };
        let year = digits(end);
        if year == 4 && bytes.get(end + 4) == Some(&b'-') {
            end += 5;
            let number = digits(end);
            if number >= 4 {
                end += number;
                if let Some(cve) = upper.get(start..end) {
                    out.insert(("cve", cve.to_owned()));
                }
            }
        }
        from = start + 4;
    }
}

/// The id of the product `supplier` / `name`, if it has been submitted.
pub async fn product_id(
    conn: &mut sqlx::AnyConnection,
    supplier: &str,
    name: &str,
) -> Result<Option<String>, Problem> {
    sqlx::query_scalar(
        "SELECT p.id FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE s.name = $1 AND p.name = $2",
    )
    .bind(supplier)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await
    .map_err(Problem::internal)
}

/// A product's current decision as stored in `product_state`.
pub struct Current {
    pub decision_id: String,
    pub submission_id: String,
    /// What it says (`change::substance_digest`).
    pub substance: String,
    /// Its verdict.
    pub verdict: String,
    /// Its JSON, read only when what changed is to be told.
    json: String,
}

impl Current {
    /// The decision itself.
    pub fn decision(&self) -> Result<Decision, Problem> {
        serde_json::from_str(&self.json).map_err(Problem::internal)
    }
}

/// The current decision of `product_id`: its `product_state` row, or (for
/// a product decided before the service kept one) its latest decision.
pub async fn current(
    conn: &mut sqlx::AnyConnection,
    product_id: &str,
) -> Result<Option<Current>, Problem> {
    let state: Option<(String, String)> =
        sqlx::query_as("SELECT decision_id, substance FROM product_state WHERE product_id = $1")
            .bind(product_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Problem::internal)?;
    let (id, substance) = match state {
        Some((id, substance)) => (id, Some(substance)),
        None => {
            let latest: Option<String> = sqlx::query_scalar(
                "SELECT id FROM decisions WHERE product_id = $1 ORDER BY log_index DESC LIMIT 1",
            )
            .bind(product_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Problem::internal)?;
            let Some(latest) = latest else {
                return Ok(None);
            };
            (latest, None)
        }
    };
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT submission_id, verdict, decision_json FROM decisions WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(Problem::internal)?;
    let Some((submission_id, verdict, json)) = row else {
        return Ok(None);
    };
    let mut found = Current {
        decision_id: id,
        submission_id,
        substance: substance.unwrap_or_default(),
        verdict,
        json,
    };
    if found.substance.is_empty() {
        found.substance = substance_digest(&found.decision()?);
    }
    Ok(Some(found))
}

/// Who and what a change is about, for its notifications.
pub struct Subject<'a> {
    pub product_id: &'a str,
    pub decision_id: &'a str,
    pub previous: Option<&'a Current>,
    /// Why it was decided again (`new evidence`, `kev 2025.09.01 …`).
    pub cause: &'a str,
}

/// What a decision says (its substance digest) and when it can next change
/// by itself: worked out once per decision, off the async threads.
pub struct Assessed {
    pub substance: String,
    pub next: Option<NextChange>,
}

/// Assesses `decision` as `engine`'s bundle judges time.
pub fn assess(engine: &Engine, decision: &Decision) -> Assessed {
    Assessed {
        substance: substance_digest(decision),
        next: next_change(engine.bundle(), decision),
    }
}

/// Makes `decision` the product's current one: its state (what it says,
/// when it can next change), its index terms, and — when it differs from
/// the previous decision in a way people are told about — one notification
/// per matching subscription, queued in the outbox in the same transaction.
/// Returns how many notifications were queued.
pub async fn settle(
    tx: &mut Transaction<'static, Any>,
    subject: &Subject<'_>,
    decision: &Decision,
    assessed: &Assessed,
) -> Result<usize, Problem> {
    let substance = &assessed.substance;
    upsert_state(
        tx,
        subject.product_id,
        subject.decision_id,
        substance,
        decision,
        assessed.next.as_ref(),
    )
    .await?;
    sqlx::query("DELETE FROM product_index WHERE product_id = $1")
        .bind(subject.product_id)
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    for (kind, value) in index_terms(decision) {
        sqlx::query(
            "INSERT INTO product_index (kind, value, product_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(kind)
        .bind(value)
        .bind(subject.product_id)
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    }
    let Some(previous) = subject.previous else {
        return Ok(0);
    };
    if &previous.substance == substance {
        return Ok(0);
    }
    let transition = Transition::between(&previous.decision()?, decision);
    notify(tx, subject, previous, decision, substance, &transition).await
}

async fn upsert_state(
    tx: &mut Transaction<'static, Any>,
    product_id: &str,
    decision_id: &str,
    substance: &str,
    decision: &Decision,
    next: Option<&NextChange>,
) -> Result<(), Problem> {
    sqlx::query(
        "INSERT INTO product_state (product_id, decision_id, substance, verdict, next_check_at, next_check_reason, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (product_id) DO UPDATE SET decision_id = excluded.decision_id, substance = excluded.substance, verdict = excluded.verdict, next_check_at = excluded.next_check_at, next_check_reason = excluded.next_check_reason, updated_at = excluded.updated_at",
    )
    .bind(product_id)
    .bind(decision_id)
    .bind(substance)
    .bind(decision.verdict.as_str())
    .bind(next.map(|n| sortable(n.at)))
    .bind(next.map(|n| n.reason.clone()))
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(Problem::internal)?;
    Ok(())
}

/// The transitions a change is: the new verdict when it changed,
/// `new-blocking` when a blocking finding appeared, `expiring` when a
/// waiver entered its warning period. Empty: nobody is told.
pub fn labels(transition: &Transition) -> Vec<String> {
    let mut labels = Vec::new();
    if transition.verdict_changed() {
        labels.push(transition.to.as_str().to_owned());
    }
    if transition.new_blocking() {
        labels.push("new-blocking".to_owned());
    }
    if !transition.waivers_expiring.is_empty() {
        labels.push("expiring".to_owned());
    }
    labels
}

async fn notify(
    tx: &mut Transaction<'static, Any>,
    subject: &Subject<'_>,
    previous: &Current,
    decision: &Decision,
    substance: &str,
    transition: &Transition,
) -> Result<usize, Problem> {
    let labels = labels(transition);
    if labels.is_empty() {
        return Ok(0);
    }
    let product = &decision.product;
    let rules: Vec<String> = transition
        .appeared
        .iter()
        .chain(&transition.cleared)
        .map(|f| f.rule.clone())
        .collect();
    let severities: Vec<String> = decision
        .findings
        .iter()
        .chain(&decision.advisories)
        .filter(|f| rules.contains(&f.rule))
        .map(|f| f.severity.to_string())
        .collect();
    let title = format!(
        "{} {} ({}): {} → {}",
        product.name,
        product.version,
        product.supplier,
        transition.from.as_str(),
        transition.to.as_str()
    );
    let mut text = vec![
        title.clone(),
        format!("why decided again: {}", subject.cause),
    ];
    text.extend(transition.lines());
    text.push(format!(
        "decision: /api/v1/decisions/{}",
        subject.decision_id
    ));
    let data = serde_json::json!({
        "title": title,
        "text": text.join("\n"),
        "supplier": product.supplier,
        "product": product.name,
        "version": product.version,
        "product_id": subject.product_id,
        "from": transition.from.as_str(),
        "to": transition.to.as_str(),
        "transitions": labels,
        "cause": subject.cause,
        "decision": subject.decision_id,
        "previous_decision": previous.decision_id,
        "changes": transition.lines(),
        "transition": transition,
    });
    let subscriptions = crate::notify::subscriptions::active(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    let mut queued = 0;
    for subscription in subscriptions {
        if !crate::notify::subscriptions::matches(
            &subscription,
            &product.supplier,
            &product.name,
            &rules,
            &severities,
            &labels,
        ) {
            continue;
        }
        let dedup = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            format!(
                "{}\n{}\n{}\n{}",
                subscription.id, subject.product_id, previous.substance, substance
            )
            .as_bytes(),
        ));
        let event = crate::notify::event::cloud_event(
            &crate::db::new_id("ev"),
            "assure-serve",
            "uk.nhs.assure.decision.changed",
            &format!("products/{}", subject.product_id),
            jiff::Timestamp::now(),
            data.clone(),
        );
        if crate::notify::outbox::enqueue(tx, &subscription.id, &dedup, &event)
            .await
            .map_err(Problem::internal)?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// What re-deciding one product came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Redecided {
    /// The product's id.
    pub product_id: String,
    /// The supplier's name.
    pub supplier: String,
    /// The product's name.
    pub product: String,
    /// The verdict before.
    pub from: String,
    /// The verdict now.
    pub to: String,
    /// The new decision, when what the decision says changed (else none
    /// is stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// What changed, one line each.
    pub changes: Vec<String>,
    /// Notifications queued.
    pub notifications: usize,
    /// When it can next change by itself, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_change: Option<String>,
}

/// Re-decides each of `products` with the engine as it is now, as of the
/// service's time, from the evidence already stored (no plugin runs for a
/// document read before), as many at once as the machine has cores. A new
/// decision is stored, signed and logged only when what it says differs
/// from the current one. Returned in product order.
///
/// The work runs in a task of its own: a request that asked for it and
/// timed out, or a client that went away, does not stop it half-way.
pub async fn redecide(
    state: &AppState,
    products: &[String],
    cause: &str,
) -> Result<Vec<Redecided>, Problem> {
    let (state, products, cause) = (state.clone(), products.to_vec(), cause.to_owned());
    tokio::spawn(async move { redecide_all(&state, &products, &cause).await })
        .await
        .map_err(Problem::internal)
}

async fn redecide_all(state: &AppState, products: &[String], cause: &str) -> Vec<Redecided> {
    let at_once = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let mut running = tokio::task::JoinSet::new();
    let mut waiting = products.iter();
    let mut out = Vec::new();
    loop {
        while running.len() < at_once {
            let Some(product) = waiting.next() else { break };
            let (state, product, cause) = (state.clone(), product.clone(), cause.to_owned());
            running.spawn(async move {
                let result = redecide_one(&state, &product, &cause).await;
                (product, result)
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        match joined {
            Ok((_, Ok(Some(r)))) => out.push(r),
            Ok((_, Ok(None))) => {}
            Ok((product, Err(problem))) => {
                tracing::warn!(product = %product, error = %problem.detail, "could not re-decide");
            }
            Err(e) => tracing::warn!(error = %e, "a re-decision failed"),
        }
    }
    out.sort_by(|a, b| (&a.supplier, &a.product).cmp(&(&b.supplier, &b.product)));
    out
}

async fn redecide_one(
    state: &AppState,
    product_id: &str,
    cause: &str,
) -> Result<Option<Redecided>, Problem> {
    let mut conn = state.db.pool.acquire().await.map_err(Problem::internal)?;
    let previous = current(&mut conn, product_id).await?;
    drop(conn);
    let Some(previous) = previous else {
        return Ok(None);
    };
    let files: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT f.path, b.content FROM submission_files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.submission_id = $1",
    )
    .bind(&previous.submission_id)
    .fetch_all(&state.db.pool)
    .await
    .map_err(Problem::internal)?;
    let name: String = sqlx::query_scalar("SELECT name FROM submissions WHERE id = $1")
        .bind(&previous.submission_id)
        .fetch_one(&state.db.pool)
        .await
        .map_err(Problem::internal)?;
    let files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    let engine = state.engine();
    let loading = engine.clone();
    let submission = tokio::task::spawn_blocking(move || {
        let options = loading.load_options(false);
        Submission::from_files(&name, &files, &options)
    })
    .await
    .map_err(Problem::internal)?
    .map_err(|e| Problem::unprocessable(e.to_string()))?;
    let facts = Arc::new(facts_for(&state.db, &engine.facts_keys(&submission)).await?);
    let as_of = state.now();
    let checking = engine.clone();
    let store = facts.clone();
    let (decision, assessed) = tokio::task::spawn_blocking(move || {
        let options = CheckOptions::at(as_of).with_facts(store);
        let (decision, _) = checking.check(&submission, &options)?;
        let assessed = assess(&checking, &decision);
        Ok::<_, assure_engine::Error>((decision, assessed))
    })
    .await
    .map_err(Problem::internal)?
    .map_err(|e| Problem::unprocessable(e.to_string()))?;
    let product = &decision.product;
    let mut result = Redecided {
        product_id: product_id.to_owned(),
        supplier: product.supplier.clone(),
        product: product.name.clone(),
        from: previous.verdict.clone(),
        to: decision.verdict.as_str().to_owned(),
        decision: None,
        changes: Vec::new(),
        notifications: 0,
        next_change: assessed
            .next
            .as_ref()
            .map(|n| format!("{} ({})", n.at, n.reason)),
    };
    let mut tx = state.db.pool.begin().await.map_err(Problem::internal)?;
    if assessed.substance == previous.substance {
        // Nothing to store: only when to look again.
        upsert_state(
            &mut tx,
            product_id,
            &previous.decision_id,
            &assessed.substance,
            &decision,
            assessed.next.as_ref(),
        )
        .await?;
        keep_facts(&mut tx, &facts).await?;
        tx.commit().await.map_err(Problem::internal)?;
        return Ok(Some(result));
    }
    // Something new to say: signed, stored and logged like any decision.
    let signing = (decision.clone(), state.key.clone());
    let (decision, record) = tokio::task::spawn_blocking(move || {
        let record = assure_engine::record::sign(&signing.0, &signing.1).to_json();
        (signing.0, record)
    })
    .await
    .map_err(Problem::internal)?;
    let id = crate::db::new_id("d");
    let actor = format!("assure (decided again: {cause})");
    let entry = Entry {
        kind: EntryKind::Decision,
        id: id.clone(),
        sha256: assure_engine::submission::sha256_hex(&record),
        at: now(),
        actor: actor.clone(),
    };
    let log_index = crate::log::append(&mut tx, &state.log_key, &entry).await?;
    // Another process may have re-decided it meanwhile: only one wins.
    let still: Option<String> =
        sqlx::query_scalar("SELECT decision_id FROM product_state WHERE product_id = $1")
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(Problem::internal)?;
    if still.is_some_and(|s| s != previous.decision_id) {
        tx.rollback().await.map_err(Problem::internal)?;
        return Ok(None);
    }
    crate::portfolio::insert_decision(
        &mut tx,
        &crate::portfolio::DecisionIds {
            id: &id,
            submission_id: &previous.submission_id,
            product_id,
        },
        &decision,
        &record,
        &actor,
        log_index,
    )
    .await?;
    let subject = Subject {
        product_id,
        decision_id: &id,
        previous: Some(&previous),
        cause,
    };
    result.notifications = settle(&mut tx, &subject, &decision, &assessed).await?;
    keep_facts(&mut tx, &facts).await?;
    tx.commit().await.map_err(Problem::internal)?;
    if result.notifications > 0 {
        state.outbox.notify_one();
    }
    result.changes = Transition::between(&previous.decision()?, &decision).lines();
    result.decision = Some(id);
    tracing::info!(product = %product_id, from = %result.from, to = %result.to, cause, "decided again");
    Ok(Some(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_sort_as_text_in_time_order() {
        let a: jiff::Timestamp = "2025-09-22T00:00:00Z".parse().unwrap_or_default();
        let b: jiff::Timestamp = "2025-09-22T00:00:00.001Z".parse().unwrap_or_default();
        assert!(a < b);
        assert!(sortable(a) < sortable(b), "{} {}", sortable(a), sortable(b));
        assert_eq!(sortable(a), "2025-09-22T00:00:00.000000000Z");
    }

    #[test]
    fn cve_ids_and_purls_are_found_in_text() {
        let mut out = BTreeSet::new();
        terms_in(
            "GHSA-xxxx aliases cve-2021-44228 and CVE-2024-3094.",
            &mut out,
        );
        terms_in(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            &mut out,
        );
        terms_in("CVE-20-1 CVE-2021-12 not ids", &mut out);
        let found: Vec<_> = out.into_iter().collect();
        assert_eq!(
            found,
            vec![
                ("cve", "CVE-2021-44228".to_owned()),
                ("cve", "CVE-2024-3094".to_owned()),
                (
                    "purl",
                    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".to_owned()
                ),
            ]
        );
    }
}
