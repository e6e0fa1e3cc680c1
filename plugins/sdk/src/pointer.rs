//! JSON Pointers (RFC 6901), the location of a fact in a JSON document.

use std::fmt;

/// A JSON Pointer, built token by token with escaping done for you.
///
/// ```
/// use assure_plugin_sdk::Pointer;
/// let p = Pointer::root().key("components").index(2).key("a/b~c");
/// assert_eq!(p.as_str(), "/components/2/a~1b~0c");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document (the empty pointer).
    pub fn root() -> Self {
        Self(String::new())
    }

    /// This pointer extended by an object member name.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut out = String::with_capacity(self.0.len() + key.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        for c in key.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
        Self(out)
    }

    /// This pointer extended by an array index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The pointer's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pointer's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn escapes_tilde_before_slash() {
        assert_eq!(Pointer::root().key("~/").as_str(), "/~0~1");
        assert_eq!(Pointer::root().as_str(), "");
        assert_eq!(Pointer::root().key("").as_str(), "/");
    }
}
