//! Every limit assure enforces, in one table: its name, its default, the
//! hard ceiling no bundle or flag may exceed, and what it bounds.
//!
//! A bundle may set any of them in its `bundle.toml`:
//!
//! ```toml
//! [limits]
//! deadline_ms = 5000
//! files = 200
//! ```
//!
//! A value above the ceiling, or zero, refuses the bundle (it is not
//! clamped): a bundle that asks for more than assure will give is an error
//! its authors should see. The effective limits are the defaults, then the
//! bundle's, then the operator's explicit flags (`assure check
//! --plugin-timeout` …), each within the ceilings. Every breach names the
//! limit as `limits.<name>`, so the person reading the error knows which
//! line of `bundle.toml` would change it. `docs/LIMITS.md` is generated from
//! [`TABLE`] and a test keeps the two in step.

use std::collections::BTreeMap;
use std::time::Duration;

/// One limit: what it is called and bounds, its default and its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSpec {
    /// Its name, as written in `bundle.toml`'s `[limits]` and in errors
    /// (`limits.<name>`).
    pub name: &'static str,
    /// What it bounds.
    pub bounds: &'static str,
    /// The unit of its value.
    pub unit: &'static str,
    /// The value when nothing sets it.
    pub default: u64,
    /// The most any bundle or flag may set.
    pub ceiling: u64,
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// Every limit a bundle may set. The stack and the epoch tick are fixed
/// (see `docs/LIMITS.md`): the stack must stay below the native stack of
/// the threads plugins run on.
pub const TABLE: &[LimitSpec] = &[
    LimitSpec {
        name: "fuel",
        bounds: "WebAssembly fuel (about one unit per instruction) for one plugin call",
        unit: "units",
        default: 20_000_000_000,
        ceiling: 200_000_000_000,
    },
    LimitSpec {
        name: "deadline_ms",
        bounds: "wall-clock time for one plugin call",
        unit: "milliseconds",
        default: 2_000,
        ceiling: 60_000,
    },
    LimitSpec {
        name: "memory_bytes",
        bounds: "linear memory one plugin instance may grow to",
        unit: "bytes",
        default: 512 * MIB,
        ceiling: 4 * GIB,
    },
    LimitSpec {
        name: "table_elements",
        bounds: "elements in any one table of a plugin instance",
        unit: "elements",
        default: 100_000,
        ceiling: 1_000_000,
    },
    LimitSpec {
        name: "input_bytes",
        bounds: "largest document handed to a plugin",
        unit: "bytes",
        default: 128 * MIB,
        ceiling: GIB,
    },
    LimitSpec {
        name: "output_base_bytes",
        bounds: "output a plugin may return whatever the document's size",
        unit: "bytes",
        default: MIB,
        ceiling: 64 * MIB,
    },
    LimitSpec {
        name: "output_per_input_byte",
        bounds: "further output a plugin may return per byte of the document",
        unit: "bytes",
        default: 4,
        ceiling: 64,
    },
    LimitSpec {
        name: "output_bytes",
        bounds: "largest output of one plugin call, whatever the document's size",
        unit: "bytes",
        default: 512 * MIB,
        ceiling: 2 * GIB,
    },
    LimitSpec {
        name: "nesting_depth",
        bounds: "arrays and objects nested in a JSON document, checked before a plugin reads it",
        unit: "levels",
        default: 64,
        // The plugins' JSON parser (serde_json) stops at 128 itself.
        ceiling: 128,
    },
    LimitSpec {
        name: "plugin_bytes",
        bounds: "size of one plugin binary",
        unit: "bytes",
        default: 16 * MIB,
        ceiling: 64 * MIB,
    },
    LimitSpec {
        name: "functions",
        bounds: "functions defined in one plugin, checked before it is compiled",
        unit: "functions",
        // The built-in plugins define at most about 530.
        default: 10_000,
        ceiling: 100_000,
    },
    LimitSpec {
        name: "locals",
        bounds: "local variables over all of one plugin's functions, checked before it is compiled",
        unit: "locals",
        // The built-in plugins declare at most about 1,700.
        default: 100_000,
        ceiling: 1_000_000,
    },
    LimitSpec {
        name: "files",
        bounds: "evidence entries in a submission's manifest",
        unit: "files",
        default: 1_000,
        ceiling: 100_000,
    },
    LimitSpec {
        name: "file_bytes",
        bounds: "size of one evidence file",
        unit: "bytes",
        default: 256 * MIB,
        ceiling: 4 * GIB,
    },
    LimitSpec {
        name: "total_bytes",
        bounds: "size of all of a submission's evidence files together",
        unit: "bytes",
        default: GIB,
        ceiling: 16 * GIB,
    },
    LimitSpec {
        name: "manifest_bytes",
        bounds: "size of `submission.toml`",
        unit: "bytes",
        default: MIB,
        ceiling: 16 * MIB,
    },
];

/// The limit named `name`.
pub fn spec(name: &str) -> Option<&'static LimitSpec> {
    TABLE.iter().find(|s| s.name == name)
}

/// The default of a limit in [`TABLE`] (0 for a name not in it, which the
/// table's test rules out).
fn default_of(name: &str) -> u64 {
    spec(name).map_or(0, |s| s.default)
}

/// `n` as a `usize`, saturating (a 32-bit host cannot hold more anyway).
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The sandbox's limits for one plugin call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxLimits {
    /// Fuel (roughly, WebAssembly instructions) a call may use.
    pub fuel: u64,
    /// Wall-clock time a call may take.
    pub deadline: Duration,
    /// Linear memory a plugin instance may grow to, in bytes.
    pub memory_bytes: usize,
    /// Table elements a plugin instance may have.
    pub table_elements: usize,
    /// Largest document handed to a plugin, in bytes.
    pub max_input_bytes: usize,
    /// Output allowed regardless of the document's size, in bytes.
    pub output_base_bytes: usize,
    /// Output allowed per byte of the document.
    pub output_per_input_byte: usize,
    /// Largest output whatever the document's size, in bytes.
    pub max_output_bytes: usize,
    /// Deepest nesting of arrays and objects in a JSON document, checked
    /// before the plugin reads it.
    pub nesting_depth: usize,
    /// Largest plugin binary, in bytes.
    pub plugin_bytes: usize,
    /// Most functions one plugin may define, checked before compiling it.
    pub functions: u64,
    /// Most local variables over all of one plugin's functions, checked
    /// before compiling it.
    pub locals: u64,
}

impl Default for SandboxLimits {
    /// The defaults of [`TABLE`].
    fn default() -> Self {
        sandbox_defaults()
    }
}

impl SandboxLimits {
    /// The output a plugin may return for a document of `input` bytes.
    pub fn output_limit(&self, input: usize) -> usize {
        self.output_base_bytes
            .saturating_add(self.output_per_input_byte.saturating_mul(input))
            .min(self.max_output_bytes)
    }
}

/// Limits on what a submission may hold.
#[derive(Debug, Clone)]
pub struct SubmissionLimits {
    /// Most evidence entries in a manifest.
    pub max_files: usize,
    /// Largest single evidence file, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of all evidence files, in bytes.
    pub max_total_bytes: u64,
    /// Largest manifest, in bytes.
    pub max_manifest_bytes: u64,
}

impl Default for SubmissionLimits {
    /// The defaults of [`TABLE`].
    fn default() -> Self {
        submission_defaults()
    }
}

/// The limits a bundle sets: `[limits]` in `bundle.toml`, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleLimits {
    values: BTreeMap<String, u64>,
}

/// Why a `[limits]` table (or a flag) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// A name not in [`TABLE`].
    #[error("`limits.{name}` is not a limit assure knows (known: {known})")]
    Unknown {
        /// The name written.
        name: String,
        /// Every known name.
        known: String,
    },
    /// Zero or above the hard ceiling.
    #[error(
        "`limits.{name}` = {value} is outside what assure allows: it must be between 1 and {ceiling} {unit}"
    )]
    OutOfRange {
        /// The limit.
        name: String,
        /// The value asked for.
        value: u64,
        /// Its ceiling.
        ceiling: u64,
        /// Its unit.
        unit: &'static str,
    },
}

impl BundleLimits {
    /// Checks a `[limits]` table: every name known, every value between 1
    /// and its ceiling.
    pub fn new(values: BTreeMap<String, u64>) -> Result<Self, LimitError> {
        for (name, value) in &values {
            check(name, *value)?;
        }
        Ok(Self { values })
    }

    /// What the bundle sets, by name.
    pub fn values(&self) -> &BTreeMap<String, u64> {
        &self.values
    }

    /// The bundle's value for `name`, if it sets one.
    pub fn get(&self, name: &str) -> Option<u64> {
        self.values.get(name).copied()
    }

    /// The sandbox limits: the defaults with what this bundle sets.
    pub fn sandbox(&self) -> SandboxLimits {
        let mut limits = SandboxLimits::default();
        for (name, value) in &self.values {
            limits.set(name, *value);
        }
        limits
    }

    /// The submission limits: the defaults with what this bundle sets.
    pub fn submission(&self) -> SubmissionLimits {
        let mut limits = SubmissionLimits::default();
        for (name, value) in &self.values {
            limits.set(name, *value);
        }
        limits
    }
}

/// Checks one value against its limit's range.
pub fn check(name: &str, value: u64) -> Result<(), LimitError> {
    let Some(spec) = spec(name) else {
        return Err(LimitError::Unknown {
            name: name.to_owned(),
            known: TABLE.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
        });
    };
    if value == 0 || value > spec.ceiling {
        return Err(LimitError::OutOfRange {
            name: name.to_owned(),
            value,
            ceiling: spec.ceiling,
            unit: spec.unit,
        });
    }
    Ok(())
}

impl SandboxLimits {
    /// Sets the limit `name` (a name in [`TABLE`]); other names are not
    /// plugin limits and are ignored here.
    pub fn set(&mut self, name: &str, value: u64) {
        match name {
            "fuel" => self.fuel = value,
            "deadline_ms" => self.deadline = Duration::from_millis(value),
            "memory_bytes" => self.memory_bytes = to_usize(value),
            "table_elements" => self.table_elements = to_usize(value),
            "input_bytes" => self.max_input_bytes = to_usize(value),
            "output_base_bytes" => self.output_base_bytes = to_usize(value),
            "output_per_input_byte" => self.output_per_input_byte = to_usize(value),
            "output_bytes" => self.max_output_bytes = to_usize(value),
            "nesting_depth" => self.nesting_depth = to_usize(value),
            "plugin_bytes" => self.plugin_bytes = to_usize(value),
            "functions" => self.functions = value,
            "locals" => self.locals = value,
            _ => {}
        }
    }

    /// Each plugin limit by name, as set now.
    pub fn values(&self) -> BTreeMap<&'static str, u64> {
        let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
        BTreeMap::from([
            ("fuel", self.fuel),
            (
                "deadline_ms",
                u64::try_from(self.deadline.as_millis()).unwrap_or(u64::MAX),
            ),
            ("memory_bytes", n(self.memory_bytes)),
            ("table_elements", n(self.table_elements)),
            ("input_bytes", n(self.max_input_bytes)),
            ("output_base_bytes", n(self.output_base_bytes)),
            ("output_per_input_byte", n(self.output_per_input_byte)),
            ("output_bytes", n(self.max_output_bytes)),
            ("nesting_depth", n(self.nesting_depth)),
            ("plugin_bytes", n(self.plugin_bytes)),
            ("functions", self.functions),
            ("locals", self.locals),
        ])
    }

    /// Refuses limits above their ceilings (or zero).
    pub fn validate(&self) -> Result<(), LimitError> {
        for (name, value) in self.values() {
            check(name, value)?;
        }
        Ok(())
    }
}

impl SubmissionLimits {
    /// Sets the limit `name`; other names are not submission limits and are
    /// ignored here.
    pub fn set(&mut self, name: &str, value: u64) {
        match name {
            "files" => self.max_files = to_usize(value),
            "file_bytes" => self.max_file_bytes = value,
            "total_bytes" => self.max_total_bytes = value,
            "manifest_bytes" => self.max_manifest_bytes = value,
            _ => {}
        }
    }
}

/// The sandbox defaults, from [`TABLE`].
fn sandbox_defaults() -> SandboxLimits {
    SandboxLimits {
        fuel: default_of("fuel"),
        deadline: Duration::from_millis(default_of("deadline_ms")),
        memory_bytes: to_usize(default_of("memory_bytes")),
        table_elements: to_usize(default_of("table_elements")),
        max_input_bytes: to_usize(default_of("input_bytes")),
        output_base_bytes: to_usize(default_of("output_base_bytes")),
        output_per_input_byte: to_usize(default_of("output_per_input_byte")),
        max_output_bytes: to_usize(default_of("output_bytes")),
        nesting_depth: to_usize(default_of("nesting_depth")),
        plugin_bytes: to_usize(default_of("plugin_bytes")),
        functions: default_of("functions"),
        locals: default_of("locals"),
    }
}

/// The submission defaults, from [`TABLE`].
fn submission_defaults() -> SubmissionLimits {
    SubmissionLimits {
        max_files: to_usize(default_of("files")),
        max_file_bytes: default_of("file_bytes"),
        max_total_bytes: default_of("total_bytes"),
        max_manifest_bytes: default_of("manifest_bytes"),
    }
}

/// `docs/LIMITS.md`'s table, generated from [`TABLE`].
pub fn markdown_table() -> String {
    let mut out = String::from("| limit | bounds | default | ceiling |\n|---|---|---|---|\n");
    for s in TABLE {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            s.name,
            s.bounds,
            human(s.default, s.unit),
            human(s.ceiling, s.unit)
        ));
    }
    out
}

/// A value with its unit, in MiB/GiB where it reads better.
pub fn human(value: u64, unit: &str) -> String {
    if unit == "bytes" && value >= MIB && value.is_multiple_of(MIB) {
        if value >= GIB && value.is_multiple_of(GIB) {
            return format!("{} GiB", value / GIB);
        }
        return format!("{} MiB", value / MIB);
    }
    let digits = value.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {unit}")
}

/// `limits.<name> = <value>` as a breach message names it.
pub fn named(name: &str, value: u64) -> String {
    let unit = spec(name).map_or("", |s| s.unit);
    format!("limits.{name} = {}", human(value, unit))
}

/// The deepest nesting of arrays and objects in a JSON text, stopping as
/// soon as it passes `limit`: `Err(line)` with the line where it did.
/// Brackets inside strings do not count. Not a validator: a malformed
/// document is left for the plugin to report.
pub fn json_nesting(bytes: &[u8], limit: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut line = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(line);
                }
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(deepest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_within_their_ceilings() {
        for s in TABLE {
            assert!(
                s.default >= 1 && s.default <= s.ceiling,
                "{} default {} ceiling {}",
                s.name,
                s.default,
                s.ceiling
            );
        }
        assert_eq!(SandboxLimits::default().validate(), Ok(()));
    }

    #[test]
    fn every_name_sets_a_field() {
        for s in TABLE {
            let mut plugin = SandboxLimits::default();
            plugin.set(s.name, 7);
            let mut submission = SubmissionLimits::default();
            submission.set(s.name, 7);
            let changed_plugin = plugin.values().get(s.name) == Some(&7);
            let changed_submission =
                format!("{submission:?}") != format!("{:?}", SubmissionLimits::default());
            assert!(
                changed_plugin ^ changed_submission,
                "{} sets exactly one kind of limit",
                s.name
            );
        }
    }

    #[test]
    fn out_of_range_and_unknown_names_are_refused() {
        let too_big = BTreeMap::from([("deadline_ms".to_owned(), 60_001)]);
        let err = BundleLimits::new(too_big).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "`limits.deadline_ms` = 60001 is outside what assure allows: it must be between 1 and 60000 milliseconds"
            )
        );
        let zero = BTreeMap::from([("files".to_owned(), 0)]);
        assert!(BundleLimits::new(zero).is_err());
        let unknown = BTreeMap::from([("timeout".to_owned(), 5)]);
        let err = BundleLimits::new(unknown).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.starts_with("`limits.timeout` is not a limit")),
            "{err:?}"
        );
    }

    #[test]
    fn nesting_counts_brackets_outside_strings() {
        assert_eq!(json_nesting(br#"{"a":[1,{"b":"[[[["}]}"#, 10), Ok(3));
        assert_eq!(json_nesting(br#"{"a":"\"[[["}"#, 10), Ok(1));
        assert_eq!(json_nesting(b"[\n[\n[\n[]]]]", 3), Err(4));
        let deep = "[".repeat(100_000);
        assert_eq!(json_nesting(deep.as_bytes(), 64), Err(1));
    }

    #[test]
    fn human_values() {
        assert_eq!(human(512 * MIB, "bytes"), "512 MiB");
        assert_eq!(human(4 * GIB, "bytes"), "4 GiB");
        assert_eq!(human(20_000_000_000, "units"), "20,000,000,000 units");
        assert_eq!(
            named("deadline_ms", 2000),
            "limits.deadline_ms = 2,000 milliseconds"
        );
    }
}
