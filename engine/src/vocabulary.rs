//! The fact vocabulary a bundle's Cedar schema declares: for each entity
//! type, the attributes (through nested records) and their types.
//!
//! Cedar checks types only when entities are built against the schema, and
//! that check also demands every required attribute — which would turn a
//! missing fact into a hard error instead of needs-evidence. So the engine
//! checks each fact's type itself against this vocabulary, builds entities
//! without the completeness check, and treats every policy that errors on a
//! missing attribute as needs-evidence.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// A fact's type, as the schema declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactType {
    /// `Bool`.
    Bool,
    /// `Long`.
    Long,
    /// `String`.
    String,
    /// `Set<String>`.
    StringSet,
    /// `decimal`.
    Decimal,
    /// `datetime`.
    Datetime,
    /// A record of named attributes.
    Record(BTreeMap<String, Attribute>),
    /// Anything facts cannot carry (entity references, other sets...).
    Unsupported(String),
}

impl FactType {
    /// The type's name as a policy author writes it.
    pub fn describe(&self) -> String {
        match self {
            FactType::Bool => "Bool".into(),
            FactType::Long => "Long".into(),
            FactType::String => "String".into(),
            FactType::StringSet => "Set<String>".into(),
            FactType::Decimal => "decimal".into(),
            FactType::Datetime => "datetime".into(),
            FactType::Record(_) => "a record".into(),
            FactType::Unsupported(t) => t.clone(),
        }
    }
}

/// An attribute: its type and whether the schema requires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute's type.
    pub ty: FactType,
    /// Required attributes are read by policies without a `has` guard.
    pub required: bool,
}

/// Each entity type's attributes.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    entities: BTreeMap<String, BTreeMap<String, Attribute>>,
}

/// Why a fact path is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// The entity type is not declared.
    UnknownEntity,
    /// No such attribute.
    Undeclared,
    /// The path goes through something that is not a record.
    NotARecord(String),
}

impl Vocabulary {
    /// Builds the vocabulary from a schema in Cedar's JSON schema format
    /// (what `SchemaFragment::to_json_value` returns).
    pub fn from_schema_json(json: &Json) -> Result<Self, crate::error::SchemaError> {
        Self::from_schema_json_text(json).map_err(Into::into)
    }

    fn from_schema_json_text(json: &Json) -> Result<Self, String> {
        let namespaces = json.as_object().ok_or("the schema is not a JSON object")?;
        let mut common = BTreeMap::new();
        for (namespace, body) in namespaces {
            for (name, ty) in body
                .get("commonTypes")
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                common.insert(qualify(namespace, name), ty.clone());
                common.insert(name.clone(), ty.clone());
            }
        }
        let mut entities = BTreeMap::new();
        for (namespace, body) in namespaces {
            for (name, entity) in body
                .get("entityTypes")
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                let shape = match entity.get("shape") {
                    Some(shape) => resolve(shape, &common, 0),
                    None => FactType::Record(BTreeMap::new()),
                };
                let FactType::Record(attributes) = shape else {
                    return Err(format!(
                        "entity type `{name}` has a shape that is not a record"
                    ));
                };
                entities.insert(qualify(namespace, name), attributes);
            }
        }
        Ok(Self { entities })
    }

    /// Whether an entity type is declared.
    pub fn has_entity(&self, kind: &str) -> bool {
        self.entities.contains_key(kind)
    }

    /// Every attribute path of entity `kind` that holds a value (not a
    /// record), dot-separated, in order: `sbom.format`, `sbom.purl_percent`…
    pub fn leaves(&self, kind: &str) -> Vec<String> {
        fn walk(prefix: &str, attributes: &BTreeMap<String, Attribute>, out: &mut Vec<String>) {
            for (name, attribute) in attributes {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                match &attribute.ty {
                    FactType::Record(inner) => walk(&path, inner, out),
                    _ => out.push(path),
                }
            }
        }
        let mut out = Vec::new();
        if let Some(attributes) = self.entities.get(kind) {
            walk("", attributes, &mut out);
        }
        out
    }

    /// The type of the attribute at `path` (dot-separated) on entity `kind`.
    pub fn lookup(&self, kind: &str, path: &str) -> Result<&Attribute, LookupError> {
        let mut attributes = self.entities.get(kind).ok_or(LookupError::UnknownEntity)?;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let attribute = attributes.get(part).ok_or(LookupError::Undeclared)?;
            if parts.peek().is_none() {
                return Ok(attribute);
            }
            match &attribute.ty {
                FactType::Record(inner) => attributes = inner,
                other => {
                    return Err(LookupError::NotARecord(format!(
                        "`{part}` is {}",
                        other.describe()
                    )));
                }
            }
        }
        Err(LookupError::Undeclared)
    }
}

fn qualify(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}::{name}")
    }
}

fn resolve(ty: &Json, common: &BTreeMap<String, Json>, depth: usize) -> FactType {
    if depth > 32 {
        return FactType::Unsupported("a type nested too deeply".into());
    }
    let kind = ty.get("type").and_then(Json::as_str).unwrap_or("");
    let name = ty.get("name").and_then(Json::as_str);
    match (kind, name) {
        ("Boolean" | "Bool", _) => FactType::Bool,
        ("Long", _) => FactType::Long,
        ("String", _) => FactType::String,
        ("Set", _) => match ty.get("element").map(|e| resolve(e, common, depth + 1)) {
            Some(FactType::String) => FactType::StringSet,
            Some(other) => FactType::Unsupported(format!("Set<{}>", other.describe())),
            None => FactType::Unsupported("Set".into()),
        },
        ("Record", _) => {
            let mut attributes = BTreeMap::new();
            for (attr, spec) in ty
                .get("attributes")
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                let required = spec.get("required").and_then(Json::as_bool).unwrap_or(true);
                attributes.insert(
                    attr.clone(),
                    Attribute {
                        ty: resolve(spec, common, depth + 1),
                        required,
                    },
                );
            }
            FactType::Record(attributes)
        }
        ("Extension", Some(ext)) | ("EntityOrCommon", Some(ext)) | (ext, None)
            if is_extension(ext).is_some() =>
        {
            is_extension(ext).unwrap_or(FactType::Unsupported(ext.to_owned()))
        }
        ("Entity", Some(name)) => FactType::Unsupported(format!("entity `{name}`")),
        ("EntityOrCommon", Some(name)) => match common.get(name) {
            Some(inner) => resolve(inner, common, depth + 1),
            None => match name {
                "Bool" | "Boolean" => FactType::Bool,
                "Long" => FactType::Long,
                "String" => FactType::String,
                other => FactType::Unsupported(format!("entity `{other}`")),
            },
        },
        (other, _) => match common.get(other) {
            Some(inner) => resolve(inner, common, depth + 1),
            None => FactType::Unsupported(other.to_owned()),
        },
    }
}

fn is_extension(name: &str) -> Option<FactType> {
    match name.trim_start_matches("__cedar::") {
        "datetime" => Some(FactType::Datetime),
        "decimal" => Some(FactType::Decimal),
        _ => None,
    }
}

/// An attribute path a policy reads, rooted at `principal`, `resource` or
/// `context`, e.g. `resource` + `["sbom", "purl_percent"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Read {
    /// `principal`, `resource` or `context`.
    pub root: String,
    /// The attributes, outermost first.
    pub path: Vec<String>,
}

impl Read {
    /// The path as dot-separated text, without the root.
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

/// Every attribute path a policy reads, from its JSON form (Cedar's EST).
/// Only the longest chains are kept: reading `resource.sbom.format` implies
/// reading `resource.sbom`. `has` tests are guards, not reads.
pub fn policy_reads(policy_json: &Json) -> Vec<Read> {
    let mut reads = Vec::new();
    collect(policy_json, &mut reads, false, 0);
    reads.sort();
    reads.dedup();
    let longest: Vec<Read> = reads
        .iter()
        .filter(|r| {
            !reads.iter().any(|o| {
                o.root == r.root && o.path.len() > r.path.len() && o.path.starts_with(&r.path)
            })
        })
        .cloned()
        .collect();
    longest
}

/// Every attribute path a policy reads or tests with `has`, from its JSON
/// form (Cedar's EST), each once: what the policy looks at, for telling
/// which facts no rule judges. `resource has x` looks at `x` as much as
/// `resource.x` does.
pub fn policy_mentions(policy_json: &Json) -> Vec<Read> {
    let mut mentions = Vec::new();
    collect(policy_json, &mut mentions, true, 0);
    mentions.sort();
    mentions.dedup();
    mentions
}

fn collect(node: &Json, out: &mut Vec<Read>, with_has: bool, depth: usize) {
    if depth > 256 {
        return;
    }
    match node {
        Json::Object(map) => {
            for (key, value) in map {
                if (key == "." || (with_has && key == "has"))
                    && let Some(read) = chain(value)
                {
                    out.push(read);
                }
                collect(value, out, with_has, depth + 1);
            }
        }
        Json::Array(items) => {
            for item in items {
                collect(item, out, with_has, depth + 1);
            }
        }
        _ => {}
    }
}

/// `{"left": ..., "attr": "x"}` as a chain from a variable, if it is one.
fn chain(access: &Json) -> Option<Read> {
    let attr = access.get("attr")?.as_str()?;
    let left = access.get("left")?;
    let mut read = if let Some(var) = left.get("Var").and_then(Json::as_str) {
        Read {
            root: var.to_owned(),
            path: Vec::new(),
        }
    } else {
        chain(left.get(".")?)?
    };
    read.path.push(attr.to_owned());
    Some(read)
}

/// A Cedar entity uid.
pub fn uid(kind: &str, id: &str) -> Result<cedar_policy::EntityUid, crate::error::SchemaError> {
    let type_name: cedar_policy::EntityTypeName = kind
        .parse()
        .map_err(|e| format!("entity type `{kind}`: {e}"))?;
    Ok(cedar_policy::EntityUid::from_type_name_and_id(
        type_name,
        cedar_policy::EntityId::new(id),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_are_the_longest_attribute_chains() {
        let est = json!({"conditions": [{"kind": "when", "body": {"&&": {
            "left": {".": {"left": {".": {"left": {"Var": "resource"}, "attr": "sbom"}}, "attr": "format"}},
            "right": {"has": {"left": {"Var": "resource"}, "attr": "x"}}
        }}}]});
        let reads = policy_reads(&est);
        assert_eq!(
            reads,
            vec![Read {
                root: "resource".into(),
                path: vec!["sbom".into(), "format".into()]
            }]
        );
    }
}
