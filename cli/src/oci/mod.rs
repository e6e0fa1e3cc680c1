//! Bundles and plugins over OCI registries (the OCI distribution
//! specification, through `oci-client`): the artifact and media types, the
//! registry's address and credentials, and a bounded, digest-checked pull.
//!
//! What travels is exactly the file a publisher signed: a `.bundle` (which
//! holds its `bundle.json.dsse`, so the signatures travel with it; the
//! envelope is also a layer of its own, for tools that list signatures) or
//! a `.wasm` plugin (its signature is a custom section). Nothing here
//! decides trust: `commands` hands what it pulled to the same verification
//! `check` uses, before anything is written.

pub mod args;
pub mod commands;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use futures_util::StreamExt;
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::manifest::{OciDescriptor, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use sha2::{Digest, Sha256};

use crate::failure::Failure;

/// The scheme of a registry reference on the command line.
pub const SCHEME: &str = "oci://";

/// The manifest's `artifactType` for a policy bundle.
pub const BUNDLE_ARTIFACT_TYPE: &str = "application/vnd.assure.bundle.v1";
/// The layer holding the `.bundle` file (gzip'd tar), byte for byte.
pub const BUNDLE_LAYER: &str = "application/vnd.assure.bundle.v1.tar+gzip";
/// The layer holding the bundle's DSSE envelope (a copy of its `bundle.json.dsse`).
pub const DSSE_LAYER: &str = "application/vnd.dsse.envelope.v1+json";
/// The manifest's `artifactType` for a plugin.
pub const PLUGIN_ARTIFACT_TYPE: &str = "application/vnd.assure.plugin.v1";
/// The layer holding the plugin: a WebAssembly component, signed inside.
pub const PLUGIN_LAYER: &str = "application/wasm";
/// The OCI image manifest media type (the only manifest kind used).
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The empty config an artifact without a config of its own carries.
pub const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";

/// Annotations assure writes on a bundle's manifest (besides the
/// `org.opencontainers.image.*` ones).
pub const ANNOTATION_NAME: &str = "health.assure.bundle.name";
pub const ANNOTATION_VERSION: &str = "health.assure.bundle.version";
pub const ANNOTATION_EXPIRES: &str = "health.assure.bundle.expires";
pub const ANNOTATION_DIGEST: &str = "health.assure.bundle.digest";

/// The largest manifest accepted (registries refuse more than 4 MiB).
const MAX_MANIFEST_BYTES: usize = 4 << 20;
/// The largest blob pulled: a bundle's files are limited to 1 GiB
/// uncompressed, a plugin to 256 MiB; nothing larger is read.
const MAX_BLOB_BYTES: u64 = 256 << 20;

/// How to reach a registry: `--plain-http` for one that does not speak TLS.
#[derive(Debug, Clone, Default, Args)]
pub struct RegistryArgs {
    /// Talk plain HTTP (no TLS) to the registry. Without it, plain HTTP is
    /// used only for a registry on this machine (localhost, 127.0.0.0/8,
    /// [::1]); every other registry is reached over HTTPS.
    #[arg(long = "plain-http")]
    pub plain_http: bool,
}

/// Is `text` a registry reference (`oci://…`) rather than a path?
#[must_use]
pub fn is_reference(text: &std::ffi::OsStr) -> bool {
    text.to_str().is_some_and(|t| t.starts_with(SCHEME))
}

/// A parsed `oci://registry/repository[:tag][@sha256:…]`.
#[derive(Debug, Clone)]
pub struct Target {
    pub reference: Reference,
    /// As the user wrote it (for messages).
    pub text: String,
}

impl Target {
    pub fn parse(text: &str) -> Result<Self, Failure> {
        let Some(rest) = text.strip_prefix(SCHEME) else {
            return Err(Failure::usage(format!(
                "`{text}` is not a registry reference: write oci://REGISTRY/REPOSITORY:TAG \
                 (or @sha256:DIGEST)"
            )));
        };
        // The registry must be named: a bare `name:tag` would otherwise
        // silently mean Docker Hub.
        let host = rest.split('/').next().unwrap_or_default();
        if !rest.contains('/') || !(host.contains('.') || host.contains(':') || host == "localhost")
        {
            return Err(Failure::usage(format!(
                "`{text}` does not name a registry: write oci://REGISTRY/REPOSITORY:TAG, e.g. \
                 oci://registry.example.nhs.uk/assure/baseline:2026.12"
            )));
        }
        let reference: Reference = rest
            .parse()
            .map_err(|e| Failure::usage(format!("`{text}` is not a registry reference: {e}")))?;
        if let Some(digest) = reference.digest()
            && !digest.starts_with("sha256:")
        {
            return Err(Failure::usage(format!(
                "`{text}`: only sha256 digests are accepted"
            )));
        }
        Ok(Self {
            reference,
            text: text.to_owned(),
        })
    }

    /// The registry host (and port).
    #[must_use]
    pub fn registry(&self) -> &str {
        self.reference.resolve_registry()
    }

    /// `oci://registry/repository@sha256:…`: the content-addressed name.
    #[must_use]
    pub fn pinned(&self, digest: &str) -> String {
        format!(
            "{SCHEME}{}/{}@{digest}",
            self.reference.registry(),
            self.reference.repository()
        )
    }
}

/// Is this registry on this machine?
fn is_loopback(registry: &str) -> bool {
    let host = match registry.rsplit_once(':') {
        // `[::1]:5000`, `127.0.0.1:5000`, `localhost:5000`; a bare IPv6
        // address in brackets has its colons inside the brackets.
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => registry,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// HTTPS, except to a registry on this machine or with `--plain-http`.
fn protocol(registry: &str, plain_http: bool) -> ClientProtocol {
    if plain_http || is_loopback(registry) {
        ClientProtocol::HttpsExcept(vec![registry.to_owned()])
    } else {
        ClientProtocol::Https
    }
}

/// The credentials for `registry`, as the usual tools keep them:
/// `ASSURE_REGISTRY_USERNAME` and `ASSURE_REGISTRY_PASSWORD`; else
/// `REGISTRY_AUTH_FILE` (podman, skopeo, buildah); else docker's
/// `config.json` (`DOCKER_CONFIG`, else `~/.docker`), credential helpers
/// included; else podman's `$XDG_RUNTIME_DIR/containers/auth.json`; else
/// anonymous.
pub fn credentials(registry: &str) -> Result<RegistryAuth, Failure> {
    let user = std::env::var("ASSURE_REGISTRY_USERNAME").ok();
    let password = std::env::var("ASSURE_REGISTRY_PASSWORD").ok();
    match (user, password) {
        (Some(u), Some(p)) if !u.is_empty() => return Ok(RegistryAuth::Basic(u, p)),
        (Some(_), None) | (None, Some(_)) => {
            return Err(Failure::usage(
                "set both ASSURE_REGISTRY_USERNAME and ASSURE_REGISTRY_PASSWORD, or neither",
            ));
        }
        _ => {}
    }
    let from = |result: Result<docker_credential::DockerCredential, _>, file: &str| match result {
        Ok(docker_credential::DockerCredential::UsernamePassword(u, p)) => {
            Ok(Some(RegistryAuth::Basic(u, p)))
        }
        Ok(docker_credential::DockerCredential::IdentityToken(t)) => {
            Ok(Some(RegistryAuth::Bearer(t)))
        }
        Err(docker_credential::CredentialRetrievalError::NoCredentialConfigured) => Ok(None),
        Err(e) => Err(Failure::usage(format!(
            "registry credentials for {registry} in {file}: {e}"
        ))),
    };
    if let Some(file) = std::env::var_os("REGISTRY_AUTH_FILE") {
        let name = PathBuf::from(&file).display().to_string();
        if !PathBuf::from(&file).is_file() {
            return Err(Failure::usage(format!(
                "REGISTRY_AUTH_FILE names {name}, which is not a file"
            )));
        }
        return Ok(
            from(docker_credential::get_podman_credential(registry), &name)?
                .unwrap_or(RegistryAuth::Anonymous),
        );
    }
    let docker = std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")))
        .map(|dir| dir.join("config.json"));
    if let Some(config) = docker.filter(|c| c.is_file())
        && let Some(auth) = from(
            docker_credential::get_credential(registry),
            &config.display().to_string(),
        )?
    {
        return Ok(auth);
    }
    let podman = std::env::var_os("XDG_RUNTIME_DIR")
        .map(|d| PathBuf::from(d).join("containers").join("auth.json"));
    if let Some(file) = podman.filter(|f| f.is_file())
        && let Some(auth) = from(
            docker_credential::get_podman_credential(registry),
            &file.display().to_string(),
        )?
    {
        return Ok(auth);
    }
    Ok(RegistryAuth::Anonymous)
}

/// A client for one registry, with its credentials and a runtime to drive it.
pub struct Registry {
    client: Client,
    auth: RegistryAuth,
    runtime: tokio::runtime::Runtime,
    pub target: Target,
}

/// An artifact as pulled: the manifest's digest and each layer's bytes.
#[derive(Debug)]
pub struct Pulled {
    /// `sha256:…` of the manifest's bytes.
    pub manifest_digest: String,
    /// The artifact's main file (the layer of the expected media type).
    pub main: Vec<u8>,
    /// Its `org.opencontainers.image.title`, when it has one.
    pub title: Option<String>,
    /// The bytes of any other layers of known kinds, by media type.
    pub extra: BTreeMap<String, Vec<u8>>,
}

/// What to look for in a manifest.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub artifact_type: &'static str,
    pub layer: &'static str,
    /// Other layers read (and checked by the caller) when present.
    pub extra: &'static [&'static str],
    /// In messages: "bundle", "plugin".
    pub noun: &'static str,
}

pub const BUNDLE: Kind = Kind {
    artifact_type: BUNDLE_ARTIFACT_TYPE,
    layer: BUNDLE_LAYER,
    extra: &[DSSE_LAYER],
    noun: "bundle",
};

pub const PLUGIN: Kind = Kind {
    artifact_type: PLUGIN_ARTIFACT_TYPE,
    layer: PLUGIN_LAYER,
    extra: &[],
    noun: "plugin",
};

/// One layer to push.
pub struct Layer {
    pub media_type: &'static str,
    pub data: Vec<u8>,
    pub title: String,
}

fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

impl Registry {
    pub fn connect(text: &str, args: &RegistryArgs) -> Result<Self, Failure> {
        let target = Target::parse(text)?;
        let registry = target.registry().to_owned();
        if args.plain_http && !is_loopback(&registry) {
            let _ = writeln!(
                anstream::stderr(),
                "warning: --plain-http: talking to {registry} without TLS; what is pulled is \
                 still verified before it is used"
            );
        }
        let config = ClientConfig {
            protocol: protocol(&registry, args.plain_http),
            connect_timeout: Some(Duration::from_secs(30)),
            read_timeout: Some(Duration::from_secs(120)),
            user_agent: concat!("assure/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        let client = Client::try_from(config)
            .map_err(|e| Failure::usage(format!("cannot make a registry client: {e}")))?;
        let auth = credentials(&registry)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::usage(format!("cannot start the network runtime: {e}")))?;
        Ok(Self {
            client,
            auth,
            runtime,
            target,
        })
    }

    fn failed(&self, what: &str, e: &dyn std::fmt::Display) -> Failure {
        Failure::usage(format!("{}: {what}: {e}", self.target.text))
    }

    /// A failure of integrity: what the registry served is not what its
    /// digest says (exit 4).
    fn altered(&self, message: &str) -> Failure {
        Failure::untrusted(format!("{}: {message}", self.target.text))
    }

    /// Pulls the artifact of `kind`: its manifest (checked against the
    /// digest in the reference, when there is one), then its main layer and
    /// any known extra layers, each bounded and checked against its digest.
    pub fn pull(&self, kind: Kind) -> Result<Pulled, Failure> {
        self.runtime.block_on(self.pull_async(kind))
    }

    async fn pull_async(&self, kind: Kind) -> Result<Pulled, Failure> {
        let reference = &self.target.reference;
        let (bytes, _) = self
            .client
            .pull_manifest_raw(reference, &self.auth, &[MANIFEST_MEDIA_TYPE])
            .await
            .map_err(|e| self.failed("cannot fetch the manifest", &e))?;
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(self.altered(&format!(
                "the manifest is {} bytes, more than the {} MiB a manifest may be",
                bytes.len(),
                MAX_MANIFEST_BYTES >> 20
            )));
        }
        let manifest_digest = sha256_digest(&bytes);
        if let Some(pinned) = reference.digest()
            && pinned != manifest_digest
        {
            return Err(self.altered(&format!(
                "the registry served a manifest whose digest is {manifest_digest}, not {pinned}"
            )));
        }
        let manifest: OciImageManifest = serde_json::from_slice(&bytes).map_err(|e| {
            self.altered(&format!("the manifest is not an OCI image manifest: {e}"))
        })?;
        let typed = manifest.artifact_type.as_deref() == Some(kind.artifact_type)
            || manifest.config.media_type == kind.artifact_type;
        if !typed {
            return Err(Failure::untrusted(format!(
                "{}: not an assure {} (artifact type {}, config {}; expected {})",
                self.target.text,
                kind.noun,
                manifest.artifact_type.as_deref().unwrap_or("none"),
                manifest.config.media_type,
                kind.artifact_type
            )));
        }
        let mains: Vec<&OciDescriptor> = manifest
            .layers
            .iter()
            .filter(|l| l.media_type == kind.layer)
            .collect();
        let [main] = mains.as_slice() else {
            return Err(Failure::untrusted(format!(
                "{}: the manifest has {} layers of type {}; an assure {} has exactly one",
                self.target.text,
                mains.len(),
                kind.layer,
                kind.noun
            )));
        };
        let title = main
            .annotations
            .as_ref()
            .and_then(|a| a.get("org.opencontainers.image.title"))
            .cloned();
        let main_bytes = self.blob(main).await?;
        let mut extra = BTreeMap::new();
        for layer in &manifest.layers {
            if kind.extra.contains(&layer.media_type.as_str()) {
                if extra.contains_key(&layer.media_type) {
                    return Err(self.altered(&format!(
                        "the manifest has more than one layer of type {}",
                        layer.media_type
                    )));
                }
                extra.insert(layer.media_type.clone(), self.blob(layer).await?);
            }
        }
        Ok(Pulled {
            manifest_digest,
            main: main_bytes,
            title,
            extra,
        })
    }

    /// One blob: its declared size bounded, read no further than that size,
    /// and its SHA-256 checked against the descriptor.
    async fn blob(&self, descriptor: &OciDescriptor) -> Result<Vec<u8>, Failure> {
        let size = u64::try_from(descriptor.size).unwrap_or(u64::MAX);
        if size > MAX_BLOB_BYTES {
            return Err(self.altered(&format!(
                "layer {} declares {} bytes, more than the {} MiB accepted",
                descriptor.digest,
                descriptor.size,
                MAX_BLOB_BYTES >> 20
            )));
        }
        if !descriptor.digest.starts_with("sha256:") {
            return Err(self.altered(&format!(
                "layer {} is not addressed by a sha256 digest",
                descriptor.digest
            )));
        }
        let mut stream = self
            .client
            .pull_blob_stream(&self.target.reference, descriptor)
            .await
            .map_err(|e| self.failed(&format!("cannot fetch layer {}", descriptor.digest), &e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                // The client checks the digest as the last bytes arrive.
                if e.kind() == std::io::ErrorKind::InvalidData || e.to_string().contains("digest") {
                    self.altered(&format!(
                        "layer {} was served altered: {e}",
                        descriptor.digest
                    ))
                } else {
                    self.failed(&format!("cannot read layer {}", descriptor.digest), &e)
                }
            })?;
            if (bytes.len() + chunk.len()) as u64 > size {
                return Err(self.altered(&format!(
                    "layer {} is longer than the {size} bytes its descriptor declares",
                    descriptor.digest
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let actual = sha256_digest(&bytes);
        if actual != descriptor.digest || bytes.len() as u64 != size {
            return Err(self.altered(&format!(
                "layer {} was served altered ({} bytes, digest {actual})",
                descriptor.digest,
                bytes.len()
            )));
        }
        Ok(bytes)
    }

    /// Pushes `layers` as an artifact of `artifact_type` with an empty
    /// config, and tags it as the reference says; returns the manifest's
    /// digest.
    pub fn push(
        &self,
        artifact_type: &str,
        layers: Vec<Layer>,
        annotations: BTreeMap<String, String>,
    ) -> Result<String, Failure> {
        if self.target.reference.digest().is_some() {
            return Err(Failure::usage(format!(
                "{}: push to a tag (oci://REGISTRY/REPOSITORY:TAG); the digest is the registry's answer",
                self.target.text
            )));
        }
        self.runtime
            .block_on(self.push_async(artifact_type, layers, annotations))
    }

    async fn push_async(
        &self,
        artifact_type: &str,
        layers: Vec<Layer>,
        annotations: BTreeMap<String, String>,
    ) -> Result<String, Failure> {
        let reference = &self.target.reference;
        // The registry asks for credentials once, for pushing.
        self.client
            .auth(reference, &self.auth, oci_client::RegistryOperation::Push)
            .await
            .map_err(|e| self.failed("cannot sign in to the registry", &e))?;
        let config = b"{}".to_vec();
        let config_descriptor = OciDescriptor {
            media_type: EMPTY_CONFIG.to_owned(),
            digest: sha256_digest(&config),
            size: 2,
            urls: None,
            annotations: None,
        };
        let mut descriptors = Vec::new();
        for layer in &layers {
            let digest = sha256_digest(&layer.data);
            self.client
                .push_blob(reference, &layer.data, &digest)
                .await
                .map_err(|e| self.failed(&format!("cannot upload {}", layer.title), &e))?;
            descriptors.push(OciDescriptor {
                media_type: layer.media_type.to_owned(),
                digest,
                size: i64::try_from(layer.data.len()).unwrap_or(i64::MAX),
                urls: None,
                annotations: Some(BTreeMap::from([(
                    "org.opencontainers.image.title".to_owned(),
                    layer.title.clone(),
                )])),
            });
        }
        self.client
            .push_blob(reference, &config, &config_descriptor.digest)
            .await
            .map_err(|e| self.failed("cannot upload the empty config", &e))?;
        let manifest = OciImageManifest {
            schema_version: 2,
            media_type: Some(MANIFEST_MEDIA_TYPE.to_owned()),
            config: config_descriptor,
            layers: descriptors,
            subject: None,
            artifact_type: Some(artifact_type.to_owned()),
            annotations: Some(annotations),
        };
        let body = serde_json::to_vec(&manifest)
            .map_err(|e| self.failed("cannot write the manifest", &e))?;
        let digest = sha256_digest(&body);
        self.client
            .push_manifest_raw(
                reference,
                body,
                http::HeaderValue::from_static(MANIFEST_MEDIA_TYPE),
            )
            .await
            .map_err(|e| self.failed("cannot upload the manifest", &e))?;
        Ok(digest)
    }
}

/// Pulls a bundle from a registry and verifies it exactly as `check
/// --bundle FILE` verifies a file (trusted keys, threshold, file list,
/// plugins, expiry at `now`, anti-rollback state), and that the envelope
/// layer, when there is one, is the bundle's own. Nothing is written but
/// the anti-rollback state.
pub fn pull_trusted_bundle(
    text: &str,
    args: &RegistryArgs,
    trust: &assure_engine::bundle::TrustConfig,
    now: jiff::Timestamp,
) -> Result<(assure_engine::TrustedBundle, Pulled, String), Failure> {
    let registry = Registry::connect(text, args)?;
    let pulled = registry.pull(BUNDLE)?;
    let pinned = registry.target.pinned(&pulled.manifest_digest);
    if let Some(envelope) = pulled.extra.get(DSSE_LAYER) {
        let loaded = assure_trust::bundle::load_archive(
            &pinned,
            pulled.main.as_slice(),
            &assure_trust::bundle::ArchiveLimits::default(),
        )
        .map_err(|e| Failure::untrusted(format!("{pinned}: {e}")))?;
        if loaded.files().get(assure_trust::bundle::ENVELOPE_FILE) != Some(envelope) {
            return Err(Failure::untrusted(format!(
                "{pinned}: the signatures layer ({DSSE_LAYER}) is not the bundle's own \
                 {}; refused",
                assure_trust::bundle::ENVELOPE_FILE
            )));
        }
    }
    let bundle = assure_engine::TrustedBundle::load_signed_bytes(&pinned, &pulled.main, trust, now)
        .map_err(Failure::from)?;
    Ok((bundle, pulled, pinned))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    use super::*;

    #[test]
    fn references_must_name_a_registry() {
        for bad in [
            "baseline:1",
            "oci://baseline:1",
            "oci://library/baseline:1",
            "registry.example/baseline:1",
            "oci://registry.example/baseline@md5:abc",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad} accepted");
        }
        let t = Target::parse("oci://127.0.0.1:5000/assure/baseline:2026.12").unwrap();
        assert_eq!(t.registry(), "127.0.0.1:5000");
        assert_eq!(t.reference.repository(), "assure/baseline");
        assert_eq!(t.reference.tag(), Some("2026.12"));
        assert_eq!(
            t.pinned("sha256:00"),
            "oci://127.0.0.1:5000/assure/baseline@sha256:00"
        );
    }

    #[test]
    fn plain_http_only_on_this_machine() {
        for local in [
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
            "localhost",
        ] {
            assert!(is_loopback(local), "{local}");
        }
        for remote in [
            "registry.example:5000",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[fe80::1]:5000",
            "ghcr.io",
        ] {
            assert!(!is_loopback(remote), "{remote}");
            assert!(matches!(protocol(remote, false), ClientProtocol::Https));
            assert!(matches!(
                protocol(remote, true),
                ClientProtocol::HttpsExcept(ref hosts) if hosts == &[remote.to_owned()]
            ));
        }
    }
}
