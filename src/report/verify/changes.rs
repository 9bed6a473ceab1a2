//! What changed since `--baseline` (issue 16): this run's verdicts and
//! findings against the baseline's ([`super::baseline`]).

use super::VerifyReport;
use super::baseline::{BaseRule, Changes, FindingChange, VerdictChange, shown_bindings};
use std::collections::BTreeSet;

impl VerifyReport<'_> {
    /// What changed since the baseline, if one was given.
    pub fn changes(&self) -> Option<Changes> {
        let baseline = self.baseline?;
        let mut changes = Changes::default();
        let mut seen_rules = BTreeSet::new();
        for result in &self.evaluation.rules {
            let rule = &self.model.rules[result.rule];
            seen_rules.insert(rule.id.as_str());
            let empty = BaseRule::default();
            let base = baseline.rules.get(&rule.id).unwrap_or(&empty);
            let mut seen = BTreeSet::new();
            for instance in &result.instances {
                let bindings: serde_json::Map<String, serde_json::Value> = instance
                    .bindings
                    .iter()
                    .map(|(name, value)| (name.clone(), self.value(value)))
                    .collect();
                let bindings = serde_json::Value::Object(bindings);
                let (key, shown) = (bindings.to_string(), shown_bindings(&bindings));
                let old = base.instances.get(&key);
                seen.insert(key.clone());
                if old.map(|o| o.verdict.as_str()) != Some(instance.verdict.as_str()) {
                    changes.verdicts.push(VerdictChange {
                        rule: rule.id.clone(),
                        bindings: shown.clone(),
                        from: old.map(|o| o.verdict.clone()),
                        to: Some(instance.verdict),
                    });
                }
                let now: BTreeSet<(String, String)> = instance
                    .findings
                    .iter()
                    .map(|f| (f.verdict.as_str().to_string(), f.reason.clone()))
                    .collect();
                let before = old.map(|o| &o.findings);
                for (verdict, reason) in instance.findings.iter().map(|f| (f.verdict.as_str(), &f.reason)) {
                    if !before.is_some_and(|b| b.contains(&(verdict.to_string(), reason.clone()))) {
                        changes.new_findings.push(FindingChange {
                            rule: rule.id.clone(),
                            bindings: shown.clone(),
                            verdict: verdict.to_string(),
                            reason: reason.clone(),
                        });
                    }
                }
                for (verdict, reason) in before.into_iter().flatten() {
                    if !now.contains(&(verdict.clone(), reason.clone())) {
                        changes.gone_findings.push(FindingChange {
                            rule: rule.id.clone(),
                            bindings: shown.clone(),
                            verdict: verdict.clone(),
                            reason: reason.clone(),
                        });
                    }
                }
            }
            for (key, old) in &base.instances {
                if !seen.contains(key) {
                    changes.verdicts.push(VerdictChange {
                        rule: rule.id.clone(),
                        bindings: old.shown.clone(),
                        from: Some(old.verdict.clone()),
                        to: None,
                    });
                }
            }
        }
        // Rules the baseline judged that this run does not (removed, or
        // left out with --rule).
        for (id, old) in &baseline.rules {
            if !seen_rules.contains(id.as_str()) {
                changes.verdicts.push(VerdictChange {
                    rule: id.clone(),
                    bindings: String::new(),
                    from: Some(old.verdict.clone()),
                    to: None,
                });
            }
        }
        Some(changes)
    }
}
