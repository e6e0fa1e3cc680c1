//! The assure evidence plugin for security.txt files (RFC 9116).
//!
//! It reads one security.txt (media type `text/security.txt`), plain or
//! wrapped in an OpenPGP cleartext signature (RFC 4880 §7; the signature is
//! noticed, not verified, and only the signed part is read), and emits the
//! product facts of the schema's `SecurityTxt` record, under `security_txt.*`:
//!
//! - `contacts` (every Contact value as written) and `contact_count`;
//! - `expires`, the Expires value, when there is exactly one and it is an
//!   RFC 3339 date-time, and `expires_count`;
//! - `policy` (the first Policy), and the sets `encryption`, `canonical`,
//!   `csaf`, `acknowledgments`, `hiring` and `preferred_languages` (split on
//!   commas), each when the file has it;
//! - `signed`, whether the file is a cleartext-signed message;
//! - `valid` and `problems`: every RFC 9116 violation, template text or
//!   placeholder found, each as a short stable sentence (such as "no Expires
//!   field"), with a note giving its line and the value at fault.
//!
//! The plugin does **not** decide whether the file has expired: it has no
//! clock. Policies compare `security_txt.expires` with the evaluation time
//! (`context.now`), so a decision can be replayed as of any date.
//!
//! What counts as a problem: no Contact; a Contact that is not a `mailto:`,
//! `https:` or `tel:` URI (a bare email address, say); no Expires, more than
//! one, or one that is not RFC 3339; a Policy, Canonical or CSAF that is not an
//! `https://` URI; an Encryption that is not `https:`, `dns:` or
//! `openpgp4fpr:`; an Acknowledgments or Hiring that is not a URI or is
//! `http:`; a second Preferred-Languages, or one that is not a list of
//! language tags; a field with no value; a line that is not a field, a
//! comment or blank; text outside the signed part of a signed file; and
//! template text: example domains (`example.com`, `.org`, `.net`, `.example`),
//! `YYYY`-style dates, `<…>` placeholders, "your domain" placeholders, and
//! template fields left commented out with such a value. The comments of the
//! RFC 9116 example ("# Our security address") are noted but are not by
//! themselves a problem.
//!
//! Field names are read in any case; unknown fields are extension fields and
//! are ignored, as RFC 9116 §2.4 requires; comments (`#`) are ignored; CRLF and
//! LF line ends both do. Every fact and note carries the line it came from.
//! The plugin never panics: invalid UTF-8, a line over 64 KiB, more than
//! 10,000 lines, a truncated signed message, or a file with no RFC 9116 field
//! at all is an error naming the line.

mod extract;
mod fields;
mod signed;
mod text;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "text/security.txt";

/// Every fact path the plugin may emit.
pub const FACT_PATHS: &[&str] = &[
    "security_txt.contacts",
    "security_txt.contact_count",
    "security_txt.expires",
    "security_txt.expires_count",
    "security_txt.policy",
    "security_txt.encryption",
    "security_txt.canonical",
    "security_txt.csaf",
    "security_txt.preferred_languages",
    "security_txt.acknowledgments",
    "security_txt.hiring",
    "security_txt.signed",
    "security_txt.valid",
    "security_txt.problems",
];

/// The security.txt plugin, as exported to the host.
pub struct SecurityTxt;

impl Guest for SecurityTxt {
    fn describe() -> PluginInfo {
        describe()
    }

    fn extract(doc: Document) -> Result<Extraction, ExtractError> {
        extract(&doc)
    }
}

/// Who the plugin is and what it reads.
pub fn describe() -> PluginInfo {
    PluginInfo {
        name: "security-txt".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// The SDK generates `export!` inside its `bindings` module (it is not
// re-exported at the crate root).
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(SecurityTxt);
