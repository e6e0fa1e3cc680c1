//! `assure bundle push|pull` and `assure plugin push|pull`: what is pushed
//! is the signed file as it is; what is pulled is verified with the same
//! code as `check` before a byte of it is written.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::args::{BundlePullArgs, BundlePushArgs, PluginPullArgs, PluginPushArgs};
use super::{
    ANNOTATION_DIGEST, ANNOTATION_EXPIRES, ANNOTATION_NAME, ANNOTATION_VERSION, BUNDLE_LAYER,
    DSSE_LAYER, Layer, PLUGIN, PLUGIN_ARTIFACT_TYPE, PLUGIN_LAYER, Registry,
};
use crate::ExitStatus;
use crate::failure::{CommandResult, Failure};
use crate::keyfiles::{default_state, read_public_keys};
use assure_trust::bundle as tb;

fn now() -> Result<jiff::Timestamp, Failure> {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
        .map_err(|e| Failure::usage(e.to_string()))
}

/// Writes `bytes` to `path` whole or not at all (a sibling `.partial`
/// renamed into place).
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            Failure::usage(format!("cannot write {}: {e}", path.display()))
        })
}

fn say(text: &str) {
    let _ = writeln!(anstream::stdout(), "{text}");
}

pub fn bundle_push(args: &BundlePushArgs) -> CommandResult {
    let source = args.bundle.display().to_string();
    let loaded =
        tb::load(&args.bundle).map_err(|e| Failure::untrusted(format!("{source}: {e}")))?;
    let Some(envelope) = loaded.files().get(tb::ENVELOPE_FILE).cloned() else {
        return Err(Failure::usage(format!(
            "{source} is not signed (no {}): sign it with `assure bundle sign` before pushing; \
             nobody can use an unsigned bundle",
            tb::ENVELOPE_FILE
        )));
    };
    let manifest_bytes = loaded
        .manifest_bytes()
        .ok_or_else(|| Failure::untrusted(format!("{source}: no {}", tb::MANIFEST_FILE)))?;
    let manifest = tb::BundleManifest::parse(manifest_bytes)
        .map_err(|e| Failure::untrusted(format!("{source}: {e}")))?;
    if !args.trust.is_empty() {
        let keys = read_public_keys(&args.trust)?;
        // Checked as `check` would, against a throwaway state: pushing
        // records nothing.
        let mut state = assure_trust::state::State::default();
        tb::verify(&loaded, &keys, args.threshold, now()?, &mut state)
            .map_err(|e| Failure::untrusted(format!("{source}: {e}")))?;
    }
    // A file is pushed byte for byte (the registry's digest is the file's);
    // a folder is packed the way `bundle build` packs.
    let data = if args.bundle.is_dir() {
        loaded
            .to_archive()
            .map_err(|e| Failure::untrusted(format!("{source}: {e}")))?
    } else {
        std::fs::read(&args.bundle)
            .map_err(|e| Failure::usage(format!("cannot read {source}: {e}")))?
    };
    let digest = tb::sha256_hex(manifest_bytes);
    let title = format!("{}-{}.bundle", manifest.name, manifest.version);
    let created = manifest.created.to_string();
    let expires = manifest.expires.to_string();
    let annotations = BTreeMap::from([
        ("org.opencontainers.image.title".to_owned(), title.clone()),
        (
            "org.opencontainers.image.version".to_owned(),
            manifest.version.to_string(),
        ),
        ("org.opencontainers.image.created".to_owned(), created),
        (ANNOTATION_NAME.to_owned(), manifest.name.clone()),
        (ANNOTATION_VERSION.to_owned(), manifest.version.to_string()),
        (ANNOTATION_EXPIRES.to_owned(), expires),
        (ANNOTATION_DIGEST.to_owned(), format!("sha256:{digest}")),
    ]);
    let registry = Registry::connect(&args.reference, &args.registry)?;
    let layers = vec![
        Layer {
            media_type: BUNDLE_LAYER,
            data,
            title,
        },
        Layer {
            media_type: DSSE_LAYER,
            data: envelope,
            title: tb::ENVELOPE_FILE.to_owned(),
        },
    ];
    let pushed = registry.push(super::BUNDLE_ARTIFACT_TYPE, layers, annotations)?;
    say(&format!(
        "pushed {} v{} (bundle.json sha256:{digest}) to {}\n  pinned: {}",
        manifest.name,
        manifest.version,
        args.reference,
        registry.target.pinned(&pushed)
    ));
    Ok(ExitStatus::Success)
}

pub fn bundle_pull(args: &BundlePullArgs) -> CommandResult {
    let config = assure_engine::TrustConfig {
        keys: read_public_keys(&args.trust)?,
        threshold: args.threshold,
        state: args.state.clone().unwrap_or_else(default_state),
    };
    let (bundle, pulled, pinned) =
        super::pull_trusted_bundle(&args.reference, &args.registry, &config, now()?)?;
    write_whole(&args.out, &pulled.main)?;
    let signed = bundle.signed.as_ref();
    say(&format!(
        "verified {} v{} from {pinned}\n  bundle.json sha256:{}, signed by {} trusted key(s), expires {}\n  wrote {}",
        bundle.name,
        bundle.version,
        signed.map_or("?", |s| s.manifest_sha256.as_str()),
        signed.map_or(0, |s| s.signers.len()),
        signed.map_or("?", |s| s.expires.as_str()),
        args.out.display()
    ));
    Ok(ExitStatus::Success)
}

pub fn plugin_push(args: &PluginPushArgs) -> CommandResult {
    let source = args.plugin.display().to_string();
    let data = std::fs::read(&args.plugin)
        .map_err(|e| Failure::usage(format!("cannot read {source}: {e}")))?;
    if !data.starts_with(b"\0asm") {
        return Err(Failure::usage(format!(
            "{source} is not a WebAssembly module or component"
        )));
    }
    if !args.trust.is_empty() {
        let keys = read_public_keys(&args.trust)?;
        assure_trust::wasmsig::verify(&source, &data, &keys)
            .map_err(|e| Failure::untrusted(format!("{source}: {e}")))?;
    }
    let title = args.plugin.file_name().map_or_else(
        || "plugin.wasm".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let annotations = BTreeMap::from([
        ("org.opencontainers.image.title".to_owned(), title.clone()),
        (
            "health.assure.plugin.sha256".to_owned(),
            format!("sha256:{}", tb::sha256_hex(&data)),
        ),
    ]);
    let registry = Registry::connect(&args.reference, &args.registry)?;
    let layer = Layer {
        media_type: PLUGIN_LAYER,
        data,
        title: title.clone(),
    };
    let pushed = registry.push(PLUGIN_ARTIFACT_TYPE, vec![layer], annotations)?;
    say(&format!(
        "pushed {title} to {}\n  pinned: {}",
        args.reference,
        registry.target.pinned(&pushed)
    ));
    Ok(ExitStatus::Success)
}

pub fn plugin_pull(args: &PluginPullArgs) -> CommandResult {
    let keys = read_public_keys(&args.trust)?;
    let registry = Registry::connect(&args.reference, &args.registry)?;
    let pulled = registry.pull(PLUGIN)?;
    let pinned = registry.target.pinned(&pulled.manifest_digest);
    let signers = assure_trust::wasmsig::verify(&pinned, &pulled.main, &keys)
        .map_err(|e| Failure::untrusted(format!("{pinned}: {e}")))?;
    write_whole(&args.out, &pulled.main)?;
    say(&format!(
        "verified {} from {pinned}\n  sha256:{}, signed over the whole component by {}\n  wrote {}",
        pulled.title.as_deref().unwrap_or("the plugin"),
        tb::sha256_hex(&pulled.main),
        signers
            .iter()
            .map(|k| k.to_hex())
            .collect::<Vec<_>>()
            .join(", "),
        args.out.display()
    ));
    Ok(ExitStatus::Success)
}
