//! A bounded summary of a JSON document: the top levels only, at most
//! [`MAX_ARRAY_ITEMS`] items of each array, strings up to [`MAX_STRING`]
//! bytes, and no more than [`MAX_NODES`] values under each top-level member;
//! the rest is parsed (so a document that is not JSON fails) but not kept.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Levels below the top that are kept (the top is level 0): deep enough
/// for deps.dev's `version.projects[N].scorecardV2.checks`.
const MAX_LEVEL: usize = 5;
/// Items kept of each array.
const MAX_ARRAY_ITEMS: usize = 16;
/// Members kept of each object; a top-level member past these keeps its
/// name only.
const MAX_MEMBERS: usize = 256;
/// Values kept under each top-level member.
const MAX_NODES: usize = 1024;
/// String bytes kept under each top-level member.
const MAX_BYTES: usize = 64 * 1024;
/// The longest string kept.
const MAX_STRING: usize = 1024;
/// The deepest nesting of arrays and objects read: the ceiling of
/// `limits.nesting_depth` (the plugins' own parser stops there too).
/// `serde_json` skips what the summary does not keep without a limit of its
/// own, so this is checked first.
pub(super) const MAX_DEPTH: usize = 128;

/// A JSON value as far as the summary keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    Null,
    Bool,
    Number,
    /// The text, or `None` when longer than [`MAX_STRING`].
    Str(Option<String>),
    /// The first items (none past the levels or nodes kept).
    Array(Vec<Shape>),
    /// The first members, in document order.
    Object(Vec<(String, Shape)>),
}

impl Shape {
    pub(super) fn get(&self, key: &str) -> Option<&Shape> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn str(&self) -> Option<&str> {
        match self {
            Self::Str(Some(s)) => Some(s),
            _ => None,
        }
    }

    pub(super) fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Self::str)
    }

    pub(super) fn is_object(&self) -> bool {
        matches!(self, Self::Object(_))
    }

    pub(super) fn is_array(&self) -> bool {
        matches!(self, Self::Array(_))
    }

    pub(super) fn items(&self) -> &[Shape] {
        match self {
            Self::Array(items) => items,
            _ => &[],
        }
    }

    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "a boolean",
            Self::Number => "a number",
            Self::Str(_) => "a string",
            Self::Array(_) => "an array",
            Self::Object(_) => "an object",
        }
    }
}

/// The summary's shared state.
struct Budget {
    /// Values kept under the current top-level member.
    nodes: Cell<usize>,
    /// String bytes kept under the current top-level member.
    bytes: Cell<usize>,
    /// The first top-level member named twice.
    duplicate: std::cell::RefCell<Option<String>>,
}

struct ShapeSeed<'a> {
    level: usize,
    budget: &'a Budget,
}

impl ShapeSeed<'_> {
    /// Whether this value's children are kept.
    fn keeps_children(&self) -> bool {
        self.level < MAX_LEVEL && self.budget.nodes.get() < MAX_NODES
    }

    fn child(&self) -> ShapeSeed<'_> {
        self.budget
            .nodes
            .set(self.budget.nodes.get().saturating_add(1));
        ShapeSeed {
            level: self.level.saturating_add(1),
            budget: self.budget,
        }
    }
}

impl<'de> DeserializeSeed<'de> for ShapeSeed<'_> {
    type Value = Shape;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed<'_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Bool)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Number)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Number)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Number)
    }

    fn visit_str<E>(self, s: &str) -> Result<Shape, E> {
        let used = self.budget.bytes.get().saturating_add(s.len());
        // A top-level string is always kept (when short): it may be a marker.
        let keep = s.len() <= MAX_STRING && (self.level <= 1 || used <= MAX_BYTES);
        if keep {
            self.budget.bytes.set(used);
        }
        Ok(Shape::Str(keep.then(|| s.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut items = Vec::new();
        while items.len() < MAX_ARRAY_ITEMS && self.keeps_children() {
            match seq.next_element_seed(self.child())? {
                Some(item) => items.push(item),
                None => return Ok(Shape::Array(items)),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut members: Vec<(String, Shape)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let top = self.level == 0;
            if top {
                if !seen.insert(key.clone()) && self.budget.duplicate.borrow().is_none() {
                    *self.budget.duplicate.borrow_mut() = Some(key.clone());
                }
                // Each top-level member has a budget of its own, so that a
                // huge `components` array leaves the markers after it whole.
                self.budget.nodes.set(0);
                self.budget.bytes.set(0);
            }
            if members.len() < MAX_MEMBERS && self.keeps_children() {
                let value = map.next_value_seed(self.child())?;
                members.push((key, value));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Shape::Object(members))
    }
}

/// Parses `bytes` (no byte-order mark) into its summary.
pub(super) fn summarise(bytes: &[u8]) -> Result<(Shape, Option<String>), String> {
    let budget = Budget {
        nodes: Cell::new(0),
        bytes: Cell::new(0),
        duplicate: std::cell::RefCell::new(None),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let shape = ShapeSeed {
        level: 0,
        budget: &budget,
    }
    .deserialize(&mut de)
    .and_then(|shape| de.end().map(|()| shape))
    .map_err(|e| e.to_string())?;
    Ok((shape, budget.duplicate.into_inner()))
}
