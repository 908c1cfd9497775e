//! Shared by the performance tests (`scan_budget`, `large_documents`): the
//! shipped rule set and the benchmark corpus generator.

#![allow(clippy::unwrap_used, dead_code)]

use copylint::{LoadOptions, RuleLibrary, RuleSet, Selection};

#[path = "../../benches/corpus/mod.rs"]
pub mod corpus;

/// The shipped rules, compiled with the default selection.
pub fn shipped() -> RuleSet {
    let lib = RuleLibrary::load(&LoadOptions::default()).unwrap();
    RuleSet::compile(&lib, &Selection::default()).unwrap()
}
