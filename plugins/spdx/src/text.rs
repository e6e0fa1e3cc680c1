//! SPDX text values, where `NOASSERTION` and `NONE` are no value, and party
//! names (`Organization: Name (email)`). The rest of reading text is the
//! SDK's (`assure_plugin_sdk::text`).

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::{Facts, Pointer, text};

/// Whether `text` is one of SPDX's "no value" words.
pub(crate) fn is_no_value(text: &str) -> bool {
    text.eq_ignore_ascii_case("NOASSERTION") || text.eq_ignore_ascii_case("NONE")
}

/// The trimmed, non-empty text at `key` of `object`, unless it is
/// `NOASSERTION` or `NONE`. A member that is there but is not text (nor
/// null) is noted, at its pointer, and ignored.
pub(crate) fn member(object: &Json, key: &str, at: &Pointer, out: &mut Facts) -> Option<String> {
    text::member(object, key, at, out).filter(|s| !is_no_value(s))
}

/// The name in an SPDX party string: `Organization: Name (email)` and
/// `Person: Name (email)` give `Name`. `NOASSERTION`, `NONE` and an empty
/// name give `None`. A trailing parenthesis is taken as the e-mail address
/// only when it is empty or holds an `@`, so `Organization: Acme (UK) Ltd`
/// keeps its name whole.
pub(crate) fn party_name(text: &str) -> Option<String> {
    let text = text.trim();
    if is_no_value(text) {
        return None;
    }
    let mut name = text;
    for prefix in ["Organization:", "Person:"] {
        if let Some(head) = name.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            name = name.get(prefix.len()..).unwrap_or_default();
            break;
        }
    }
    let name = name.trim();
    let name = match (name.strip_suffix(')'), name.rfind('(')) {
        (Some(without), Some(open)) => match without.get(open + 1..) {
            Some(inside) if inside.trim().is_empty() || inside.contains('@') => {
                name.get(..open).unwrap_or(name)
            }
            _ => name,
        },
        _ => name,
    };
    let name = name.trim();
    (!name.is_empty() && !is_no_value(name)).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_names() {
        let cases = [
            (
                "Organization: SPDX (Spdx-tech@lists.spdx.org)",
                Some("SPDX"),
            ),
            ("Organization: Webjar", Some("Webjar")),
            (
                "Person: Gary O'Neall (gary@sourceauditor.com)",
                Some("Gary O'Neall"),
            ),
            ("organization: Acme (UK) Ltd", Some("Acme (UK) Ltd")),
            ("Organization: Acme (UK) ()", Some("Acme (UK)")),
            ("Acme Inc", Some("Acme Inc")),
            ("NOASSERTION", None),
            (" NONE ", None),
            ("Organization: ", None),
            ("Organization: NOASSERTION", None),
            ("Person: (x@y)", None),
            ("(", Some("(")),
            (")", Some(")")),
            ("é(@)", Some("é")),
        ];
        for (text, name) in cases {
            assert_eq!(party_name(text).as_deref(), name, "{text}");
        }
    }
}
