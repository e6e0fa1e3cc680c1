//! JSON formats, told apart by their top-level members.
//!
//! The document is parsed once into a bounded [`Shape`] (see `shape.rs`):
//! a 100 MB SBOM costs one pass and a few kilobytes.

use super::shape::{MAX_DEPTH, Shape, summarise};
use super::types::{
    CSAF_JSON, CYBER_ESSENTIALS_JSON, CYCLONEDX_JSON, DSSE_JSON, DTAC_JSON, IN_TOTO_JSON, JSON,
    OPENVEX_JSON, PENTEST_JSON, Recognition, SCORECARD_JSON, SPDX_JSON, SUPPLIER_ASSURANCE_JSON,
};

/// What one format makes of the document.
enum Claim {
    /// Not this format.
    No,
    /// Not this format, but a near miss worth naming if nothing matches.
    Hint(String),
    /// Its marker is there, the structure is not.
    Broken {
        format: &'static str,
        reason: String,
    },
    /// This format.
    Yes {
        media_type: &'static str,
        format: String,
    },
}

/// Recognises a JSON document (no byte-order mark).
pub(super) fn recognise(bytes: &[u8]) -> Recognition {
    if let Err(line) = crate::limits::json_nesting(bytes, MAX_DEPTH) {
        return Recognition::unrecognised(
            JSON,
            format!(
                "JSON nested more than {MAX_DEPTH} levels deep (at line {line}), more than any \
                 plugin reads"
            ),
        );
    }
    let (root, duplicate) = match summarise(bytes) {
        Ok(summary) => summary,
        Err(e) => {
            return Recognition::unrecognised(
                JSON,
                format!("it starts like JSON but does not parse: {e}"),
            );
        }
    };
    let Shape::Object(members) = &root else {
        return Recognition::unrecognised(
            JSON,
            format!(
                "JSON, but {} at the top; every format a plugin reads is an object",
                root.kind()
            ),
        );
    };
    if let Some(key) = duplicate {
        return Recognition::unrecognised(
            JSON,
            format!(
                "JSON with the member `{key}` twice at the top: which one counts depends on \
                 the reader"
            ),
        );
    }
    let claims = [
        cyclonedx(&root),
        spdx(&root),
        openvex(&root),
        csaf(&root),
        in_toto(&root),
        dsse(&root),
        scorecard(&root),
        assure_format(&root),
    ];
    let mut matched = Vec::new();
    let mut broken = Vec::new();
    let mut hints = Vec::new();
    for claim in claims {
        match claim {
            Claim::No => {}
            Claim::Hint(h) => hints.push(h),
            Claim::Broken { format, reason } => broken.push((format, reason)),
            Claim::Yes { media_type, format } => matched.push((media_type, format)),
        }
    }
    match (matched.as_slice(), broken.as_slice()) {
        ([(media_type, format)], []) => Recognition::Recognised {
            media_type,
            format: format.clone(),
        },
        ([], [(format, reason)]) => {
            Recognition::unrecognised(JSON, format!("it has the marker of {format}, but {reason}"))
        }
        ([], []) => {
            let reason = if hints.is_empty() {
                let names: Vec<String> = members
                    .iter()
                    .take(8)
                    .map(|(k, _)| format!("`{k}`"))
                    .collect();
                let more = if members.len() > 8 { ", …" } else { "" };
                if names.is_empty() {
                    "JSON, but an empty object".to_owned()
                } else {
                    format!(
                        "JSON, but no member says which format (it has {}{more})",
                        names.join(", ")
                    )
                }
            } else {
                format!("JSON, but {}", hints.join("; "))
            };
            Recognition::unrecognised(JSON, reason)
        }
        _ => {
            let mut looks: Vec<String> = matched.iter().map(|(_, f)| f.clone()).collect();
            looks.extend(
                broken
                    .iter()
                    .map(|(format, reason)| format!("{format} (but {reason})")),
            );
            Recognition::unrecognised(
                JSON,
                format!(
                    "it looks like more than one format: {}; declare its `media_type` in \
                     submission.toml",
                    looks.join(" and ")
                ),
            )
        }
    }
}

/// A member's name, the test of its value, and what the value should be.
type Member<'a> = (&'a str, fn(&Shape) -> bool, &'a str);

/// Checks the members a format requires.
fn require(root: &Shape, members: &[Member<'_>]) -> Result<(), String> {
    let mut problems = Vec::new();
    for (name, ok, wanted) in members {
        match root.get(name) {
            None => problems.push(format!("no `{name}` ({wanted})")),
            Some(value) if !ok(value) => {
                problems.push(format!("`{name}` is {}, not {wanted}", value.kind()));
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join(", "))
    }
}

/// Checks optional members' types.
fn optional(root: &Shape, members: &[Member<'_>]) -> Result<(), String> {
    let mut problems = Vec::new();
    for (name, ok, wanted) in members {
        if let Some(value) = root.get(name)
            && !ok(value)
        {
            problems.push(format!("`{name}` is {}, not {wanted}", value.kind()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join(", "))
    }
}

fn is_str(s: &Shape) -> bool {
    matches!(s, Shape::Str(_))
}

fn both(a: Result<(), String>, b: Result<(), String>) -> Result<(), String> {
    match (a, b) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(a), Err(b)) => Err(format!("{a}, {b}")),
    }
}

fn claim(
    media_type: &'static str,
    name: &'static str,
    format: String,
    checked: Result<(), String>,
) -> Claim {
    match checked {
        Ok(()) => Claim::Yes { media_type, format },
        Err(reason) => Claim::Broken {
            format: name,
            reason: format!("it has {reason}"),
        },
    }
}

/// CycloneDX: `bomFormat` "CycloneDX" and a `specVersion` "1.x".
fn cyclonedx(root: &Shape) -> Claim {
    let Some(marker) = root.get("bomFormat") else {
        return Claim::No;
    };
    if marker.str() != Some("CycloneDX") {
        return Claim::Hint(match marker.str() {
            Some(other) => format!("`bomFormat` is `{other}`, where CycloneDX says `CycloneDX`"),
            None => format!("`bomFormat` is {}, not `CycloneDX`", marker.kind()),
        });
    }
    let version = root.get_str("specVersion").unwrap_or_default().to_owned();
    let spec_ok = |s: &Shape| {
        s.str().is_some_and(|v| {
            v.strip_prefix("1.")
                .is_some_and(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    let checked = both(
        require(
            root,
            &[("specVersion", spec_ok, "a version such as \"1.6\"")],
        ),
        optional(
            root,
            &[
                ("components", Shape::is_array, "an array"),
                ("metadata", Shape::is_object, "an object"),
                ("vulnerabilities", Shape::is_array, "an array"),
                ("dependencies", Shape::is_array, "an array"),
            ],
        ),
    );
    claim(
        CYCLONEDX_JSON,
        "CycloneDX",
        format!("CycloneDX {version} JSON"),
        checked,
    )
}

/// SPDX 2: `spdxVersion` "SPDX-2.x" and an `SPDXID`.
fn spdx(root: &Shape) -> Claim {
    if let Some(context) = root.get("@context")
        && context_mentions(context, "spdx.org/rdf/3")
    {
        return Claim::Broken {
            format: "SPDX",
            reason: "it is SPDX 3 (JSON-LD), and the spdx plugin reads SPDX 2.2 and 2.3".to_owned(),
        };
    }
    let Some(marker) = root.get("spdxVersion") else {
        return Claim::No;
    };
    let Some(version) = marker.str().and_then(|v| v.strip_prefix("SPDX-")) else {
        return Claim::Hint(format!(
            "`spdxVersion` is {}, where SPDX says `SPDX-2.3`",
            marker
                .str()
                .map_or_else(|| marker.kind().to_owned(), |s| format!("`{s}`"))
        ));
    };
    let checked = both(
        require(
            root,
            &[("SPDXID", is_str, "a string such as \"SPDXRef-DOCUMENT\"")],
        ),
        optional(
            root,
            &[
                ("packages", Shape::is_array, "an array"),
                ("files", Shape::is_array, "an array"),
                ("relationships", Shape::is_array, "an array"),
                ("creationInfo", Shape::is_object, "an object"),
            ],
        ),
    );
    claim(SPDX_JSON, "SPDX", format!("SPDX {version} JSON"), checked)
}

/// Whether a JSON-LD `@context` (a string or an array of them) mentions `needle`.
fn context_mentions(context: &Shape, needle: &str) -> bool {
    match context {
        Shape::Str(Some(s)) => s.contains(needle),
        Shape::Array(items) => items
            .iter()
            .any(|i| i.str().is_some_and(|s| s.contains(needle))),
        _ => false,
    }
}

/// OpenVEX: an `@context` under openvex.dev/ns and `statements`.
fn openvex(root: &Shape) -> Claim {
    let Some(context) = root.get("@context") else {
        return Claim::No;
    };
    if !context_mentions(context, "openvex.dev/ns") {
        return Claim::No;
    }
    let version = match context.str() {
        Some(s) => s
            .rsplit('/')
            .next()
            .filter(|v| v.starts_with('v'))
            .map_or_else(
                || "(before 0.2)".to_owned(),
                |v| v.trim_start_matches('v').to_owned(),
            ),
        None => String::new(),
    };
    let checked = both(
        require(root, &[("statements", Shape::is_array, "an array")]),
        optional(root, &[("@id", is_str, "a string")]),
    );
    claim(
        OPENVEX_JSON,
        "OpenVEX",
        format!("OpenVEX {version}").trim_end().to_owned(),
        checked,
    )
}

/// CSAF: `document.csaf_version`.
fn csaf(root: &Shape) -> Claim {
    let version = root.get("document").and_then(|d| d.get("csaf_version"));
    let Some(version) = version else {
        if root.get("csaf_version").is_some() {
            return Claim::Hint(
                "`csaf_version` is at the top, where CSAF has it under `document`".to_owned(),
            );
        }
        return Claim::No;
    };
    let Some(document) = root.get("document") else {
        return Claim::No;
    };
    let checked = both(
        require(
            document,
            &[
                ("csaf_version", is_str, "a string such as \"2.0\""),
                ("category", is_str, "a string such as \"csaf_vex\""),
                ("tracking", Shape::is_object, "an object"),
            ],
        ),
        optional(
            root,
            &[
                ("product_tree", Shape::is_object, "an object"),
                ("vulnerabilities", Shape::is_array, "an array"),
            ],
        ),
    )
    .map_err(|e| e.replace("no `", "no `document.").replace("``", "`"));
    let category = document.get_str("category").unwrap_or_default();
    claim(
        CSAF_JSON,
        "CSAF",
        format!("CSAF {} {category}", version.str().unwrap_or_default())
            .trim_end()
            .to_owned(),
        checked,
    )
}

/// An in-toto Statement: `_type` …/Statement/…, `subject`, `predicateType`;
/// or, as the SLSA specification's own examples, no `_type` but the other
/// two.
fn in_toto(root: &Shape) -> Claim {
    let statement = match root.get("_type") {
        Some(t) => match t.str() {
            Some(s) if s.starts_with("https://in-toto.io/Statement/") => true,
            _ => {
                return Claim::Hint(format!(
                    "`_type` is {}, not an in-toto Statement (`https://in-toto.io/Statement/v1`)",
                    t.str()
                        .map_or_else(|| t.kind().to_owned(), |s| format!("`{s}`"))
                ));
            }
        },
        None => {
            root.get("predicateType").is_some_and(is_str)
                && root.get("subject").is_some_and(Shape::is_array)
        }
    };
    if !statement {
        return Claim::No;
    }
    let checked = require(
        root,
        &[
            ("subject", Shape::is_array, "an array"),
            ("predicateType", is_str, "a string"),
        ],
    );
    let predicate = root.get_str("predicateType").unwrap_or_default();
    claim(
        IN_TOTO_JSON,
        "an in-toto Statement",
        format!("in-toto Statement ({predicate})"),
        checked,
    )
}

/// A DSSE envelope: `payloadType`, `payload`, `signatures`.
fn dsse(root: &Shape) -> Claim {
    if root.get("payloadType").is_none() {
        return Claim::No;
    }
    let checked = require(
        root,
        &[
            ("payloadType", is_str, "a string"),
            ("payload", is_str, "a string (base64)"),
            ("signatures", Shape::is_array, "an array"),
        ],
    );
    let payload_type = root.get_str("payloadType").unwrap_or_default();
    claim(
        DSSE_JSON,
        "a DSSE envelope",
        format!("DSSE envelope ({payload_type})"),
        checked,
    )
}

/// Whether a Scorecard result's checks look like checks: objects with a
/// `name` and a `score`.
fn scorecard_checks(checks: &Shape) -> bool {
    checks.is_array()
        && checks.items().iter().all(|c| {
            c.get("name").is_some_and(is_str) && c.get("score").is_some_and(|s| *s == Shape::Number)
        })
}

/// Whether `result` is a Scorecard result in any of its spellings: the
/// tool's JSON v2 (`repo`, `score`, `checks`, `scorecard{version,commit}`) or
/// deps.dev's (`repository`, `overallScore`, `check`/`checks`).
fn is_scorecard_result(result: &Shape) -> bool {
    let Some(checks) = result.get("checks").or_else(|| result.get("check")) else {
        return false;
    };
    let members = [
        "repo",
        "repository",
        "score",
        "overallScore",
        "date",
        "scorecard",
    ]
    .iter()
    .filter(|m| result.get(m).is_some())
    .count();
    members >= 2 && scorecard_checks(checks)
}

/// OpenSSF Scorecard: a result at the top; a deps.dev project response with
/// the result under `scorecard`; or a deps.dev version response with the
/// result under `version.projects[N].scorecardV2`.
fn scorecard(root: &Shape) -> Claim {
    if is_scorecard_result(root) {
        return Claim::Yes {
            media_type: SCORECARD_JSON,
            format: "OpenSSF Scorecard result".to_owned(),
        };
    }
    if let Some(inner) = root.get("scorecard")
        && inner.is_object()
        && (inner.get("checks").is_some() || inner.get("overallScore").is_some())
    {
        return Claim::Yes {
            media_type: SCORECARD_JSON,
            format: "OpenSSF Scorecard result in a deps.dev project response".to_owned(),
        };
    }
    let projects = root
        .get("version")
        .and_then(|v| v.get("projects"))
        .map(Shape::items)
        .unwrap_or_default();
    if projects
        .iter()
        .any(|p| p.get("scorecardV2").is_some_and(Shape::is_object))
    {
        return Claim::Yes {
            media_type: SCORECARD_JSON,
            format: "OpenSSF Scorecard result in a deps.dev version response \
                     (`version.projects[N].scorecardV2`)"
                .to_owned(),
        };
    }
    Claim::No
}

/// assure's own formats, named by `assure_format`.
fn assure_format(root: &Shape) -> Claim {
    const FORMATS: [(&str, &str, &str); 4] = [
        ("dtac-answers/", DTAC_JSON, "DTAC answers"),
        (
            "cyber-essentials/",
            CYBER_ESSENTIALS_JSON,
            "Cyber Essentials certificate",
        ),
        ("pentest-summary/", PENTEST_JSON, "penetration test summary"),
        (
            "supplier-assurance/",
            SUPPLIER_ASSURANCE_JSON,
            "supplier assurance statement",
        ),
    ];
    let Some(marker) = root.get("assure_format") else {
        return Claim::No;
    };
    let value = marker.str().unwrap_or_default();
    for (prefix, media_type, name) in FORMATS {
        if let Some(version) = value.strip_prefix(prefix) {
            return Claim::Yes {
                media_type,
                format: format!("{name} (`{prefix}{version}`)"),
            };
        }
    }
    Claim::Broken {
        format: "one of assure's formats",
        reason: format!(
            "`assure_format` is {}, not one this version reads (`dtac-answers/1`, \
             `cyber-essentials/1`, `pentest-summary/1`, `supplier-assurance/1`)",
            marker
                .str()
                .map_or_else(|| marker.kind().to_owned(), |s| format!("`{s}`"))
        ),
    }
}
