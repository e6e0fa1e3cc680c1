//! Hostile test plugins: WebAssembly components that attack the sandbox.
//!
//! Each fixture is a hand-written core module in
//! `tests/fixtures/hostile/{name}.wat` implementing the `extractor` world of
//! `plugins/wit/extractor.wit` through the canonical ABI. [`component`]
//! compiles one with `wat`, embeds the world's metadata and wraps it into a
//! component with `wit-component`, so the tests run exactly what a hostile
//! plugin author could ship. `well-behaved` is the control; every other
//! fixture is the control plus one hostile change, described in the header
//! comment of its `.wat` file together with what the host must do.
//!
//! Two fixtures import something, which the `extractor` world does not allow;
//! they are built against the worlds in `tests/fixtures/hostile/wit/`:
//! `import-wasi` (world `hostile-wasi`, imports `wasi:cli/environment@0.2.0`)
//! and `import-unknown` (world `hostile-unknown`, imports
//! `host-exec: func(cmd: string) -> u32`). Those worlds `include` the real
//! extractor world, which is pushed into the same `Resolve` first.
//!
//! # Canonical ABI layouts
//!
//! The fixtures write these by hand, so here is the arithmetic
//! (`string` and `list<T>` are both a `(ptr: u32, len: u32)` pair: size 8,
//! align 4; a variant's discriminant is a `u8` for up to 256 cases; a variant's
//! payload starts at the discriminant's size rounded up to the largest case
//! alignment; a record's fields are laid out in order, each at its own
//! alignment, and the record's size is rounded up to its largest alignment):
//!
//! ```text
//! location  variant, size 12, align 4
//!   0  u8 tag   0 whole | 1 pointer(string) | 2 line(u32)
//!   4  payload  pointer: ptr@4 len@8; line: u32@4
//!
//! value     variant, size 16, align 8 (the s64 case)
//!   0  u8 tag   0 boolean(bool) | 1 long(s64) | 2 text(string)
//!               3 text-set(list<string>) | 4 decimal(string) | 5 datetime(string)
//!   8  payload  boolean: u8@8; long: s64@8; strings/lists: ptr@8 len@12
//!
//! fact      record, size 40, align 8
//!   0  path      string     (ptr@0, len@4)
//!   8  value     value      (tag@8, payload@16)
//!  24  location  location   (tag@24, payload@28)
//!  36  padding to 40
//!
//! entity-ref record, size 16, align 4
//!   0 kind string, 8 id string
//!
//! entity    record, size 44, align 4
//!   0 kind string, 8 id string, 16 location (12 bytes),
//!  28 facts list<fact>, 36 parents list<entity-ref>
//!
//! note      record, size 20, align 4
//!   0 message string, 8 location
//!
//! extraction record, size 24, align 4
//!   0 facts list<fact>, 8 entities list<entity>, 16 notes list<note>
//!
//! extract-error record, size 20, align 4
//!   0 message string, 8 location
//!
//! result<extraction, extract-error>  variant, size 28, align 4
//!   0  u8 tag   0 ok | 1 err
//!   4  payload  extraction (24 bytes) or extract-error (20 bytes)
//!
//! plugin-info record, size 32, align 4
//!   0 name string, 8 version string, 16 media-types list<string>,
//!  24 fact-paths list<string>
//!
//! document  record (a parameter): flattened to six i32s
//!   name.ptr, name.len, media-type.ptr, media-type.len, bytes.ptr, bytes.len
//! ```
//!
//! Core exports: `memory`; `cabi_realloc: (i32 old_ptr, i32 old_size,
//! i32 align, i32 new_size) -> i32`; `describe: () -> i32` and
//! `extract: (i32 × 6) -> i32`, each returning a pointer to its lowered result
//! (the results flatten to more than one value, so they go through memory).
//! A list's element pointer must be aligned to the element's alignment
//! (8 for `list<fact>`). Imports as the core module sees them:
//! `"wasi:cli/environment@0.2.0" "get-environment": (i32 retptr) -> ()`, which
//! writes a `list<tuple<string, string>>` (ptr, len) at `retptr`, and
//! `"$root" "host-exec": (i32 ptr, i32 len) -> i32`.

use std::path::{Path, PathBuf};

/// Every hostile fixture, by name (the `.wat` file stem), control first.
pub const ALL: &[&str] = &[
    "well-behaved",
    "infinite-loop",
    "memory-bomb",
    "import-wasi",
    "import-unknown",
    "huge-output",
    "trap",
    "undeclared-fact",
    "wrong-type-fact",
    "deep-recursion",
    "invalid-utf8",
    "start-loop",
    "table-grow",
    "other-product",
];

/// The folder holding the `.wat` fixtures and their extra WIT.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("hostile")
}

/// The folder holding the real plugin contract, `extractor.wit`.
fn plugin_wit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("plugins")
        .join("wit")
}

/// The world a fixture is built against: `None` for the real `extractor`
/// world, or the name of a world in `fixtures/hostile/wit/hostile.wit`.
pub fn hostile_world(name: &str) -> Option<&'static str> {
    match name {
        "import-wasi" => Some("hostile-wasi"),
        "import-unknown" => Some("hostile-unknown"),
        _ => None,
    }
}

/// Builds the component for the fixture `name` (one of [`ALL`]).
///
/// Reads `fixtures/hostile/{name}.wat`, compiles it to a core module, embeds
/// the metadata of its world ([`hostile_world`], else `extractor`) with UTF-8
/// strings, and encodes (and validates) the component. The error says which
/// step failed for which fixture.
pub fn component(name: &str) -> Result<Vec<u8>, String> {
    if !ALL.contains(&name) {
        return Err(format!(
            "unknown hostile fixture `{name}`; known: {}",
            ALL.join(", ")
        ));
    }
    let wat_path = fixtures_dir().join(format!("{name}.wat"));
    let text = std::fs::read_to_string(&wat_path)
        .map_err(|e| format!("reading {}: {e}", wat_path.display()))?;
    component_from_wat(name, &wat_path, &text)
}

/// The control fixture's text with `extra` (module fields, e.g. functions)
/// inserted before the module's closing parenthesis: the base of the
/// generated fixtures, which would be megabytes as files.
fn control_with(extra: &str) -> Result<String, String> {
    let path = fixtures_dir().join("well-behaved.wat");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let close = text
        .rfind(')')
        .ok_or_else(|| format!("{}: no closing parenthesis", path.display()))?;
    let (head, tail) = text.split_at(close);
    Ok(format!("{head}{extra}\n{tail}"))
}

/// `compile-bomb` (functions): the control plus `functions` tiny functions
/// that nothing calls. Small as a component (a few bytes each) but each is
/// one more function for Cranelift to compile: a host that compiles whatever
/// it is handed spends time in proportion. The host must refuse it at load,
/// before compiling, naming the plugin and the function limit.
pub fn compile_bomb_functions(functions: usize) -> Result<Vec<u8>, String> {
    let mut extra = String::with_capacity(functions * 40);
    for i in 0..functions {
        extra.push_str(&format!("  (func (result i32) (i32.const {i}))\n"));
    }
    let text = control_with(&extra)?;
    component_from_wat(
        "compile-bomb-functions",
        &fixtures_dir().join("compile-bomb-functions.wat (generated)"),
        &text,
    )
}

/// `compile-bomb` (locals): the control plus `functions` functions with
/// `locals` `i64` locals each, a spread of them read. The binary encodes each
/// function's locals as one (count, type) pair, so the component stays small,
/// but the compiler must zero and track every local. The host must refuse it
/// at load, before compiling, naming the plugin and the locals limit.
pub fn compile_bomb_locals(functions: usize, locals: usize) -> Result<Vec<u8>, String> {
    let mut extra = String::new();
    for _ in 0..functions {
        extra.push_str("  (func (result i64) (local");
        for _ in 0..locals {
            extra.push_str(" i64");
        }
        extra.push_str(")\n    (i64.const 0)");
        // Read a spread of the locals so none is trivially dead.
        for l in (0..locals).step_by(locals.div_ceil(64).max(1)) {
            extra.push_str(&format!(" (local.get {l}) (i64.add)"));
        }
        extra.push_str(")\n");
    }
    let text = control_with(&extra)?;
    component_from_wat(
        "compile-bomb-locals",
        &fixtures_dir().join("compile-bomb-locals.wat (generated)"),
        &text,
    )
}

/// Builds a component from WAT text for the fixture `name`: compiles it to
/// a core module, embeds the metadata of its world ([`hostile_world`], else
/// `extractor`) with UTF-8 strings, and encodes (and validates) the
/// component. `wat_path` only names the text in errors.
pub fn component_from_wat(name: &str, wat_path: &Path, text: &str) -> Result<Vec<u8>, String> {
    let dir = fixtures_dir();
    let mut module = wat::parse_str(text).map_err(|mut e| {
        e.set_path(wat_path);
        format!("compiling {}: {e}", wat_path.display())
    })?;

    let mut resolve = wit_parser::Resolve::default();
    let plugin_wit = plugin_wit_dir();
    let (plugin_pkg, _) = resolve
        .push_dir(&plugin_wit)
        .map_err(|e| format!("parsing WIT in {}: {e:#}", plugin_wit.display()))?;
    let world = match hostile_world(name) {
        None => resolve
            .select_world(&[plugin_pkg], Some("extractor"))
            .map_err(|e| format!("selecting world `extractor`: {e:#}"))?,
        Some(world) => {
            let hostile_wit = dir.join("wit");
            let (hostile_pkg, _) = resolve
                .push_dir(&hostile_wit)
                .map_err(|e| format!("parsing WIT in {}: {e:#}", hostile_wit.display()))?;
            resolve
                .select_world(&[hostile_pkg], Some(world))
                .map_err(|e| format!("selecting world `{world}`: {e:#}"))?
        }
    };

    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .map_err(|e| format!("embedding component metadata into `{name}`: {e:#}"))?;
    wit_component::ComponentEncoder::default()
        .module(&module)
        .map_err(|e| format!("reading core module `{name}`: {e:#}"))?
        .validate(true)
        .encode()
        .map_err(|e| format!("encoding component `{name}`: {e:#}"))
}
