//! Finding JSON Pointers in JSON text, with line and column: a small
//! scanner that tracks positions, since JSON parsers forget them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The deepest pointer looked for (deeper ones are reported not found).
const MAX_DEPTH: usize = 256;

/// A place in a text: line and column, from 1, columns in Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// The line.
    pub line: usize,
    /// The column.
    pub column: usize,
}

/// Where a value starts, and the place just after it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Its first character.
    pub start: Pos,
    /// The character after its last.
    pub end: Pos,
}

/// Where a value is in a document's text: lines and columns from 1,
/// columns in Unicode code points; the end is the character after the
/// value's last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// The line the value starts on.
    pub start_line: usize,
    /// The column it starts at.
    pub start_column: usize,
    /// The line it ends on.
    pub end_line: usize,
    /// The column after its last character.
    pub end_column: usize,
}

/// A pointer's reference tokens, unescaped; `None` if it is not a pointer.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// The span of each pointer's value in `text`; pointers that are not
/// found (or the text is not JSON up to them) are absent. When an object
/// repeats a key, the last one counts, as most JSON parsers read it.
pub fn locate_all<'p>(text: &str, pointers: &BTreeSet<&'p str>) -> BTreeMap<&'p str, Span> {
    let mut wanted: BTreeMap<Vec<String>, &'p str> = BTreeMap::new();
    let mut prefixes: BTreeSet<Vec<String>> = BTreeSet::new();
    for pointer in pointers {
        if let Some(t) = tokens(pointer).filter(|t| t.len() <= MAX_DEPTH) {
            for n in 0..t.len() {
                prefixes.insert(t.get(..n).unwrap_or_default().to_vec());
            }
            wanted.insert(t, pointer);
        }
    }
    let mut found = BTreeMap::new();
    let mut scanner = Scanner::new(text);
    scanner.whitespace();
    let mut path = Vec::new();
    // A malformed document leaves what was found before the fault.
    let _ = walk(&mut scanner, &mut path, &wanted, &prefixes, &mut found);
    found
}

/// Walks the value at the scanner, recording spans of wanted paths and
/// descending only into containers on the way to one.
fn walk<'p>(
    s: &mut Scanner<'_>,
    path: &mut Vec<String>,
    wanted: &BTreeMap<Vec<String>, &'p str>,
    prefixes: &BTreeSet<Vec<String>>,
    found: &mut BTreeMap<&'p str, Span>,
) -> Option<()> {
    let start = s.pos();
    let open = s.peek()?;
    if prefixes.contains(path) && (open == b'{' || open == b'[') {
        s.bump();
        s.whitespace();
        let close = if open == b'{' { b'}' } else { b']' };
        if s.peek()? == close {
            s.bump();
        } else {
            let mut index = 0usize;
            loop {
                s.whitespace();
                let token = if open == b'{' {
                    let key = s.string()?;
                    s.whitespace();
                    s.expect(b':')?;
                    s.whitespace();
                    key
                } else {
                    index.to_string()
                };
                path.push(token);
                let result = walk(s, path, wanted, prefixes, found);
                path.pop();
                result?;
                index += 1;
                s.whitespace();
                match s.bump()? {
                    b',' => {}
                    b if b == close => break,
                    _ => return None,
                }
            }
        }
    } else {
        s.skip_value()?;
    }
    if let Some(pointer) = wanted.get(path) {
        found.insert(
            *pointer,
            Span {
                start,
                end: s.pos(),
            },
        );
    }
    Some(())
}

/// A cursor over JSON text that knows its line and column.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
    column: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Self {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            column: 1,
        }
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            // Not a UTF-8 continuation byte: a new character.
            self.column += 1;
        }
        Some(b)
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.bump()? == byte).then_some(())
    }

    /// A string's decoded text.
    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.bump()? {
                b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let c = match self.bump()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                b => out.push(b),
            }
        }
    }

    /// The character of a `\u` escape (after the `u`), joining surrogate pairs.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.bytes.get(self.at..self.at + 2) == Some(b"\\u")
        {
            let saved = (self.at, self.line, self.column);
            self.bump();
            self.bump();
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Some(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            (self.at, self.line, self.column) = saved;
        }
        Some(char::from_u32(high).unwrap_or('\u{FFFD}'))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = char::from(self.bump()?).to_digit(16)?;
            n = n * 16 + digit;
        }
        Some(n)
    }

    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            match self.bump()? {
                b'"' => return Some(()),
                b'\\' => {
                    self.bump()?;
                }
                _ => {}
            }
        }
    }

    /// Skips one value, without recursion (depth is only counted).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.whitespace();
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    self.bump();
                    depth += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.bump();
                }
                b',' | b':' if depth > 0 => {
                    self.bump();
                    continue;
                }
                _ => {
                    let before = self.at;
                    while let Some(b) = self.peek() {
                        if matches!(
                            b,
                            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b']' | b'}' | b'"'
                        ) {
                            break;
                        }
                        self.bump();
                    }
                    if self.at == before {
                        return None;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, pointer: &str) -> Option<Span> {
        let set = BTreeSet::from([pointer]);
        locate_all(text, &set).get(pointer).copied()
    }

    fn at(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn finds_values_by_line_and_column() {
        let text = "{\n  \"a\": [1, {\"b~c\": \"x\"}],\n  \"d/e\": {\n    \"f\": true\n  }\n}\n";
        assert_eq!(one(text, "/a/0").map(|s| s.start), Some(at(2, 9)));
        assert_eq!(one(text, "/a/1/b~0c").map(|s| s.start), Some(at(2, 20)));
        let d = one(text, "/d~1e");
        assert_eq!(d.map(|s| (s.start, s.end)), Some((at(3, 10), at(5, 4))));
        assert_eq!(one(text, "/d~1e/f").map(|s| s.start), Some(at(4, 10)));
        assert_eq!(one(text, "").map(|s| s.start), Some(at(1, 1)));
    }

    #[test]
    fn counts_columns_in_characters_and_decodes_keys() {
        let text = "{\"é\\u00e9\": \"ü\", \"k\": 1}";
        assert_eq!(one(text, "/éé").map(|s| s.start), Some(at(1, 13)));
        assert_eq!(one(text, "/k").map(|s| s.start), Some(at(1, 23)));
    }

    #[test]
    fn missing_pointers_and_broken_text_are_not_found() {
        assert_eq!(one("{\"a\": [1]}", "/a/1"), None);
        assert_eq!(one("{\"a\": [1]}", "/b"), None);
        assert_eq!(one("{\"a\": [1]}", "a"), None);
        assert_eq!(one("{\"a\": [1", "/a/0").map(|s| s.start), Some(at(1, 8)));
        assert_eq!(one("not json", "/a"), None);
        assert_eq!(one("", "/a"), None);
    }

    #[test]
    fn the_last_of_repeated_keys_counts() {
        let text = "{\"a\": 1,\n \"a\": 2}";
        assert_eq!(one(text, "/a").map(|s| s.start), Some(at(2, 7)));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = format!(
            "{{\"a\": {}{}, \"b\": 1}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(one(&text, "/b").map(|s| s.start.line), Some(1));
    }
}
