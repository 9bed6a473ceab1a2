//! The pest parser generated from `grammar/ceasefire.pest`, and its `Rule` enum
//! of grammar rules, which the builder and the error describer read.

/// The pest parser generated from `grammar/ceasefire.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/ceasefire.pest"]
pub(crate) struct CfrParser;
