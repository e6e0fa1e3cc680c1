//! Uploads decided later: `POST /api/v1/submissions` with
//! `Prefer: respond-async` stores the upload as a job and answers `202` at
//! once; a worker in every server process claims pending jobs one at a time
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so processes sharing a database
//! never take the same job), decides them exactly as a synchronous upload,
//! and marks the job done in the same transaction that stores and logs its
//! decision. A claim whose process died is taken again after its lease.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::db::Dialect;
use crate::problem::Problem;
use crate::state::AppState;

/// How long a claim lasts before another worker may take the job again.
const LEASE: Duration = Duration::from_secs(600);
/// How often an idle worker looks for work.
const POLL: Duration = Duration::from_millis(250);

/// A job, as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    /// Its id.
    pub id: String,
    /// `pending`, `running`, `done` or `failed`.
    pub state: String,
    /// When it was accepted.
    pub created_at: String,
    /// The decision, once done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Why it failed: the problem a synchronous upload would have answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<serde_json::Value>,
}

/// A job's state, owner, creation time, decision and problem.
type JobRow = (String, String, String, Option<String>, Option<String>);

/// Stores an upload's body (already within the limits) as a pending job.
pub async fn enqueue(
    state: &AppState,
    principal: &Principal,
    content_type: &str,
    body: Vec<u8>,
) -> Result<String, Problem> {
    if !principal.may_upload() {
        return Err(Problem::forbidden(format!(
            "a {} token cannot upload submissions",
            principal.role
        )));
    }
    let id = crate::db::new_id("j");
    sqlx::query(
        "INSERT INTO jobs (id, state, content_type, body, token_id, created_at, attempts) VALUES ($1, 'pending', $2, $3, $4, $5, 0)",
    )
    .bind(&id)
    .bind(content_type)
    .bind(body)
    .bind(&principal.token_id)
    .bind(jiff::Timestamp::now().to_string())
    .execute(&state.db.pool)
    .await
    .map_err(Problem::internal)?;
    state.work.notify_one();
    Ok(id)
}

/// A job, if `principal` queued it (or may see every upload).
pub async fn get(state: &AppState, principal: &Principal, id: &str) -> Result<Job, Problem> {
    let row: Option<JobRow> = sqlx::query_as(
        "SELECT state, token_id, created_at, decision_id, problem FROM jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await
    .map_err(Problem::internal)?;
    let Some((job_state, token_id, created_at, decision, problem)) = row else {
        return Err(Problem::not_found(format!("no job `{id}`")));
    };
    if principal.role == crate::auth::Role::Supplier && principal.token_id != token_id {
        return Err(Problem::not_found(format!("no job `{id}`")));
    }
    Ok(Job {
        id: id.to_owned(),
        state: job_state,
        created_at,
        decision,
        problem: problem.and_then(|p| serde_json::from_str(&p).ok()),
    })
}

/// Claims the oldest pending job (or one whose lease ran out).
async fn claim(
    state: &AppState,
    worker: &str,
) -> Result<Option<(String, String, Vec<u8>, String)>, sqlx::Error> {
    let now = jiff::Timestamp::now();
    let expired = now
        .checked_sub(jiff::SignedDuration::try_from(LEASE).unwrap_or_default())
        .unwrap_or(now);
    let skip_locked = match state.db.dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        // One writer at a time: the UPDATE itself is the claim.
        Dialect::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET state = 'running', claimed_by = $1, claimed_at = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM jobs WHERE state = 'pending' OR (state = 'running' AND claimed_at < $3) \
         ORDER BY created_at LIMIT 1{skip_locked}) \
         RETURNING id, content_type, body, token_id"
    );
    sqlx::query_as(&sql)
        .bind(worker)
        .bind(now.to_string())
        .bind(expired.to_string())
        .fetch_optional(&state.db.pool)
        .await
}

/// Runs jobs until the process stops.
pub async fn work(state: AppState) {
    let worker = crate::db::new_id("w");
    loop {
        match claim(&state, &worker).await {
            Ok(Some((id, content_type, body, token_id))) => {
                run(&state, &id, &content_type, body, &token_id).await
            }
            Ok(None) => {
                let _ = tokio::time::timeout(POLL, state.work.notified()).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot claim a job");
                tokio::time::sleep(POLL * 4).await;
            }
        }
    }
}

async fn run(state: &AppState, id: &str, content_type: &str, body: Vec<u8>, token_id: &str) {
    let outcome = async {
        let principal = crate::auth::by_id(&state.db, token_id)
            .await?
            .ok_or_else(|| {
                Problem::unauthorized("the token that queued this upload was revoked")
            })?;
        let request = Request::builder()
            .header(axum::http::header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .map_err(Problem::internal)?;
        let upload = crate::upload::read(state, request).await?;
        crate::upload::accept_job(state, &principal, upload, Some(id)).await
    }
    .await;
    if let Err(problem) = outcome {
        let text = serde_json::to_string(&problem).unwrap_or_default();
        let failed = sqlx::query(
            "UPDATE jobs SET state = 'failed', problem = $1, finished_at = $2 WHERE id = $3",
        )
        .bind(text)
        .bind(jiff::Timestamp::now().to_string())
        .bind(id)
        .execute(&state.db.pool)
        .await;
        if let Err(e) = failed {
            tracing::error!(job = id, error = %e, "cannot record a failed job");
        }
    }
}
