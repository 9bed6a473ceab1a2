//! The report of `verify` as JSON (CLI.md): stable, versioned, and
//! byte-identical for identical inputs. It is written as it is serialized,
//! view by view, never built in memory first: only a batch of instances at
//! a time, serialized in parts on every core (see `write_json`).

use super::VerifyReport;
use super::problems::problem;
use crate::check::model::Value;
use crate::eval::{Evidence, Finding, InstanceResult, RuleResult};
use crate::log::FieldValue;
use crate::number::Decimal;
use crate::time::format_timestamp;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value as Json, json};

pub use super::baseline::REPORT_VERSION;

impl VerifyReport<'_> {
    /// Writes the report as pretty JSON, without building it in memory first.
    ///
    /// The instances of the rules, most of a large report, are serialized
    /// a batch at a time on every core (the judging is over by then, and
    /// the cores idle), each part in the layout it has at its depth, and
    /// written in order: the same bytes as serializing the whole report on
    /// one thread, which a test checks. A batch is about `BATCH` items of
    /// output (findings, evidence, slices), so the memory it takes stays
    /// small whatever the size of the report.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
        self.write_json_on(out, threads)
    }

    /// [`Self::write_json`] on up to `threads` threads.
    fn write_json_on(&self, out: &mut dyn std::io::Write, threads: usize) -> std::io::Result<()> {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(out);
        // Everything but the rules (the last entry), open at their list.
        let mut head = Vec::new();
        open_list_entry(&mut head, 0, &Report(self, false), "rules")?;
        out.write_all(&head)?;
        // The buffers parts are serialized into, kept from batch to batch.
        let mut buffers = Vec::new();
        for (i, result) in self.evaluation.rules.iter().enumerate() {
            // Each rule at depth 2, everything but its instances, open at their list.
            let mut head = Vec::new();
            Pretty::at(2).item(&mut head, i == 0)?;
            open_list_entry(&mut head, 2, &Rule(self, result, false), "instances")?;
            out.write_all(&head)?;
            self.write_instances(result, threads, &mut buffers, &mut out)?;
            close(&mut out, 3, true, b"}")?;
        }
        close(&mut out, 2, !self.evaluation.rules.is_empty(), b"]")?;
        close(&mut out, 1, true, b"}")?;
        out.write_all(b"\n")?;
        out.flush()
    }

    /// The instances of a rule, each at depth 4, and the end of their list
    /// (serialized into `buffers`, which are kept for the next batch: a
    /// new buffer of megabytes costs a page fault every four kilobytes).
    fn write_instances(
        &self,
        result: &RuleResult,
        threads: usize,
        buffers: &mut Vec<Vec<u8>>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let quota = self.slice_quota(result);
        let instances: Vec<Instance> = result
            .instances
            .iter()
            .zip(quota)
            .map(|(i, listed)| Instance(self, i, listed))
            .collect();
        let weights: Vec<usize> = instances.iter().map(Instance::weight).collect();
        let mut start = 0;
        while start < instances.len() {
            let (mut end, mut weight) = (start, 0);
            while end < instances.len() && (end == start || weight < BATCH) {
                weight += weights[end];
                end += 1;
            }
            let parts = render(
                &instances[start..end],
                &weights[start..end],
                start == 0,
                threads,
                buffers,
            )?;
            for part in &parts {
                out.write_all(part)?;
            }
            buffers.extend(parts);
            start = end;
        }
        close(out, 4, !instances.is_empty(), b"]")
    }

    /// The report as a JSON value (for callers that want to inspect it).
    pub fn json(&self) -> Json {
        serde_json::to_value(Report(self, true)).unwrap_or(Json::Null)
    }

    /// A bound value as JSON (zones by name).
    pub fn value(&self, value: &Value) -> Json {
        match value {
            Value::Int(n) => json!(n),
            Value::Number(x) => serde_json::to_value(exact(*x)).unwrap_or(Json::Null),
            Value::Text(t) => json!(t),
            Value::Bool(b) => json!(b),
            Value::Zone(z) => json!(self.model.zones[z.0 as usize].name),
            Value::Time(t) => json!(format_timestamp(*t)),
        }
    }
}

/// The possible verdicts, worst first.
fn possible(possible: crate::verdict::Possible) -> Vec<&'static str> {
    possible.iter().map(crate::verdict::Verdict::as_str).collect()
}

/// A number as a JSON number with exactly its digits, as written (`0.3`,
/// not `0.30000000000000004`; `9223372036854775807` in full).
fn exact(value: Decimal) -> Box<serde_json::value::RawValue> {
    let text = value.to_string();
    serde_json::value::RawValue::from_string(text).unwrap_or_else(|_| {
        // A decimal's text is always a JSON number; this is not reached.
        serde_json::value::RawValue::from_string("null".to_string()).unwrap_or_default()
    })
}

/// About how many items (findings, evidence, slices) of output a batch of
/// instances holds: a few megabytes.
const BATCH: usize = 8192;

/// Below this many items a batch is serialized on one thread: starting
/// another costs more than it saves.
const PARALLEL_FROM: usize = 1024;

/// The most threads serializing a report.
const MAX_THREADS: usize = 8;

/// Serializes `value`, an object with at least one entry whose last entry
/// `key` is a list, as it stands at depth `level` of the report, up to the
/// opening of that list: the caller writes the list's items and closes the
/// list and the object.
fn open_list_entry(out: &mut Vec<u8>, level: usize, value: &impl Serialize, key: &str) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, Pretty::at(level));
    value.serialize(&mut serializer).map_err(std::io::Error::other)?;
    let mut closing = Vec::new();
    close(&mut closing, level + 1, true, b"}")?;
    if !out.ends_with(&closing) {
        return Err(std::io::Error::other("an object of the report did not end as expected"));
    }
    out.truncate(out.len() - closing.len());
    Pretty::at(level + 1).item(out, false)?;
    serde_json::to_writer(&mut *out, key).map_err(std::io::Error::other)?;
    out.extend_from_slice(b": [");
    Ok(())
}

/// Ends a list or object whose items stand at depth `level` (`any`: it has
/// some) with `bracket`, as serde_json's pretty layout does.
fn close<W: ?Sized + std::io::Write>(out: &mut W, level: usize, any: bool, bracket: &[u8]) -> std::io::Result<()> {
    Pretty { level, has_value: any }.close(out, bracket)
}

/// A batch of instances serialized at depth 4, each after its separator
/// (`first`: the batch starts the list), in parts of about equal weight on
/// up to `threads` threads, each into a buffer taken from `buffers`; the
/// parts in order.
fn render(
    instances: &[Instance],
    weights: &[usize],
    first: bool,
    threads: usize,
    buffers: &mut Vec<Vec<u8>>,
) -> std::io::Result<Vec<Vec<u8>>> {
    let part = |from: usize, to: usize, mut out: Vec<u8>| -> std::io::Result<Vec<u8>> {
        out.clear();
        for (i, instance) in instances.iter().enumerate().take(to).skip(from) {
            Pretty::at(4).item(&mut out, first && i == 0)?;
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, Pretty::at(4));
            instance.serialize(&mut serializer).map_err(std::io::Error::other)?;
        }
        Ok(out)
    };
    let total: usize = weights.iter().sum();
    let threads = threads.min(instances.len());
    if threads < 2 || total < PARALLEL_FROM {
        return Ok(vec![part(0, instances.len(), buffers.pop().unwrap_or_default())?]);
    }
    // Contiguous parts, cut where the running weight passes each share.
    let mut bounds = vec![0];
    let mut running = 0;
    for (i, w) in weights.iter().enumerate() {
        running += w;
        if bounds.len() < threads && running * threads >= total * bounds.len() && i + 1 < instances.len() {
            bounds.push(i + 1);
        }
    }
    bounds.push(instances.len());
    std::thread::scope(|scope| {
        let part = &part;
        let others: Vec<_> = bounds[1..]
            .windows(2)
            .map(|w| {
                let (from, to, buffer) = (w[0], w[1], buffers.pop().unwrap_or_default());
                scope.spawn(move || part(from, to, buffer))
            })
            .collect();
        let mut parts = vec![part(bounds[0], bounds[1], buffers.pop().unwrap_or_default())?];
        for other in others {
            parts.push(
                other
                    .join()
                    .map_err(|_| std::io::Error::other("serializing the report failed"))??,
            );
        }
        Ok(parts)
    })
}

/// serde_json's pretty layout (two spaces a level), writing each
/// indentation at once: a report holds hundreds of thousands of keys at
/// depth eight or more.
#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    /// The layout at depth `level`, before any value there.
    fn at(level: usize) -> Self {
        Pretty {
            level,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8; 64] = b"                                                                ";
        let mut left = self.level * 2;
        while left > 0 {
            let n = left.min(SPACES.len());
            out.write_all(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.item(out, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.item(out, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

// The report is serialized view by view, in the order CLI.md shows.

/// The report; with its rules or (to be written in parts) without.
struct Report<'a>(&'a VerifyReport<'a>, bool);
/// A rule; with its instances or (to be written in parts) without.
struct Rule<'a>(&'a VerifyReport<'a>, &'a RuleResult, bool);
/// An instance, with how many slices of its series to list.
struct Instance<'a>(&'a VerifyReport<'a>, &'a InstanceResult, u64);
struct Found<'a>(&'a VerifyReport<'a>, &'a Finding);
struct Record<'a>(&'a VerifyReport<'a>, &'a Evidence);
struct SeriesView<'a>(&'a VerifyReport<'a>, &'a crate::eval::Series, u64);
struct SliceView<'a>(&'a VerifyReport<'a>, crate::eval::SeriesSlice);
struct List<'a, T>(&'a [T], fn(&'a T) -> Json);
struct Views<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Views<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.take().into_iter().flatten();
        serializer.collect_seq(items)
    }
}

fn views<I: Iterator<Item = T>, T: Serialize>(items: I) -> Views<I> {
    Views(std::cell::Cell::new(Some(items)))
}

impl<T> Serialize for List<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let summary: Map<String, Json> = r
            .summary()
            .iter()
            .map(|(v, n)| (v.as_str().to_string(), json!(n)))
            .collect();
        let skipped: Map<String, Json> = r
            .read
            .invalid_by_code
            .iter()
            .map(|(code, n)| (code.as_str().to_string(), json!(n)))
            .collect();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &REPORT_VERSION)?;
        map.serialize_entry("as_of", &r.evaluation.horizon.map(format_timestamp))?;
        // Times stay in UTC; where the rules set a calendar, its name, and
        // beside each instant its local time with its offset (`*_local`).
        if let Some(calendar) = r.model.calendar {
            map.serialize_entry("calendar", calendar.name())?;
            map.serialize_entry(
                "as_of_local",
                &r.evaluation.horizon.map(|t| calendar.local_timestamp(t)),
            )?;
        }
        map.serialize_entry("horizon", if r.as_of_given { "as-of" } else { "latest observation" })?;
        map.serialize_entry("agreement", &r.model.agreement)?;
        // What changed since `--baseline`, first of the findings.
        if let Some(changes) = r.changes() {
            let finding = |f: &super::baseline::FindingChange| json!({ "rule": f.rule, "bindings": f.bindings, "verdict": f.verdict, "reason": f.reason });
            map.serialize_entry(
                "changes",
                &json!({
                    "baseline_as_of": r.baseline.and_then(|b| b.as_of.clone()),
                    "verdicts": changes.verdicts.iter().map(|c| json!({
                        "rule": c.rule,
                        "bindings": c.bindings,
                        "from": c.from,
                        "to": c.to.map(|v| v.as_str()),
                    })).collect::<Vec<_>>(),
                    "new_findings": changes.new_findings.iter().map(finding).collect::<Vec<_>>(),
                    "gone_findings": changes.gone_findings.iter().map(finding).collect::<Vec<_>>(),
                }),
            )?;
        }
        map.serialize_entry(
            "log",
            &json!({
                "files": r.logs.inputs.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
                "records": r.read.records,
                "observations": r.read.observations,
                "skipped": r.read.invalid_count(),
                "skipped_by_code": skipped,
                "after_as_of": r.read.after_as_of,
                "out_of_order": r.out_of_order.iter().map(|p| p.count).sum::<u64>(),
                "skipped_by_map": r.read.skipped_by_map.iter().map(|s| json!({
                    "file": s.log,
                    "source": s.source,
                    "target": s.target,
                    "column": s.column,
                    "records": s.records,
                })).collect::<Vec<_>>(),
                "sources": r.logs.inputs.iter().map(|i| i.source.clone()).collect::<Vec<_>>(),
            }),
        )?;
        map.serialize_entry("summary", &summary)?;
        map.serialize_entry("warnings", &List(&r.read.warnings, problem))?;
        map.serialize_entry("skipped_records", &List(&r.read.invalid, problem))?;
        if self.1 {
            map.serialize_entry(
                "rules",
                &views(r.evaluation.rules.iter().map(|rule| Rule(r, rule, true))),
            )?;
        }
        map.end()
    }
}

impl Serialize for Rule<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (r, result) = (self.0, self.1);
        let rule = &r.model.rules[result.rule];
        let file = r.sources.file(rule.span.file);
        let at = file.line_col(rule.span.start as usize);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &rule.id)?;
        map.serialize_entry("title", &rule.title)?;
        map.serialize_entry("severity", rule.severity.as_str())?;
        map.serialize_entry("ref", &rule.reference)?;
        map.serialize_entry("file", &file.name)?;
        map.serialize_entry("line", &at.line)?;
        map.serialize_entry("verdict", result.verdict.as_str())?;
        if result.verdict == crate::verdict::Verdict::Indeterminate {
            map.serialize_entry("possible", &possible(result.possible))?;
        }
        if self.2 {
            let quota = r.slice_quota(result);
            map.serialize_entry(
                "instances",
                &views(
                    result
                        .instances
                        .iter()
                        .zip(quota)
                        .map(|(i, listed)| Instance(r, i, listed)),
                ),
            )?;
        }
        map.end()
    }
}

impl Instance<'_> {
    /// About how many items of output it writes: findings, their evidence, slices.
    fn weight(&self) -> usize {
        let findings: usize = self.1.findings.iter().map(|f| 1 + f.evidence.len()).sum();
        1 + findings + self.2 as usize
    }
}

/// An instance's bindings by name, a decimal with every digit (see
/// [`Ranged`]), the rest as [`VerifyReport::value`] gives them.
struct Bindings<'a>(&'a VerifyReport<'a>, &'a [(String, Value)]);

impl Serialize for Bindings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.1.len()))?;
        for (name, value) in self.1 {
            match value {
                Value::Number(x) => map.serialize_entry(name, &exact(*x))?,
                value => map.serialize_entry(name, &self.0.value(value))?,
            }
        }
        map.end()
    }
}

impl Serialize for Instance<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (r, instance, listed) = (self.0, self.1, self.2);
        let bindings = Bindings(r, &instance.bindings);
        let counts = &instance.counts;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("bindings", &bindings)?;
        map.serialize_entry("verdict", instance.verdict.as_str())?;
        if instance.verdict == crate::verdict::Verdict::Indeterminate {
            map.serialize_entry("possible", &possible(instance.possible))?;
        }
        map.serialize_entry("reason", &instance.reason)?;
        let mut shown = json!({
            "satisfied": counts.satisfied,
            "violated": counts.violated,
            "pending": counts.pending,
            "indeterminate": counts.indeterminate,
        });
        // Slices of the calendar not judged (`per day`, `per week`, `per month`).
        if let (Some(partial), Some(object)) = (counts.partial, shown.as_object_mut()) {
            object.insert("partial".to_string(), json!(partial));
        }
        map.serialize_entry("counts", &shown)?;
        map.serialize_entry("findings", &views(instance.findings.iter().map(|f| Found(r, f))))?;
        map.serialize_entry("findings_omitted", &instance.findings_omitted)?;
        map.serialize_entry("notes", &instance.notes)?;
        if let Some(series) = &instance.series {
            map.serialize_entry("series", &SeriesView(r, series, listed))?;
        }
        map.end()
    }
}

impl Serialize for SeriesView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (r, series, listed) = (self.0, self.1, self.2);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("measured", &series.measured)?;
        map.serialize_entry("op", &series.op)?;
        map.serialize_entry("against", &series.against)?;
        map.serialize_entry("per", &series.per)?;
        map.serialize_entry(
            "slices",
            &views(series.slices().take(listed as usize).map(|slice| SliceView(r, slice))),
        )?;
        if series.len() > listed {
            map.serialize_entry("slices_omitted", &(series.len() - listed))?;
        }
        map.end()
    }
}

/// A value known exactly (a number) or to a range (`{"low", "high"}`);
/// `null` past the range of exact numbers. Each number is written with
/// exactly its digits (see [`exact`]), as the CSV report writes it: built
/// before as a `Json` value, it was parsed back into a binary float, so
/// that a sum such as 1.433333333333333333333 was written 1.4333333333333333
/// (a rounded value, which LANGUAGE-v2 §13 rules out), and building it was
/// most of the cost of writing a slice.
struct Ranged(Option<(Decimal, Decimal)>);

impl Serialize for Ranged {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => serializer.serialize_none(),
            Some((low, high)) if low == high => exact(low).serialize(serializer),
            Some((low, high)) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("low", &exact(low))?;
                map.serialize_entry("high", &exact(high))?;
                map.end()
            }
        }
    }
}

impl Serialize for SliceView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (r, slice) = (self.0, &self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("start", &slice.start.map(format_timestamp))?;
        map.serialize_entry("end", &slice.end.map(format_timestamp))?;
        if let Some(calendar) = r.model.calendar {
            map.serialize_entry("start_local", &slice.start.map(|t| calendar.local_timestamp(t)))?;
            map.serialize_entry("end_local", &slice.end.map(|t| calendar.local_timestamp(t)))?;
        }
        map.serialize_entry("value", &Ranged(slice.run.value))?;
        map.serialize_entry("threshold", &Ranged(slice.run.threshold))?;
        map.serialize_entry("verdict", &slice.run.verdict.map(|v| v.as_str()))?;
        map.serialize_entry("partial", &slice.run.partial)?;
        map.end()
    }
}

impl Serialize for Found<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (r, finding) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("verdict", finding.verdict.as_str())?;
        if finding.verdict == crate::verdict::Verdict::Indeterminate {
            map.serialize_entry("possible", &possible(finding.possible))?;
        }
        map.serialize_entry("reason", &finding.reason)?;
        map.serialize_entry("decided_at", &finding.decided_at.map(format_timestamp))?;
        map.serialize_entry("deadline", &finding.deadline.map(format_timestamp))?;
        if let Some(calendar) = r.model.calendar {
            map.serialize_entry(
                "decided_at_local",
                &finding.decided_at.map(|t| calendar.local_timestamp(t)),
            )?;
            map.serialize_entry("deadline_local", &finding.deadline.map(|t| calendar.local_timestamp(t)))?;
        }
        map.serialize_entry("evidence", &views(finding.evidence.iter().map(|e| Record(r, e))))?;
        if let Some((start, end)) = finding.window {
            let mut window = json!({ "start": start.map(format_timestamp), "end": end.map(format_timestamp) });
            if let (Some(calendar), Some(object)) = (r.model.calendar, window.as_object_mut()) {
                object.insert("start_local".into(), json!(start.map(|t| calendar.local_timestamp(t))));
                object.insert("end_local".into(), json!(end.map(|t| calendar.local_timestamp(t))));
            }
            map.serialize_entry("window", &window)?;
        }
        if finding.evidence_omitted > 0 {
            map.serialize_entry("evidence_omitted", &finding.evidence_omitted)?;
        }
        map.end()
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (r, evidence) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(
            "file",
            &r.logs
                .inputs
                .get(evidence.origin.file as usize)
                .map(|i| i.name.as_str()),
        )?;
        map.serialize_entry("line", &evidence.origin.line)?;
        // The time as a log writes it; a range also as its two ends in UTC.
        map.serialize_entry("time", &evidence.written_time())?;
        if let Some(calendar) = r.model.calendar {
            map.serialize_entry("time_local", &calendar.local_timestamp(evidence.time))?;
        }
        if evidence.is_range() {
            map.serialize_entry("time_range", &TimeRange(r.model.calendar, evidence))?;
        }
        map.serialize_entry("kind", &evidence.kind)?;
        map.serialize_entry("fields", &Fields(r, evidence))?;
        if !evidence.distances.is_empty() {
            let distances: serde_json::Map<String, serde_json::Value> = evidence
                .distances
                .iter()
                .map(|(place, metres)| (place.clone(), json!({ "metres": (metres * 10.0).round() / 10.0 })))
                .collect();
            map.serialize_entry("distances", &distances)?;
        }
        if let Some(record) = &evidence.record {
            if let Some(id) = &record.id {
                map.serialize_entry("id", id)?;
            }
            let cells: serde_json::Map<String, serde_json::Value> =
                record.cells.iter().map(|(c, v)| (c.clone(), json!(v))).collect();
            map.serialize_entry("record", &cells)?;
        }
        if let Some(meets) = evidence.meets_evidence {
            map.serialize_entry("meets_evidence", &meets)?;
        }
        map.end()
    }
}

/// A range's two ends in UTC, and in the unit's calendar if it has one.
struct TimeRange<'a>(Option<crate::time::Calendar>, &'a Evidence);

impl Serialize for TimeRange<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (calendar, evidence) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("from", &format_timestamp(evidence.time))?;
        map.serialize_entry("to", &format_timestamp(evidence.until))?;
        if let Some(calendar) = calendar {
            map.serialize_entry("from_local", &calendar.local_timestamp(evidence.time))?;
            map.serialize_entry("to_local", &calendar.local_timestamp(evidence.until))?;
        }
        map.end()
    }
}

/// An evidence record's fields, written as they are (there are many).
struct Fields<'a>(&'a VerifyReport<'a>, &'a Evidence);
struct Field<'a>(&'a VerifyReport<'a>, &'a FieldValue);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.1.fields.len()))?;
        for (name, value) in &self.1.fields {
            map.serialize_entry(name, &Field(self.0, value))?;
        }
        map.end()
    }
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            FieldValue::Int(n) => serializer.serialize_i64(*n),
            FieldValue::Number(x) => exact(*x).serialize(serializer),
            FieldValue::Text(t) => serializer.serialize_str(t),
            FieldValue::UnknownZone(t) => serializer.serialize_str(t),
            FieldValue::Bool(b) => serializer.serialize_bool(*b),
            FieldValue::Zone(z) => serializer.serialize_str(&self.0.model.zones[z.0 as usize].name),
            FieldValue::Time(t) => serializer.serialize_str(&format_timestamp(*t)),
            FieldValue::Position(p) => {
                let mut value = json!({ "lat": p.lat, "lon": p.lon });
                if p.radius_m > 0.0
                    && let Some(object) = value.as_object_mut()
                {
                    object.insert("radius_km".into(), json!(p.radius_m / 1000.0));
                }
                value.serialize(serializer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Pretty, Report};
    use crate::report::verify::VerifyReport;
    use serde::Serialize;

    #[test]
    fn the_report_written_in_parts_on_many_threads_is_the_report_serialized_whole() {
        let rules = crate::Rules::from_text(
            "rules.cfr",
            "event incident { sector: int }\nevent report { sector: int }\n\
             rule answered {\n  for each s in 1..40:\n    every incident where sector = s is followed by report where sector = s within 1h\n}\n\
             rule patrolled {\n  for each s in 1..40:\n    at least 2 report where sector = s per 1h after 2025-01-01\n}\n\
             rule quiet {\n  no incident where sector = 41 after 2025-01-01\n}\n",
        )
        .expect("the rules check");
        let mut log = String::new();
        for i in 0..6000u32 {
            let (minute, sector) = (i % 60, (i * 7) % 40 + 1);
            let kind = if i % 5 == 0 { "report" } else { "incident" };
            let (day, hour) = (1 + i / 1440, (i / 60) % 24);
            log.push_str(&format!(
                "{{\"time\":\"2025-01-{day:02}T{hour:02}:{minute:02}:00Z\",\"kind\":\"{kind}\",\"sector\":{sector}}}\n"
            ));
        }
        let logs = crate::LogSet::new(
            &[std::path::PathBuf::from("-")],
            Some(crate::LogFormat::Jsonl),
            Some(log.into_bytes()),
        )
        .expect("standard input");
        let verified = crate::verify(&rules.model, &logs, &crate::VerifyOptions::default()).expect("judged");
        let report = VerifyReport {
            model: &rules.model,
            sources: &rules.workspace.sources,
            evaluation: &verified.evaluation,
            logs: &logs,
            read: &verified.read,
            as_of_given: false,
            max_slices: 500,
            baseline: None,
            out_of_order: Vec::new(),
        };
        let mut whole = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut whole, Pretty::default());
        Report(&report, true).serialize(&mut serializer).expect("serialized");
        whole.push(b'\n');
        // Enough findings that batches are cut and written in parts.
        let weight: usize = report.evaluation.rules[0]
            .instances
            .iter()
            .map(|i| super::Instance(&report, i, 0).weight())
            .sum();
        assert!(weight > 2 * super::PARALLEL_FROM, "{weight}");
        for threads in [1, 2, 3, 8] {
            let mut parts = Vec::new();
            report.write_json_on(&mut parts, threads).expect("written");
            assert!(parts == whole, "{threads} threads");
        }
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_layout() {
        // Deeper than one run of the indentation buffer (32 levels).
        let mut deep = serde_json::json!([1, 2]);
        for i in 0..40 {
            deep = serde_json::json!({ format!("k{i}"): deep, "empty": [], "none": {} });
        }
        let value = serde_json::json!({ "a": [], "b": {}, "c": [1, [2, deep]], "text": "quote \" and\nline" });
        let mut ours = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut ours, Pretty::default());
        value.serialize(&mut serializer).expect("serialize");
        assert_eq!(
            String::from_utf8(ours).expect("utf-8"),
            serde_json::to_string_pretty(&value).expect("pretty")
        );
    }
}
