//! The plugin sandbox: WebAssembly components run on wasmtime with nothing
//! to call but the contract.
//!
//! - A component that imports anything is refused before it is instantiated.
//! - Each call gets a fresh store with a fuel budget, an epoch deadline (wall
//!   clock), a memory cap, and caps on input and output size.
//! - Each plugin is compiled once per host and pre-instantiated; a call only
//!   instantiates. With a [`CodeCache`], compiled code is kept on disk, so a
//!   plugin is compiled once per user and engine configuration.
//!
//! A trap, a timeout or a limit is an error for that document, which the
//! decision turns into needs-evidence at best, never approve.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};

use crate::codecache::{ActiveCache, CodeCache, CodeOrigin, CodeStats, Counters};
use crate::error::PluginError;

#[expect(missing_docs, reason = "generated from plugins/wit/extractor.wit")]
mod bindings {
    wasmtime::component::bindgen!({
        world: "extractor",
        path: "../plugins/wit",
        // The facts cache stores extractions as JSON.
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
    });
}

pub use crate::limits::SandboxLimits;
use bindings::{Document, ExtractorPre};
pub use bindings::{Entity, EntityRef, Extraction, Fact, Location, Note, PluginInfo, Value};

/// The WIT package version this host speaks.
pub const CONTRACT: &str = "assure:plugin/extractor@0.1.0";

/// The epoch tick: deadlines are measured in these.
const TICK: Duration = Duration::from_millis(10);

/// The WebAssembly stack a call may use. Fixed, not a bundle's to set: it
/// must stay well below the native stack of the threads plugins run on.
pub const STACK_BYTES: usize = 1024 * 1024;

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Runs plugins. Cheap to share between threads.
pub struct PluginHost {
    engine: Engine,
    limits: SandboxLimits,
    code_cache: Option<ActiveCache>,
    counters: Counters,
    ticker: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHost")
            .field("limits", &self.limits)
            .field("code_cache", &self.code_cache.as_ref().map(|c| c.dir.dir()))
            .finish_non_exhaustive()
    }
}

impl Drop for PluginHost {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            // Wake it rather than wait out its tick.
            ticker.thread().unpark();
            let _ = ticker.join();
        }
    }
}

/// A plugin, compiled and pre-instantiated.
pub struct LoadedPlugin {
    /// The name the bundle gives it.
    pub name: String,
    /// The SHA-256 of its binary.
    pub sha256: String,
    /// What it says about itself.
    pub info: PluginInfo,
    /// Whether its code was compiled or read from the code cache.
    pub origin: CodeOrigin,
    pre: ExtractorPre<StoreState>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("name", &self.name)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// Why a plugin call failed. Always an error for that document.
#[derive(Debug, Clone)]
pub enum CallError {
    /// The plugin read the document and says it is not valid.
    Rejected {
        /// The plugin's message.
        message: String,
        /// Where in the document.
        location: Location,
    },
    /// A sandbox limit stopped the plugin; the message names the limit.
    Limit(String),
    /// The plugin trapped or misbehaved.
    Fault(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Rejected { message, .. } => f.write_str(message),
            CallError::Limit(m) => write!(f, "stopped by a sandbox limit: {m}"),
            CallError::Fault(m) => write!(f, "the plugin failed: {m}"),
        }
    }
}

struct StoreState {
    limiter: Limiter,
}

/// Caps memory and tables, and remembers which cap was hit so the error can
/// name it.
struct Limiter {
    memory_bytes: usize,
    table_elements: usize,
    hit: Option<String>,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            let message = format!(
                "memory cap reached: the plugin asked for {} MiB ({})",
                desired / (1024 * 1024),
                crate::limits::named("memory_bytes", as_u64(self.memory_bytes))
            );
            self.hit = Some(message.clone());
            return Err(wasmtime::format_err!(message));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.table_elements {
            let message = format!(
                "table cap reached: the plugin asked for {desired} elements ({})",
                crate::limits::named("table_elements", as_u64(self.table_elements))
            );
            self.hit = Some(message.clone());
            return Err(wasmtime::format_err!(message));
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        16
    }

    fn tables(&self) -> usize {
        16
    }

    fn memories(&self) -> usize {
        4
    }
}

impl PluginHost {
    /// A host with the given limits that compiles every plugin it loads.
    /// Starts one background thread that advances the wall-clock deadline.
    pub fn new(limits: SandboxLimits) -> Result<Self, PluginError> {
        Self::with_code_cache(limits, None)
    }

    /// A host with the given limits that keeps compiled plugin code in
    /// `code_cache` (when given) and reuses it from there.
    pub fn with_code_cache(
        limits: SandboxLimits,
        code_cache: Option<CodeCache>,
    ) -> Result<Self, PluginError> {
        let code_cache = code_cache
            .map(|dir| {
                let wasmtime = dir
                    .wasmtime_cache()
                    .map_err(|e| PluginError::Host(e.to_string()))?;
                Ok::<_, PluginError>(ActiveCache { dir, wasmtime })
            })
            .transpose()?;
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.consume_fuel(true);
        config.epoch_interruption(true);
        config.max_wasm_stack(STACK_BYTES);
        config.cache(code_cache.as_ref().map(|c| c.wasmtime.clone()));
        let engine = Engine::new(&config).map_err(|e| PluginError::Host(format!("{e:#}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let engine = engine.weak();
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("assure-epoch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::park_timeout(TICK);
                        match engine.upgrade() {
                            Some(engine) => engine.increment_epoch(),
                            None => break,
                        }
                    }
                })
                .map_err(|e| PluginError::Host(format!("cannot start the deadline timer: {e}")))?
        };
        Ok(Self {
            engine,
            limits,
            code_cache,
            counters: Counters::default(),
            ticker: Some(ticker),
            stop,
        })
    }

    /// How many plugins this host compiled, and how many it read from the
    /// code cache.
    pub fn code_stats(&self) -> CodeStats {
        self.counters.snapshot()
    }

    /// The code cache's directory, when there is one.
    pub fn code_cache(&self) -> Option<&CodeCache> {
        self.code_cache.as_ref().map(|c| &c.dir)
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &SandboxLimits {
        &self.limits
    }

    /// Compiles a plugin, refuses it if it imports anything, pre-instantiates
    /// it and asks it to describe itself.
    pub fn load(&self, name: &str, bytes: &[u8]) -> Result<LoadedPlugin, PluginError> {
        let load_error = |message: String| PluginError::Load {
            plugin: name.to_owned(),
            message,
        };
        check_shape(bytes, &self.limits).map_err(load_error)?;
        let (component, origin) = self.compile(bytes).map_err(load_error)?;
        let imports: Vec<String> = component
            .component_type()
            .imports(&self.engine)
            .map(|(import, _)| format!("`{import}`"))
            .collect();
        if !imports.is_empty() {
            return Err(PluginError::Imports {
                plugin: name.to_owned(),
                imports,
            });
        }
        let linker: Linker<StoreState> = Linker::new(&self.engine);
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| load_error(format!("{e:#}")))?;
        let pre = ExtractorPre::new(instance_pre)
            .map_err(|e| load_error(format!("does not implement the `{CONTRACT}` world: {e:#}")))?;
        let mut store = self.store();
        let info = pre
            .instantiate(&mut store)
            .and_then(|instance| instance.call_describe(&mut store))
            .map_err(|e| {
                load_error(format!(
                    "describe failed: {}",
                    classify(&store, &e, &self.limits)
                ))
            })?;
        Ok(LoadedPlugin {
            name: name.to_owned(),
            sha256: crate::submission::sha256_hex(bytes),
            info,
            origin,
            pre,
        })
    }

    /// Compiles a component, or reads its compiled code from the cache.
    fn compile(&self, bytes: &[u8]) -> Result<(Component, CodeOrigin), String> {
        let vetted = match &self.code_cache {
            Some(cache) => Some(cache.vet(&self.engine, bytes, &self.counters)?),
            None => None,
        };
        let component = Component::from_binary(&self.engine, bytes)
            .map_err(|e| format!("not a valid WebAssembly component: {e:#}"))?;
        let origin = match (&self.code_cache, &vetted) {
            (Some(cache), Some(vetted)) => cache.origin(vetted),
            _ => CodeOrigin::Compiled,
        };
        self.counters.count(origin);
        Ok((component, origin))
    }

    fn store(&self) -> Store<StoreState> {
        let mut store = Store::new(
            &self.engine,
            StoreState {
                limiter: Limiter {
                    memory_bytes: self.limits.memory_bytes,
                    table_elements: self.limits.table_elements,
                    hit: None,
                },
            },
        );
        store.limiter(|state| &mut state.limiter);
        // Fuel is always enabled in this engine's configuration; setting it
        // cannot fail here.
        let _ = store.set_fuel(self.limits.fuel);
        let ticks = u64::try_from(self.limits.deadline.as_millis() / TICK.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        store.set_epoch_deadline(ticks);
        // wasmtime meters the bytes copied between host and guest; let the
        // engine's own output cap, which names itself, be the one that bites.
        store.set_hostcall_fuel(
            self.limits
                .max_output_bytes
                .saturating_add(self.limits.max_input_bytes),
        );
        store.epoch_deadline_trap();
        store
    }

    /// Runs a plugin on one document in a fresh store.
    pub fn extract(
        &self,
        plugin: &LoadedPlugin,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Extraction, CallError> {
        if bytes.len() > self.limits.max_input_bytes {
            return Err(CallError::Limit(format!(
                "the document is {} bytes, more than a plugin may read ({})",
                bytes.len(),
                crate::limits::named("input_bytes", as_u64(self.limits.max_input_bytes))
            )));
        }
        if crate::media::is_json(media_type)
            && let Err(line) = crate::limits::json_nesting(bytes, self.limits.nesting_depth)
        {
            return Err(CallError::Limit(format!(
                "the document nests arrays and objects more deeply than allowed, at line {line} ({})",
                crate::limits::named("nesting_depth", as_u64(self.limits.nesting_depth))
            )));
        }
        let document = Document {
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            bytes: bytes.to_vec(),
        };
        let mut store = self.store();
        let outcome = plugin
            .pre
            .instantiate(&mut store)
            .and_then(|instance| instance.call_extract(&mut store, &document));
        drop(document);
        match outcome {
            Ok(Ok(extraction)) => {
                let size = output_size(&extraction);
                let limit = self.limits.output_limit(bytes.len());
                if size > limit {
                    return Err(CallError::Limit(format!(
                        "the output is about {size} bytes, more than the {limit} bytes allowed for this document \
                         (limits.output_base_bytes + limits.output_per_input_byte per input byte, at most {})",
                        crate::limits::named("output_bytes", as_u64(self.limits.max_output_bytes))
                    )));
                }
                Ok(extraction)
            }
            Ok(Err(e)) => Err(CallError::Rejected {
                message: e.message,
                location: e.location,
            }),
            Err(e) => {
                let message = classify(&store, &e, &self.limits);
                if store.data().limiter.hit.is_some() || is_limit_trap(&e) {
                    Err(CallError::Limit(message))
                } else {
                    Err(CallError::Fault(message))
                }
            }
        }
    }
}

/// Refuses a plugin too big, or with too many functions or locals, before
/// Cranelift spends time on it: compile time grows with both, and a plugin
/// is compiled before any deadline can apply.
fn check_shape(bytes: &[u8], limits: &SandboxLimits) -> Result<(), String> {
    use wasmparser::{Parser, Payload};
    if bytes.len() > limits.plugin_bytes {
        return Err(format!(
            "the plugin is {} bytes, more than a plugin may be ({})",
            bytes.len(),
            crate::limits::named("plugin_bytes", as_u64(limits.plugin_bytes))
        ));
    }
    let mut functions: u64 = 0;
    let mut locals: u64 = 0;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| format!("not a valid WebAssembly component: {e}"))?;
        match payload {
            Payload::FunctionSection(section) => {
                functions = functions.saturating_add(u64::from(section.count()));
                if functions > limits.functions {
                    return Err(format!(
                        "the plugin defines more than {} functions ({})",
                        limits.functions,
                        crate::limits::named("functions", limits.functions)
                    ));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let reader = body
                    .get_locals_reader()
                    .map_err(|e| format!("not a valid WebAssembly component: {e}"))?;
                for entry in reader {
                    let (count, _) =
                        entry.map_err(|e| format!("not a valid WebAssembly component: {e}"))?;
                    locals = locals.saturating_add(u64::from(count));
                }
                if locals > limits.locals {
                    return Err(format!(
                        "the plugin's functions declare more than {} local variables ({})",
                        limits.locals,
                        crate::limits::named("locals", limits.locals)
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_limit_trap(e: &wasmtime::Error) -> bool {
    matches!(
        e.downcast_ref::<Trap>(),
        Some(Trap::OutOfFuel | Trap::Interrupt | Trap::StackOverflow)
    )
}

/// Says which limit stopped a call, or what the fault was.
fn classify(store: &Store<StoreState>, e: &wasmtime::Error, limits: &SandboxLimits) -> String {
    if let Some(hit) = &store.data().limiter.hit {
        return hit.clone();
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => format!(
            "fuel budget exhausted ({})",
            crate::limits::named("fuel", limits.fuel)
        ),
        Some(Trap::Interrupt) => format!(
            "deadline exceeded ({})",
            crate::limits::named(
                "deadline_ms",
                u64::try_from(limits.deadline.as_millis()).unwrap_or(u64::MAX)
            )
        ),
        Some(Trap::StackOverflow) => format!(
            "call stack exhausted, unbounded recursion? (the fixed WebAssembly stack of {} KiB)",
            STACK_BYTES / 1024
        ),
        Some(trap) => format!("trap: {trap}"),
        None => format!("{e:#}"),
    }
}

/// An estimate of the output's size in bytes: every string, plus a fixed
/// overhead per item.
fn output_size(extraction: &Extraction) -> usize {
    const ITEM: usize = 16;
    fn location(l: &Location) -> usize {
        match l {
            Location::Pointer(p) => p.len(),
            Location::Whole | Location::Line(_) => 4,
        }
    }
    fn value(v: &Value) -> usize {
        match v {
            Value::Text(s) | Value::Decimal(s) | Value::Datetime(s) => s.len(),
            Value::TextSet(set) => set.iter().map(|s| s.len() + ITEM).sum(),
            Value::Boolean(_) | Value::Long(_) => 8,
        }
    }
    fn facts(facts: &[Fact]) -> usize {
        facts
            .iter()
            .map(|f| ITEM + f.path.len() + value(&f.value) + location(&f.location))
            .sum()
    }
    facts(&extraction.facts)
        + extraction
            .entities
            .iter()
            .map(|e| {
                ITEM + e.kind.len()
                    + e.id.len()
                    + location(&e.location)
                    + facts(&e.facts)
                    + e.parents
                        .iter()
                        .map(|p| ITEM + p.kind.len() + p.id.len())
                        .sum::<usize>()
            })
            .sum::<usize>()
        + extraction
            .notes
            .iter()
            .map(|n| ITEM + n.message.len() + location(&n.location))
            .sum::<usize>()
}

/// Plugins compiled on first use, shared by every check in a process. A
/// plugin that compiled is kept; one that failed to load is not, so a
/// long-lived process (a service) tries again on its next use instead of
/// failing that plugin until it restarts.
#[derive(Debug, Default)]
pub(crate) struct PluginCache {
    slots: Vec<(String, Mutex<Option<Arc<LoadedPlugin>>>)>,
}

/// A plugin compiled once, or why it could not be.
pub(crate) type Loaded = Result<Arc<LoadedPlugin>, String>;

impl PluginCache {
    pub(crate) fn new(names: impl IntoIterator<Item = String>) -> Self {
        Self {
            slots: names.into_iter().map(|n| (n, Mutex::new(None))).collect(),
        }
    }

    /// The loaded plugin `name`, compiling it with `load` when it is not
    /// loaded yet, and whether this call loaded it. Calls for the same
    /// plugin wait for one another, so a plugin is compiled once.
    pub(crate) fn get(
        &self,
        name: &str,
        load: impl FnOnce() -> Result<LoadedPlugin, PluginError>,
    ) -> Option<(Loaded, bool)> {
        let (_, slot) = self.slots.iter().find(|(n, _)| n == name)?;
        // A poisoned slot (a panic while loading) is loaded afresh.
        let mut slot = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(plugin) = slot.as_ref() {
            return Some((Ok(Arc::clone(plugin)), false));
        }
        match load() {
            Ok(plugin) => {
                let plugin = Arc::new(plugin);
                *slot = Some(Arc::clone(&plugin));
                Some((Ok(plugin), true))
            }
            Err(e) => Some((Err(e.to_string()), true)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    /// The built-in bundle's CycloneDX plugin, compiled.
    fn cyclonedx(host: &PluginHost) -> Result<LoadedPlugin, PluginError> {
        let (_, bytes) = crate::bundle::builtin::FILES
            .iter()
            .find(|(path, _)| *path == "plugins/cyclonedx.wasm")
            .unwrap();
        host.load("cyclonedx", bytes)
    }

    #[test]
    fn a_failed_load_is_tried_again_and_a_loaded_plugin_is_kept() {
        let host = PluginHost::new(SandboxLimits::default()).unwrap();
        let cache = PluginCache::new(["cyclonedx".to_owned()]);
        // The first load fails (a deadline hit while the machine was busy).
        let (first, fresh) = cache
            .get("cyclonedx", || {
                Err(PluginError::Load {
                    plugin: "cyclonedx".into(),
                    message: "deadline exceeded".into(),
                })
            })
            .unwrap();
        assert!(fresh);
        assert!(first.unwrap_err().contains("deadline exceeded"));
        // The next use loads it: the failure did not stick.
        let (second, fresh) = cache.get("cyclonedx", || cyclonedx(&host)).unwrap();
        assert!(fresh);
        assert!(second.is_ok());
        // And then it is kept: no load is attempted again.
        let (third, fresh) = cache
            .get("cyclonedx", || -> Result<LoadedPlugin, PluginError> {
                unreachable!("a loaded plugin is not loaded again")
            })
            .unwrap();
        assert!(!fresh);
        assert!(third.is_ok());
        assert!(
            cache
                .get("not-in-the-bundle", || cyclonedx(&host))
                .is_none()
        );
    }
}
