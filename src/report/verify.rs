//! The report of `verify` as JSON (CLI.md): stable, versioned, and
//! byte-identical for identical inputs.

use super::log::problem;
use crate::check::Model;
use crate::check::model::Value;
use crate::eval::{Evaluation, Evidence, Finding, InstanceResult, RuleResult};
use crate::log::{FieldValue, LogSet, ReadLog};
use crate::syntax::SourceMap;
use crate::time::format_timestamp;
use crate::verdict::Verdict;
use serde_json::{Map, Value as Json, json};

/// The version of the report layout; keys are only added within a version.
pub const REPORT_VERSION: u32 = 1;

/// Everything a `verify` report shows.
pub struct VerifyReport<'a> {
    /// The checked rules.
    pub model: &'a Model,
    /// The rule files, for places.
    pub sources: &'a SourceMap,
    /// The verdicts.
    pub evaluation: &'a Evaluation,
    /// The logs read.
    pub logs: &'a LogSet,
    /// What reading them found.
    pub read: &'a ReadLog,
    /// Whether the horizon was given with `--as-of`.
    pub as_of_given: bool,
}

impl VerifyReport<'_> {
    /// How many rules have each verdict.
    pub fn summary(&self) -> [(Verdict, usize); 4] {
        let count = |v| self.evaluation.rules.iter().filter(|r| r.verdict == v).count();
        [
            Verdict::Satisfied,
            Verdict::Violated,
            Verdict::Pending,
            Verdict::Vacuous,
        ]
        .map(|v| (v, count(v)))
    }

    /// The report as JSON.
    pub fn json(&self) -> Json {
        let summary: Map<String, Json> = self
            .summary()
            .iter()
            .map(|(v, n)| (v.as_str().to_string(), json!(n)))
            .collect();
        let skipped: Map<String, Json> = self
            .read
            .invalid_by_code
            .iter()
            .map(|(code, n)| (code.as_str().to_string(), json!(n)))
            .collect();
        json!({
            "version": REPORT_VERSION,
            "as_of": self.evaluation.horizon.map(format_timestamp),
            "horizon": if self.as_of_given { "as-of" } else { "latest observation" },
            "agreement": self.model.agreement,
            "log": {
                "files": self.logs.inputs.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
                "records": self.read.records,
                "observations": self.read.observations.len(),
                "skipped": self.read.invalid_count(),
                "skipped_by_code": skipped,
                "after_as_of": self.read.after_as_of,
            },
            "summary": summary,
            "warnings": self.read.warnings.iter().map(problem).collect::<Vec<_>>(),
            "skipped_records": self.read.invalid.iter().map(problem).collect::<Vec<_>>(),
            "rules": self.evaluation.rules.iter().map(|r| self.rule(r)).collect::<Vec<_>>(),
        })
    }

    fn rule(&self, result: &RuleResult) -> Json {
        let rule = &self.model.rules[result.rule];
        let file = self.sources.file(rule.span.file);
        let at = file.line_col(rule.span.start as usize);
        json!({
            "id": rule.id,
            "title": rule.title,
            "severity": rule.severity.as_str(),
            "ref": rule.reference,
            "file": file.name,
            "line": at.line,
            "verdict": result.verdict.as_str(),
            "instances": result.instances.iter().map(|i| self.instance(i)).collect::<Vec<_>>(),
        })
    }

    fn instance(&self, instance: &InstanceResult) -> Json {
        let bindings: Map<String, Json> = instance
            .bindings
            .iter()
            .map(|(name, value)| (name.clone(), self.value(value)))
            .collect();
        json!({
            "bindings": bindings,
            "verdict": instance.verdict.as_str(),
            "reason": instance.reason,
            "counts": {
                "satisfied": instance.counts.satisfied,
                "violated": instance.counts.violated,
                "pending": instance.counts.pending,
            },
            "findings": instance.findings.iter().map(|f| self.finding(f)).collect::<Vec<_>>(),
            "findings_omitted": instance.findings_omitted,
            "notes": instance.notes,
        })
    }

    fn finding(&self, finding: &Finding) -> Json {
        let mut out = json!({
            "verdict": finding.verdict.as_str(),
            "reason": finding.reason,
            "decided_at": finding.decided_at.map(format_timestamp),
            "deadline": finding.deadline.map(format_timestamp),
            "evidence": finding.evidence.iter().map(|e| self.evidence(e)).collect::<Vec<_>>(),
        });
        if let Some((start, end)) = finding.window {
            out["window"] = json!({ "start": start.map(format_timestamp), "end": end.map(format_timestamp) });
        }
        if finding.evidence_omitted > 0 {
            out["evidence_omitted"] = json!(finding.evidence_omitted);
        }
        out
    }

    fn evidence(&self, evidence: &Evidence) -> Json {
        let fields: Map<String, Json> = evidence
            .fields
            .iter()
            .map(|(name, value)| (name.clone(), self.field(value)))
            .collect();
        json!({
            "file": self.logs.inputs.get(evidence.origin.file as usize).map(|i| i.name.clone()),
            "line": evidence.origin.line,
            "time": format_timestamp(evidence.time),
            "kind": evidence.kind,
            "fields": fields,
        })
    }

    /// A bound value as JSON (zones by name).
    pub fn value(&self, value: &Value) -> Json {
        match value {
            Value::Int(n) => json!(n),
            Value::Number(x) => json!(x),
            Value::Text(t) => json!(t),
            Value::Bool(b) => json!(b),
            Value::Zone(z) => json!(self.model.zones[z.0 as usize].name),
            Value::Time(t) => json!(format_timestamp(*t)),
        }
    }

    fn field(&self, value: &FieldValue) -> Json {
        match value {
            FieldValue::Int(n) => json!(n),
            FieldValue::Number(x) => json!(x),
            FieldValue::Text(t) | FieldValue::UnknownZone(t) => json!(t),
            FieldValue::Bool(b) => json!(b),
            FieldValue::Zone(z) => json!(self.model.zones[z.0 as usize].name),
            FieldValue::Time(t) => json!(format_timestamp(*t)),
        }
    }
}
