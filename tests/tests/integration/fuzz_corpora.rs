//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) and the
//! fuzzers' regression inputs (`fuzz/regressions/<target>/`) through the same
//! functions the cargo-fuzz targets call (`assure_tests::fuzzing`), on
//! stable: what the fuzzer once found, or once reached, keeps working.
//!
//! The plugin targets instantiate a WebAssembly component per input, so each
//! replays a deterministic sample of its corpus (every n-th file by name, at
//! most [`PLUGIN_SAMPLE`]) and prints how many; every other target, and
//! every regression input, replays in full.
//!
//! `cargo test -p assure-tests --test integration -- --ignored --exact fuzz_corpora::seed` writes
//! the seed corpora afresh from the repository's documents (see
//! `fuzz/README.md`).

#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(clippy::unwrap_used, clippy::panic, reason = "tests")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use assure_tests::fuzzing;

/// Most corpus files a plugin target replays.
const PLUGIN_SAMPLE: usize = 24;

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Every n-th of `files` so that at most `cap` remain.
fn sample(files: Vec<PathBuf>, cap: usize) -> Vec<PathBuf> {
    let step = files.len().div_ceil(cap).max(1);
    files.into_iter().step_by(step).collect()
}

fn replay(target: &str) {
    let run = fuzzing::target(target).unwrap();
    let fuzz = assure_tests::root().join("fuzz");
    let corpus = files(&fuzz.join("corpus").join(target));
    let total = corpus.len();
    let corpus = if target.starts_with("plugin_") {
        sample(corpus, PLUGIN_SAMPLE)
    } else {
        corpus
    };
    assert!(
        !corpus.is_empty(),
        "{target}: no corpus in fuzz/corpus/{target}"
    );
    let regressions = files(&fuzz.join("regressions").join(target));
    let started = Instant::now();
    for path in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap();
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            panic!("{target}: {} panicked", path.display());
        }
    }
    println!(
        "{target}: replayed {} of {total} corpus files and {} regression inputs in {:.1} s",
        corpus.len(),
        regressions.len(),
        started.elapsed().as_secs_f64()
    );
}

macro_rules! replay {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*

        #[test]
        fn every_target_is_replayed() {
            let replayed = [$(stringify!($name)),*];
            assert_eq!(replayed.as_slice(), fuzzing::TARGETS.as_slice());
            let mut on_disk: Vec<String> = files(&assure_tests::root().join("fuzz").join("fuzz_targets"))
                .iter()
                .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
                .collect();
            on_disk.sort();
            let mut expected: Vec<String> = replayed.iter().map(|s| (*s).to_owned()).collect();
            expected.sort();
            assert_eq!(on_disk, expected, "fuzz/fuzz_targets/ and the replay disagree");
        }
    };
}

replay!(
    manifest,
    bundle_archive,
    bundle_manifest,
    dsse,
    wasm_signature,
    bundle_load,
    facts,
    plugin_cyclonedx,
    plugin_spdx,
    plugin_openvex,
    plugin_csaf,
    plugin_security_txt,
    plugin_dtac,
    plugin_mds2,
    plugin_cyber_essentials,
    plugin_pentest,
    plugin_supplier_assurance,
    plugin_slsa,
    plugin_scorecard,
);

// ----- seeds ------------------------------------------------------------------

/// Writes the seed corpora from the repository's documents. Run by hand.
#[test]
#[ignore = "writes fuzz/corpus; run by hand to reseed"]
fn seed() {
    let root = assure_tests::root();
    let corpus = root.join("fuzz").join("corpus");
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    // Not the targets' fixed key: the seeds carry real signatures, by a key
    // the targets do not trust, so what must never verify still never does.
    let key = assure_trust::keys::PrivateKey::from_seed(&[9; 32]);

    // Documents, routed to plugins by media type as a check routes them.
    let bundle = assure_engine::TrustedBundle::builtin().unwrap();
    let mut documents: Vec<(String, PathBuf)> = Vec::new();
    for name in fuzzing::PLUGINS {
        let dir = root.join("plugins").join(name);
        for path in files(&dir.join("tests").join("fixtures"))
            .into_iter()
            .chain(files(&dir.join("examples")))
        {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            if file.ends_with(".md") || file.ends_with(".schema") {
                continue;
            }
            documents.push((name.to_owned(), path));
        }
    }
    let folders = ["approved", "needs-evidence", "rejected"]
        .map(|f| root.join("examples").join(f))
        .into_iter()
        .chain([root.join("tests").join("fixtures").join("every-format")]);
    let mut submissions: Vec<Vec<(String, PathBuf)>> = Vec::new();
    for folder in folders {
        let mut docs = Vec::new();
        for path in files(&folder) {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            if file == "submission.toml" {
                let tag = folder.file_name().unwrap().to_string_lossy().into_owned();
                write(
                    "manifest",
                    &format!("{tag}.toml"),
                    &std::fs::read(&path).unwrap(),
                );
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let media = assure_engine::media::sniff(&file, &bytes);
            if let Some(plugin) = bundle.plugins_for(media).next() {
                docs.push((plugin.name.clone(), path));
            }
        }
        documents.extend(docs.iter().cloned());
        submissions.push(docs);
    }
    let prefix = |path: &Path| {
        path.strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('/', "__")
    };
    for (plugin, path) in &documents {
        let target = format!("plugin_{}", plugin.replace('-', "_"));
        write(&target, &prefix(path), &std::fs::read(path).unwrap());
    }

    // The SLSA plugin's other media type: the provenance in a DSSE envelope.
    let statement = std::fs::read(root.join("examples/approved/provenance.intoto.json")).unwrap();
    let mut envelope =
        assure_trust::dsse::Envelope::new("application/vnd.in-toto+json", &statement);
    assure_trust::dsse::sign(&mut envelope, &key);
    write(
        "plugin_slsa",
        "examples__approved__provenance.dsse.json",
        &envelope.to_json(),
    );
    write("dsse", "provenance.dsse.json", &envelope.to_json());

    // Facts: what the plugins extract from each document, and from each
    // example submission's documents together.
    let host = assure_engine::PluginHost::new(assure_engine::SandboxLimits::default()).unwrap();
    let mut loaded = BTreeMap::new();
    for plugin in &bundle.plugins {
        loaded.insert(
            plugin.name.clone(),
            host.load(&plugin.name, &plugin.bytes).unwrap(),
        );
    }
    let extract = |plugin: &str, path: &Path| -> Option<fuzzing::FuzzExtraction> {
        let bytes = std::fs::read(path).unwrap();
        let media = bundle
            .plugins
            .iter()
            .find(|p| p.name == plugin)?
            .media_types
            .first()?
            .clone();
        let extraction = host
            .extract(loaded.get(plugin)?, "document", &media, &bytes)
            .ok()?;
        Some(extraction.into())
    };
    for (plugin, path) in &documents {
        if let Some(x) = extract(plugin, path) {
            let json = serde_json::to_vec(&[x]).unwrap();
            if json.len() < 1 << 20 {
                write("facts", &format!("{}.json", prefix(path)), &json);
            }
        }
    }
    for docs in &submissions {
        let all: Vec<fuzzing::FuzzExtraction> = docs
            .iter()
            .filter_map(|(p, path)| extract(p, path))
            .collect();
        let name = docs
            .first()
            .and_then(|(_, p)| p.parent())
            .map(prefix)
            .unwrap_or_default();
        write(
            "facts",
            &format!("{name}__all.json"),
            &serde_json::to_vec(&all).unwrap(),
        );
    }

    // Bundles: the built-in bundle's files, as the engine reads them and as a
    // signed `.bundle` (plugins signed with the fixed key).
    let mut text: BTreeMap<String, Vec<u8>> = assure_tests::builtin_files()
        .unwrap()
        .into_iter()
        .filter(|(path, _)| !path.ends_with(".wasm"))
        .collect();
    if let Some(kev) = text.get_mut("data/kev.json") {
        let mut json: serde_json::Value = serde_json::from_slice(kev).unwrap();
        if let Some(list) = json
            .get_mut("vulnerabilities")
            .and_then(|v| v.as_array_mut())
        {
            list.truncate(3);
        }
        if let Some(object) = json.as_object_mut() {
            object.insert("count".to_owned(), serde_json::json!(3));
        }
        *kev = serde_json::to_vec_pretty(&json).unwrap();
    }
    write(
        "bundle_load",
        "nhs-baseline.txt",
        &fuzzing::join_files(&text),
    );
    let mut no_kev = text.clone();
    no_kev.remove("data/kev.json");
    if let Some(toml) = no_kev.get_mut("bundle.toml") {
        let s = String::from_utf8_lossy(toml).replace(
            "[data.kev]\npath = \"data/kev.json\"\nmax_age_days = 30\n",
            "",
        );
        *toml = s.into_bytes();
    }
    write(
        "bundle_load",
        "nhs-baseline-no-kev.txt",
        &fuzzing::join_files(&no_kev),
    );

    let spec = assure_trust::bundle::BuildSpec {
        name: "nhs-baseline".into(),
        version: 1,
        created: "2026-01-01T00:00:00Z".parse().unwrap(),
        expires: "2027-01-01T00:00:00Z".parse().unwrap(),
        plugin_signers: vec![key.public_key()],
    };
    let mut with_plugins = text.clone();
    for name in ["scorecard", "cyber-essentials"] {
        let wasm = std::fs::read(root.join("plugins/dist").join(format!("{name}.wasm"))).unwrap();
        let signed = assure_trust::wasmsig::sign(&wasm, &key).unwrap();
        write("wasm_signature", &format!("{name}.signed.wasm"), &signed);
        with_plugins.insert(format!("plugins/{name}.wasm"), signed);
    }
    for (tag, files) in [("policies", text.clone()), ("with-plugins", with_plugins)] {
        let mut built = assure_trust::bundle::build(&spec, files).unwrap();
        assure_trust::bundle::sign(&mut built, &key).unwrap();
        write(
            "bundle_archive",
            &format!("{tag}.bundle"),
            &built.to_archive().unwrap(),
        );
        let manifest = built.manifest_bytes().unwrap().to_vec();
        write("bundle_manifest", &format!("{tag}.bundle.json"), &manifest);
        let envelope = built.files().get("bundle.json.dsse").unwrap();
        write("dsse", &format!("{tag}.bundle.json.dsse"), envelope);
    }
    write(
        "bundle_archive",
        "unsigned.bundle",
        &assure_trust::bundle::pack(&text).unwrap(),
    );

    // Small modules, signed and not, from the hostile-plugin fixtures.
    for name in ["well-behaved", "trap"] {
        let wat = std::fs::read_to_string(
            root.join("tests/fixtures/hostile")
                .join(format!("{name}.wat")),
        )
        .unwrap();
        if let Ok(wasm) = wat::parse_str(&wat) {
            write("wasm_signature", &format!("{name}.wasm"), &wasm);
            let signed = assure_trust::wasmsig::sign(&wasm, &key).unwrap();
            write("wasm_signature", &format!("{name}.signed.wasm"), &signed);
        }
    }
}
