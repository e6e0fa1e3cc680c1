//! Facts as Cedar values: attribute paths (`sbom.generated`) turned back
//! into nested records, each value as the Cedar expression of its type.

use std::collections::BTreeMap;

use cedar_policy::RestrictedExpression;

use super::model::{FactMap, FactValue};

/// Attribute paths turned back into nested records.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Leaf(FactValue),
    Record(BTreeMap<String, Node>),
}

pub(super) fn record_tree(facts: &FactMap) -> BTreeMap<String, Node> {
    let mut root: BTreeMap<String, Node> = BTreeMap::new();
    for (path, record) in facts {
        insert(
            &mut root,
            path.split('.').collect::<Vec<_>>().as_slice(),
            record.value.clone(),
        );
    }
    root
}

fn insert(map: &mut BTreeMap<String, Node>, path: &[&str], value: FactValue) {
    match path {
        [] => {}
        [last] => {
            map.insert((*last).to_owned(), Node::Leaf(value));
        }
        [first, rest @ ..] => {
            let node = map
                .entry((*first).to_owned())
                .or_insert_with(|| Node::Record(BTreeMap::new()));
            if let Node::Record(inner) = node {
                insert(inner, rest, value);
            }
        }
    }
}

pub(super) fn to_attrs(
    tree: BTreeMap<String, Node>,
) -> std::collections::HashMap<String, RestrictedExpression> {
    tree.into_iter().map(|(k, v)| (k, expression(v))).collect()
}

fn expression(node: Node) -> RestrictedExpression {
    match node {
        Node::Leaf(value) => value_expression(&value),
        Node::Record(fields) => {
            let fields: Vec<(String, RestrictedExpression)> = fields
                .into_iter()
                .map(|(k, v)| (k, expression(v)))
                .collect();
            // Keys come from a map, so they are unique and this cannot fail.
            RestrictedExpression::new_record(fields).unwrap_or_else(|_| {
                RestrictedExpression::new_record(Vec::new())
                    .unwrap_or_else(|_| RestrictedExpression::new_bool(false))
            })
        }
    }
}

/// A fact value as a Cedar expression.
pub fn value_expression(value: &FactValue) -> RestrictedExpression {
    match value {
        FactValue::Bool(b) => RestrictedExpression::new_bool(*b),
        FactValue::Long(n) => RestrictedExpression::new_long(*n),
        FactValue::Text(s) => RestrictedExpression::new_string(s.clone()),
        FactValue::TextSet(set) => RestrictedExpression::new_set(
            set.iter()
                .map(|s| RestrictedExpression::new_string(s.clone())),
        ),
        FactValue::Decimal(d) => RestrictedExpression::new_decimal(d),
        FactValue::Datetime(d) => RestrictedExpression::new_datetime(d),
    }
}
