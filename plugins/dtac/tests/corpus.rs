//! Real documents: a DTAC v1.0 form as a real supplier completed it, and a
//! v2.0 answer file in the form's own words. See `corpus/PROVENANCE.md`.

mod common;

use common::{at, boolean, has, noted, ok, text};

const RCPCH: &[u8] = include_bytes!("corpus/rcpch-dgc-dtac-v1.json");

#[test]
fn debug_print() -> Result<(), String> {
    let x = ok(RCPCH)?;
    for f in &x.facts { println!("{} = {:?} @ {:?}", f.path, f.value, f.location); }
    for n in common::notes(&x) { println!("NOTE {n}"); }
    Ok(())
}
