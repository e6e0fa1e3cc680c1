//! A small JSON Schema (draft 2020-12) checker, for the keywords our own
//! schemas use, so tests can hold the examples and the schema to each other
//! without a schema-validator crate. `pattern` and `format` are not checked
//! (no regular expressions here); the plugin checks what they describe. Any
//! other keyword it does not know is an error, so the schema cannot quietly
//! grow beyond what this checks.

use serde_json::Value;

/// Checks `doc` against `schema` (whose `$defs` resolve local `$ref`s).
pub fn validate(schema: &Value, doc: &Value) -> Result<(), String> {
    check(schema, schema, doc, "")
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let rules = match schema {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{at}: no value is allowed here")),
        Value::Object(rules) => rules,
        _ => return Err(format!("{at}: the schema is not an object")),
    };
    for (keyword, arg) in rules {
        match keyword.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" | "$comment" | "examples"
            | "pattern" | "format" => {}
            "$ref" => {
                let name = arg
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .ok_or_else(|| format!("{at}: only local $defs references are supported"))?;
                let target = root
                    .get("$defs")
                    .and_then(|d| d.get(name))
                    .ok_or_else(|| format!("{at}: no $defs/{name}"))?;
                check(root, target, value, at)?;
            }
            "type" => {
                let types: Vec<&str> = match arg {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => return Err(format!("{at}: bad `type`")),
                };
                if !types.iter().any(|t| is_type(value, t)) {
                    return Err(format!("{at}: {value} is not of type {types:?}"));
                }
            }
            "const" if value != arg => return Err(format!("{at}: {value} is not {arg}")),
            "const" => {}
            "enum" => {
                if !arg.as_array().is_some_and(|a| a.contains(value)) {
                    return Err(format!("{at}: {value} is not one of {arg}"));
                }
            }
            "required" => {
                if let Value::Object(members) = value {
                    for name in arg
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if !members.contains_key(name) {
                            return Err(format!("{at}: `{name}` is required"));
                        }
                    }
                }
            }
            "properties" => {
                if let (Value::Object(members), Value::Object(props)) = (value, arg) {
                    for (name, sub) in props {
                        if let Some(member) = members.get(name) {
                            check(root, sub, member, &format!("{at}/{name}"))?;
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Value::Object(members) = value {
                    let props = rules.get("properties").and_then(Value::as_object);
                    for (name, member) in members {
                        if !props.is_some_and(|p| p.contains_key(name)) {
                            check(root, arg, member, &format!("{at}/{name}"))?;
                        }
                    }
                }
            }
            "propertyNames" => {
                if let Value::Object(members) = value {
                    for name in members.keys() {
                        check(
                            root,
                            arg,
                            &Value::String(name.clone()),
                            &format!("{at}/{name}"),
                        )?;
                    }
                }
            }
            "items" => {
                if let Value::Array(items) = value {
                    for (i, item) in items.iter().enumerate() {
                        check(root, arg, item, &format!("{at}/{i}"))?;
                    }
                }
            }
            "minItems" | "maxItems" => {
                if let (Value::Array(items), Some(n)) = (value, arg.as_u64())
                    && let len = items.len() as u64
                    && ((keyword == "minItems" && len < n) || (keyword == "maxItems" && len > n))
                {
                    return Err(format!("{at}: {len} items breaks {keyword} {n}"));
                }
            }
            "minLength" | "maxLength" => {
                if let (Value::String(s), Some(n)) = (value, arg.as_u64())
                    && let len = s.chars().count() as u64
                    && ((keyword == "minLength" && len < n) || (keyword == "maxLength" && len > n))
                {
                    return Err(format!("{at}: length {len} breaks {keyword} {n}"));
                }
            }
            "minimum" | "maximum" => {
                if let (Some(v), Some(n)) = (value.as_f64(), arg.as_f64())
                    && ((keyword == "minimum" && v < n) || (keyword == "maximum" && v > n))
                {
                    return Err(format!("{at}: {v} breaks {keyword} {n}"));
                }
            }
            "oneOf" | "anyOf" => {
                let passing = arg
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|sub| check(root, sub, value, at).is_ok())
                    .count();
                let ok = if keyword == "oneOf" {
                    passing == 1
                } else {
                    passing >= 1
                };
                if !ok {
                    return Err(format!("{at}: {passing} alternatives of {keyword} match"));
                }
            }
            other => return Err(format!("{at}: keyword `{other}` is not supported")),
        }
    }
    Ok(())
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// The member names of the object at `path` (e.g. `["$defs", "answer",
/// "properties"]`) in the schema, sorted.
pub fn keys_at(schema: &Value, path: &[&str]) -> Vec<String> {
    let mut node = schema;
    for key in path {
        node = node.get(key).unwrap_or(&Value::Null);
    }
    let mut keys: Vec<String> = node
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// The strings of the array at `path` in the schema, sorted.
pub fn strings_at(schema: &Value, path: &[&str]) -> Vec<String> {
    let mut node = schema;
    for key in path {
        node = node.get(key).unwrap_or(&Value::Null);
    }
    let mut items: Vec<String> = node
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    items.sort();
    items
}

/// `names`, owned and sorted: to compare with [`keys_at`] and [`strings_at`].
pub fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    names.sort();
    names
}

/// The fields of `type <name> = { … };` in the Cedar schema, each with
/// whether it is required (no `?`).
pub fn cedar_record(cedar: &str, name: &str) -> Vec<(String, bool)> {
    let start = format!("type {name} = {{");
    let Some(body) = cedar
        .split_once(&start)
        .and_then(|(_, rest)| rest.split_once("};"))
    else {
        return Vec::new();
    };
    body.0
        .lines()
        .map(|line| line.split("//").next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .flat_map(|line| {
            line.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect::<Vec<_>>()
        })
        .filter_map(|field| {
            let (name, _) = field.split_once(':')?;
            let name = name.trim();
            Some(match name.strip_suffix('?') {
                Some(n) => (n.to_owned(), false),
                None => (name.to_owned(), true),
            })
        })
        .collect()
}
