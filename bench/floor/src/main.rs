//! The floor under `ceasefire verify`'s time on a log: every record parsed
//! by a fast parser (simd-json's tape for JSON Lines, the `csv` crate's byte
//! records for CSV) on every core, and nothing judged. Prints the number of
//! records and a checksum of their sizes so that no work is optimised away.
//!
//!     floor FILE.jsonl|FILE.csv

use std::io::Read;

fn main() {
    let path = std::env::args().nth(1).expect("usage: floor FILE.jsonl|FILE.csv");
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .expect("read the log");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = split(&bytes, threads);
    let csv = path.ends_with(".csv");
    let (records, sum) = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| scope.spawn(move || if csv { csv_part(part, i == 0) } else { json_part(part) }))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .fold((0u64, 0u64), |a, b| (a.0 + b.0, a.1.wrapping_add(b.1)))
    });
    println!("{records} records, checksum {sum}");
}

/// `n` pieces of whole lines.
fn split(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..n {
        let guess = (bytes.len() * i / n).max(start);
        let end = memchr::memchr(b'\n', &bytes[guess..]).map_or(bytes.len(), |p| guess + p + 1);
        out.push(&bytes[start..end]);
        start = end;
    }
    out.push(&bytes[start..]);
    out
}

/// Parses every line as JSON into simd-json's tape (its parse, without
/// building a tree of values), in place in one copy of the piece.
fn json_part(part: &[u8]) -> (u64, u64) {
    let mut buffers = simd_json::Buffers::default();
    let mut bytes = part.to_vec();
    let (mut records, mut sum) = (0u64, 0u64);
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
        if end > start {
            let tape = simd_json::to_tape_with_buffers(&mut bytes[start..end], &mut buffers).expect("a JSON record");
            sum = sum.wrapping_add(tape.0.len() as u64);
            records += 1;
        }
        start = end + 1;
    }
    (records, sum)
}

/// Reads every row as a CSV byte record.
fn csv_part(part: &[u8], header: bool) -> (u64, u64) {
    let mut reader = csv::ReaderBuilder::new().has_headers(header).from_reader(part);
    let mut record = csv::ByteRecord::new();
    let (mut records, mut sum) = (0u64, 0u64);
    while reader.read_byte_record(&mut record).expect("a CSV record") {
        sum = sum.wrapping_add(record.len() as u64);
        records += 1;
    }
    (records, sum)
}
