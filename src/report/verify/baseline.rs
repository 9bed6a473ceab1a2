//! What changed since an earlier report of the same rules (`verify
//! --baseline OLD.json`, issue 16): verdicts that changed, findings that
//! are new and findings that are gone, so that a monitor who re-runs the
//! rules every day reads the difference first.
//!
//! An instance is its rule's id and its bindings; a finding is its
//! instance, its verdict and its reason (a finding whose reason changed,
//! such as a count that grew, is one gone and one new).

use crate::verdict::Verdict;
use std::collections::{BTreeMap, BTreeSet};

/// The version of the JSON report's layout; keys are only added within a
/// version. Version 2 (LANGUAGE-v2 §9): the verdict `indeterminate`, with
/// `possible`, an `indeterminate` count in `summary` and every `counts`,
/// and evidence times as written with `time_range` and `meets_evidence`.
/// A baseline must have the same version.
pub const REPORT_VERSION: u32 = 2;

/// The verdicts and findings of an earlier JSON report.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// Its horizon, as it gives it.
    pub as_of: Option<String>,
    /// Per rule id: its verdict and, per instance (its bindings as
    /// written), the instance's verdict and findings.
    pub(super) rules: BTreeMap<String, BaseRule>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct BaseRule {
    pub(super) verdict: String,
    /// Per bindings (JSON text): the display text, verdict and findings.
    pub(super) instances: BTreeMap<String, BaseInstance>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct BaseInstance {
    pub(super) shown: String,
    pub(super) verdict: String,
    pub(super) findings: BTreeSet<(String, String)>,
}

impl Baseline {
    /// Reads a JSON report of `verify` (version 2); says why not, without
    /// quoting the file.
    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("it is not JSON (line {}, column {})", e.line(), e.column()))?;
        let version = json.get("version").and_then(|v| v.as_u64());
        if version != Some(u64::from(REPORT_VERSION)) {
            return Err(match version {
                Some(v) => format!(
                    "it is a report of version {v}; this ceasefire writes and compares version {}",
                    REPORT_VERSION
                ),
                None => "it is JSON, but no report of `verify` (it has no `version`)".to_string(),
            });
        }
        let rules = json
            .get("rules")
            .and_then(|r| r.as_array())
            .ok_or("it is JSON, but no report of `verify` (it has no `rules`)")?;
        let text = |v: &serde_json::Value, key: &str| v.get(key).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let mut out = Baseline {
            as_of: json.get("as_of").and_then(|a| a.as_str()).map(str::to_string),
            rules: BTreeMap::new(),
        };
        for rule in rules {
            let mut base = BaseRule {
                verdict: text(rule, "verdict"),
                instances: BTreeMap::new(),
            };
            for instance in rule.get("instances").and_then(|i| i.as_array()).into_iter().flatten() {
                let bindings = instance.get("bindings").cloned().unwrap_or_default();
                let findings = instance
                    .get("findings")
                    .and_then(|f| f.as_array())
                    .into_iter()
                    .flatten()
                    .map(|f| (text(f, "verdict"), text(f, "reason")))
                    .collect();
                base.instances.insert(
                    bindings.to_string(),
                    BaseInstance {
                        shown: shown_bindings(&bindings),
                        verdict: text(instance, "verdict"),
                        findings,
                    },
                );
            }
            out.rules.insert(text(rule, "id"), base);
        }
        Ok(out)
    }
}

/// Bindings as the reports write them: `z = north, b = "x"`.
pub(super) fn shown_bindings(bindings: &serde_json::Value) -> String {
    bindings
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(name, value)| match value {
                    serde_json::Value::String(s) => format!("{name} = {s}"),
                    other => format!("{name} = {other}"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// What changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Instances whose verdict changed, or that are new or gone, in rule
    /// order.
    pub verdicts: Vec<VerdictChange>,
    /// Findings now that the baseline did not have.
    pub new_findings: Vec<FindingChange>,
    /// Findings of the baseline that are not there now (a corrected log, a
    /// later horizon).
    pub gone_findings: Vec<FindingChange>,
}

/// An instance whose verdict changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictChange {
    /// The rule's id.
    pub rule: String,
    /// Its bindings as the reports write them (empty without `for each`).
    pub bindings: String,
    /// The baseline's verdict (`None`: the instance is new).
    pub from: Option<String>,
    /// The verdict now (`None`: the instance is gone).
    pub to: Option<Verdict>,
}

/// A finding new or gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingChange {
    /// The rule's id.
    pub rule: String,
    /// Its instance's bindings.
    pub bindings: String,
    /// Its verdict, as written.
    pub verdict: String,
    /// Its reason.
    pub reason: String,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty() && self.new_findings.is_empty() && self.gone_findings.is_empty()
    }

    /// Whether what changed reaches `threshold`: an instance that now has
    /// a verdict at or above it and did not before, or a new finding at or
    /// above it (`--fail-on-new`).
    pub fn reach(&self, threshold: Verdict) -> bool {
        let at_least = |v: &str| Verdict::ALL.iter().any(|x| x.as_str() == v && *x >= threshold);
        self.verdicts
            .iter()
            .any(|c| c.to.is_some_and(|to| to >= threshold) && !c.from.as_deref().is_some_and(at_least))
            || self.new_findings.iter().any(|f| at_least(&f.verdict))
    }

    /// How many changes of each sort, in words: "2 verdicts changed, 3
    /// new findings, 1 finding gone".
    pub fn summary(&self) -> String {
        let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        [
            count(self.verdicts.len(), "verdict changed", "verdicts changed"),
            count(self.new_findings.len(), "new finding", "new findings"),
            count(self.gone_findings.len(), "finding gone", "findings gone"),
        ]
        .join(", ")
    }
}

/// How many changes of each sort a report for reading lists; the JSON
/// report lists them all.
pub(crate) const SHOWN_CHANGES: usize = 50;

impl VerdictChange {
    /// `rule [z = north]`.
    pub fn instance(&self) -> String {
        if self.bindings.is_empty() {
            self.rule.clone()
        } else {
            format!("{} [{}]", self.rule, self.bindings)
        }
    }

    /// `pending → violated`, `new: violated`, `gone (was satisfied)`.
    pub fn words(&self) -> String {
        match (&self.from, self.to) {
            (Some(from), Some(to)) => format!("{from} → {to}"),
            (None, Some(to)) => format!("new: {to}"),
            (Some(from), None) => format!("no longer judged (was {from})"),
            (None, None) => String::new(),
        }
    }
}

impl FindingChange {
    /// `rule [z = north]`.
    pub fn instance(&self) -> String {
        if self.bindings.is_empty() {
            self.rule.clone()
        } else {
            format!("{} [{}]", self.rule, self.bindings)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_reaches_the_threshold_is_what_newly_reaches_it() {
        let change = |from: Option<&str>, to: Option<Verdict>| VerdictChange {
            rule: "r".into(),
            bindings: String::new(),
            from: from.map(str::to_string),
            to,
        };
        let changes = Changes {
            verdicts: vec![change(Some("pending"), Some(Verdict::Satisfied))],
            ..Changes::default()
        };
        assert!(!changes.reach(Verdict::Violated));
        let changes = Changes {
            verdicts: vec![change(Some("pending"), Some(Verdict::Violated))],
            ..Changes::default()
        };
        assert!(changes.reach(Verdict::Violated));
        // Violated before and after (a new finding of another verdict): not new.
        let changes = Changes {
            verdicts: vec![change(Some("violated"), Some(Verdict::Violated))],
            ..Changes::default()
        };
        assert!(!changes.reach(Verdict::Violated));
        assert!(Baseline::from_json("{}").is_err());
        assert!(Baseline::from_json("[").unwrap_err().contains("line 1"));
    }
}
