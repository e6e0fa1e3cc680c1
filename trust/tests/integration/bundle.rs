//! Bundles: the happy path, determinism, folders, state and pinned digests.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use crate::common;

use crate::common::{content, now, signed_bundle, spec};
use assure_trust::TrustError;
use assure_trust::bundle::{self, BundleManifest};
use assure_trust::error::{
    ArchiveError, BundleManifestError, EnvelopeError, FreshnessError, PluginVerificationError,
};
use assure_trust::keys;
use assure_trust::state::State;

#[test]
fn happy_path_two_keys_threshold_two() {
    let a = keys::generate();
    let b = keys::generate();
    let plugin_key = keys::generate();
    let built = signed_bundle(1, &plugin_key, &[&a, &b]);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nhs-baseline.bundle");
    std::fs::write(&file, bundle::pack(built.files()).unwrap()).unwrap();
    let loaded = bundle::load(&file).unwrap();
    assert_eq!(loaded.files(), built.files());

    let state_path = dir.path().join("state").join("trust-state.json");
    let mut state = State::load(&state_path).unwrap();
    let trusted = [a.public_key(), b.public_key()];
    let v = bundle::verify(&loaded, &trusted, 2, now(), &mut state).unwrap();
    let mut signers = vec![a.key_id(), b.key_id()];
    signers.sort();
    assert_eq!(v.signers, signers);
    assert_eq!(v.manifest.name, "nhs-baseline");
    assert_eq!(v.manifest.version, 1);
    assert_eq!(
        v.digest,
        bundle::sha256_hex(loaded.manifest_bytes().unwrap())
    );
    assert_eq!(v.files.len(), 4);
    assert!(v.file("policies/sbom.cedar").unwrap().starts_with(b"// v1"));
    assert_eq!(
        v.plugin_signers["plugins/cyclonedx.wasm"],
        vec![plugin_key.key_id()]
    );
    assert_eq!(v.manifest.plugins[0].name, "cyclonedx");

    // Verifying records in memory only; the caller saves once it uses it.
    assert!(
        State::load(&state_path)
            .unwrap()
            .get("nhs-baseline")
            .is_none()
    );
    state.save().unwrap();
    // Recorded in the state file, which reloads.
    let state = State::load(&state_path).unwrap();
    let entry = state.get("nhs-baseline").unwrap();
    assert_eq!(entry.version, 1);
    assert_eq!(entry.digest, v.digest);
    assert_eq!(entry.accepted_at, now());
    // Verifying the same bundle again is fine.
    let mut state = State::load(&state_path).unwrap();
    bundle::verify(&loaded, &trusted, 2, now(), &mut state).unwrap();
    // One signature is enough for threshold 1 with either key.
    bundle::verify(&loaded, &[b.public_key()], 1, now(), &mut state).unwrap();
}

#[test]
fn folder_bundles_verify_too() {
    let a = keys::generate();
    let plugin_key = keys::generate();
    let built = signed_bundle(3, &plugin_key, &[&a]);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("nhs-baseline");
    built.write_dir(&folder).unwrap();
    let loaded = bundle::load(&folder).unwrap();
    assert_eq!(loaded.files(), built.files());
    let v = bundle::verify(
        &loaded,
        &[a.public_key()],
        1,
        now(),
        &mut State::in_memory(),
    )
    .unwrap();
    assert_eq!(v.manifest.version, 3);

    // Rebuilding a bundle folder in place ignores the old manifest and envelope.
    let rebuilt = bundle::build_from_dir(&spec(3, &[&plugin_key]), &folder).unwrap();
    assert_eq!(rebuilt.manifest_bytes(), built.manifest_bytes());
}

#[test]
fn pack_is_deterministic() {
    let a = keys::generate();
    let plugin_key = keys::generate();
    let built = signed_bundle(1, &plugin_key, &[&a]);
    let one = bundle::pack(built.files()).unwrap();
    let two = bundle::pack(&built.clone().into_files()).unwrap();
    assert_eq!(one, two);
    // gzip header: mtime 0, OS unknown.
    assert_eq!(&one[4..8], &[0, 0, 0, 0]);
    assert_eq!(one[9], 255);
    // tar entries: sorted, regular, 0644, uid/gid 0, mtime 0.
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&one[..]));
    let mut names = Vec::new();
    for e in archive.entries().unwrap() {
        let e = e.unwrap();
        let h = e.header();
        assert_eq!(h.entry_type(), tar::EntryType::Regular);
        assert_eq!(h.mode().unwrap(), 0o644);
        assert_eq!(
            (h.uid().unwrap(), h.gid().unwrap(), h.mtime().unwrap()),
            (0, 0, 0)
        );
        names.push(e.path().unwrap().to_string_lossy().into_owned());
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 6);
    // Long paths survive.
    let mut files = built.into_files();
    let long = format!("data/{}/x.json", "d".repeat(150));
    files.insert(long.clone(), b"{}".to_vec());
    let back = common::load_bytes(&bundle::pack(&files).unwrap()).unwrap();
    assert_eq!(back.files()[&long], b"{}");
}

#[test]
fn manifest_shape() {
    let plugin_key = keys::generate();
    let built = bundle::build(&spec(7, &[&plugin_key]), content(7, &plugin_key)).unwrap();
    let text = String::from_utf8(built.manifest_bytes().unwrap().to_vec()).unwrap();
    let m = BundleManifest::parse(text.as_bytes()).unwrap();
    assert_eq!(m.format, "assure.bundle/v1");
    assert_eq!(m.version, 7);
    assert_eq!(m.plugin_signers, vec![plugin_key.key_id()]);
    assert_eq!(
        m.plugin_signer_keys,
        vec![plugin_key.public_key().to_spki_pem().unwrap()]
    );
    let paths: Vec<_> = m.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data/reference.json",
            "plugins/cyclonedx.wasm",
            "policies/sbom.cedar",
            "schema.cedarschema"
        ]
    );
    assert!(text.contains("\"created\": \"2026-01-01T00:00:00Z\""));
    assert_eq!(m.to_json(), text.as_bytes());
    // Building refuses a plugin its signers did not sign, and the reserved names.
    let other = keys::generate();
    let err = bundle::build(&spec(7, &[&other]), content(7, &plugin_key)).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Plugin(PluginVerificationError::SignerNotAllowed { .. })
        ),
        "{err}"
    );
    let mut files = content(7, &plugin_key);
    files.insert("bundle.json".into(), b"{}".to_vec());
    let err = bundle::build(&spec(7, &[&plugin_key]), files).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Archive(ArchiveError::InvalidEntryName { .. })
        ),
        "{err}"
    );
}

#[test]
fn sign_is_idempotent_and_refuses_foreign_envelopes() {
    let a = keys::generate();
    let plugin_key = keys::generate();
    let mut b = signed_bundle(1, &plugin_key, &[&a]);
    let before = b.files()["bundle.json.dsse"].clone();
    bundle::sign(&mut b, &a).unwrap();
    assert_eq!(b.files()["bundle.json.dsse"], before);
    // An envelope over another manifest cannot be extended.
    let other = signed_bundle(2, &plugin_key, &[&a]);
    let mut files = b.into_files();
    files.insert(
        "bundle.json.dsse".into(),
        other.files()["bundle.json.dsse"].clone(),
    );
    let mut mixed = bundle::LoadedBundle::from_files("mixed", files).unwrap();
    assert!(matches!(
        bundle::sign(&mut mixed, &a),
        Err(TrustError::Envelope(EnvelopeError::PayloadMismatch))
    ));
}

#[test]
fn pinned_digest() {
    let plugin_key = keys::generate();
    let built = bundle::build(&spec(1, &[&plugin_key]), content(1, &plugin_key)).unwrap();
    let digest = built.digest().unwrap();
    let v = bundle::verify_pinned(&built, &digest, now(), &mut State::in_memory()).unwrap();
    assert!(v.signers.is_empty());
    let other = "0".repeat(64);
    let err = bundle::verify_pinned(&built, &other, now(), &mut State::in_memory()).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Manifest(BundleManifestError::PinnedDigestMismatch { .. })
        ),
        "{err}"
    );
}

#[test]
fn state_file_is_strict_and_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, br#"{"a": {"version": 1, "digest": "x", "accepted_at": "2026-01-01T00:00:00Z"}, "a": {"version": 0, "digest": "x", "accepted_at": "2026-01-01T00:00:00Z"}}"#).unwrap();
    assert!(matches!(
        State::load(&path),
        Err(TrustError::Freshness(FreshnessError::StateCorrupt { .. }))
    ));
    std::fs::write(&path, b"not json").unwrap();
    assert!(matches!(
        State::load(&path),
        Err(TrustError::Freshness(FreshnessError::StateCorrupt { .. }))
    ));
    std::fs::remove_file(&path).unwrap();
    let mut s = State::load(&path).unwrap();
    s.record("a", 2, "d2", now()).unwrap();
    s.record("b", 1, "e1", now()).unwrap();
    s.save().unwrap();
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            std::ffi::OsString::from("state.json"),
            std::ffi::OsString::from("state.json.lock")
        ],
        "no temporary files left (the lock file stays, for the next writer)"
    );
    let s = State::load(&path).unwrap();
    assert_eq!(s.get("a").unwrap().version, 2);
    assert!(matches!(
        s.check("a", 1, "d1"),
        Err(TrustError::Freshness(FreshnessError::Rollback { .. }))
    ));
    assert!(matches!(
        s.check("a", 2, "other"),
        Err(TrustError::Freshness(
            FreshnessError::VersionContentChanged { .. }
        ))
    ));
    assert!(s.check("a", 2, "d2").is_ok());
    assert!(s.check("a", 3, "d3").is_ok());
}

/// Two checks sharing one state file at once: one accepts version 3, the
/// other version 2, both having read version 1. Whatever the order, the
/// state ends at 3, and the writer of 2 either finished before 3 was
/// recorded or is refused as a rollback; version 2 is never accepted after 3.
#[test]
fn concurrent_writers_never_lose_the_higher_version() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut first = State::load(&path).unwrap();
        first.record("nhs-baseline", 1, "d1", now()).unwrap();
        first.save().unwrap();

        let barrier = std::sync::Barrier::new(2);
        let (three, two) = std::thread::scope(|scope| {
            let writer = |version: u64| {
                let (path, barrier) = (&path, &barrier);
                scope.spawn(move || {
                    let mut state = State::load(path).unwrap();
                    state
                        .record("nhs-baseline", version, &format!("d{version}"), now())
                        .unwrap();
                    barrier.wait();
                    state.save()
                })
            };
            let three = writer(3);
            let two = writer(2);
            (three.join().unwrap(), two.join().unwrap())
        });
        three.unwrap();
        if let Err(e) = &two {
            assert!(
                matches!(e, TrustError::Freshness(FreshnessError::Rollback { .. })),
                "round {round}: {e}"
            );
        }
        let state = State::load(&path).unwrap();
        assert_eq!(
            state.get("nhs-baseline").unwrap().version,
            3,
            "round {round}"
        );
        assert!(matches!(
            state.check("nhs-baseline", 2, "d2"),
            Err(TrustError::Freshness(FreshnessError::Rollback { .. }))
        ));
    }
}

/// A state path that is a symbolic link is followed: the link stays a link
/// and the file it names holds the state; one that leads nowhere is refused.
#[cfg(unix)]
#[test]
fn a_symlinked_state_file_is_followed_and_a_dangling_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    let link = dir.path().join("state.json");
    std::fs::write(&real, b"{}").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut s = State::load(&link).unwrap();
    s.record("a", 2, "d2", now()).unwrap();
    s.save().unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(State::load(&real).unwrap().get("a").unwrap().version, 2);
    assert_eq!(State::load(&link).unwrap().get("a").unwrap().version, 2);

    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink(dir.path().join("nowhere.json"), &dangling).unwrap();
    let err = State::load(&dangling).unwrap_err();
    assert!(
        matches!(
            err,
            TrustError::Freshness(FreshnessError::StateCorrupt { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("symbolic link"), "{err}");
}
