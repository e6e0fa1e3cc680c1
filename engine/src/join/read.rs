//! Reading facts back out of an assembly's fact maps.

use crate::facts::{FactMap, FactValue};

pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = ((*h as char).to_digit(16), (*l as char).to_digit(16))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

pub(super) fn text_set(facts: &FactMap, path: &str) -> Vec<String> {
    match facts.get(path).map(|r| &r.value) {
        Some(FactValue::TextSet(set)) => set.clone(),
        Some(FactValue::Text(t)) => vec![t.clone()],
        _ => Vec::new(),
    }
}

pub(super) fn text(facts: &FactMap, path: &str) -> Option<String> {
    match facts.get(path).map(|r| &r.value) {
        Some(FactValue::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

/// A source repository as `host/owner/name`, lower case, from the ways a
/// manifest or a document writes one: `https://github.com/O/R`,
/// `git+ssh://git@github.com/O/R.git`, `github.com/o/r`, or a purl of type
/// github, gitlab or bitbucket (`pkg:github/o/r@v1`). `None` for anything
/// else (another purl, a CPE, a bare name).
pub(crate) fn repository_key(text: &str) -> Option<String> {
    let text = text.trim().to_ascii_lowercase();
    if let Some(purl) = text.strip_prefix("pkg:") {
        let (kind, rest) = purl.split_once('/')?;
        let host = match kind {
            "github" => "github.com",
            "gitlab" => "gitlab.com",
            "bitbucket" => "bitbucket.org",
            _ => return None,
        };
        let path = rest.split(['@', '?', '#']).next().unwrap_or_default();
        return Some(format!(
            "{host}/{}",
            percent_decode(path).trim_end_matches('/')
        ));
    }
    let text = text.strip_prefix("git+").unwrap_or(&text);
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let rest = rest.split_once('@').map_or(rest, |(_, rest)| rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let rest = rest.replacen(':', "/", 1);
    let (host, path) = rest.split_once('/')?;
    // A host and at least owner/name.
    (host.contains('.') && path.contains('/') && !path.contains(' '))
        .then(|| format!("{host}/{path}"))
}
