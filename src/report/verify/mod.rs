//! The report of `verify`: the view every renderer shares (the facts a
//! report opens with, values and fields as text, how much each format for
//! reading shows, the "… and N more" counts), and the renderers, one file
//! per format: [`json`] (CLI.md: stable, versioned), `human`, [`markdown`],
//! [`html`], [`junit`], [`csv`].

pub mod baseline;
mod changes;
mod csv;
mod html;
#[cfg(feature = "cli")]
mod human;
pub mod json;
mod junit;
mod map;
mod markdown;
pub mod problems;
mod timeline;

use crate::check::Model;
use crate::check::model::Value;
use crate::diagnostic::Code;
use crate::eval::{Evaluation, Evidence, Finding, InstanceResult, RuleResult};
use crate::log::{FieldValue, LogProblem, LogSet, ReadLog};
use crate::source::SourceMap;
use crate::time::format_timestamp;
use crate::verdict::Verdict;

/// Text values longer than this are cut in the reports meant for reading.
pub const SHOWN_TEXT_CHARS: usize = 200;

/// How much a report for reading shows of each instance and finding; the
/// JSON report lists everything the evaluation listed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shown {
    /// Instances per rule.
    pub instances: usize,
    /// Findings per instance.
    pub findings: usize,
    /// Evidence records per finding.
    pub evidence: usize,
}

impl Shown {
    /// The terminal: a screenful per rule (rendered with the command line).
    #[cfg(feature = "cli")]
    pub const HUMAN: Shown = Shown {
        instances: 20,
        findings: 5,
        evidence: 5,
    };
    /// Markdown, to read on a page or in a pull request.
    pub const MARKDOWN: Shown = Shown {
        instances: 50,
        findings: 20,
        evidence: 20,
    };
    /// HTML, whose tables fold.
    pub const HTML: Shown = Shown {
        instances: 200,
        findings: 50,
        evidence: 20,
    };
    /// JUnit failure texts: the violated findings, each with all its evidence.
    pub const JUNIT: Shown = Shown {
        instances: usize::MAX,
        findings: 20,
        evidence: usize::MAX,
    };

    /// The instances of a rule with the rule's own verdict (those a report
    /// for reading details), up to the limit, and how many more there are.
    pub fn instances_like_rule(self, result: &RuleResult) -> (Vec<&InstanceResult>, usize) {
        let all = result.instances.iter().filter(|i| i.verdict == result.verdict);
        let shown: Vec<&InstanceResult> = all.clone().take(self.instances).collect();
        let more = all.count() - shown.len();
        (shown, more)
    }

    /// The findings of an instance shown, and how many more it has.
    pub fn findings(self, instance: &InstanceResult) -> (&[Finding], u64) {
        let shown = &instance.findings[..instance.findings.len().min(self.findings)];
        let more = (instance.findings.len() - shown.len()) as u64 + instance.findings_omitted;
        (shown, more)
    }

    /// The evidence of a finding shown, and how many more records it has.
    pub fn evidence(self, finding: &Finding) -> (&[Evidence], u64) {
        let shown = &finding.evidence[..finding.evidence.len().min(self.evidence)];
        let more = (finding.evidence.len() - shown.len()) as u64 + finding.evidence_omitted;
        (shown, more)
    }
}

/// A fact a report for reading opens with.
pub(crate) struct Fact {
    /// What it is about: "Horizon", "Logs".
    pub label: &'static str,
    /// What it says.
    pub pieces: Vec<Piece>,
}

/// A piece of a fact: words, or a name or option shown as code.
pub(crate) enum Piece {
    /// Plain words (values in them are escaped like any text).
    Words(String),
    /// A file name or an option.
    Code(String),
}

/// An evidence record as a row: where it stands, when, what, its fields.
pub(crate) struct EvidenceRow<'a> {
    /// The log's name as given.
    pub log: &'a str,
    /// The record's line in it.
    pub line: u64,
    /// When, as the log writes it (a range as a date, dates, a month or
    /// two instants), with "(in doubt)" when it may not have happened.
    pub time: String,
    /// The event kind.
    pub kind: &'a str,
    /// The declared fields as text (long text cut).
    pub fields: String,
    /// The record's id in its dataset, for a log read through a source.
    pub id: Option<&'a str>,
}

impl EvidenceRow<'_> {
    /// ` (id 203403)` after the line of a record with an id in its dataset.
    pub fn id_note(&self) -> String {
        self.id.map(|id| format!(" (id {id})")).unwrap_or_default()
    }
}

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
    /// The slices of series listed per rule, all its instances together
    /// (0: all); the rest are counted.
    pub max_slices: u64,
    /// An earlier report of the same rules to compare with (`--baseline`).
    pub baseline: Option<&'a baseline::Baseline>,
    /// Records out of time order, when the logs were not expected to be
    /// sorted: a fact of the report, not a warning (`--expect-sorted`
    /// makes them CF1105 warnings).
    pub out_of_order: Vec<LogProblem>,
}

/// The slices of series a report lists per rule by default: a day at a
/// time for 54 years, an hour at a time for two; more with
/// `--max-slices`. (A rule of 10,000 instances with a slice a second
/// over a century would otherwise write billions.)
pub const MAX_SLICES: u64 = 20_000;

impl VerifyReport<'_> {
    /// How many slices of each instance's series are listed: the rule's
    /// budget spent in instance order.
    pub(crate) fn slice_quota(&self, result: &RuleResult) -> Vec<u64> {
        let mut left = if self.max_slices == 0 {
            u64::MAX
        } else {
            self.max_slices
        };
        result
            .instances
            .iter()
            .map(|instance| {
                let len = instance.series.as_ref().map_or(0, |s| s.len());
                let listed = len.min(left);
                left -= listed;
                listed
            })
            .collect()
    }
}

/// A verdict in words: "violated", or "indeterminate (violated or satisfied)".
pub(crate) fn verdict_words(verdict: Verdict, possible: crate::verdict::Possible) -> String {
    if verdict == Verdict::Indeterminate {
        format!("indeterminate ({possible})")
    } else {
        verdict.to_string()
    }
}

impl VerifyReport<'_> {
    /// How many rules have each verdict.
    pub fn summary(&self) -> [(Verdict, usize); 5] {
        let count = |v| self.evaluation.rules.iter().filter(|r| r.verdict == v).count();
        [
            Verdict::Satisfied,
            Verdict::Violated,
            Verdict::Pending,
            Verdict::Vacuous,
            Verdict::Indeterminate,
        ]
        .map(|v| (v, count(v)))
    }

    /// A time as reports write it: UTC, and where the rules set a calendar
    /// the local time beside it (`2015-02-14T22:00:00Z (00:00 Europe/Kyiv)`).
    pub(crate) fn time(&self, t: crate::eval::time::Time) -> String {
        let utc = format_timestamp(t);
        match self.model.calendar {
            Some(calendar) => calendar.annotate(&utc),
            None => utc,
        }
    }

    /// How many rules have this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.evaluation.rules.iter().filter(|r| r.verdict == verdict).count()
    }

    /// The facts the reports for reading open with: the horizon, the logs,
    /// the records skipped, what was lost, what lies after the horizon.
    /// Each renderer writes the words and the code pieces in its language.
    pub(crate) fn facts(&self) -> Vec<Fact> {
        use Piece::{Code, Words};
        let horizon = match self.evaluation.horizon {
            Some(h) if self.as_of_given => vec![
                Words(format!("{} (", self.time(h))),
                Code("--as-of".into()),
                Words(")".into()),
            ],
            Some(h) => vec![Words(format!("{} (the latest observation)", self.time(h)))],
            None => vec![Words("none: no observations and no ".into()), Code("--as-of".into())],
        };
        let mut logs = Vec::new();
        for (i, input) in self.logs.inputs.iter().enumerate() {
            if i > 0 {
                logs.push(Words(", ".into()));
            }
            logs.push(Code(input.name.clone()));
        }
        logs.push(Words(format!(
            ": {} observations judged of {} records",
            self.read.observations, self.read.records
        )));
        let mut facts = vec![
            Fact {
                label: "Horizon",
                pieces: horizon,
            },
            Fact {
                label: "Logs",
                pieces: logs,
            },
        ];
        for s in &self.read.skipped_by_map {
            facts.push(Fact {
                label: "Skipped by a map",
                pieces: vec![
                    Words(format!("{} of ", crate::report::plural(s.records as usize, "record"))),
                    Code(s.log.clone()),
                    Words(" by the map of ".into()),
                    Code(s.target.clone()),
                    Words(" (column ".into()),
                    Code(s.column.clone()),
                    Words(") of the source ".into()),
                    Code(s.source.clone()),
                ],
            });
        }
        if self.skipped_records() > 0 {
            facts.push(Fact {
                label: "Skipped",
                pieces: vec![
                    Words(format!("{} invalid records (", self.skipped_records())),
                    Code("--skip-invalid".into()),
                    Words(")".into()),
                ],
            });
        }
        for lost in self.lost() {
            facts.push(Fact {
                label: "Lost",
                pieces: vec![Words(lost.message.clone())],
            });
        }
        if !self.out_of_order.is_empty() {
            let count: u64 = self.out_of_order.iter().map(|p| p.count).sum();
            let mut pieces = vec![Words(format!(
                "{} earlier than the record before them, in ",
                crate::report::plural(count as usize, "record")
            ))];
            for (i, problem) in self.out_of_order.iter().enumerate() {
                if i > 0 {
                    pieces.push(Words(", ".into()));
                }
                pieces.push(Code(problem.file.clone()));
            }
            pieces.push(Words("; judged in time order all the same".into()));
            facts.push(Fact {
                label: "Out of order",
                pieces,
            });
        }
        if self.read.after_as_of > 0 {
            let later = crate::report::plural(self.read.after_as_of as usize, "observation");
            facts.push(Fact {
                label: "After the horizon",
                pieces: vec![Words(format!("{later}, not judged"))],
            });
        }
        facts
    }

    /// The logs that could not be read to their end: what was lost, said
    /// first in every report.
    pub fn lost(&self) -> Vec<&LogProblem> {
        self.read
            .invalid
            .iter()
            .filter(|p| p.code == Code::UnreadableLog)
            .collect()
    }

    /// The records each map of a source sent to `skip`, in words:
    /// "238 records of `ged.csv` by the map of `zone` (column `adm_1`) of the source `ucdp`".
    pub fn map_skips(&self) -> Vec<String> {
        self.read
            .skipped_by_map
            .iter()
            .map(|s| {
                format!(
                    "{} of `{}` by the map of `{}` (column `{}`) of the source `{}`",
                    crate::report::plural(s.records as usize, "record"),
                    s.log,
                    s.target,
                    s.column,
                    s.source
                )
            })
            .collect()
    }

    /// Invalid records skipped (`--skip-invalid`), not counting the
    /// unreadable rests of files.
    pub fn skipped_records(&self) -> u64 {
        let lost = self
            .read
            .invalid_by_code
            .get(&Code::UnreadableLog)
            .copied()
            .unwrap_or(0);
        self.read.invalid_count() - lost
    }

    /// A bound value as a monitor writes it: zones by name, text in quotes.
    pub fn value_text(&self, value: &Value) -> String {
        match value {
            Value::Zone(z) => self.model.zones[z.0 as usize].name.clone(),
            Value::Text(t) => format!("\"{t}\""),
            Value::Int(n) => n.to_string(),
            Value::Number(x) => x.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Time(t) => format_timestamp(*t),
        }
    }

    /// An instance's bindings: `z = north, n = 3` (empty without `for each`).
    pub fn bindings_text(&self, instance: &InstanceResult) -> String {
        let parts: Vec<String> = instance
            .bindings
            .iter()
            .map(|(name, value)| format!("{name} = {}", self.value_text(value)))
            .collect();
        parts.join(", ")
    }

    /// An evidence record as a row of a table or a line of text.
    pub(crate) fn evidence_row<'e>(&'e self, evidence: &'e Evidence) -> EvidenceRow<'e> {
        EvidenceRow {
            log: self.log_name(evidence.origin.file),
            line: evidence.origin.line,
            // As a log writes it; one that may not have happened says so.
            time: match evidence.meets_evidence {
                Some(false) => format!("{} (in doubt)", evidence.written_time()),
                _ => evidence.written_time(),
            },
            kind: &evidence.kind,
            fields: self.fields_text(evidence),
            id: evidence.record.as_ref().and_then(|r| r.id.as_deref()),
        }
    }

    /// The name of a log as given on the command line.
    pub fn log_name(&self, file: u32) -> &str {
        self.logs.inputs.get(file as usize).map_or("log", |i| i.name.as_str())
    }

    /// An observation's declared fields: `batch 2, zone north`; long text
    /// is cut to its first [`SHOWN_TEXT_CHARS`] characters (the JSON report
    /// has it whole).
    pub fn fields_text(&self, evidence: &Evidence) -> String {
        let parts: Vec<String> = evidence
            .fields
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    FieldValue::Int(n) => n.to_string(),
                    FieldValue::Number(x) => x.to_string(),
                    FieldValue::Text(t) => format!("\"{}\"", crate::report::cut(t, SHOWN_TEXT_CHARS)),
                    FieldValue::UnknownZone(t) => format!("\"{}\"", crate::report::cut(t, SHOWN_TEXT_CHARS)),
                    FieldValue::Bool(b) => b.to_string(),
                    FieldValue::Zone(z) => self.model.zones[z.0 as usize].name.clone(),
                    FieldValue::Time(t) => format_timestamp(*t),
                    FieldValue::Position(p) => p.text(),
                };
                format!("{name} {value}")
            })
            .collect();
        let mut parts = parts;
        parts.extend(distances(evidence));
        parts.join(", ")
    }
}

/// The distances measured for an evidence record: `5.439 km from contact`.
pub(crate) fn distances(evidence: &Evidence) -> impl Iterator<Item = String> + '_ {
    evidence
        .distances
        .iter()
        .map(|(place, metres)| format!("{} from {place}", crate::places::format_distance(*metres)))
}

/// A slice's value, or a range of values: `7`, `7–38`; `—` past the
/// range of exact numbers.
pub(crate) fn range_text(value: Option<(crate::number::Decimal, crate::number::Decimal)>) -> String {
    match value {
        Some((low, high)) if low == high => crate::number::show(low),
        Some((low, high)) => format!("{}–{}", crate::number::show(low), crate::number::show(high)),
        None => "—".to_string(),
    }
}

/// At most this many characters draw a series as a sparkline; a longer
/// series is drawn in buckets, each its slices' largest value.
pub(crate) const SPARKLINE_CHARS: usize = 100;

/// A series as a line of characters, one per slice (or per bucket of
/// slices): `·` for nothing, then `▁` to `█` by the largest value the
/// slice may hold, against the series' largest.
pub(crate) fn sparkline(series: &crate::eval::Series) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let len = series.len();
    if len == 0 {
        return String::new();
    }
    let bucket = len.div_ceil(SPARKLINE_CHARS as u64).max(1);
    // Runs are spread over the buckets they cover, never expanded (a
    // series may have billions of slices).
    let mut highs = vec![f64::MIN; len.div_ceil(bucket) as usize];
    let mut at = 0u64;
    for run in &series.runs {
        let high = run.value.map_or(0.0, |(_, high)| crate::number::approximate(high));
        for b in (at / bucket)..=((at + run.n.max(1) - 1) / bucket) {
            if let Some(h) = highs.get_mut(b as usize) {
                *h = h.max(high);
            }
        }
        at += run.n;
    }
    let top = highs.iter().copied().fold(0.0, f64::max);
    highs
        .iter()
        .map(|&h| {
            if h <= 0.0 || top <= 0.0 {
                '·'
            } else {
                BARS[(((h / top) * 7.0).round() as usize).min(7)]
            }
        })
        .collect()
}

impl VerifyReport<'_> {
    /// A slice's bound for a table: local `2015-03-01 00:00` in the rule
    /// set's calendar, else `2015-03-01 00:00Z`.
    pub(crate) fn short_time(&self, t: Option<crate::eval::time::Time>) -> String {
        let Some(t) = t else { return "…".to_string() };
        match self.model.calendar {
            Some(calendar) => calendar
                .local_timestamp(t)
                .chars()
                .take(16)
                .collect::<String>()
                .replacen('T', " ", 1),
            None => format!(
                "{}Z",
                format_timestamp(t)
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replacen('T', " ", 1)
            ),
        }
    }
}

/// The HTML report's time axis: every time line spans it (`timeline`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Axis {
    /// Its first instant.
    pub start: crate::eval::time::Time,
    /// Its last instant.
    pub end: crate::eval::time::Time,
}
