//! The attack suite: every attack on bundles, archives, signatures and plugins, each
//! refused with its own error variant.
#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use crate::common;

use std::collections::BTreeMap;

use crate::common::{
    RawEntry, content, custom_section, forge, load_bytes, manifest_for, module, now, raw_tar_gz,
    signed_bundle, ts,
};
use assure_trust::bundle::{self, ArchiveLimits, LoadedBundle};
use assure_trust::dsse::{self, Envelope, EnvelopeSignature};
use assure_trust::error::{
    ArchiveError, BundleManifestError, DuplicateJsonKeyError, EnvelopeError, FreshnessError,
    KeyError, PluginVerificationError, SignatureError, TrustConfigError,
};
use assure_trust::keys::{self, PrivateKey, PublicKey};
use assure_trust::state::State;
use assure_trust::{TrustError, wasmsig};

/// Three keys: two bundle signers and a plugin signer.
struct Keys {
    a: PrivateKey,
    b: PrivateKey,
    plugin: PrivateKey,
}

fn keys() -> Keys {
    Keys {
        a: keys::generate(),
        b: keys::generate(),
        plugin: keys::generate(),
    }
}

/// Packs and reloads (every bundle-level attack goes through a real `.bundle`).
fn through_archive(files: BTreeMap<String, Vec<u8>>) -> LoadedBundle {
    load_bytes(&bundle::pack(&files).unwrap()).unwrap()
}

fn verify1(b: &LoadedBundle, k: &PrivateKey) -> Result<bundle::VerifiedBundle, TrustError> {
    bundle::verify(b, &[k.public_key()], 1, now(), &mut State::in_memory())
}

/// A valid signed bundle's files, to tamper with.
fn good_files(k: &Keys, v: u64) -> BTreeMap<String, Vec<u8>> {
    signed_bundle(v, &k.plugin, &[&k.a]).into_files()
}

macro_rules! assert_err {
    ($result:expr, $($pattern:tt)+) => {
        match $result {
            Err(e) if matches!(e, $($pattern)+) => eprintln!("refused as expected: {e}"),
            Err(e) => panic!("wrong error: {e:?}"),
            Ok(_) => panic!("attack accepted"),
        }
    };
}

// ----- files -------------------------------------------------------------------------------

#[test]
fn tampered_policy_file() {
    let k = keys();
    let mut files = good_files(&k, 1);
    let policy = files.get_mut("policies/sbom.cedar").unwrap();
    let i = policy.iter().position(|&c| c == b'f').unwrap();
    policy[i] = b'p'; // "forbid" → "porbid": same size, different bytes
    assert_err!(
        verify1(&through_archive(files), &k.a),
        TrustError::Manifest(BundleManifestError::FileDigestMismatch { .. })
    );

    let mut files = good_files(&k, 1);
    files
        .get_mut("policies/sbom.cedar")
        .unwrap()
        .extend_from_slice(b"permit(principal, action, resource);\n");
    assert_err!(
        verify1(&through_archive(files), &k.a),
        TrustError::Manifest(BundleManifestError::FileSizeMismatch { .. })
    );
}

#[test]
fn extra_file() {
    let k = keys();
    let mut files = good_files(&k, 1);
    files.insert(
        "policies/backdoor.cedar".into(),
        b"permit(principal, action, resource);".to_vec(),
    );
    assert_err!(
        verify1(&through_archive(files), &k.a),
        TrustError::Manifest(BundleManifestError::UnlistedFile { ref path }) if path == "policies/backdoor.cedar"
    );
}

#[test]
fn missing_file() {
    let k = keys();
    let mut files = good_files(&k, 1);
    files.remove("policies/sbom.cedar");
    assert_err!(
        verify1(&through_archive(files), &k.a),
        TrustError::Manifest(BundleManifestError::MissingFile { ref path }) if path == "policies/sbom.cedar"
    );
}

// ----- archive extraction ------------------------------------------------------------------

#[test]
fn dot_dot_entry() {
    for name in [
        &b"../evil.cedar"[..],
        b"policies/../../evil",
        b"./a/..\\..\\b",
    ] {
        let gz = raw_tar_gz(&[RawEntry::file(name, b"x")]);
        assert_err!(
            load_bytes(&gz),
            TrustError::Archive(ArchiveError::PathTraversal { .. })
        );
    }
}

#[test]
fn absolute_path_entry() {
    for name in [&b"/etc/passwd"[..], b"\\windows\\x", b"C:/x"] {
        let gz = raw_tar_gz(&[RawEntry::file(name, b"x")]);
        assert_err!(
            load_bytes(&gz),
            TrustError::Archive(ArchiveError::AbsolutePath { .. })
        );
    }
}

#[test]
fn symlink_hardlink_and_device_entries() {
    let link = |kind| RawEntry {
        name: b"policies/sbom.cedar",
        kind,
        data: b"",
        link: b"/etc/passwd",
        size: Some(0),
    };
    assert_err!(
        load_bytes(&raw_tar_gz(&[link(tar::EntryType::Symlink)])),
        TrustError::Archive(ArchiveError::LinkEntry { .. })
    );
    assert_err!(
        load_bytes(&raw_tar_gz(&[link(tar::EntryType::Link)])),
        TrustError::Archive(ArchiveError::LinkEntry { .. })
    );
    for kind in [
        tar::EntryType::Char,
        tar::EntryType::Block,
        tar::EntryType::Fifo,
    ] {
        assert_err!(
            load_bytes(&raw_tar_gz(&[link(kind)])),
            TrustError::Archive(ArchiveError::SpecialEntry { .. })
        );
    }
}

#[cfg(unix)]
#[test]
fn symlink_in_a_bundle_folder() {
    let k = keys();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("b");
    signed_bundle(1, &k.plugin, &[&k.a])
        .write_dir(&folder)
        .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", folder.join("data").join("passwd")).unwrap();
    assert_err!(
        bundle::load(&folder),
        TrustError::Archive(ArchiveError::LinkEntry { .. })
    );
}

#[test]
fn decompression_bomb() {
    // 4 × 512 KiB of zeros: a few KiB compressed, 2 MiB inflated; total limit 1 MiB.
    let zeros = vec![0u8; 512 << 10];
    let entries: Vec<_> = [&b"a"[..], b"b", b"c", b"d"]
        .into_iter()
        .map(|n| RawEntry::file(n, &zeros))
        .collect();
    let gz = raw_tar_gz(&entries);
    assert!(gz.len() < 16 << 10, "the bomb is small: {} bytes", gz.len());
    let limits = ArchiveLimits {
        max_total_size: 1 << 20,
        ..ArchiveLimits::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.bundle");
    std::fs::write(&file, &gz).unwrap();
    assert_err!(
        bundle::load_with_limits(&file, &limits),
        TrustError::Archive(ArchiveError::TotalSizeExceeded { .. })
    );
    // Under the default limits it loads.
    assert_eq!(bundle::load(&file).unwrap().files().len(), 4);
}

#[test]
fn oversized_and_too_many_entries() {
    // An entry declaring 300 MiB is refused from its header, before anything is read.
    let gz = raw_tar_gz(&[RawEntry {
        size: Some(300 << 20),
        ..RawEntry::file(b"big", b"")
    }]);
    assert_err!(
        load_bytes(&gz),
        TrustError::Archive(ArchiveError::EntryTooLarge { .. })
    );
    let small = ArchiveLimits {
        max_entry_size: 10,
        ..ArchiveLimits::default()
    };
    let gz = raw_tar_gz(&[RawEntry::file(b"eleven", b"01234567890")]);
    assert_err!(
        bundle::load_archive("t", &gz[..], &small),
        TrustError::Archive(ArchiveError::EntryTooLarge { .. })
    );

    let names: Vec<String> = (0..6).map(|i| format!("f{i}")).collect();
    let entries: Vec<_> = names
        .iter()
        .map(|n| RawEntry::file(n.as_bytes(), b"x"))
        .collect();
    let few = ArchiveLimits {
        max_entries: 5,
        ..ArchiveLimits::default()
    };
    assert_err!(
        bundle::load_archive("t", &raw_tar_gz(&entries)[..], &few),
        TrustError::Archive(ArchiveError::TooManyEntries { .. })
    );
    // 10,001 entries by default.
    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let entries: Vec<_> = names
        .iter()
        .map(|n| RawEntry::file(n.as_bytes(), b""))
        .collect();
    assert_err!(
        load_bytes(&raw_tar_gz(&entries)),
        TrustError::Archive(ArchiveError::TooManyEntries { limit: 10_000, .. })
    );
}

#[test]
fn duplicate_and_non_utf8_entries() {
    let gz = raw_tar_gz(&[
        RawEntry::file(b"a.cedar", b"1"),
        RawEntry::file(b"./a.cedar", b"2"),
    ]);
    assert_err!(
        load_bytes(&gz),
        TrustError::Archive(ArchiveError::DuplicateEntry { .. })
    );
    let gz = raw_tar_gz(&[RawEntry::file(b"caf\xe9.cedar", b"1")]);
    assert_err!(
        load_bytes(&gz),
        TrustError::Archive(ArchiveError::NonUtf8Name { .. })
    );
    let gz = raw_tar_gz(&[RawEntry::file(b"a//b", b"1")]);
    assert_err!(
        load_bytes(&gz),
        TrustError::Archive(ArchiveError::InvalidEntryName { .. })
    );
    assert_err!(
        load_bytes(b"not gzip"),
        TrustError::Archive(ArchiveError::Malformed { .. })
    );
}

// ----- manifest and envelope ---------------------------------------------------------------

#[test]
fn duplicate_keys_in_manifest() {
    let k = keys();
    let files = content(1, &k.plugin);
    let json =
        String::from_utf8(manifest_for(1, &files, &[k.plugin.public_key()]).to_json()).unwrap();
    // serde_json alone would keep the last "version"; we refuse the document.
    let dup = json.replacen("\"version\": 1,", "\"version\": 1,\n  \"version\": 99,", 1);
    assert_ne!(dup, json);
    let b = through_archive(forge(dup.into_bytes(), files.clone(), &[&k.a]).into_files());
    assert_err!(verify1(&b, &k.a), TrustError::DuplicateJsonKey(DuplicateJsonKeyError { ref pointer, .. }) if pointer == "/version");
    // Nested, too.
    let dup = json.replacen("\"size\":", "\"size\": 0, \"size\":", 1);
    let b = forge(dup.into_bytes(), files.clone(), &[&k.a]);
    assert_err!(verify1(&b, &k.a), TrustError::DuplicateJsonKey(DuplicateJsonKeyError { ref pointer, .. }) if pointer == "/files/0/size");
    // Unknown members are refused as well.
    let unknown = json.replacen(
        "\"version\": 1,",
        "\"version\": 1,\n  \"trust_me\": true,",
        1,
    );
    let b = forge(unknown.into_bytes(), files, &[&k.a]);
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Manifest(BundleManifestError::Invalid { .. })
    );
}

#[test]
fn unsigned_manifest_with_trust_configured() {
    let k = keys();
    let built = bundle::build(&common::spec(1, &[&k.plugin]), content(1, &k.plugin)).unwrap();
    let b = through_archive(built.into_files());
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Envelope(EnvelopeError::UnsignedBundle { .. })
    );
    // And no trust configured at all is not a way around it.
    assert_err!(
        bundle::verify(&b, &[], 0, now(), &mut State::in_memory()),
        TrustError::Config(TrustConfigError { .. })
    );
}

/// Replaces the bundle's envelope.
fn with_envelope(k: &Keys, edit: impl FnOnce(&mut Envelope)) -> LoadedBundle {
    let mut files = good_files(k, 1);
    let mut env = Envelope::from_json(&files["bundle.json.dsse"]).unwrap();
    edit(&mut env);
    files.insert("bundle.json.dsse".into(), env.to_json());
    through_archive(files)
}

#[test]
fn untrusted_key() {
    let k = keys();
    let attacker = keys::generate();
    let b = with_envelope(&k, |env| {
        env.signatures.clear();
        dsse::sign(env, &attacker);
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Signature(SignatureError::UntrustedKey { .. })
    );
}

#[test]
fn duplicate_signature_against_threshold_two() {
    let k = keys();
    let b = with_envelope(&k, |env| {
        let mut again = env.signatures[0].clone();
        env.signatures.push(again.clone());
        again.keyid = k.b.key_id().to_hex();
        env.signatures.push(again);
    });
    let trusted = [k.a.public_key(), k.b.public_key()];
    // a's signature three times — once relabelled as b's — is still only a.
    assert_err!(
        bundle::verify(&b, &trusted, 2, now(), &mut State::in_memory()),
        TrustError::Signature(SignatureError::ThresholdNotMet {
            required: 2,
            found: 1
        })
    );
    let b = with_envelope(&k, |env| {
        let again = env.signatures[0].clone();
        env.signatures.push(again);
    });
    assert_err!(
        bundle::verify(&b, &trusted, 2, now(), &mut State::in_memory()),
        TrustError::Signature(SignatureError::ThresholdNotMet {
            required: 2,
            found: 1
        })
    );
}

#[test]
fn keyid_mismatch() {
    let k = keys();
    let attacker = keys::generate();
    let b = with_envelope(&k, |env| {
        env.signatures.clear();
        dsse::sign(env, &attacker);
        env.signatures[0].keyid = k.a.key_id().to_hex();
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Signature(SignatureError::KeyIdMismatch { .. })
    );
}

#[test]
fn small_order_key() {
    let k = keys();
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut sig = vec![0u8; 64];
    sig[0] = 1;
    let b = with_envelope(&k, |env| {
        env.signatures = vec![EnvelopeSignature {
            keyid: assure_trust::keys::KeyId::of_raw_public_key(&identity).to_hex(),
            sig,
        }];
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Signature(SignatureError::UntrustedKey { .. })
    );
    // The identity key cannot be configured as trusted.
    let mut der = hex::decode("302a300506032b6570032100").unwrap();
    der.extend_from_slice(&identity);
    let pem = {
        use base64::Engine as _;
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(&der)
        )
    };
    assert_err!(
        PublicKey::from_spki_pem(&pem),
        TrustError::Key(KeyError::Weak { .. })
    );
}

#[test]
fn non_canonical_signature() {
    let k = keys();
    let b = with_envelope(&k, |env| {
        // s := s + ℓ (little-endian addition).
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let s = &mut env.signatures[0].sig;
        let mut carry = 0u16;
        for (i, l) in L.iter().enumerate() {
            let sum = u16::from(s[32 + i]) + u16::from(*l) + carry;
            s[32 + i] = (sum & 0xff) as u8;
            carry = sum >> 8;
        }
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Signature(SignatureError::NonCanonical { .. })
    );
}

#[test]
fn wrong_payload_type() {
    let k = keys();
    let b = with_envelope(&k, |env| {
        env.payload_type = "application/vnd.in-toto+json".into();
        env.signatures.clear();
        dsse::sign(env, &k.a);
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Envelope(EnvelopeError::WrongPayloadType { .. })
    );
}

#[test]
fn raw_payload_signature() {
    let k = keys();
    let b = with_envelope(&k, |env| {
        env.signatures = vec![EnvelopeSignature {
            keyid: k.a.key_id().to_hex(),
            sig: k.a.sign(&env.payload).to_vec(),
        }];
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Signature(SignatureError::RawPayload { .. })
    );
}

#[test]
fn envelope_over_another_manifest() {
    let k = keys();
    let mut files = good_files(&k, 2);
    files.insert(
        "bundle.json.dsse".into(),
        good_files(&k, 1)["bundle.json.dsse"].clone(),
    );
    assert_err!(
        verify1(&through_archive(files), &k.a),
        TrustError::Envelope(EnvelopeError::PayloadMismatch)
    );
}

// ----- time and versions -------------------------------------------------------------------

#[test]
fn expired() {
    let k = keys();
    let b = through_archive(good_files(&k, 1));
    let expires = ts("2027-01-01T00:00:00Z");
    for when in [expires, ts("2030-01-01T00:00:00Z")] {
        assert_err!(
            bundle::verify(&b, &[k.a.public_key()], 1, when, &mut State::in_memory()),
            TrustError::Freshness(FreshnessError::Expired { .. })
        );
    }
    assert!(
        bundle::verify(
            &b,
            &[k.a.public_key()],
            1,
            ts("2026-12-31T23:59:59Z"),
            &mut State::in_memory()
        )
        .is_ok()
    );
}

#[test]
fn rollback() {
    let k = keys();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let v1 = through_archive(good_files(&k, 1));
    let v2 = through_archive(good_files(&k, 2));
    let trusted = [k.a.public_key()];
    // The caller saves the state once it has used the bundle.
    for v in [&v1, &v2] {
        let mut state = State::load(&path).unwrap();
        bundle::verify(v, &trusted, 1, now(), &mut state).unwrap();
        state.save().unwrap();
    }
    assert_err!(
        bundle::verify(&v1, &trusted, 1, now(), &mut State::load(&path).unwrap()),
        TrustError::Freshness(FreshnessError::Rollback {
            version: 1,
            recorded: 2,
            ..
        })
    );
    assert_eq!(
        State::load(&path)
            .unwrap()
            .get("nhs-baseline")
            .unwrap()
            .version,
        2
    );
}

#[test]
fn same_version_different_content() {
    let k = keys();
    let mut state = State::in_memory();
    let trusted = [k.a.public_key()];
    let first = through_archive(good_files(&k, 5));
    bundle::verify(&first, &trusted, 1, now(), &mut state).unwrap();
    // Same name and version, rebuilt (the plugin key differs, so the content differs).
    let k2 = keys();
    let other = signed_bundle(5, &k2.plugin, &[&k.a]);
    assert_err!(
        bundle::verify(&other, &trusted, 1, now(), &mut state),
        TrustError::Freshness(FreshnessError::VersionContentChanged { version: 5, .. })
    );
}

#[test]
fn mix_and_match_across_versions() {
    let k = keys();
    let v1 = good_files(&k, 1);
    for path in [
        "policies/sbom.cedar",
        "plugins/cyclonedx.wasm",
        "data/reference.json",
    ] {
        let mut v2 = good_files(&k, 2);
        v2.insert(path.into(), v1[path].clone());
        assert_err!(
            verify1(&through_archive(v2), &k.a),
            TrustError::Manifest(BundleManifestError::FileDigestMismatch { path: ref p, .. }) if p == path
        );
    }
}

// ----- plugins -----------------------------------------------------------------------------

/// A bundle whose manifest is computed from `files` and then edited, signed by `k.a`.
fn forged(
    k: &Keys,
    files: BTreeMap<String, Vec<u8>>,
    edit: impl FnOnce(&mut bundle::BundleManifest),
) -> LoadedBundle {
    let mut m = manifest_for(1, &files, &[k.plugin.public_key()]);
    edit(&mut m);
    through_archive(forge(m.to_json(), files, &[&k.a]).into_files())
}

fn with_plugin(k: &Keys, wasm: Vec<u8>) -> BTreeMap<String, Vec<u8>> {
    let mut files = content(1, &k.plugin);
    files.insert("plugins/cyclonedx.wasm".into(), wasm);
    files
}

#[test]
fn plugin_digest_differs_from_pin() {
    let k = keys();
    let files = content(1, &k.plugin);
    let b = forged(&k, files, |m| m.plugins[0].sha256 = "ab".repeat(32));
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::DigestMismatch { .. })
    );
}

#[test]
fn section_appended_after_signing() {
    let k = keys();
    let mut wasm = wasmsig::sign(&module("p"), &k.plugin).unwrap();
    wasm.extend_from_slice(&custom_section("evil", b"x"));
    let b = forged(&k, with_plugin(&k, wasm), |_| {});
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::ModifiedAfterSigning { .. })
    );
}

#[test]
fn signature_section_not_first() {
    let k = keys();
    let plain = module("p");
    let signed = wasmsig::sign(&plain, &k.plugin).unwrap();
    let sig_len = signed.len() - plain.len();
    let sig_section = &signed[8..8 + sig_len];
    // header · type section (6 bytes) · signature · the rest
    let mut moved = plain[..14].to_vec();
    moved.extend_from_slice(sig_section);
    moved.extend_from_slice(&plain[14..]);
    let b = forged(&k, with_plugin(&k, moved), |_| {});
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::SignatureSectionNotFirst { .. })
    );
}

#[test]
fn plugin_signed_by_a_key_the_bundle_does_not_allow() {
    let k = keys();
    let attacker = keys::generate();
    let wasm = wasmsig::sign(&module("p"), &attacker).unwrap();
    let b = forged(&k, with_plugin(&k, wasm), |_| {});
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::SignerNotAllowed { .. })
    );
    // The bundle signers are not plugin signers either.
    let wasm = wasmsig::sign(&module("p"), &k.a).unwrap();
    let b = forged(&k, with_plugin(&k, wasm), |_| {});
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::SignerNotAllowed { .. })
    );
}

#[test]
fn unsigned_plugin() {
    let k = keys();
    let b = forged(&k, with_plugin(&k, module("p")), |_| {});
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::Unsigned { .. })
    );
}

#[test]
fn undeclared_plugin_and_inconsistent_signer_keys() {
    let k = keys();
    let b = forged(&k, content(1, &k.plugin), |m| m.plugins.clear());
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Plugin(PluginVerificationError::Undeclared { .. })
    );
    // plugin_signer_keys must be exactly the keys of plugin_signers.
    let other = keys::generate();
    let b = forged(&k, content(1, &k.plugin), |m| {
        m.plugin_signer_keys = vec![other.public_key().to_spki_pem().unwrap()];
    });
    assert_err!(
        verify1(&b, &k.a),
        TrustError::Manifest(BundleManifestError::Invalid { .. })
    );
}

// ----- escapes hidden in names the short header does not show --------------------------

/// A tar.gz of GNU-format entries, each (kind, name in the header, data), so
/// GNU long-name (`L`) and PAX (`x`) records are honoured by the reader.
fn gnu_tar_gz(entries: &[(tar::EntryType, &[u8], &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut tar = Vec::new();
    for (kind, name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
        h.set_entry_type(*kind);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_size(data.len() as u64);
        h.set_cksum();
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(data);
        tar.extend(std::iter::repeat_n(0u8, (512 - data.len() % 512) % 512));
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// A PAX extended header record `path=<path>`.
fn pax_path(path: &str) -> Vec<u8> {
    let body = format!(" path={path}\n");
    // The length counts itself: find the fixed point.
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

#[test]
fn dot_dot_after_a_real_folder() {
    for name in [
        &b"a/../../x"[..],
        b"policies/./../../../etc/cron.d/x",
        b"a/b/../../../x",
    ] {
        let gz = raw_tar_gz(&[RawEntry::file(name, b"x")]);
        assert_err!(
            load_bytes(&gz),
            TrustError::Archive(ArchiveError::PathTraversal { .. })
        );
    }
    // A folder entry that escapes is refused too, not skipped.
    let dir = RawEntry {
        name: b"a/../../x/",
        kind: tar::EntryType::Directory,
        data: b"",
        link: b"",
        size: Some(0),
    };
    assert_err!(
        load_bytes(&raw_tar_gz(&[dir])),
        TrustError::Archive(ArchiveError::PathTraversal { .. })
    );
}

#[test]
fn hard_link_to_a_system_file_under_an_innocent_name() {
    for target in [
        &b"/etc/passwd"[..],
        b"../../../../etc/shadow",
        b"bundle.toml",
    ] {
        let link = RawEntry {
            name: b"data/kev.json",
            kind: tar::EntryType::Link,
            data: b"",
            link: target,
            size: Some(0),
        };
        assert_err!(
            load_bytes(&raw_tar_gz(&[link])),
            TrustError::Archive(ArchiveError::LinkEntry { .. })
        );
    }
}

#[test]
fn gnu_long_name_that_escapes() {
    let long = |prefix: &str| {
        let mut name = format!("{prefix}{}", "a".repeat(200)).into_bytes();
        name.push(0);
        name
    };
    let escaping = long("../../");
    let gz = gnu_tar_gz(&[
        (tar::EntryType::GNULongName, b"././@LongLink", &escaping),
        (tar::EntryType::Regular, b"policies/innocent.cedar", b"x"),
    ]);
    assert_err!(
        load_bytes(&gz),
        TrustError::Archive(ArchiveError::PathTraversal { .. })
    );

    let absolute = long("/etc/");
    let gz = gnu_tar_gz(&[
        (tar::EntryType::GNULongName, b"././@LongLink", &absolute),
        (tar::EntryType::Regular, b"policies/innocent.cedar", b"x"),
    ]);
    assert_err!(
        load_bytes(&gz),
        TrustError::Archive(ArchiveError::AbsolutePath { .. })
    );
}

#[test]
fn pax_path_that_escapes() {
    for (path, absolute) in [
        ("policies/../../evil.cedar", false),
        ("../evil.cedar", false),
        ("/etc/evil.cedar", true),
    ] {
        let record = pax_path(path);
        let gz = gnu_tar_gz(&[
            (tar::EntryType::XHeader, b"PaxHeader/innocent", &record),
            (tar::EntryType::Regular, b"policies/innocent.cedar", b"x"),
        ]);
        if absolute {
            assert_err!(
                load_bytes(&gz),
                TrustError::Archive(ArchiveError::AbsolutePath { .. })
            );
        } else {
            assert_err!(
                load_bytes(&gz),
                TrustError::Archive(ArchiveError::PathTraversal { .. })
            );
        }
    }
}
