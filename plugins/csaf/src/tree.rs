//! The `product_tree`: every product id with its name and identifiers (from
//! branches at any depth, `full_product_names` and relationships), and the
//! product groups.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::{ExtractError, Facts, Pointer, error};

use assure_plugin_sdk::text::{MAX_ID, kind, optional, quote};

/// How deep `branches` are read. CSAF sets no limit; real trees are a few
/// levels (vendor, product name, version).
const MAX_DEPTH: usize = 32;

/// One product the tree defines.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    /// Where the product (its `full_product_name`) is defined.
    pub(crate) at: Pointer,
    pub(crate) purl: Option<String>,
    pub(crate) cpe: Option<String>,
    /// Other identifiers: `x_generic_uris[].uri`.
    pub(crate) uris: Vec<String>,
    /// For a relationship's product, the product id it combines
    /// (`product_reference`): a component installed on a platform.
    pub(crate) component: Option<String>,
    /// For a relationship's product, the product the component is part of,
    /// installed on or with (`relates_to_product_reference`), and where that
    /// reference is.
    pub(crate) platform: Option<(String, Pointer)>,
    /// What its branch path names it, for the engine to match against the
    /// submitted product: `product:<name>@<version>`, or `product:<name>`.
    pub(crate) names: Vec<String>,
    /// What its branch path names it as a product that others are part of:
    /// as `names`, and `product:<name>@<range as written>` under a
    /// `product_version_range` with no version.
    pub(crate) scope_names: Vec<String>,
}

/// How a product is defined besides its `full_product_name`.
#[derive(Debug, Default)]
struct Origin {
    component: Option<String>,
    platform: Option<(String, Pointer)>,
    names: Vec<String>,
    scope_names: Vec<String>,
}

/// What the branches above a product name it: the nearest `product_name`,
/// `product_version` and whether a `product_version_range` is on the path.
#[derive(Debug, Clone, Default)]
struct Path {
    name: Option<String>,
    version: Option<String>,
    /// The nearest `product_version_range`, as written ("" when it has no
    /// name).
    range: Option<String>,
}

impl Path {
    /// `path` extended by one branch of `category` called `name`.
    fn with(&self, category: Option<&str>, name: Option<&str>) -> Self {
        let mut path = self.clone();
        match (category, name) {
            (Some("product_name"), Some(name)) => path.name = Some(name.to_owned()),
            (Some("product_version"), Some(version)) => path.version = Some(version.to_owned()),
            (Some("product_version_range"), range) => {
                path.range = Some(range.unwrap_or_default().to_owned());
            }
            _ => {}
        }
        path
    }

    /// `product:<name>@<version>`, else `product:<name>` when no version
    /// (nor a version range, which is not a version) is on the path.
    fn product_ref(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        match (&self.version, &self.range) {
            (Some(version), _) => Some(format!("product:{name}@{version}")),
            (None, Some(_)) => None,
            (None, None) => Some(format!("product:{name}")),
        }
    }

    /// As [`Path::product_ref`], but a version range is kept as written:
    /// `product:<name>@<range>`. What a statement about a component of this
    /// product is scoped to; whether the range covers a version is the
    /// engine's to decide.
    fn scope_ref(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        match (&self.version, &self.range) {
            (None, Some(range)) if !range.is_empty() => Some(format!("product:{name}@{range}")),
            _ => self.product_ref(),
        }
    }
}

impl Product {
    /// The product's own identifiers: purl, CPE, generic URIs.
    pub(crate) fn identifiers(&self) -> impl Iterator<Item = &String> {
        self.purl.iter().chain(&self.cpe).chain(&self.uris)
    }
}

/// What the product tree defines.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub(crate) products: BTreeMap<String, Product>,
    /// `group_id` to its product ids.
    pub(crate) groups: BTreeMap<String, Vec<String>>,
}

/// Reads `product_tree`, if there is one.
///
/// # Errors
///
/// When the tree or a part of it does not have the type CSAF gives it, or a
/// product has no `product_id`.
pub(crate) fn read(root: &Json, out: &mut Facts) -> Result<Tree, ExtractError> {
    let mut tree = Tree::default();
    let at = Pointer::root().key("product_tree");
    let product_tree = match root.get("product_tree") {
        None | Some(Json::Null) => return Ok(tree),
        Some(t @ Json::Object(_)) => t,
        Some(other) => {
            return Err(error(
                format!("`product_tree` must be an object, not {}", kind(other)),
                at,
            ));
        }
    };

    branches(product_tree, &at, &Path::default(), 1, &mut tree, out)?;

    let names_at = at.key("full_product_names");
    for (i, item) in objects(product_tree, "full_product_names", &at)?
        .iter()
        .enumerate()
    {
        define(item, &names_at.index(i), Origin::default(), &mut tree, out)?;
    }

    let relationships_at = at.key("relationships");
    for (i, relationship) in objects(product_tree, "relationships", &at)?
        .iter()
        .enumerate()
    {
        let here = relationships_at.index(i);
        let component = optional(relationship, "product_reference", &here, MAX_ID)?;
        let platform = optional(relationship, "relates_to_product_reference", &here, MAX_ID)?;
        let origin = Origin {
            component: component.map(str::to_owned),
            platform: platform.map(|p| (p.to_owned(), here.key("relates_to_product_reference"))),
            ..Origin::default()
        };
        match relationship.get("full_product_name") {
            Some(name @ Json::Object(_)) => {
                define(name, &here.key("full_product_name"), origin, &mut tree, out)?
            }
            None | Some(Json::Null) => out.note(
                "relationship without a `full_product_name`: it defines no product",
                &here,
            ),
            Some(other) => {
                return Err(error(
                    format!("`full_product_name` must be an object, not {}", kind(other)),
                    here.key("full_product_name"),
                ));
            }
        }
    }

    let groups_at = at.key("product_groups");
    for (i, group) in objects(product_tree, "product_groups", &at)?
        .iter()
        .enumerate()
    {
        let here = groups_at.index(i);
        let Some(id) = optional(group, "group_id", &here, MAX_ID)? else {
            return Err(error("product group without a `group_id`", here));
        };
        let members = ids(group, "product_ids", &here)?;
        if tree.groups.contains_key(id) {
            out.note(
                format!(
                    "product group \"{}\" is defined again: the first definition is used",
                    quote(id)
                ),
                &here,
            );
        } else {
            tree.groups.insert(
                id.to_owned(),
                members.into_iter().map(|(m, _)| m.to_owned()).collect(),
            );
        }
    }
    Ok(tree)
}

/// The `branches` of `node` at `at` (below `path`), and theirs, down to
/// [`MAX_DEPTH`].
fn branches(
    node: &Json,
    at: &Pointer,
    path: &Path,
    depth: usize,
    tree: &mut Tree,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let items = objects(node, "branches", at)?;
    if items.is_empty() {
        return Ok(());
    }
    let branches_at = at.key("branches");
    if depth > MAX_DEPTH {
        out.note(
            format!(
                "branches nested deeper than {MAX_DEPTH} levels: the products below are not read"
            ),
            branches_at,
        );
        return Ok(());
    }
    for (i, branch) in items.iter().enumerate() {
        let here = branches_at.index(i);
        let path = path.with(
            optional(branch, "category", &here, MAX_ID)?,
            optional(branch, "name", &here, MAX_ID)?,
        );
        match branch.get("product") {
            None | Some(Json::Null) => {}
            Some(product @ Json::Object(_)) => {
                let origin = Origin {
                    names: path.product_ref().into_iter().collect(),
                    scope_names: path.scope_ref().into_iter().collect(),
                    ..Origin::default()
                };
                define(product, &here.key("product"), origin, tree, out)?;
            }
            Some(other) => {
                return Err(error(
                    format!("`product` must be an object, not {}", kind(other)),
                    here.key("product"),
                ));
            }
        }
        branches(branch, &here, &path, depth + 1, tree, out)?;
    }
    Ok(())
}

/// Defines the product whose `full_product_name` is `item`, at `at`.
fn define(
    item: &Json,
    at: &Pointer,
    origin: Origin,
    tree: &mut Tree,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let Some(id) = optional(item, "product_id", at, MAX_ID)? else {
        return Err(error(
            "product without a `product_id`: every product in a CSAF product tree has one",
            at,
        ));
    };
    // Read for its type only; the name is not an identifier.
    optional(item, "name", at, MAX_ID)?;
    let mut product = Product {
        at: at.clone(),
        purl: None,
        cpe: None,
        uris: Vec::new(),
        component: origin.component,
        platform: origin.platform,
        names: origin.names,
        scope_names: origin.scope_names,
    };
    let helper_at = at.key("product_identification_helper");
    match item.get("product_identification_helper") {
        None | Some(Json::Null) => {}
        Some(helper @ Json::Object(_)) => {
            product.purl = optional(helper, "purl", &helper_at, MAX_ID)?.map(str::to_owned);
            product.cpe = optional(helper, "cpe", &helper_at, MAX_ID)?.map(str::to_owned);
            let uris_at = helper_at.key("x_generic_uris");
            for (i, uri) in objects(helper, "x_generic_uris", &helper_at)?
                .iter()
                .enumerate()
            {
                if let Some(uri) = optional(uri, "uri", &uris_at.index(i), MAX_ID)? {
                    product.uris.push(uri.to_owned());
                }
            }
        }
        Some(other) => {
            return Err(error(
                format!(
                    "`product_identification_helper` must be an object, not {}",
                    kind(other)
                ),
                helper_at,
            ));
        }
    }
    match tree.products.get(id) {
        Some(first) => out.note(
            format!(
                "product id \"{}\" is defined again (first at {}): the first definition is used",
                quote(id),
                first.at
            ),
            at,
        ),
        None => {
            tree.products.insert(id.to_owned(), product);
        }
    }
    Ok(())
}

/// The array of objects at `key` of `value`; absent or null is empty.
///
/// # Errors
///
/// When the member is not an array, or an item is not an object.
pub(crate) fn objects<'a>(
    value: &'a Json,
    key: &str,
    at: &Pointer,
) -> Result<&'a [Json], ExtractError> {
    let items = match value.get(key) {
        None | Some(Json::Null) => return Ok(&[]),
        Some(Json::Array(items)) => items,
        Some(other) => {
            return Err(error(
                format!("`{key}` must be an array, not {}", kind(other)),
                at.key(key),
            ));
        }
    };
    for (i, item) in items.iter().enumerate() {
        if !item.is_object() {
            return Err(error(
                format!("each of `{key}` must be an object, not {}", kind(item)),
                at.key(key).index(i),
            ));
        }
    }
    Ok(items)
}

/// The product (or group) ids at `key` of `value`, with their pointers;
/// absent or null is none.
///
/// # Errors
///
/// When the member is not an array of text.
pub(crate) fn ids<'a>(
    value: &'a Json,
    key: &str,
    at: &Pointer,
) -> Result<Vec<(&'a str, Pointer)>, ExtractError> {
    let items = match value.get(key) {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(other) => {
            return Err(error(
                format!("`{key}` must be an array of ids, not {}", kind(other)),
                at.key(key),
            ));
        }
    };
    let mut found = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let here = at.key(key).index(i);
        let Json::String(id) = item else {
            return Err(error(
                format!("each of `{key}` must be an id (text), not {}", kind(item)),
                here,
            ));
        };
        if let Some(id) = assure_plugin_sdk::text::checked(id, &here, key, MAX_ID)? {
            found.push((id, here));
        }
    }
    Ok(found)
}
