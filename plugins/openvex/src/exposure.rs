//! One `Exposure`: what one statement says about one product or
//! subcomponent (and, for a subcomponent, the product it is part of), and how
//! it becomes an entity.

use assure_plugin_sdk::vex::{Status, exposure_id};
use assure_plugin_sdk::{FactSink, Facts, Pointer};

use assure_plugin_sdk::time::Instant;

/// Text from the document and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) text: String,
    pub(crate) at: Pointer,
}

impl Located {
    pub(crate) fn new(text: &str, at: Pointer) -> Self {
        Self {
            text: text.to_owned(),
            at,
        }
    }
}

/// A timestamp that is a real RFC 3339 moment.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    pub(crate) text: String,
    pub(crate) at: Pointer,
    pub(crate) instant: Instant,
}

/// What a statement says, whatever product it names.
#[derive(Debug, Clone)]
pub(crate) struct Said {
    /// The statement.
    pub(crate) at: Pointer,
    pub(crate) vulnerability: Located,
    /// Other ids of the vulnerability (`vulnerability.aliases`), and where
    /// they are; empty when there are none.
    pub(crate) aliases: Vec<String>,
    pub(crate) aliases_at: Pointer,
    pub(crate) status: Status,
    /// The status word as written.
    pub(crate) status_source: Located,
    pub(crate) justification: Option<Located>,
    pub(crate) impact_statement: Option<Located>,
    pub(crate) action_statement: Option<Located>,
    /// The statement's timestamp, else the document's.
    pub(crate) timestamp: Option<Stamp>,
}

/// What a product or subcomponent is called.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    /// The primary identifier: `@id`, else purl, else CPE.
    pub(crate) reference: String,
    /// Every identifier, the primary one included, and `product:<@id>` when
    /// a product's `@id` is a bare name rather than a purl, CPE or IRI.
    pub(crate) refs: Vec<String>,
    pub(crate) at: Pointer,
}

/// The product a subcomponent is part of: every identifier of the
/// statement's product, sorted and without repeats, and where the product is
/// named.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) refs: Vec<String>,
    pub(crate) at: Pointer,
}

impl Scope {
    /// The scope of the product `product` names.
    pub(crate) fn of(product: Subject) -> Self {
        let mut refs = product.refs;
        refs.sort();
        refs.dedup();
        Self {
            refs,
            at: product.at,
        }
    }
}

/// One statement about one subject.
#[derive(Debug, Clone)]
pub(crate) struct Exposure {
    pub(crate) id: String,
    pub(crate) said: Said,
    pub(crate) subject: Subject,
    /// The product the subject is part of, when the subject is a
    /// subcomponent of a product the statement names.
    pub(crate) scope: Option<Scope>,
}

impl Exposure {
    pub(crate) fn new(said: Said, subject: Subject, scope: Option<Scope>) -> Self {
        Self {
            id: exposure_id(&said.vulnerability.text, &subject.reference),
            said,
            subject,
            scope,
        }
    }

    /// What a later statement must share with this one to supersede it: the
    /// vulnerability and subject (the entity id) and the product it is about.
    pub(crate) fn key(&self) -> (String, Vec<String>) {
        let scope = self
            .scope
            .as_ref()
            .map(|s| s.refs.clone())
            .unwrap_or_default();
        (self.id.clone(), scope)
    }

    /// Whether this statement supersedes `earlier`, which came before it in
    /// the document: it does unless both have timestamps and this one's is
    /// older (equal timestamps: the later in the document wins).
    pub(crate) fn supersedes(&self, earlier: &Exposure) -> bool {
        match (&self.said.timestamp, &earlier.said.timestamp) {
            (Some(mine), Some(theirs)) => mine.instant >= theirs.instant,
            _ => true,
        }
    }

    /// Adds the entity to `out`.
    pub(crate) fn emit(self, out: &mut Facts) {
        let said = self.said;
        let entity = out.entity("Exposure", self.id, &self.subject.at);
        entity.text(
            "vulnerability",
            said.vulnerability.text,
            said.vulnerability.at,
        );
        if !said.aliases.is_empty() {
            entity.text_set("aliases", said.aliases, said.aliases_at);
        }
        entity.text("status", said.status.as_str(), &said.status_source.at);
        entity.text(
            "status_source",
            said.status_source.text,
            said.status_source.at,
        );
        for (path, value) in [
            ("justification", said.justification),
            ("impact_statement", said.impact_statement),
            ("action_statement", said.action_statement),
        ] {
            if let Some(value) = value {
                entity.text(path, value.text, value.at);
            }
        }
        entity.text("format", "OpenVEX", Pointer::root().key("@context"));
        entity.text_set("product_refs", self.subject.refs, self.subject.at);
        if let Some(scope) = self.scope {
            entity.text_set("product_scope", scope.refs, scope.at);
        }
        if let Some(stamp) = said.timestamp {
            entity.datetime("timestamp", stamp.text, stamp.at);
        }
    }
}
