//! Every fact a plugin may emit is judged by some rule of the baseline, or
//! its plugin's README says why it is kept (shown in reports, used by the
//! engine to bind or join evidence). A fact that is read from the evidence
//! and then silently ignored — a DTAC answer that there was no pen test —
//! fails this test until a rule reads it or a README explains it.
//!
//! The declarations are the rows of a table under a `## Facts no rule reads`
//! heading in `plugins/README.md` or `plugins/<plugin>/README.md`:
//! `` | `dtac.product_name` | why it is kept | ``. A `*` in a name stands for
//! any text (`` `mds2.*_note` ``).

#![expect(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;

use assure_engine::bundle::Bundle;
use assure_tests::{builtin_files, root};

const HEADING: &str = "## Facts no rule reads";

/// A declared unread fact: its name (maybe with `*`), why, and where.
struct Declaration {
    pattern: String,
    reason: String,
    readme: String,
}

/// The declarations of one README.
fn declarations(readme: &str, text: &str) -> Vec<Declaration> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") || line.starts_with("# ") {
            inside = line.trim() == HEADING;
            continue;
        }
        if !inside {
            continue;
        }
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let [fact, reason, ..] = cells.as_slice() else {
            continue;
        };
        let Some(pattern) = fact.strip_prefix('`').and_then(|f| f.strip_suffix('`')) else {
            continue;
        };
        out.push(Declaration {
            pattern: pattern.to_owned(),
            reason: (*reason).to_owned(),
            readme: readme.to_owned(),
        });
    }
    out
}

/// Whether `name` matches `pattern`, where `*` stands for any text.
fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.is_empty()
}

fn all_declarations() -> Vec<Declaration> {
    let plugins = root().join("plugins");
    let mut readmes = vec![plugins.join("README.md")];
    for entry in std::fs::read_dir(&plugins).unwrap() {
        let readme = entry.unwrap().path().join("README.md");
        if readme.is_file() {
            readmes.push(readme);
        }
    }
    readmes.sort();
    let mut out = Vec::new();
    for readme in readmes {
        let text = std::fs::read_to_string(&readme).unwrap();
        let name = readme
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.extend(declarations(&name, &text));
    }
    out
}

#[test]
fn every_fact_is_judged_or_explained() {
    let bundle = Bundle::from_files("nhs-baseline", builtin_files().unwrap()).unwrap();
    let uses = bundle.fact_use();
    assert!(uses.len() > 100, "the schema declares the evidence facts");
    let declared = all_declarations();

    let mut problems = Vec::new();
    for fact in uses.iter().filter(|f| f.unread()) {
        let name = fact.name();
        if !declared.iter().any(|d| matches(&d.pattern, &name)) {
            problems.push(format!(
                "`{name}` is declared in the schema but no rule reads it: add a rule that judges it, \
                 or say why it is kept under `{HEADING}` in its plugin's README"
            ));
        }
    }
    let read: BTreeMap<String, &Vec<String>> = uses.iter().map(|f| (f.name(), &f.rules)).collect();
    for d in &declared {
        if d.reason.trim().is_empty() || d.reason.chars().all(|c| c == '-') {
            problems.push(format!(
                "{}: `{}` is declared without a reason",
                d.readme, d.pattern
            ));
        }
        let matched: Vec<(&String, &&Vec<String>)> = read
            .iter()
            .filter(|(name, _)| matches(&d.pattern, name))
            .collect();
        if matched.is_empty() {
            problems.push(format!(
                "{}: `{}` is declared as unread, but the schema declares no such fact",
                d.readme, d.pattern
            ));
        }
        for (name, rules) in matched {
            if !rules.is_empty() {
                problems.push(format!(
                    "{}: `{name}` is declared as unread, but {} read it: remove the row",
                    d.readme,
                    rules.join(", ")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_new_fact_no_rule_reads_is_caught() {
    // The same bundle with one more DTAC fact in its schema and no rule
    // reading it: the check must name it.
    let mut files = builtin_files().unwrap();
    let schema = files.get_mut("schema.cedarschema").unwrap();
    let text = String::from_utf8(schema.clone()).unwrap();
    let widened = text.replacen("type Dtac = {", "type Dtac = {\n  never_judged?: Bool,", 1);
    assert_ne!(text, widened, "the schema has a Dtac record");
    *schema = widened.into_bytes();
    let bundle = Bundle::from_files("widened", files).unwrap();
    let unread: Vec<String> = bundle
        .fact_use()
        .iter()
        .filter(|f| f.unread())
        .map(assure_engine::fact_use::FactUse::name)
        .collect();
    assert!(
        unread.contains(&"dtac.never_judged".to_owned()),
        "{unread:?}"
    );
    assert!(
        !all_declarations()
            .iter()
            .any(|d| matches(&d.pattern, "dtac.never_judged")),
        "no README may explain a fact that does not exist"
    );
}

#[test]
fn declarations_and_patterns() {
    let text = "# x\n\n## Facts no rule reads\n\n| fact | why |\n|---|---|\n| `mds2.*_note` | the answer's note, shown in reports |\n| `sbom.tools` | shown |\n\n## Next\n| `a.b` | not in the section |\n";
    let found = declarations("README.md", text);
    let names: Vec<&str> = found.iter().map(|d| d.pattern.as_str()).collect();
    assert_eq!(names, ["mds2.*_note", "sbom.tools"]);
    assert!(matches("mds2.*_note", "mds2.paut_8_note"));
    assert!(!matches("mds2.*_note", "mds2.paut_8"));
    assert!(matches("sbom.tools", "sbom.tools"));
    assert!(!matches("sbom.tools", "sbom.tools_x"));
    assert!(matches("Component.*", "Component.purl"));
}
