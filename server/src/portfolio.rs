//! The portfolio in the database: supplier → product → submitted versions →
//! decisions, with evidence stored once by SHA-256.

use std::collections::BTreeMap;

use assure_engine::{Decision, Submission};
use sqlx::{Any, Transaction};

use crate::auth::Principal;
use crate::db::Db;
use crate::problem::Problem;
use crate::state::AppState;

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// A stored file of a submission and its part in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredFile {
    /// Its path in the submission.
    pub path: String,
    /// `manifest`, `evidence` or `waiver`.
    pub role: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its size in bytes.
    pub size: i64,
}

/// The files of a submission, with their bytes, as they will be stored.
pub fn files_of(submission: &Submission) -> Vec<(StoredFile, Vec<u8>)> {
    let mut files = vec![(
        StoredFile {
            path: assure_engine::submission::MANIFEST.to_owned(),
            role: "manifest".into(),
            sha256: submission.manifest_sha256.clone(),
            size: len(&submission.manifest_bytes),
        },
        submission.manifest_bytes.to_vec(),
    )];
    for evidence in &submission.evidence {
        files.push((
            StoredFile {
                path: evidence.path.clone(),
                role: "evidence".into(),
                sha256: evidence.sha256.clone(),
                size: len(&evidence.bytes),
            },
            evidence.bytes.to_vec(),
        ));
    }
    for waiver in &submission.waivers {
        files.push((
            StoredFile {
                path: waiver.name.clone(),
                role: "waiver".into(),
                sha256: assure_engine::submission::sha256_hex(&waiver.bytes),
                size: len(&waiver.bytes),
            },
            waiver.bytes.clone(),
        ));
    }
    files
}

fn len(bytes: &[u8]) -> i64 {
    i64::try_from(bytes.len()).unwrap_or(i64::MAX)
}

/// What was stored for one upload.
#[derive(Debug, Clone)]
pub struct Stored {
    pub product_id: String,
}

/// Everything about one decision that is stored beside it.
pub struct NewDecision<'a> {
    pub submission: &'a Submission,
    pub name: &'a str,
    pub decision: &'a Decision,
    pub record: &'a [u8],
    pub actor: &'a str,
}

/// Stores the submission, its files and its decision in `tx`; the caller
/// appends the decision to the log in the same transaction.
pub async fn store(
    tx: &mut Transaction<'static, Any>,
    new: &NewDecision<'_>,
    decision_id: &str,
    log_index: u64,
) -> Result<Stored, Problem> {
    let product = &new.submission.manifest.product;
    let supplier_id = upsert(
        tx,
        "SELECT id FROM suppliers WHERE name = $1",
        "INSERT INTO suppliers (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        &[&product.supplier],
        "s",
    )
    .await?;
    let product_id = upsert(
        tx,
        "SELECT id FROM products WHERE supplier_id = $1 AND name = $2",
        "INSERT INTO products (id, supplier_id, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (supplier_id, name) DO NOTHING",
        &[&supplier_id, &product.name],
        "p",
    )
    .await?;
    let submission_id = crate::db::new_id("u");
    sqlx::query(
        "INSERT INTO submissions (id, product_id, version, name, manifest_sha256, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&submission_id)
    .bind(&product_id)
    .bind(&product.version)
    .bind(new.name)
    .bind(&new.submission.manifest_sha256)
    .bind(now())
    .bind(new.actor)
    .execute(&mut **tx)
    .await
    .map_err(Problem::internal)?;
    for (file, bytes) in files_of(new.submission) {
        sqlx::query(
            "INSERT INTO blobs (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&file.sha256)
        .bind(file.size)
        .bind(bytes)
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
        sqlx::query(
            "INSERT INTO submission_files (submission_id, path, role, sha256, size) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&submission_id)
        .bind(&file.path)
        .bind(&file.role)
        .bind(&file.sha256)
        .bind(file.size)
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    }
    insert_decision(
        tx,
        &DecisionIds {
            id: decision_id,
            submission_id: &submission_id,
            product_id: &product_id,
        },
        new.decision,
        new.record,
        new.actor,
        log_index,
    )
    .await?;
    Ok(Stored { product_id })
}

/// Where a decision belongs.
pub struct DecisionIds<'a> {
    pub id: &'a str,
    pub submission_id: &'a str,
    pub product_id: &'a str,
}

/// Stores a decision (and its signed record) of a stored submission.
pub async fn insert_decision(
    tx: &mut Transaction<'static, Any>,
    ids: &DecisionIds<'_>,
    d: &Decision,
    record: &[u8],
    actor: &str,
    log_index: u64,
) -> Result<(), Problem> {
    sqlx::query(
        "INSERT INTO decisions (id, submission_id, product_id, verdict, summary, evaluated_at, bundle_name, bundle_version, bundle_digest, reference_data, decision_json, record, record_sha256, log_index, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(ids.id)
    .bind(ids.submission_id)
    .bind(ids.product_id)
    .bind(d.verdict.as_str())
    .bind(&d.summary)
    .bind(&d.evaluated_at)
    .bind(&d.bundle.name)
    .bind(i64::try_from(d.bundle.version).unwrap_or(i64::MAX))
    .bind(&d.bundle.digest)
    .bind(reference_data(d))
    .bind(d.to_json())
    .bind(String::from_utf8_lossy(record).into_owned())
    .bind(assure_engine::submission::sha256_hex(record))
    .bind(i64::try_from(log_index).unwrap_or(i64::MAX))
    .bind(now())
    .bind(actor)
    .execute(&mut **tx)
    .await
    .map_err(Problem::internal)?;
    Ok(())
}

/// The reference data a decision used, as `name version (sha256)` lines.
pub fn reference_data(d: &Decision) -> String {
    d.inputs
        .reference_data
        .iter()
        .map(|r| format!("{} {} ({})", r.name, r.version, r.sha256))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finds a row's id by `select`, inserting one with a fresh id (and the
/// `values` after it, then the time) when there is none.
async fn upsert(
    tx: &mut Transaction<'static, Any>,
    select: &str,
    insert: &str,
    values: &[&String],
    prefix: &str,
) -> Result<String, Problem> {
    let mut query = sqlx::query_scalar::<_, String>(select);
    for v in values {
        query = query.bind(v.as_str());
    }
    if let Some(id) = query
        .fetch_optional(&mut **tx)
        .await
        .map_err(Problem::internal)?
    {
        return Ok(id);
    }
    let mut insert_query = sqlx::query(insert).bind(crate::db::new_id(prefix));
    for v in values {
        insert_query = insert_query.bind(v.as_str());
    }
    insert_query
        .bind(now())
        .execute(&mut **tx)
        .await
        .map_err(Problem::internal)?;
    let mut query = sqlx::query_scalar::<_, String>(select);
    for v in values {
        query = query.bind(v.as_str());
    }
    query.fetch_one(&mut **tx).await.map_err(Problem::internal)
}

/// One stored decision, as listed.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DecisionRow {
    /// Its id.
    pub id: String,
    /// The product's id.
    pub product_id: String,
    /// The supplier's name.
    pub supplier: String,
    /// The product's name.
    pub product: String,
    /// The submitted version.
    pub version: String,
    /// approve, reject or needs-evidence.
    pub verdict: String,
    /// One line saying why.
    pub summary: String,
    /// The time it was decided as of.
    pub evaluated_at: String,
    /// The bundle's name, version and digest.
    pub bundle: String,
    /// Where it is in the decision log.
    pub log_index: i64,
    /// Who uploaded it.
    pub created_by: String,
    /// For a product's current decision: the next instant it can change by
    /// itself, and why (`2026-…Z (cyber_essentials.expires − 30d)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_change: Option<String>,
}

const DECISION_COLUMNS: &str = "d.id, d.product_id, s.name, p.name, u.version, d.verdict, d.summary, d.evaluated_at, d.bundle_name, d.bundle_version, d.bundle_digest, d.log_index, d.created_by, ps.next_check_at, ps.next_check_reason FROM decisions d JOIN submissions u ON u.id = d.submission_id JOIN products p ON p.id = d.product_id JOIN suppliers s ON s.id = p.supplier_id LEFT JOIN product_state ps ON ps.product_id = d.product_id AND ps.decision_id = d.id";

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
);

fn row(r: Row) -> DecisionRow {
    DecisionRow {
        id: r.0,
        product_id: r.1,
        supplier: r.2,
        product: r.3,
        version: r.4,
        verdict: r.5,
        summary: r.6,
        evaluated_at: r.7,
        bundle: format!("{} v{} ({})", r.8, r.9, r.10),
        log_index: r.11,
        created_by: r.12,
        next_change: r
            .13
            .map(|at| format!("{at} ({})", r.14.unwrap_or_default())),
    }
}

impl DecisionRow {
    /// The bundle's name and version, and the start of its digest.
    pub fn bundle_short(&self) -> String {
        match self.bundle.split_once(" (") {
            Some((name, digest)) => format!("{name} ({}…)", digest.get(..12).unwrap_or(digest)),
            None => self.bundle.clone(),
        }
    }
}

/// A decision's row.
pub async fn decision_row(db: &Db, id: &str) -> Result<Option<DecisionRow>, Problem> {
    let r: Option<Row> = sqlx::query_as(&format!("SELECT {DECISION_COLUMNS} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(Problem::internal)?;
    Ok(r.map(row))
}

/// Every decision of a product, newest first.
pub async fn history(db: &Db, product_id: &str) -> Result<Vec<DecisionRow>, Problem> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {DECISION_COLUMNS} WHERE d.product_id = $1 ORDER BY d.log_index DESC"
    ))
    .bind(product_id)
    .fetch_all(&db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(rows.into_iter().map(row).collect())
}

/// The latest decision of every product, by supplier then product.
pub async fn latest(db: &Db) -> Result<Vec<DecisionRow>, Problem> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {DECISION_COLUMNS} WHERE d.log_index = (SELECT MAX(d2.log_index) FROM decisions d2 WHERE d2.product_id = d.product_id) ORDER BY s.name, p.name"
    ))
    .fetch_all(&db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(rows.into_iter().map(row).collect())
}

/// A decision's row, if `principal` may see it (else not found: a supplier
/// never learns that another's decision exists).
pub async fn visible(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<DecisionRow, Problem> {
    match decision_row(&state.db, id).await? {
        Some(row) if principal.may_see(&row.supplier) => Ok(row),
        _ => Err(Problem::not_found(format!("no decision `{id}`"))),
    }
}

/// A stored decision's JSON and signed record.
pub async fn decision_body(db: &Db, id: &str) -> Result<Option<(Decision, String)>, Problem> {
    let r: Option<(String, String)> =
        sqlx::query_as("SELECT decision_json, record FROM decisions WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await
            .map_err(Problem::internal)?;
    let Some((json, record)) = r else {
        return Ok(None);
    };
    let decision: Decision = serde_json::from_str(&json).map_err(Problem::internal)?;
    Ok(Some((decision, record)))
}

/// The files of a decision's submission, by path.
pub async fn files(db: &Db, decision_id: &str) -> Result<BTreeMap<String, StoredFile>, Problem> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT f.path, f.role, f.sha256, f.size FROM submission_files f JOIN decisions d ON d.submission_id = f.submission_id WHERE d.id = $1",
    )
    .bind(decision_id)
    .fetch_all(&db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(rows
        .into_iter()
        .map(|(path, role, sha256, size)| {
            (
                path.clone(),
                StoredFile {
                    path,
                    role,
                    sha256,
                    size,
                },
            )
        })
        .collect())
}
