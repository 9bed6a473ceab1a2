//! A compact store of typed observations, one segment per log, kept in an
//! anonymous temporary file. Judging reads the observations several times
//! (anchors first, then verdicts); replaying the spool is far cheaper than
//! parsing the logs again, and memory stays flat however long the log.
//!
//! Logs whose records are in time order are replayed by merging the
//! segments. A log out of order is loaded and sorted in memory instead.

use super::observation::{EcoString, FieldValue, Observation, Provenance, SHARED_TEXTS, shared_text, text_value};
use crate::check::model::{KindId, ZoneId};
use chrono::DateTime;
use rustc_hash::FxHashSet;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

/// Observations written once, replayed in time order as often as needed.
pub struct Spool {
    segments: Vec<Segment>,
}

struct Segment {
    file: BufWriter<File>,
    count: u64,
    /// The order key of the last observation written, to know whether the segment is sorted.
    last: Option<(DateTime<chrono::Utc>, u64)>,
    sorted: bool,
}

impl Spool {
    /// A spool with one segment per log.
    pub fn new(logs: usize) -> io::Result<Self> {
        let segments = (0..logs.max(1))
            .map(|_| {
                Ok(Segment {
                    file: BufWriter::with_capacity(1 << 20, tempfile::tempfile()?),
                    count: 0,
                    last: None,
                    sorted: true,
                })
            })
            .collect::<io::Result<_>>()?;
        Ok(Spool { segments })
    }

    /// Stores an observation in its log's segment.
    pub fn push(&mut self, o: &Observation) -> io::Result<()> {
        let index = (o.origin.file as usize).min(self.segments.len() - 1);
        let segment = &mut self.segments[index];
        let key = (o.time, o.origin.line);
        if segment.last.is_some_and(|last| key < last) {
            segment.sorted = false;
        }
        segment.last = Some(key);
        segment.count += 1;
        encode(o, &mut segment.file)
    }

    /// How many observations are stored.
    pub fn len(&self) -> u64 {
        self.segments.iter().map(|s| s.count).sum()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ready for replaying: merged from the segments if each is in order,
    /// else loaded and sorted.
    pub fn finish(self) -> io::Result<Replay> {
        let sorted = self.segments.iter().all(|s| s.sorted);
        let mut files = Vec::new();
        for segment in self.segments {
            let mut file = segment.file.into_inner().map_err(|e| e.into_error())?;
            file.seek(SeekFrom::Start(0))?;
            files.push((file, segment.count));
        }
        if sorted {
            return Ok(Replay::Merged(files));
        }
        let mut all = Vec::with_capacity(files.iter().map(|(_, n)| *n as usize).sum());
        let mut decoder = Decoder::default();
        for (file, count) in files {
            let mut reader = BufReader::with_capacity(1 << 20, file);
            for _ in 0..count {
                let mut o = empty();
                decoder.decode(&mut reader, &mut o)?;
                all.push(o);
            }
        }
        all.sort_by_key(Observation::order);
        Ok(Replay::Memory(all))
    }
}

/// Observations ready to be replayed in time order.
pub enum Replay {
    /// Segments in order, merged as they are read.
    Merged(Vec<(File, u64)>),
    /// Everything in memory, sorted.
    Memory(Vec<Observation>),
}

impl Replay {
    /// Calls `f` on every observation in time order (ties: file, then record).
    pub fn replay(&mut self, f: &mut dyn FnMut(&Observation)) -> io::Result<()> {
        match self {
            Replay::Memory(all) => {
                all.iter().for_each(f);
                Ok(())
            }
            Replay::Merged(files) => {
                let mut readers = Vec::with_capacity(files.len());
                for (file, count) in files.iter_mut() {
                    file.seek(SeekFrom::Start(0))?;
                    readers.push((BufReader::with_capacity(1 << 20, &*file), *count));
                }
                merge(&mut readers, f)
            }
        }
    }
}

/// Merges sorted segments: one segment is read straight through; several
/// through a heap of their next observations.
fn merge(readers: &mut [(BufReader<&File>, u64)], f: &mut dyn FnMut(&Observation)) -> io::Result<()> {
    let mut decoder = Decoder::default();
    if let [(reader, count)] = readers {
        let mut o = empty();
        for _ in 0..*count {
            decoder.decode(reader, &mut o)?;
            f(&o);
        }
        return Ok(());
    }
    let mut heads: Vec<Option<Observation>> = Vec::with_capacity(readers.len());
    let mut heap = BinaryHeap::new();
    for (i, (reader, count)) in readers.iter_mut().enumerate() {
        if *count > 0 {
            let mut o = empty();
            decoder.decode(reader, &mut o)?;
            *count -= 1;
            heap.push(Reverse((o.order(), i)));
            heads.push(Some(o));
        } else {
            heads.push(None);
        }
    }
    while let Some(Reverse((_, i))) = heap.pop() {
        let Some(mut o) = heads[i].take() else { continue };
        f(&o);
        let (reader, count) = &mut readers[i];
        if *count > 0 {
            decoder.decode(reader, &mut o)?;
            *count -= 1;
            heap.push(Reverse((o.order(), i)));
            heads[i] = Some(o);
        }
    }
    Ok(())
}

fn empty() -> Observation {
    Observation::blank()
}

// ------------------------------------------------------------- encoding ----

const ABSENT: u8 = 0;
const INT: u8 = 1;
const NUMBER: u8 = 2;
const TEXT: u8 = 3;
const BOOL: u8 = 4;
const ZONE: u8 = 5;
const UNKNOWN_ZONE: u8 = 6;
const TIME: u8 = 7;
const POSITION: u8 = 8;

/// Flags after the time: a range (its end follows), cut at the horizon,
/// sources and status (they follow).
const RANGE: u8 = 1;
const CUT: u8 = 2;
const PROVENANCE: u8 = 4;

fn encode(o: &Observation, out: &mut impl Write) -> io::Result<()> {
    out.write_all(&o.time.timestamp().to_le_bytes())?;
    out.write_all(&o.time.timestamp_subsec_nanos().to_le_bytes())?;
    let flags = if o.is_range() { RANGE } else { 0 }
        | if o.cut() { CUT } else { 0 }
        | if o.provenance().is_some() { PROVENANCE } else { 0 };
    out.write_all(&[flags])?;
    if o.is_range() {
        let until = o.until();
        out.write_all(&until.timestamp().to_le_bytes())?;
        out.write_all(&until.timestamp_subsec_nanos().to_le_bytes())?;
    }
    if let Some(p) = o.provenance() {
        out.write_all(&(p.sources.len() as u32).to_le_bytes())?;
        for source in &p.sources {
            text(out, TEXT, source)?;
        }
        match &p.status {
            Some(status) => text(out, TEXT, status)?,
            None => out.write_all(&[ABSENT])?,
        }
    }
    out.write_all(&o.kind.0.to_le_bytes())?;
    out.write_all(&o.origin.file.to_le_bytes())?;
    out.write_all(&o.origin.line.to_le_bytes())?;
    out.write_all(&o.origin.offset.to_le_bytes())?;
    out.write_all(&(o.declared.len() as u16).to_le_bytes())?;
    for value in &o.declared {
        match value {
            None => out.write_all(&[ABSENT])?,
            Some(FieldValue::Int(n)) => {
                out.write_all(&[INT])?;
                out.write_all(&n.to_le_bytes())?;
            }
            Some(FieldValue::Number(x)) => {
                out.write_all(&[NUMBER])?;
                out.write_all(&x.serialize())?;
            }
            Some(FieldValue::Text(t)) => text(out, TEXT, t)?,
            Some(FieldValue::Bool(b)) => out.write_all(&[BOOL, u8::from(*b)])?,
            Some(FieldValue::Zone(z)) => {
                out.write_all(&[ZONE])?;
                out.write_all(&z.0.to_le_bytes())?;
            }
            Some(FieldValue::UnknownZone(t)) => text(out, UNKNOWN_ZONE, t)?,
            Some(FieldValue::Time(t)) => {
                out.write_all(&[TIME])?;
                out.write_all(&t.timestamp().to_le_bytes())?;
                out.write_all(&t.timestamp_subsec_nanos().to_le_bytes())?;
            }
            Some(FieldValue::Position(p)) => {
                out.write_all(&[POSITION])?;
                for x in [p.lat, p.lon, p.radius_m] {
                    out.write_all(&x.to_le_bytes())?;
                }
            }
        }
    }
    Ok(())
}

fn text(out: &mut impl Write, tag: u8, t: &str) -> io::Result<()> {
    out.write_all(&[tag])?;
    out.write_all(&(t.len() as u32).to_le_bytes())?;
    out.write_all(t.as_bytes())
}

/// Reads observations back, sharing repeated text as the reader did.
#[derive(Default)]
struct Decoder {
    values: FxHashSet<EcoString>,
    texts: FxHashSet<Arc<str>>,
    provenances: FxHashSet<Arc<Provenance>>,
    buffer: Vec<u8>,
}

impl Decoder {
    fn decode(&mut self, input: &mut impl Read, o: &mut Observation) -> io::Result<()> {
        let seconds = i64::from_le_bytes(array(input)?);
        let nanos = u32::from_le_bytes(array(input)?);
        o.time = DateTime::from_timestamp(seconds, nanos).ok_or_else(|| corrupt("time"))?;
        let [flags] = array(input)?;
        o.extent = None;
        if flags & RANGE != 0 {
            let seconds = i64::from_le_bytes(array(input)?);
            let nanos = u32::from_le_bytes(array(input)?);
            let until = DateTime::from_timestamp(seconds, nanos).ok_or_else(|| corrupt("time"))?;
            o.set_time(o.time, Some(until));
        }
        if flags & CUT != 0 {
            Arc::make_mut(o.extent.get_or_insert_with(Arc::default)).cut = true;
        }
        if flags & PROVENANCE != 0 {
            let n = u32::from_le_bytes(array(input)?) as usize;
            let mut p = Provenance::default();
            for _ in 0..n {
                let [tag] = array(input)?;
                if tag != TEXT {
                    return Err(corrupt("source"));
                }
                p.sources.push(self.text(input)?);
            }
            let [tag] = array(input)?;
            p.status = match tag {
                ABSENT => None,
                TEXT => Some(self.text(input)?),
                _ => return Err(corrupt("status")),
            };
            o.set_provenance(Some(self.provenance(p)));
        }
        o.kind = KindId(u32::from_le_bytes(array(input)?));
        o.origin.file = u32::from_le_bytes(array(input)?);
        o.origin.line = u64::from_le_bytes(array(input)?);
        o.origin.offset = u64::from_le_bytes(array(input)?);
        let fields = u16::from_le_bytes(array(input)?) as usize;
        o.declared.clear();
        for _ in 0..fields {
            let [tag] = array(input)?;
            let value = match tag {
                ABSENT => None,
                INT => Some(FieldValue::Int(i64::from_le_bytes(array(input)?))),
                NUMBER => Some(FieldValue::Number(crate::number::Decimal::deserialize(array(input)?))),
                TEXT => Some(FieldValue::Text(self.value(input)?)),
                BOOL => Some(FieldValue::Bool(array::<1>(input)?[0] != 0)),
                ZONE => Some(FieldValue::Zone(ZoneId(u32::from_le_bytes(array(input)?)))),
                UNKNOWN_ZONE => Some(FieldValue::UnknownZone(self.text(input)?)),
                TIME => {
                    let seconds = i64::from_le_bytes(array(input)?);
                    let nanos = u32::from_le_bytes(array(input)?);
                    Some(FieldValue::Time(
                        DateTime::from_timestamp(seconds, nanos).ok_or_else(|| corrupt("time"))?,
                    ))
                }
                POSITION => {
                    let [lat, lon, radius] = [0; 3].map(|_| array(input).map(f64::from_le_bytes));
                    let position = crate::log::observation::Position::new(lat?, lon?, radius?)
                        .ok_or_else(|| corrupt("position"))?;
                    Some(FieldValue::Position(Box::new(position)))
                }
                _ => return Err(corrupt("field")),
            };
            o.declared.push(value);
        }
        Ok(())
    }

    /// Sources and status, shared with earlier equal ones while there is room.
    fn provenance(&mut self, p: Provenance) -> Arc<Provenance> {
        if let Some(shared) = self.provenances.get(&p) {
            return shared.clone();
        }
        let new = Arc::new(p);
        if self.provenances.len() < SHARED_TEXTS {
            self.provenances.insert(new.clone());
        }
        new
    }

    /// The next text of `input`, in `self.buffer`.
    fn read<'b>(buffer: &'b mut Vec<u8>, input: &mut impl Read) -> io::Result<&'b str> {
        let len = u32::from_le_bytes(array(input)?) as usize;
        buffer.resize(len, 0);
        input.read_exact(buffer)?;
        std::str::from_utf8(buffer).map_err(|_| corrupt("text"))
    }

    /// A text value: short text inline, longer text shared as the reader shared it.
    fn value(&mut self, input: &mut impl Read) -> io::Result<EcoString> {
        Ok(text_value(&mut self.values, Self::read(&mut self.buffer, input)?))
    }

    fn text(&mut self, input: &mut impl Read) -> io::Result<Arc<str>> {
        Ok(shared_text(&mut self.texts, Self::read(&mut self.buffer, input)?))
    }
}

fn array<const N: usize>(input: &mut impl Read) -> io::Result<[u8; N]> {
    let mut bytes = [0; N];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the spool of observations is damaged ({what})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Origin;
    use chrono::TimeDelta;

    fn observation(file: u32, line: u64, minutes: i64) -> Observation {
        Observation {
            time: DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes),
            extent: (!line.is_multiple_of(5)).then(|| {
                let mut extent = match line.is_multiple_of(2) {
                    false => crate::log::Extent::until(DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes + 90)),
                    true => crate::log::Extent::default(),
                };
                extent.cut = line.is_multiple_of(3);
                extent.provenance = line.is_multiple_of(2).then(|| {
                    Arc::new(Provenance {
                        sources: vec!["ICRC".into(), "UN OCHA".into()],
                        status: line.is_multiple_of(4).then(|| "confirmed".into()),
                    })
                });
                Arc::new(extent)
            }),
            kind: KindId(1),
            declared: smallvec::smallvec![
                Some(FieldValue::Int(-3)),
                None,
                Some(FieldValue::Text("é and more".into())),
                Some(FieldValue::Text("a text longer than the inline fifteen bytes".into())),
                Some(FieldValue::Number(crate::number::Decimal::new(25, 1))),
                Some(FieldValue::Bool(true)),
                Some(FieldValue::Zone(ZoneId(4))),
                Some(FieldValue::UnknownZone("nort".into())),
                Some(FieldValue::Time(DateTime::UNIX_EPOCH + TimeDelta::nanoseconds(5))),
            ],
            origin: Origin {
                file,
                line,
                offset: line * 10,
            },
        }
    }

    fn replayed(replay: &mut Replay) -> Vec<Observation> {
        let mut out = Vec::new();
        replay.replay(&mut |o| out.push(o.clone())).unwrap();
        out
    }

    #[test]
    fn sorted_segments_are_merged_in_order_and_replay_twice() {
        let mut spool = Spool::new(2).unwrap();
        let a = [observation(0, 1, 0), observation(0, 2, 5), observation(0, 3, 5)];
        let b = [observation(1, 1, 5), observation(1, 2, 9)];
        for o in a.iter().chain(&b) {
            spool.push(o).unwrap();
        }
        let mut replay = spool.finish().unwrap();
        assert!(matches!(replay, Replay::Merged(_)));
        let expected = vec![a[0].clone(), a[1].clone(), a[2].clone(), b[0].clone(), b[1].clone()];
        assert_eq!(replayed(&mut replay), expected);
        assert_eq!(replayed(&mut replay), expected);
    }

    #[test]
    fn unsorted_segments_are_sorted_in_memory() {
        let mut spool = Spool::new(1).unwrap();
        let (early, late) = (observation(0, 2, 1), observation(0, 1, 9));
        spool.push(&late).unwrap();
        spool.push(&early).unwrap();
        let mut replay = spool.finish().unwrap();
        assert!(matches!(replay, Replay::Memory(_)));
        assert_eq!(replayed(&mut replay), vec![early, late]);
    }
}
