//! The report of `check`: diagnostics as JSON, SARIF and GitHub Actions
//! annotations (for people, [`human`](super::human) renders them).

pub mod github;
pub mod json;
pub mod sarif;
