//! An upload, from request to logged decision: read the body under the
//! limits, load it as a submission (the engine's checks), refuse a supplier
//! uploading for another, check, sign, then store and log in one
//! transaction. Shared by the API and the web form.

use std::collections::BTreeMap;

use assure_engine::{CheckOptions, Decision, Submission};
use assure_tlog::{Entry, EntryKind};
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

use crate::auth::Principal;
use crate::portfolio::{self, NewDecision};
use crate::problem::Problem;
use crate::state::AppState;

/// What was uploaded, before the engine has looked at it.
pub enum Upload {
    /// A `.tar.gz` of a submission folder.
    Archive { name: String, bytes: Vec<u8> },
    /// Files by their path in the submission.
    Files {
        name: String,
        files: BTreeMap<String, Vec<u8>>,
    },
}

/// A decision made, stored and logged.
pub struct Accepted {
    pub id: String,
    pub decision: Decision,
    pub product_id: String,
    pub log_index: u64,
}

/// Reads an upload from a request: a gzip body is an archive; a multipart
/// form holds either one archive (field `archive`, or a file named
/// `*.tar.gz`/`*.tgz`) or the submission's files (each part's file name its
/// path). Every other field is refused, never ignored.
pub async fn read(state: &AppState, request: Request) -> Result<Upload, Problem> {
    let (content_type, bytes) = body(state, request).await?;
    parse(&content_type, bytes).await
}

/// An upload's `Content-Type` and body, refused when over the limit or of
/// a type that cannot be a submission.
pub async fn body(state: &AppState, request: Request) -> Result<(String, Bytes), Problem> {
    let (parts, body) = request.into_parts();
    let limit = state.upload_limit;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        Problem::too_large(format!(
            "an upload is at most {limit} bytes (docs/LIMITS.md); nothing was stored"
        ))
    };
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(too_large());
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_owned();
    let kind = content_type.to_ascii_lowercase();
    if !kind.starts_with("multipart/form-data") && !ARCHIVE_TYPES.contains(&kind.as_str()) {
        return Err(Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!(
                "send a .tar.gz of the submission folder as application/gzip, or its files as multipart/form-data (got `{kind}`)"
            ),
        ));
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    Ok((content_type, bytes))
}

/// The media types a submission archive is sent as.
const ARCHIVE_TYPES: [&str; 4] = [
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "application/x-tar+gzip",
];

/// An upload from its `Content-Type` and body.
pub async fn parse(content_type: &str, bytes: Bytes) -> Result<Upload, Problem> {
    if content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        let request = Request::builder()
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes))
            .map_err(Problem::internal)?;
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| Problem::bad_request(format!("the form cannot be read: {e}")))?;
        return from_form(multipart).await;
    }
    Ok(Upload::Archive {
        name: "upload.tar.gz".into(),
        bytes: bytes.to_vec(),
    })
}

async fn from_form(mut multipart: Multipart) -> Result<Upload, Problem> {
    let mut archive: Option<(String, Vec<u8>)> = None;
    let mut files = BTreeMap::new();
    let mut problems = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(Problem::bad_request(format!(
                    "the form cannot be read: {e}"
                )));
            }
        };
        let field_name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| Problem::bad_request(format!("the form cannot be read: {e}")))?;
        match file_name {
            // A file input left empty sends a nameless, empty part.
            Some(name) if name.is_empty() && bytes.is_empty() => {}
            Some(name)
                if field_name == "archive" || name.ends_with(".tar.gz") || name.ends_with(".tgz") =>
            {
                if archive.replace((name.clone(), bytes.to_vec())).is_some() {
                    problems.push(format!("`{name}`: only one archive per upload"));
                }
            }
            Some(name) => {
                if files.insert(name.clone(), bytes.to_vec()).is_some() {
                    problems.push(format!("`{name}`: sent twice"));
                }
            }
            None => problems.push(format!(
                "form field `{field_name}` is not a file: send the submission's files or one archive"
            )),
        }
    }
    if archive.is_some() && !files.is_empty() {
        problems.push("send either one archive or the submission's files, not both".into());
    }
    if !problems.is_empty() {
        return Err(Problem::bad_request("the upload is not a submission").with_errors(problems));
    }
    match archive {
        Some((name, bytes)) => Ok(Upload::Archive { name, bytes }),
        None if files.is_empty() => Err(Problem::bad_request(
            "the form holds no files: choose the submission's files or its .tar.gz",
        )),
        None => Ok(Upload::Files {
            name: "upload".into(),
            files,
        }),
    }
}

/// Loads, checks, signs, stores and logs an upload for `principal`.
pub async fn accept(
    state: &AppState,
    principal: &Principal,
    upload: Upload,
) -> Result<Accepted, Problem> {
    accept_job(state, principal, upload, None).await
}

/// As [`accept`], marking `job` done in the transaction that stores the
/// decision (so a job is decided once, whatever crashes when).
pub async fn accept_job(
    state: &AppState,
    principal: &Principal,
    upload: Upload,
    job: Option<&str>,
) -> Result<Accepted, Problem> {
    if !principal.may_upload() {
        return Err(Problem::forbidden(format!(
            "a {} token cannot upload submissions",
            principal.role
        )));
    }
    let engine = state.engine();
    let as_of = state.now();
    let key = state.key.clone();
    let loading = engine.clone();
    let (name, submission) = tokio::task::spawn_blocking(move || {
        let options = loading.load_options(false);
        let (name, loaded) = match upload {
            Upload::Archive { name, bytes } => {
                let loaded = Submission::from_tar_gz(&name, bytes.as_slice(), &options);
                (name, loaded)
            }
            Upload::Files { name, files } => {
                let loaded = Submission::from_files(&name, &files, &options);
                (name, loaded)
            }
        };
        Ok::<_, Problem>((name, loaded.map_err(|e| refused(&e))?))
    })
    .await
    .map_err(Problem::internal)??;
    // Documents read before (another version, another product) are not
    // read again; what the plugins read now is kept for re-deciding.
    let facts = std::sync::Arc::new(
        crate::current::facts_for(&state.db, &engine.facts_keys(&submission)).await?,
    );
    let store = facts.clone();
    let checking = engine.clone();
    let (submission, decision, record, assessed) = tokio::task::spawn_blocking(move || {
        let (decision, _) = checking
            .check(&submission, &CheckOptions::at(as_of).with_facts(store))
            .map_err(|e| refused(&e))?;
        let record = assure_engine::record::sign(&decision, &key).to_json();
        let assessed = crate::current::assess(&checking, &decision);
        Ok::<_, Problem>((submission, decision, record, assessed))
    })
    .await
    .map_err(Problem::internal)??;
    principal.require_upload_for(&submission.manifest.product.supplier)?;
    let actor = principal.actor();
    let id = crate::db::new_id("d");
    let entry = Entry {
        kind: EntryKind::Decision,
        id: id.clone(),
        sha256: assure_engine::submission::sha256_hex(&record),
        at: jiff::Timestamp::now().to_string(),
        actor: actor.clone(),
    };
    let mut tx = state.db.pool.begin().await.map_err(Problem::internal)?;
    let log_index = crate::log::append(&mut tx, &state.log_key, &entry).await?;
    // The product's current decision before this one, for what changed.
    let product = &submission.manifest.product;
    let previous =
        match crate::current::product_id(&mut tx, &product.supplier, &product.name).await? {
            Some(existing) => crate::current::current(&mut tx, &existing).await?,
            None => None,
        };
    // The waivers the decision was judged with, each logged once.
    for waiver in &submission.waivers {
        let waiver_entry = Entry {
            kind: EntryKind::Waiver,
            id: waiver.name.clone(),
            sha256: assure_engine::submission::sha256_hex(&waiver.bytes),
            at: entry.at.clone(),
            actor: actor.clone(),
        };
        crate::log::append_once(&mut tx, &state.log_key, &waiver_entry).await?;
    }
    let stored = portfolio::store(
        &mut tx,
        &NewDecision {
            submission: &submission,
            name: &name,
            decision: &decision,
            record: &record,
            actor: &actor,
        },
        &id,
        log_index,
    )
    .await?;
    let notifications = crate::current::settle(
        &mut tx,
        &crate::current::Subject {
            product_id: &stored.product_id,
            decision_id: &id,
            previous: previous.as_ref(),
            cause: "new evidence",
        },
        &decision,
        &assessed,
    )
    .await?;
    crate::current::keep_facts(&mut tx, &facts).await?;
    if let Some(job) = job {
        sqlx::query(
            "UPDATE jobs SET state = 'done', decision_id = $1, finished_at = $2 WHERE id = $3",
        )
        .bind(&id)
        .bind(jiff::Timestamp::now().to_string())
        .bind(job)
        .execute(&mut *tx)
        .await
        .map_err(Problem::internal)?;
    }
    tx.commit().await.map_err(Problem::internal)?;
    if notifications > 0 {
        state.outbox.notify_one();
    }
    tracing::info!(decision = %id, verdict = decision.verdict.as_str(), log_index, by = %actor, "decided");
    Ok(Accepted {
        id,
        decision,
        product_id: stored.product_id,
        log_index,
    })
}

/// The engine's refusal of an upload, as a problem listing each thing wrong.
fn refused(e: &assure_engine::Error) -> Problem {
    let mut problem = Problem::unprocessable(e.to_string());
    if let assure_engine::Error::Integrity(integrity) = e {
        problem = problem.with_errors(integrity.problems.clone());
    }
    problem
}
