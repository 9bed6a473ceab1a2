//! Gathers what reading a log finds besides observations: invalid records
//! (each listed, up to a limit, then counted) and warnings (tallied).

use super::problem::{LogProblem, Place};
use super::record::Remark;
use crate::check::Model;
use crate::check::did_you_mean;
use crate::check::model::KindId;
use crate::diagnostic::Code;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// A tally of one kind of warning: how many, and the first place.
#[derive(Debug)]
struct Tally {
    count: u64,
    file: String,
    first: Place,
}

/// At most this many distinct values of each sort of warning (undeclared
/// zones, undeclared kinds, nested fields) are tallied one by one; records
/// with further values are counted together, so that a hostile log of
/// millions of distinct values takes bounded memory and report space.
pub const DISTINCT: usize = 1000;

/// Records whose warning value was not among the first [`DISTINCT`].
#[derive(Debug, Default)]
struct Overflow {
    records: u64,
    file: String,
}

impl Overflow {
    fn add(&mut self, file: &str) {
        if self.records == 0 {
            self.file = file.to_string();
        }
        self.records += 1;
    }
}

/// What reading logs has found so far.
#[derive(Debug)]
pub(crate) struct Collector {
    limit: usize,
    /// Invalid records, the first `limit` of them.
    pub invalid: Vec<LogProblem>,
    /// Invalid records by code, all of them.
    pub invalid_by_code: BTreeMap<crate::diagnostic::Code, u64>,
    /// Problems with whole files.
    pub file_errors: Vec<LogProblem>,
    unknown_zones: BTreeMap<(String, String), Tally>,
    nested: BTreeMap<(String, String), Tally>,
    undeclared_kinds: BTreeMap<String, Tally>,
    /// The first sighting and count of each declared kind, indexed by kind.
    kinds_seen: Vec<Option<Tally>>,
    /// Every id seen, by a 128-bit digest of its text (see [`id_digest`]),
    /// with the file (an index into `id_files`) and line where it was first
    /// seen: 28 bytes an id, whatever its length.
    ids: FxHashMap<u128, (u32, u64)>,
    id_files: Vec<String>,
    duplicate_ids: Vec<LogProblem>,
    duplicate_count: u64,
    out_of_order: BTreeMap<String, Tally>,
    more_zones: Overflow,
    more_nested: Overflow,
    more_kinds: Overflow,
    /// Observations after `--as-of`.
    pub after_as_of: u64,
    first_after: Option<(String, Place)>,
}

impl Collector {
    /// A collector listing at most `limit` problems of each sort.
    pub fn new(limit: usize) -> Self {
        Collector {
            limit,
            invalid: Vec::new(),
            invalid_by_code: BTreeMap::new(),
            file_errors: Vec::new(),
            unknown_zones: BTreeMap::new(),
            nested: BTreeMap::new(),
            undeclared_kinds: BTreeMap::new(),
            kinds_seen: Vec::new(),
            ids: FxHashMap::default(),
            id_files: Vec::new(),
            duplicate_ids: Vec::new(),
            duplicate_count: 0,
            out_of_order: BTreeMap::new(),
            more_zones: Overflow::default(),
            more_nested: Overflow::default(),
            more_kinds: Overflow::default(),
            after_as_of: 0,
            first_after: None,
        }
    }

    /// How many records were invalid.
    pub fn invalid_count(&self) -> u64 {
        self.invalid_by_code.values().sum()
    }

    /// Records an invalid record.
    pub fn invalid(&mut self, problem: LogProblem) {
        *self.invalid_by_code.entry(problem.code).or_default() += problem.count;
        if self.invalid.len() < self.limit {
            self.invalid.push(problem);
        }
    }

    /// Notes a valid record of a declared kind with no remarks and no id:
    /// a count, once the kind has been seen (most records of a log).
    #[inline]
    pub fn valid_plain<'t>(&mut self, file: &str, line: u64, kind: KindId, record: &dyn Fn() -> &'t str) {
        match self.kinds_seen.get_mut(kind.0 as usize) {
            Some(Some(tally)) => tally.count += 1,
            _ => self.valid(file, line, Ok(kind), None, record, &mut Vec::new()),
        }
    }

    /// Notes a valid record's remarks, kind and id.
    pub fn valid<'t>(
        &mut self,
        file: &str,
        line: u64,
        kind: Result<KindId, &str>,
        id: Option<&str>,
        record: &dyn Fn() -> &'t str,
        remarks: &mut Vec<Remark>,
    ) {
        let place = || Place::new(line, record(), 0..0);
        let tally = |count: &mut Tally| count.count += 1;
        for remark in remarks.drain(..) {
            let (map, key, more) = match remark {
                Remark::UnknownZone { field, value } => (&mut self.unknown_zones, (field, value), &mut self.more_zones),
                Remark::Nested { field } => {
                    let kind_name = match kind {
                        Ok(k) => format!("#{}", k.0),
                        Err(name) => name.to_string(),
                    };
                    (&mut self.nested, (kind_name, field), &mut self.more_nested)
                }
            };
            let full = map.len() >= DISTINCT;
            match map.get_mut(&key) {
                Some(count) => tally(count),
                None if full => more.add(file),
                None => {
                    map.insert(
                        key,
                        Tally {
                            count: 1,
                            file: file.to_string(),
                            first: place(),
                        },
                    );
                }
            }
        }
        let full_kinds = self.undeclared_kinds.len() >= DISTINCT;
        match kind {
            Ok(kind) => {
                let index = kind.0 as usize;
                if index >= self.kinds_seen.len() {
                    self.kinds_seen.resize_with(index + 1, || None);
                }
                match &mut self.kinds_seen[index] {
                    Some(t) => t.count += 1,
                    slot @ None => {
                        *slot = Some(Tally {
                            count: 1,
                            file: file.to_string(),
                            first: place(),
                        });
                    }
                }
            }
            Err(name) => match self.undeclared_kinds.get_mut(name) {
                Some(count) => tally(count),
                None if full_kinds => self.more_kinds.add(file),
                None => {
                    self.undeclared_kinds.insert(
                        name.to_string(),
                        Tally {
                            count: 1,
                            file: file.to_string(),
                            first: place(),
                        },
                    );
                }
            },
        }
        if let Some(id) = id {
            self.id(file, line, id, record());
        }
    }

    fn id(&mut self, file: &str, line: u64, id: &str, record: &str) {
        let digest = id_digest(id);
        match self.ids.get(&digest) {
            Some(&(first_file, first_line)) => {
                self.duplicate_count += 1;
                if self.duplicate_ids.len() < self.limit {
                    let first_file = &self.id_files[first_file as usize];
                    let problem = LogProblem::at(
                        Code::DuplicateId,
                        file,
                        line,
                        record,
                        0..0,
                        format!("the id `{id}` was already used at {first_file}:{first_line}"),
                    )
                    .with_help(
                        "give each observation its own `id`; if it is the same observation reported twice, remove one",
                    );
                    self.duplicate_ids.push(problem);
                }
            }
            None => {
                let index = match self.id_files.iter().rposition(|f| f == file) {
                    Some(i) => i,
                    None => {
                        self.id_files.push(file.to_string());
                        self.id_files.len() - 1
                    }
                };
                self.ids.insert(digest, (index as u32, line));
            }
        }
    }

    /// Notes a record earlier than the one before it in its file.
    pub fn out_of_order<'t>(&mut self, file: &str, line: u64, record: &dyn Fn() -> &'t str) {
        // Counted in place: a log with ranges has a record out of order in
        // every few, and only the first of a file is shown.
        match self.out_of_order.get_mut(file) {
            Some(tally) => tally.count += 1,
            None => {
                self.out_of_order.insert(
                    file.to_string(),
                    Tally {
                        count: 1,
                        file: file.to_string(),
                        first: Place::new(line, record(), 0..0),
                    },
                );
            }
        }
    }

    /// Notes an observation after `--as-of`.
    pub fn after(&mut self, file: &str, line: u64, record: &str) {
        self.after_as_of += 1;
        if self.first_after.is_none() {
            self.first_after = Some((file.to_string(), Place::new(line, record, 0..0)));
        }
    }

    /// The warnings, in a fixed order.
    pub fn warnings(&self, model: &Model, used: &BTreeSet<KindId>, as_of: Option<&str>) -> Vec<LogProblem> {
        let mut out = Vec::new();
        let zones: Vec<&str> = model.zones.iter().map(|z| z.name.as_str()).collect();
        if self.unknown_zones.len() == 1 {
            for ((field, value), tally) in &self.unknown_zones {
                let help = did_you_mean(value, zones.iter().copied())
                    .map(|z| format!("did you mean `{z}`? declare the zone if it is a new one"))
                    .unwrap_or_else(|| format!("declare it with `zone {value}` if it is a place the agreement covers"));
                out.push(tallied(
                    Code::UndeclaredLogZone,
                    tally,
                    format!("the zone `{value}` (field `{field}`) is not declared"),
                    help,
                ));
            }
        } else if let Some(first) = self
            .unknown_zones
            .values()
            .min_by_key(|t| (t.file.clone(), t.first.line))
        {
            // Several: one warning that names them (issue 17), at the first.
            let named: Vec<String> = self
                .unknown_zones
                .iter()
                .map(|((_, value), tally)| {
                    let near = did_you_mean(value, zones.iter().copied())
                        .map(|z| format!(", did you mean `{z}`?"))
                        .unwrap_or_default();
                    format!("`{value}` ({}{near})", plural_records(tally.count))
                })
                .collect();
            let total: u64 = self.unknown_zones.values().map(|t| t.count).sum();
            const NAMED: usize = 20;
            let more = named.len().saturating_sub(NAMED);
            let listed = named.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
            let message = match more {
                0 => format!("{} zones in the log are not declared: {listed}", named.len()),
                _ => format!(
                    "{} zones in the log are not declared: {listed} and {more} more",
                    named.len()
                ),
            };
            let mut problem = LogProblem::about(Code::UndeclaredLogZone, &first.file, message)
            .with_help(
                "declare the places the agreement covers (`zone NAME`); records in the others are judged all the same, \
                 and `allow CF1103` in a rule file (or `--allow CF1103`) silences this warning",
            )
            .with_count(total);
            problem.place = Some(first.first.clone());
            out.push(problem);
        }
        out.extend(overflow(Code::UndeclaredLogZone, &self.more_zones, "undeclared zones"));
        let kinds: Vec<&str> = model.kinds.iter().map(|k| k.name.as_str()).collect();
        for (kind, tally) in &self.undeclared_kinds {
            let help = did_you_mean(kind, kinds.iter().copied())
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| format!("declare it with `event {kind}` if rules should use it"));
            out.push(tallied(
                Code::UndeclaredLogKind,
                tally,
                format!("the kind `{kind}` is not declared"),
                help,
            ));
        }
        out.extend(overflow(Code::UndeclaredLogKind, &self.more_kinds, "undeclared kinds"));
        let seen = self.kinds_seen.iter().enumerate();
        for (kind, tally) in seen.filter_map(|(i, t)| Some((KindId(i as u32), t.as_ref()?))) {
            if !used.contains(&kind) {
                let name = &model.kinds[kind.0 as usize].name;
                out.push(tallied(
                    Code::UnusedKind,
                    tally,
                    format!("no rule uses `{name}` observations"),
                    "they are read and counted but judge nothing; write a rule that uses them if they matter"
                        .to_string(),
                ));
            }
        }
        for ((kind, field), tally) in &self.nested {
            // Declared kinds are noted by id while reading; name them now.
            let kind = match kind.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
                Some(i) => model.kinds.get(i).map_or(kind.as_str(), |k| k.name.as_str()),
                None => kind.as_str(),
            };
            out.push(tallied(
                Code::NestedValue,
                tally,
                format!("`{field}` of `{kind}` holds an object or array, which is not a field and is ignored"),
                "flatten it into fields of their own, such as `location_lat` and `location_lon`".to_string(),
            ));
        }
        out.extend(overflow(
            Code::NestedValue,
            &self.more_nested,
            "nested values in fields",
        ));
        out.extend(self.duplicate_ids.iter().cloned());
        if self.duplicate_count > self.duplicate_ids.len() as u64 {
            out.push(
                LogProblem::about(
                    Code::DuplicateId,
                    "",
                    format!(
                        "and {} more duplicate ids",
                        self.duplicate_count - self.duplicate_ids.len() as u64
                    ),
                )
                .with_count(self.duplicate_count - self.duplicate_ids.len() as u64),
            );
        }
        for tally in self.out_of_order.values() {
            out.push(tallied(
                Code::OutOfOrder,
                tally,
                format!("{} earlier than the record before them", records(tally.count)),
                "records are judged in time order whatever their order in the file; sorting the file makes reading faster".to_string(),
            ));
        }
        if let Some((file, first)) = &self.first_after {
            let as_of = as_of.unwrap_or("the horizon");
            let mut problem = LogProblem::about(
                Code::AfterAsOf,
                file,
                format!("{} after {as_of} not judged", observations(self.after_as_of)),
            )
            .with_help("they lie beyond `--as-of`; judge a later horizon to include them")
            .with_count(self.after_as_of);
            problem.place = Some(first.clone());
            out.push(problem);
        }
        out
    }
}

/// A 128-bit digest of an id: two SipHash-1-3 values of it under different
/// prefixes. Two different ids share a digest with a probability of about
/// 2⁻¹²⁸ per pair (about 10⁻²⁵ for a log of ten million ids), and finding
/// such a pair on purpose takes some 2⁶⁴ tries; keeping digests instead of
/// the ids keeps memory small and fixed per id.
fn id_digest(id: &str) -> u128 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let half = |prefix: u8| {
        let mut hasher = DefaultHasher::new();
        prefix.hash(&mut hasher);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// The warning for records whose values were beyond the first [`DISTINCT`].
fn overflow(code: Code, more: &Overflow, what: &str) -> Option<LogProblem> {
    (more.records > 0).then(|| {
        LogProblem::about(
            code,
            &more.file,
            format!(
                "and {} more {} with other {what} (only the first {DISTINCT} distinct ones are listed)",
                more.records,
                if more.records == 1 { "record" } else { "records" }
            ),
        )
        .with_help("a log with this many distinct values was probably read against the wrong rule files")
        .with_count(more.records)
    })
}

fn tallied(code: Code, tally: &Tally, message: String, help: String) -> LogProblem {
    let message = if tally.count > 1 {
        format!("{message} ({} records; the first is shown)", tally.count)
    } else {
        message
    };
    let mut problem = LogProblem::about(code, &tally.file, message)
        .with_help(help)
        .with_count(tally.count);
    problem.place = Some(tally.first.clone());
    problem
}

/// `1 record`, `12 records`.
fn plural_records(n: u64) -> String {
    if n == 1 {
        "1 record".to_string()
    } else {
        format!("{n} records")
    }
}

fn records(n: u64) -> String {
    if n == 1 {
        "1 record is".to_string()
    } else {
        format!("{n} records are")
    }
}

fn observations(n: u64) -> String {
    if n == 1 {
        "1 observation".to_string()
    } else {
        format!("{n} observations")
    }
}
