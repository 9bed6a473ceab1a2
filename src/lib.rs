//! # ceasefire
//!
//! Checks whether the parties to a ceasefire did what they agreed. Monitors
//! write verification rules in a small language; `ceasefire` checks them and
//! judges them against a timestamped observation log.
//!
//! The pipeline runs one way: [`syntax`] (text → tree) → [`check`] (tree →
//! checked model) → evaluation → [`report`] (rendering).
//!
//! ```
//! use ceasefire::check::{Workspace, check_paths};
//!
//! let dir = tempfile_dir();
//! std::fs::write(dir.join("gaza.cfr"), r#"
//!     zone netzarim
//!     event release { batch: int }
//!     event drawdown { zone: zone }
//!     rule r { release batch 2 precedes drawdown in zone netzarim within 72h }
//! "#).unwrap();
//! let mut workspace = Workspace::new();
//! let outcome = check_paths(&mut workspace, &[dir.join("gaza.cfr")]);
//! assert!(outcome.diagnostics.is_empty());
//! assert_eq!(outcome.units[0].model.rules[0].id, "r");
//! # fn tempfile_dir() -> std::path::PathBuf {
//! #     let dir = std::env::temp_dir().join(format!("ceasefire-doc-{}", std::process::id()));
//! #     std::fs::create_dir_all(&dir).unwrap();
//! #     dir
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod log;
pub mod report;
pub mod source;
pub mod syntax;
pub mod time;
pub mod verdict;
