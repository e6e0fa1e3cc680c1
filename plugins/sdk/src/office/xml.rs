//! XML parts: parsed without DTDs, with a node limit and a depth limit.

use roxmltree::{Document, Node, ParsingOptions};

use super::model::{MAX_DEPTH, MAX_XML_NODES, OfficeError};

/// Parses a part's bytes, refusing a DOCTYPE, more than [`MAX_XML_NODES`]
/// nodes and elements nested more than [`MAX_DEPTH`] deep (so that the
/// recursive walks over the tree stay within the plugin's stack).
pub(super) fn parse<'a>(part: &str, bytes: &'a [u8]) -> Result<Document<'a>, OfficeError> {
    let text = std::str::from_utf8(bytes).map_err(|error| OfficeError::Xml {
        part: part.to_owned(),
        message: format!(
            "it is not UTF-8 (invalid byte at offset {})",
            error.valid_up_to()
        ),
    })?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..ParsingOptions::default()
    };
    let document = Document::parse_with_options(text, options).map_err(|error| match error {
        roxmltree::Error::DtdDetected => OfficeError::Doctype {
            part: part.to_owned(),
        },
        roxmltree::Error::NodesLimitReached => OfficeError::TooMany {
            part: Some(part.to_owned()),
            what: "XML nodes",
            limit: u64::from(MAX_XML_NODES),
        },
        other => OfficeError::Xml {
            part: part.to_owned(),
            message: other.to_string(),
        },
    })?;
    // Depths in document order: a parent comes before its children, so its
    // depth is known when they are reached (no recursion, no quadratic walk).
    let mut depths: Vec<usize> = Vec::new();
    for node in document.root().descendants() {
        let depth = node
            .parent()
            .and_then(|parent| depths.get(parent.id().get_usize()).copied())
            .map_or(0, |depth| depth.saturating_add(1));
        if depth > MAX_DEPTH {
            return Err(OfficeError::TooDeep {
                part: part.to_owned(),
                limit: MAX_DEPTH,
            });
        }
        depths.push(depth);
    }
    Ok(document)
}

/// Whether `node` is the element `name` in one of the namespaces `spaces`.
pub(super) fn is(node: Node<'_, '_>, spaces: &[&str], name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node
            .tag_name()
            .namespace()
            .is_some_and(|space| spaces.contains(&space))
}

/// The first child element `name` in one of `spaces`.
pub(super) fn child<'a, 'input>(
    node: Node<'a, 'input>,
    spaces: &[&str],
    name: &str,
) -> Option<Node<'a, 'input>> {
    node.children().find(|child| is(*child, spaces, name))
}

/// The attribute `name` in one of `spaces`.
pub(super) fn attribute<'a>(node: Node<'a, '_>, spaces: &[&str], name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name && a.namespace().is_some_and(|space| spaces.contains(&space)))
        .map(|a| a.value())
}
