//! Who may do what: API tokens, stored only as their SHA-256, each with a
//! role; a supplier's token is bound to its supplier.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::error::ServerError;
use crate::problem::Problem;
use crate::state::AppState;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The assurance team: everything procurement may do, and bundles and waivers.
    Assurance,
    /// Procurement: uploads submissions and reads every decision.
    Procurement,
    /// A supplier: uploads and reads only its own products.
    Supplier,
    /// An auditor: reads everything, changes nothing; proves the log.
    Auditor,
}

impl Role {
    /// Its name, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Assurance => "assurance",
            Role::Procurement => "procurement",
            Role::Supplier => "supplier",
            Role::Auditor => "auditor",
        }
    }

    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Assurance,
        Role::Procurement,
        Role::Supplier,
        Role::Auditor,
    ];
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role `{s}`: one of assurance, procurement, supplier, auditor")
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The prefix of every token (so a leaked one is recognisable by scanners).
const PREFIX: &str = "assure_";

/// A fresh token: the prefix and 32 random bytes, URL-safe base64.
pub fn new_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Stores a new token and returns it (the only time it is shown).
pub async fn create(
    db: &Db,
    role: Role,
    supplier: Option<&str>,
    label: &str,
) -> Result<String, ServerError> {
    let supplier = match (role, supplier) {
        (Role::Supplier, Some(name)) if !name.trim().is_empty() => Some(name.trim().to_owned()),
        (Role::Supplier, _) => {
            return Err(ServerError::Config(
                "a supplier token names its supplier (--supplier NAME, as in its submissions' `product.supplier`)".into(),
            ));
        }
        (_, Some(_)) => {
            return Err(ServerError::Config(
                "only a supplier token is bound to a supplier".into(),
            ));
        }
        (_, None) => None,
    };
    let token = new_token();
    let id = crate::db::new_id("t");
    sqlx::query(
        "INSERT INTO tokens (id, sha256, role, supplier, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(digest(&token))
    .bind(role.as_str())
    .bind(supplier)
    .bind(label)
    .bind(jiff::Timestamp::now().to_string())
    .execute(&db.pool)
    .await
    .map_err(|e| ServerError::Config(format!("cannot store the token: {e}")))?;
    Ok(token)
}

/// Who is asking: a token's holder.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The token's id (never the token).
    pub token_id: String,
    /// Its role.
    pub role: Role,
    /// For a supplier token, its supplier's name.
    pub supplier: Option<String>,
    /// The token's label.
    pub label: String,
}

impl Principal {
    /// How state changes are attributed: the token's id, label and role.
    pub fn actor(&self) -> String {
        format!("{} ({}, {})", self.token_id, self.label, self.role)
    }

    /// Whether it may upload submissions.
    pub fn may_upload(&self) -> bool {
        self.role != Role::Auditor
    }

    /// Whether it may see the products of `supplier`.
    pub fn may_see(&self, supplier: &str) -> bool {
        self.role != Role::Supplier || self.supplier.as_deref() == Some(supplier)
    }

    /// Refuses unless it may upload for `supplier`.
    pub fn require_upload_for(&self, supplier: &str) -> Result<(), Problem> {
        if !self.may_upload() {
            return Err(Problem::forbidden(format!(
                "a {} token cannot upload submissions",
                self.role
            )));
        }
        if !self.may_see(supplier) {
            return Err(Problem::forbidden(format!(
                "this supplier token may upload only for its own supplier, not for `{supplier}`"
            )));
        }
        Ok(())
    }
}

/// The cookie the web interface keeps the signed-in token in.
pub const COOKIE: &str = "assure_token";

/// The token a request carries: `Authorization: Bearer …`, else the
/// sign-in cookie.
pub fn presented(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let text = value.to_str().ok()?;
        let (scheme, token) = text.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Looks a token up; `None` when unknown or revoked.
pub async fn lookup(db: &Db, token: &str) -> Result<Option<Principal>, Problem> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, role, supplier, label FROM tokens WHERE sha256 = $1 AND revoked_at IS NULL",
    )
    .bind(digest(token))
    .fetch_optional(&db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(row.and_then(principal))
}

/// A token's holder by the token's id (a queued upload acts as the token
/// that queued it); `None` when revoked since.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Principal>, Problem> {
    let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, role, supplier, label FROM tokens WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
    .map_err(Problem::internal)?;
    Ok(row.and_then(principal))
}

fn principal(
    (token_id, role, supplier, label): (String, String, Option<String>, String),
) -> Option<Principal> {
    Some(Principal {
        token_id,
        role: role.parse().ok()?,
        supplier,
        label,
    })
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = presented(&parts.headers) else {
            return Err(Problem::unauthorized(
                "send an API token as `Authorization: Bearer …` (`assure serve token new`)",
            ));
        };
        lookup(&state.db, &token)
            .await?
            .ok_or_else(|| Problem::unauthorized("the token is unknown or revoked"))
    }
}
