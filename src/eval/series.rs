//! The runs of a rate's series, kept in a few bytes each. A rate over a
//! long log has a slice for every day or week of it (260,000 weekly slices
//! for a hundred sectors over fifty years), each a run of its own when its
//! count differs from the last; held as whole [`SeriesRun`]s (about 140
//! bytes, in a list grown by doubling) they were most of the memory a run
//! took, and grew with the log. Most runs follow the one before, hold
//! whole numbers and differ from it in one value or two, so each is
//! written as what changed: a byte of flags and the verdict, then the few
//! numbers that differ, as variable-length integers. A run that does not
//! fit that form (a range of values, a decimal, bounds of its own, a cut
//! slice) is kept whole beside the bytes, which point to it.

use super::time::Time;
use crate::number::Decimal;
use crate::verdict::Verdict;

/// Slices in a row that hold the same values and verdict.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesRun {
    /// The first slice's index in the slicing (0: the slice holding the
    /// window's start).
    pub first: i64,
    /// How many slices.
    pub n: u64,
    /// Bounds for a slice the slicing does not give (the whole window of
    /// a rule without `per`; the last slice, cut by the window's end).
    pub bounds: Option<(Option<Time>, Option<Time>)>,
    /// The measured side's value: the lowest and highest it may be (equal
    /// when certain); `None` past the range of exact numbers.
    pub value: Option<(Decimal, Decimal)>,
    /// The other side's value, likewise.
    pub threshold: Option<(Decimal, Decimal)>,
    /// The slice's verdict: satisfied, violated or indeterminate when
    /// judged; pending for a slice still open; `None` for one not judged.
    pub verdict: Option<Verdict>,
    /// Why a slice is not judged, or not yet: "cut by the window's start",
    /// "cut by the window's end", "open at the horizon".
    pub partial: Option<&'static str>,
}

/// What the first run is written against.
const START: SeriesRun = SeriesRun {
    first: 0,
    n: 0,
    bounds: None,
    value: None,
    threshold: None,
    verdict: None,
    partial: None,
};

// The flags of a run's first byte.
/// It starts where the run before it ends.
const CONTIGUOUS: u8 = 1;
/// It is one slice.
const ONE: u8 = 1 << 1;
/// Its value is the run before's.
const SAME_VALUE: u8 = 1 << 2;
/// Its threshold is the run before's.
const SAME_THRESHOLD: u8 = 1 << 3;
/// The verdict's code, in bits 4 to 6 (see [`VERDICTS`]).
const VERDICT_SHIFT: u8 = 4;
/// It is kept whole, apart: the byte is followed by its index there.
const APART: u8 = 1 << 7;

/// The verdicts by code.
const VERDICTS: [Option<Verdict>; 6] = [
    None,
    Some(Verdict::Vacuous),
    Some(Verdict::Satisfied),
    Some(Verdict::Pending),
    Some(Verdict::Indeterminate),
    Some(Verdict::Violated),
];

/// The runs of a series, in order (see the module's comment).
#[derive(Clone, Default)]
pub struct Runs {
    bytes: Vec<u8>,
    /// The runs kept whole.
    apart: Vec<SeriesRun>,
    count: usize,
    /// The last run: what the next is written against.
    last: Option<SeriesRun>,
}

impl std::fmt::Debug for Runs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Runs {
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count && self.iter().eq(other.iter())
    }
}

impl FromIterator<SeriesRun> for Runs {
    fn from_iter<I: IntoIterator<Item = SeriesRun>>(iter: I) -> Self {
        let mut runs = Runs::default();
        for run in iter {
            runs.push(run);
        }
        runs
    }
}

impl<'r> IntoIterator for &'r Runs {
    type Item = SeriesRun;
    type IntoIter = RunsIter<'r>;

    fn into_iter(self) -> RunsIter<'r> {
        self.iter()
    }
}

impl Runs {
    /// How many runs.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The last run.
    pub fn last(&self) -> Option<SeriesRun> {
        self.last
    }

    /// The runs, in order.
    pub fn iter(&self) -> RunsIter<'_> {
        RunsIter {
            runs: self,
            at: 0,
            previous: START,
        }
    }

    /// Adds a run after the others.
    pub fn push(&mut self, run: SeriesRun) {
        let previous = self.last.unwrap_or(START);
        match (whole(run.value), whole(run.threshold)) {
            (Some(value), Some(threshold)) if run.bounds.is_none() && run.partial.is_none() => {
                let verdict = VERDICTS.iter().position(|v| *v == run.verdict).unwrap_or(0) as u8;
                let mut head = verdict << VERDICT_SHIFT;
                let contiguous = run.first == previous.first.wrapping_add(previous.n as i64);
                head |= if contiguous { CONTIGUOUS } else { 0 };
                head |= if run.n == 1 { ONE } else { 0 };
                let same_value = identical(run.value, previous.value);
                let same_threshold = identical(run.threshold, previous.threshold);
                head |= if same_value { SAME_VALUE } else { 0 };
                head |= if same_threshold { SAME_THRESHOLD } else { 0 };
                self.bytes.push(head);
                if !contiguous {
                    varint(&mut self.bytes, zigzag(run.first));
                }
                if run.n != 1 {
                    varint(&mut self.bytes, run.n);
                }
                if !same_value {
                    varint(&mut self.bytes, value);
                }
                if !same_threshold {
                    varint(&mut self.bytes, threshold);
                }
            }
            _ => {
                self.bytes.push(APART);
                varint(&mut self.bytes, self.apart.len() as u64);
                self.apart.push(run);
            }
        }
        self.count += 1;
        self.last = Some(run);
    }

    /// The runs in order of their first slice (a stable sort: runs that
    /// start together keep the order they came in).
    pub(crate) fn sorted(self) -> Runs {
        let mut previous = i64::MIN;
        let in_order = self.iter().all(|run| {
            let ok = run.first >= previous;
            previous = run.first;
            ok
        });
        if in_order {
            return self;
        }
        let mut runs: Vec<SeriesRun> = self.iter().collect();
        runs.sort_by_key(|r| r.first);
        runs.into_iter().collect()
    }
}

/// The runs of [`Runs::iter`].
pub struct RunsIter<'r> {
    runs: &'r Runs,
    at: usize,
    previous: SeriesRun,
}

impl Iterator for RunsIter<'_> {
    type Item = SeriesRun;

    fn next(&mut self) -> Option<SeriesRun> {
        let bytes = &self.runs.bytes;
        let head = *bytes.get(self.at)?;
        self.at += 1;
        let run = if head & APART != 0 {
            let index = read_varint(bytes, &mut self.at)?;
            *self.runs.apart.get(usize::try_from(index).ok()?)?
        } else {
            let previous = self.previous;
            let first = if head & CONTIGUOUS != 0 {
                previous.first.wrapping_add(previous.n as i64)
            } else {
                unzigzag(read_varint(bytes, &mut self.at)?)
            };
            let n = if head & ONE != 0 {
                1
            } else {
                read_varint(bytes, &mut self.at)?
            };
            let value = if head & SAME_VALUE != 0 {
                previous.value
            } else {
                from_whole(read_varint(bytes, &mut self.at)?)
            };
            let threshold = if head & SAME_THRESHOLD != 0 {
                previous.threshold
            } else {
                from_whole(read_varint(bytes, &mut self.at)?)
            };
            SeriesRun {
                first,
                n,
                bounds: None,
                value,
                threshold,
                verdict: *VERDICTS.get(usize::from(head >> VERDICT_SHIFT))?,
                partial: None,
            }
        };
        self.previous = run;
        Some(run)
    }
}

/// A value as one number when it is certain and a whole number written
/// as one (`0`: none; else the number, zigzagged, plus one); `None` when
/// it is not (a range, a decimal, `10.0`): such a run is kept whole.
fn whole(value: Option<(Decimal, Decimal)>) -> Option<u64> {
    let Some((low, high)) = value else {
        return Some(0);
    };
    if low.serialize() != high.serialize() || low.scale() != 0 {
        return None;
    }
    let n = i64::try_from(low.mantissa()).ok()?;
    // Only the number's own form: read back, it must be the same bits.
    (Decimal::from(n).serialize() == low.serialize())
        .then(|| zigzag(n).checked_add(1))
        .flatten()
}

/// The value [`whole`] wrote.
fn from_whole(code: u64) -> Option<(Decimal, Decimal)> {
    let n = unzigzag(code.checked_sub(1)?);
    Some((Decimal::from(n), Decimal::from(n)))
}

/// Whether two values are the same, digit for digit.
fn identical(a: Option<(Decimal, Decimal)>, b: Option<(Decimal, Decimal)>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some((a1, a2)), Some((b1, b2))) => a1.serialize() == b1.serialize() && a2.serialize() == b2.serialize(),
        _ => false,
    }
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

/// `n` in seven-bit groups, low first, the high bit marking more.
fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-1_000i64..1_000).prop_map(Decimal::from),
            Just(Decimal::from(i64::MAX)),
            Just(Decimal::from(i64::MIN)),
            Just(Decimal::MAX),
            Just(Decimal::new(100, 1)),
            // Zero written with places: worth 0, written otherwise.
            Just(Decimal::new(0, 2)),
            (-1_000i64..1_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
        ]
    }

    fn value() -> impl Strategy<Value = Option<(Decimal, Decimal)>> {
        prop_oneof![
            Just(None),
            decimal().prop_map(|d| Some((d, d))),
            (decimal(), decimal()).prop_map(Some),
        ]
    }

    fn run() -> impl Strategy<Value = SeriesRun> {
        (
            prop_oneof![
                Just(None),
                (0i64..40).prop_map(Some),
                Just(Some(i64::MIN)),
                Just(Some(i64::MAX))
            ],
            prop_oneof![Just(1u64), 0u64..5, Just(u64::MAX)],
            prop_oneof![
                4 => Just(None),
                1 => Just(Some((None, Some(chrono::DateTime::UNIX_EPOCH)))),
            ],
            value(),
            value(),
            0usize..VERDICTS.len(),
            prop_oneof![4 => Just(None), 1 => Just(Some("open at the horizon"))],
        )
            .prop_map(|(first, n, bounds, value, threshold, verdict, partial)| SeriesRun {
                // `None`: where the run before ends.
                first: first.unwrap_or(i64::MIN + 1),
                n,
                bounds,
                value,
                threshold,
                verdict: VERDICTS[verdict],
                partial,
            })
    }

    /// The runs' bits, to tell `10` from `10.0` and `0` from `0.00`.
    fn bits(runs: &[SeriesRun]) -> Vec<String> {
        let v = |x: Option<(Decimal, Decimal)>| x.map(|(a, b)| (a.serialize(), b.serialize()));
        runs.iter()
            .map(|r| format!("{r:?} {:?} {:?}", v(r.value), v(r.threshold)))
            .collect()
    }

    proptest! {
        /// Runs read back are the runs written, digit for digit.
        #[test]
        fn runs_read_back_as_written(mut written in prop::collection::vec(run(), 0..40)) {
            // Most runs follow the one before (the compact form's case).
            let mut end = 0i64;
            for run in &mut written {
                if run.first == i64::MIN + 1 {
                    run.first = end;
                }
                end = run.first.wrapping_add(run.n as i64);
            }
            let runs: Runs = written.iter().copied().collect();
            let read: Vec<SeriesRun> = runs.iter().collect();
            prop_assert_eq!(bits(&read), bits(&written));
            prop_assert_eq!(runs.len(), written.len());
            prop_assert_eq!(runs.last(), written.last().copied());
        }
    }

    #[test]
    fn numbers_not_in_their_own_form_are_kept_whole() {
        // `0.00` and `10.0`: whole in worth, not in how they are written.
        for odd in [Decimal::new(0, 2), Decimal::new(100, 1)] {
            assert_eq!(whole(Some((odd, odd))), None, "{odd:?}");
        }
        assert_eq!(
            whole(Some((Decimal::from(-3), Decimal::from(-3)))),
            Some(zigzag(-3) + 1)
        );
    }

    #[test]
    fn a_run_of_whole_counts_after_another_takes_two_bytes() {
        let count = |n: i64, first: i64| SeriesRun {
            first,
            n: 1,
            value: Some((Decimal::from(n), Decimal::from(n))),
            threshold: Some((Decimal::from(10), Decimal::from(10))),
            verdict: Some(Verdict::Satisfied),
            ..START
        };
        let runs: Runs = (0..1000).map(|k| count(10 + k % 7, k)).collect();
        assert!(runs.bytes.len() <= 2 * 1000 + 8, "{} bytes", runs.bytes.len());
        assert!(runs.apart.is_empty());
    }
}
