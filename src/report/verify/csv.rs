//! The report of `verify` as CSV, for spreadsheets and pandas (issue 16):
//! one row per rule instance, then one per slice of its series (rate and
//! aggregate rules) and one per finding. Text cells that a spreadsheet
//! would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) are written with a leading `'`.

use super::VerifyReport;
use crate::eval::{Finding, InstanceResult, RuleResult, SeriesSlice};
use crate::number::Decimal;
use crate::time::format_timestamp;

/// The header, in order.
pub const COLUMNS: [&str; 18] = [
    "rule",
    "instance",
    "row",
    "verdict",
    "start",
    "end",
    "start_local",
    "end_local",
    "value_low",
    "value_high",
    "threshold_low",
    "threshold_high",
    "partial",
    "decided_at",
    "deadline",
    "evidence",
    "reason",
    "title",
];

impl VerifyReport<'_> {
    /// Writes the CSV report.
    pub fn write_csv(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(COLUMNS).map_err(into_io)?;
        // What changed since `--baseline`, first: `row` is `changed`,
        // `new finding` or `finding gone`.
        if let Some(changes) = self.changes() {
            for change in &changes.verdicts {
                let mut cells = vec![String::new(); COLUMNS.len()];
                cells[0] = guard(&change.rule);
                cells[1] = guard(&change.bindings);
                cells[2] = "changed".to_string();
                cells[3] = change.to.map_or("", |v| v.as_str()).to_string();
                cells[16] = guard(&change.words());
                writer.write_record(&cells).map_err(into_io)?;
            }
            for (row, list) in [
                ("new finding", &changes.new_findings),
                ("finding gone", &changes.gone_findings),
            ] {
                for finding in list {
                    let mut cells = vec![String::new(); COLUMNS.len()];
                    cells[0] = guard(&finding.rule);
                    cells[1] = guard(&finding.bindings);
                    cells[2] = row.to_string();
                    cells[3] = guard(&finding.verdict);
                    cells[16] = guard(&finding.reason);
                    writer.write_record(&cells).map_err(into_io)?;
                }
            }
        }
        for result in &self.evaluation.rules {
            for (instance, listed) in result.instances.iter().zip(self.slice_quota(result)) {
                self.csv_instance(&mut writer, result, instance, listed)?;
            }
        }
        writer.flush()
    }

    fn csv_instance<W: std::io::Write>(
        &self,
        writer: &mut csv::Writer<W>,
        result: &RuleResult,
        instance: &InstanceResult,
        listed: u64,
    ) -> std::io::Result<()> {
        let rule = &self.model.rules[result.rule];
        let bindings = self.bindings_text(instance);
        let row = Row {
            rule: &rule.id,
            instance: &bindings,
            title: rule.title.as_deref().unwrap_or(""),
        };
        let mut cells = row.cells("instance", instance.verdict.as_str());
        cells[16] = guard(&instance.reason);
        let slices = instance.series.as_ref().map_or(0, |s| s.len());
        if slices > listed {
            cells[12] = format!("{} slices not listed (--max-slices)", slices - listed);
        }
        writer.write_record(&cells).map_err(into_io)?;
        for slice in instance.series.iter().flat_map(|s| s.slices()).take(listed as usize) {
            writer.write_record(self.slice_cells(&row, &slice)).map_err(into_io)?;
        }
        for finding in &instance.findings {
            writer
                .write_record(self.finding_cells(&row, finding))
                .map_err(into_io)?;
        }
        Ok(())
    }

    fn slice_cells(&self, row: &Row, slice: &SeriesSlice) -> Vec<String> {
        let run = slice.run;
        let mut cells = row.cells("slice", run.verdict.map_or("", |v| v.as_str()));
        self.bounds(&mut cells, slice.start, slice.end);
        let (low, high) = ends(run.value);
        cells[8] = low;
        cells[9] = high;
        let (low, high) = ends(run.threshold);
        cells[10] = low;
        cells[11] = high;
        cells[12] = run.partial.unwrap_or("").to_string();
        cells
    }

    fn finding_cells(&self, row: &Row, finding: &Finding) -> Vec<String> {
        let mut cells = row.cells("finding", finding.verdict.as_str());
        if let Some((start, end)) = finding.window {
            self.bounds(&mut cells, start, end);
        }
        cells[13] = finding.decided_at.map(format_timestamp).unwrap_or_default();
        cells[14] = finding.deadline.map(format_timestamp).unwrap_or_default();
        cells[15] = (finding.evidence.len() as u64 + finding.evidence_omitted).to_string();
        cells[16] = guard(&finding.reason);
        cells
    }

    /// A slice's or window's bounds, in UTC and in the rule set's calendar.
    fn bounds(
        &self,
        cells: &mut [String],
        start: Option<crate::eval::time::Time>,
        end: Option<crate::eval::time::Time>,
    ) {
        cells[4] = start.map(format_timestamp).unwrap_or_default();
        cells[5] = end.map(format_timestamp).unwrap_or_default();
        if let Some(calendar) = self.model.calendar {
            cells[6] = start.map(|t| calendar.local_timestamp(t)).unwrap_or_default();
            cells[7] = end.map(|t| calendar.local_timestamp(t)).unwrap_or_default();
        }
    }
}

/// The cells every row of an instance shares.
struct Row<'a> {
    rule: &'a str,
    instance: &'a str,
    title: &'a str,
}

impl Row<'_> {
    fn cells(&self, row: &str, verdict: &str) -> Vec<String> {
        let mut cells = vec![String::new(); COLUMNS.len()];
        cells[0] = guard(self.rule);
        cells[1] = guard(self.instance);
        cells[2] = row.to_string();
        cells[3] = verdict.to_string();
        cells[17] = guard(self.title);
        cells
    }
}

/// A value's low and high ends as text (empty past the range of exact numbers).
fn ends(value: Option<(Decimal, Decimal)>) -> (String, String) {
    match value {
        Some((low, high)) => (crate::number::show(low), crate::number::show(high)),
        None => (String::new(), String::new()),
    }
}

/// A text cell a spreadsheet will not read as a formula.
pub(crate) fn guard(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn into_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(super::guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::guard("count(strike) was 3"), "count(strike) was 3");
    }
}
