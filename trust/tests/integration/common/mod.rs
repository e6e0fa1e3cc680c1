//! Helpers shared by the test crates.
#![allow(dead_code, reason = "each test module uses a different subset")]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::BTreeMap;
use std::io::Write as _;

use assure_trust::bundle::{self, BundleManifest, FileEntry, LoadedBundle, PluginEntry};
use assure_trust::keys::{PrivateKey, PublicKey};
use assure_trust::{TrustError, wasmsig};
use jiff::Timestamp;

/// A minimal valid core module (one function), made distinct by a custom section `tag`.
pub fn module(tag: &str) -> Vec<u8> {
    let mut m = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
    m.extend_from_slice(&[3, 2, 1, 0]); // function section
    m.extend_from_slice(&[10, 4, 1, 2, 0, 0x0b]); // code section
    m.extend_from_slice(&custom_section("tag", tag.as_bytes()));
    m
}

/// A custom section with `name` and `payload` (lengths < 128).
pub fn custom_section(name: &str, payload: &[u8]) -> Vec<u8> {
    let mut content = vec![u8::try_from(name.len()).unwrap()];
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(payload);
    let mut s = vec![0, u8::try_from(content.len()).unwrap()];
    s.extend_from_slice(&content);
    s
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// "Now" for the tests: between `created` and `expires` of [`spec`].
pub fn now() -> Timestamp {
    ts("2026-06-01T00:00:00Z")
}

pub fn spec(version: u64, plugin_signers: &[&PrivateKey]) -> bundle::BuildSpec {
    bundle::BuildSpec {
        name: "nhs-baseline".into(),
        version,
        created: ts("2026-01-01T00:00:00Z"),
        expires: ts("2027-01-01T00:00:00Z"),
        plugin_signers: plugin_signers.iter().map(|k| k.public_key()).collect(),
    }
}

/// The content files of a test bundle, version `v`; the plugin is signed by `plugin_key`.
pub fn content(v: u64, plugin_key: &PrivateKey) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert(
        "policies/sbom.cedar".to_owned(),
        format!("// v{v}\nforbid(principal, action, resource) when {{ false }};\n").into_bytes(),
    );
    files.insert(
        "schema.cedarschema".to_owned(),
        b"entity Product;\n".to_vec(),
    );
    files.insert(
        "data/reference.json".to_owned(),
        format!("{{\"v\": {v}}}\n").into_bytes(),
    );
    files.insert(
        "plugins/cyclonedx.wasm".to_owned(),
        wasmsig::sign(&module(&format!("cyclonedx v{v}")), plugin_key).unwrap(),
    );
    files
}

/// Build + sign with every key in `signers`.
pub fn signed_bundle(v: u64, plugin_key: &PrivateKey, signers: &[&PrivateKey]) -> LoadedBundle {
    let mut b = bundle::build(&spec(v, &[plugin_key]), content(v, plugin_key)).unwrap();
    for k in signers {
        bundle::sign(&mut b, k).unwrap();
    }
    b
}

/// The manifest [`bundle::build`] would write for `files`, without its plugin checks.
pub fn manifest_for(
    v: u64,
    files: &BTreeMap<String, Vec<u8>>,
    plugin_signers: &[PublicKey],
) -> BundleManifest {
    let s = spec(v, &[]);
    BundleManifest {
        format: bundle::FORMAT.into(),
        name: s.name,
        version: v,
        created: s.created,
        expires: s.expires,
        files: files
            .iter()
            .map(|(p, b)| FileEntry {
                path: p.clone(),
                sha256: bundle::sha256_hex(b),
                size: b.len() as u64,
            })
            .collect(),
        plugin_signers: plugin_signers.iter().map(PublicKey::key_id).collect(),
        plugin_signer_keys: plugin_signers
            .iter()
            .map(|k| k.to_spki_pem().unwrap())
            .collect(),
        plugins: files
            .iter()
            .filter_map(|(p, b)| {
                let stem = p.rsplit('/').next()?.strip_suffix(".wasm")?;
                Some(PluginEntry {
                    name: stem.into(),
                    path: p.clone(),
                    sha256: bundle::sha256_hex(b),
                })
            })
            .collect(),
    }
}

/// A bundle with exactly this manifest and these files, signed by `signers` (skips the
/// builder's checks, as an attacker — or a careless publisher — would).
pub fn forge(
    manifest_bytes: Vec<u8>,
    mut files: BTreeMap<String, Vec<u8>>,
    signers: &[&PrivateKey],
) -> LoadedBundle {
    let mut env = assure_trust::dsse::Envelope::new(bundle::BUNDLE_PAYLOAD_TYPE, &manifest_bytes);
    for k in signers {
        assure_trust::dsse::sign(&mut env, k);
    }
    files.insert(bundle::MANIFEST_FILE.into(), manifest_bytes);
    files.insert(bundle::ENVELOPE_FILE.into(), env.to_json());
    LoadedBundle::from_files("forged", files).unwrap()
}

/// One raw tar entry, written without the tar crate's path checks.
pub struct RawEntry<'a> {
    pub name: &'a [u8],
    pub kind: tar::EntryType,
    pub data: &'a [u8],
    pub link: &'a [u8],
    /// Declared size (defaults to data length).
    pub size: Option<u64>,
}

impl<'a> RawEntry<'a> {
    pub fn file(name: &'a [u8], data: &'a [u8]) -> Self {
        Self {
            name,
            kind: tar::EntryType::Regular,
            data,
            link: b"",
            size: None,
        }
    }
}

/// A gzip'd tar of raw entries.
pub fn raw_tar_gz(entries: &[RawEntry<'_>]) -> Vec<u8> {
    let mut tar = Vec::new();
    for e in entries {
        let mut h = tar::Header::new_old();
        {
            let old = h.as_old_mut();
            old.name[..e.name.len()].copy_from_slice(e.name);
            old.linkname[..e.link.len()].copy_from_slice(e.link);
        }
        h.set_entry_type(e.kind);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_size(e.size.unwrap_or(e.data.len() as u64));
        h.set_cksum();
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(e.data);
        let pad = (512 - e.data.len() % 512) % 512;
        tar.extend(std::iter::repeat_n(0u8, pad));
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// Loads a `.bundle` held in memory with default limits.
pub fn load_bytes(bytes: &[u8]) -> Result<LoadedBundle, TrustError> {
    bundle::load_archive("test.bundle", bytes, &bundle::ArchiveLimits::default())
}
