//! Media types: validating declared ones and sniffing undeclared ones.

/// CycloneDX JSON.
pub const CYCLONEDX_JSON: &str = "application/vnd.cyclonedx+json";
/// SPDX JSON.
pub const SPDX_JSON: &str = "application/spdx+json";
/// OpenVEX JSON.
pub const OPENVEX_JSON: &str = "application/openvex+json";
/// CSAF JSON.
pub const CSAF_JSON: &str = "application/csaf+json";
/// in-toto statements (SLSA provenance).
pub const IN_TOTO_JSON: &str = "application/vnd.in-toto+json";
/// DSSE envelopes.
pub const DSSE_JSON: &str = "application/vnd.dsse.envelope.v1+json";
/// security.txt (RFC 9116).
pub const SECURITY_TXT: &str = "text/security.txt";
/// OpenSSF Scorecard results.
pub const SCORECARD_JSON: &str = "application/vnd.ossf.scorecard+json";
/// DTAC answers (assure's format, `dtac-answers/1`).
pub const DTAC_JSON: &str = "application/vnd.assure.dtac+json";
/// A Cyber Essentials certificate (assure's format, `cyber-essentials/1`).
pub const CYBER_ESSENTIALS_JSON: &str = "application/vnd.assure.cyber-essentials+json";
/// A penetration test summary (assure's format, `pentest-summary/1`).
pub const PENTEST_JSON: &str = "application/vnd.assure.pentest+json";
/// CSV (an MDS2 form's export).
pub const CSV: &str = "text/csv";
/// Any other JSON.
pub const JSON: &str = "application/json";
/// Plain text.
pub const TEXT: &str = "text/plain";
/// Unknown bytes.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// Whether `s` looks like `type/subtype` (parameters allowed).
pub fn is_valid(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or("").trim();
    let mut parts = essence.splitn(2, '/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        })
    };
    ok(parts.next()) && ok(parts.next())
}

/// The essence of a media type, lower-cased, without parameters.
pub fn normalise(s: &str) -> String {
    s.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON (`…/json` or `…+json`): such documents are
/// checked for nesting depth before a plugin reads them.
pub fn is_json(media_type: &str) -> bool {
    let essence = normalise(media_type);
    essence.ends_with("/json") || essence.ends_with("+json")
}

/// Guesses a document's media type from its name and first bytes.
///
/// JSON formats are told apart by their marker members near the top of the
/// document; anything unrecognised is `application/json`, `text/plain` or
/// `application/octet-stream`, which no plugin reads, so it is reported as
/// unrecognised evidence rather than silently ignored.
pub fn sniff(name: &str, bytes: &[u8]) -> &'static str {
    let head = bytes.get(..bytes.len().min(8192)).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    let lower_name = name.to_ascii_lowercase();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("\"bomFormat\":\"CycloneDX\"") {
            return CYCLONEDX_JSON;
        }
        if compact.contains("\"spdxVersion\":") {
            return SPDX_JSON;
        }
        if compact.contains("openvex.dev/ns") {
            return OPENVEX_JSON;
        }
        if compact.contains("\"csaf_version\":") {
            return CSAF_JSON;
        }
        if compact.contains("\"payloadType\":") && compact.contains("\"signatures\":") {
            return DSSE_JSON;
        }
        // An in-toto statement; some (the SLSA specification's own example)
        // omit `_type` but still have a predicate type and subjects.
        if compact.contains("in-toto.io/Statement")
            || (compact.contains("\"predicateType\":") && compact.contains("\"subject\":["))
        {
            return IN_TOTO_JSON;
        }
        for (marker, media_type) in [
            ("\"assure_format\":\"dtac-answers/", DTAC_JSON),
            (
                "\"assure_format\":\"cyber-essentials/",
                CYBER_ESSENTIALS_JSON,
            ),
            ("\"assure_format\":\"pentest-summary/", PENTEST_JSON),
        ] {
            if compact.contains(marker) {
                return media_type;
            }
        }
        if (compact.contains("\"checks\":[") || compact.contains("\"check\":["))
            && (compact.contains("\"scorecard\":") || compact.contains("\"overallScore\":"))
        {
            return SCORECARD_JSON;
        }
        return JSON;
    }
    if lower_name.ends_with("security.txt") {
        return SECURITY_TXT;
    }
    if lower_name.ends_with(".csv") {
        return CSV;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return TEXT;
    }
    OCTET_STREAM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_cyclonedx_with_whitespace_and_bom() {
        let doc = "\u{feff}{\n  \"bomFormat\" : \"CycloneDX\",\n \"specVersion\": \"1.4\"}";
        assert_eq!(sniff("x.json", doc.as_bytes()), CYCLONEDX_JSON);
        assert_eq!(
            sniff("x.json", b"{\"spdxVersion\": \"SPDX-2.3\"}"),
            SPDX_JSON
        );
        assert_eq!(sniff("notes.json", b"{\"a\": 1}"), JSON);
        assert_eq!(
            sniff(".well-known/security.txt", b"Contact: x"),
            SECURITY_TXT
        );
        assert_eq!(sniff("blob", &[0xff, 0xfe, 0x00]), OCTET_STREAM);
        assert_eq!(
            sniff("dtac.json", b"{\"assure_format\": \"dtac-answers/1\"}"),
            DTAC_JSON
        );
        assert_eq!(
            sniff("ce.json", b"{\"assure_format\":\"cyber-essentials/1\"}"),
            CYBER_ESSENTIALS_JSON
        );
        assert_eq!(
            sniff(
                "scorecard.json",
                b"{\"date\":\"2024\",\"scorecard\":{},\"checks\":[]}"
            ),
            SCORECARD_JSON
        );
        assert_eq!(sniff("mds2.CSV", b"id,answer,note\nPAUT-8,Yes,"), CSV);
    }

    #[test]
    fn validates_media_types() {
        assert!(is_valid("application/vnd.cyclonedx+json; version=1.6"));
        assert!(!is_valid("cyclonedx"));
        assert!(!is_valid("a/"));
        assert_eq!(
            normalise("Application/JSON; charset=utf-8"),
            "application/json"
        );
    }
}
