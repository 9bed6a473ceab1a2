//! # ceasefire
//!
//! Checks whether the parties to a ceasefire did what they agreed. Monitors
//! write verification rules in a small language; `ceasefire` checks them and
//! judges them against a timestamped observation log, rule by rule:
//! satisfied, violated, pending or vacuous, with the evidence.
//!
//! The pipeline runs one way: [`syntax`] (text → tree) → [`check`] (tree →
//! checked model) → [`log`] (records → typed observations) → [`eval`]
//! (model × observations → verdicts) → [`report`] (rendering). [`source`]
//! (places in rule files), [`diagnostic`], [`time`] and [`verdict`] are the
//! ground floor under all of them.
//!
//! The front door is [`Rules`] (rule files checked and combined) and
//! [`verify()`] (a rule set judged against logs); [`run_tests`] runs the
//! rule files' `test` blocks. The items re-exported here are the library's
//! facade; the modules hold the rest for callers that need a single stage.
//!
//! ```
//! use ceasefire::{LogFormat, LogSet, Rules, Verdict, VerifyOptions};
//!
//! let rules = Rules::from_text("gaza.cfr", r#"
//!     zone netzarim
//!     event release { batch: int }
//!     event drawdown { zone: zone }
//!     rule netzarim_after_batch2 {
//!       release batch 2 precedes drawdown in zone netzarim within 72h
//!     }
//! "#).expect("the rules check");
//! let log = br#"{"time": "2025-01-25T12:00:00Z", "kind": "release", "batch": 2}
//! {"time": "2025-01-29T12:00:00Z", "kind": "drawdown", "zone": "netzarim"}
//! "#;
//! let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.to_vec());
//! let verified = ceasefire::verify(&rules.model, &logs, &VerifyOptions::default()).expect("judged");
//!
//! let rule = &verified.evaluation.rules[0];
//! assert_eq!(rule.verdict, Verdict::Violated);
//! assert_eq!(
//!     rule.instances[0].reason,
//!     "drawdown in zone netzarim came 4d 0h after release batch 2; the limit is 72h"
//! );
//! assert_eq!(verified.read.observations, 2);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod log;
pub mod number;
pub mod places;
pub mod report;
pub mod source;
pub mod syntax;
pub mod time;
pub mod verdict;
pub mod verify;

pub use check::{CheckOutcome, Model, Unit, Workspace, check_paths};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use eval::{Evaluation, Evidence, Finding, InstanceResult, RuleResult};
pub use log::{LogFormat, LogSet, ReadLog};
pub use report::verify::VerifyReport;
pub use verdict::Verdict;
pub use verify::{Rules, RulesError, TestOutcome, Verified, VerifyError, VerifyOptions, run_tests, verify};
