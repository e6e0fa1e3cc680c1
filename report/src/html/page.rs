//! Writing HTML so that only static markup is ever written unescaped.

use crate::view::{escape_markup, escape_text};

/// An HTML page being written. Markup is only ever static text; everything
/// else is escaped on the way in.
#[derive(Default)]
pub struct Page {
    /// The page so far.
    pub out: String,
}

impl Page {
    /// Markup, as written in this file.
    pub fn raw(&mut self, markup: &'static str) {
        self.out.push_str(markup);
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) {
        self.out.push_str(&escape_text(text));
    }

    /// An opening tag with escaped attribute values.
    pub fn open(&mut self, tag: &'static str, attributes: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attributes {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape_markup(value));
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// An element holding text.
    pub fn el(&mut self, tag: &'static str, attributes: &[(&'static str, &str)], text: &str) {
        self.open(tag, attributes);
        self.text(text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }
}
