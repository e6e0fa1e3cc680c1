//! `assure serve`: the portfolio service, and its API tokens.

use std::net::SocketAddr;
use std::path::PathBuf;

use assure_server::{Config, DEFAULT_DATABASE, DEFAULT_LISTEN, Role};
use clap::{Args, Subcommand};

use crate::ExitStatus;
use crate::check::CacheArgs;
use crate::failure::{CommandResult, Failure};
use crate::trust::BundleTrustArgs;

const SERVE_HELP: &str = "\
Every decision is signed with the service key and appended to the decision
log (a Merkle tree; checkpoints signed with the same key) before it is
returned. `assure verify --log` checks a proof from the log offline.

Examples:
  assure serve                                   # http://127.0.0.1:8080, ./assure.db
  assure serve token new --role procurement      # prints a new API token, once
  curl -H \"Authorization: Bearer $TOKEN\" --data-binary @submission.tar.gz \\
       -H 'Content-Type: application/gzip' http://127.0.0.1:8080/api/v1/submissions";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, after_help = SERVE_HELP)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,

    /// The address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = DEFAULT_LISTEN, value_name = "ADDR:PORT", env = "ASSURE_LISTEN")]
    pub listen: SocketAddr,

    /// The database: sqlite://FILE (created if absent) or postgres://USER:PASSWORD@HOST/NAME.
    #[arg(long, default_value = DEFAULT_DATABASE, value_name = "URL", env = "ASSURE_DATABASE")]
    pub database: String,

    /// The service's Ed25519 signing key (PKCS#8 PEM; created mode 0600 when
    /// absent). Default: assure-service.key beside a SQLite database, else in
    /// the current folder. Every process sharing a database needs the same key.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// The decision log's name in its checkpoints (default: assure.local/log/KEYID).
    #[arg(long, value_name = "ORIGIN")]
    pub log_origin: Option<String>,

    /// Decide as of this time instead of the clock (rehearsals, tests).
    #[arg(long, value_name = "RFC3339")]
    pub as_of: Option<jiff::Timestamp>,

    /// The longest a request may take, in seconds (re-decisions it starts
    /// carry on after it times out).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub request_timeout: u64,

    /// The most one upload may hold, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = assure_server::DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: u64,

    /// Where e-mail notifications are sent: smtp://HOST:PORT?from=ADDRESS
    /// (subscriptions: docs/SERVER.md).
    #[arg(long, value_name = "URL", env = "ASSURE_SMTP")]
    pub smtp: Option<String>,

    #[command(flatten)]
    pub bundle: BundleTrustArgs,

    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Manage API tokens.
    Token(TokenArgs),
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it (shown once; stored only as its SHA-256).
    New(NewToken),
}

#[derive(Debug, Args)]
pub struct NewToken {
    /// assurance (bundles, waivers), procurement (submissions, decisions),
    /// supplier (its own products only), auditor (read-only, log proofs).
    #[arg(long, value_name = "ROLE")]
    pub role: Role,

    /// For a supplier token: the supplier's name, as its submissions give it
    /// in `product.supplier`.
    #[arg(long, value_name = "NAME")]
    pub supplier: Option<String>,

    /// A label naming who holds it (shown in the decision history).
    #[arg(long, value_name = "TEXT", default_value = "token")]
    pub label: String,

    /// The database (as `assure serve --database`).
    #[arg(long, default_value = DEFAULT_DATABASE, value_name = "URL", env = "ASSURE_DATABASE")]
    pub database: String,
}

pub fn run(args: &ServeArgs) -> CommandResult {
    if let Some(ServeCommand::Token(token)) = &args.command {
        let TokenCommand::New(new) = &token.command;
        let token = assure_server::create_token(
            &new.database,
            new.role,
            new.supplier.as_deref(),
            &new.label,
        )
        .map_err(|e| Failure::usage(e.to_string()))?;
        crate::output::print(&format!("{token}\n"))?;
        return Ok(ExitStatus::Success);
    }
    let mut config = Config::new(args.listen, args.database.clone());
    if let Some(key) = &args.key {
        config.key.clone_from(key);
    }
    config.log_origin.clone_from(&args.log_origin);
    config.as_of = args.as_of;
    config.max_upload_bytes = args.max_upload_bytes;
    config.smtp.clone_from(&args.smtp);
    config.request_timeout_secs = args.request_timeout;
    config.code_cache = args.cache.open();
    config.bundle = Some(
        args.bundle
            .load(args.as_of.unwrap_or_else(jiff::Timestamp::now))?,
    );
    assure_server::run(config, |address| {
        // The one line a supervisor (or a test) waits for.
        let _ = crate::output::print(&format!("assure serve: listening on http://{address}\n"));
    })
    .map_err(|e| Failure::usage(e.to_string()))?;
    Ok(ExitStatus::Success)
}
