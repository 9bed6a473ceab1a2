//! `verify` stage by stage, so that a regression shows where it happened,
//! on a generated log of 200,000 records (the shape of bench/generate.py):
//! reading the file's bytes (the floor), parsing the records on one thread
//! without typing them and with typing them (the two run together on the
//! workers in `verify`; their difference is the typing), reading with
//! parsing and typing on every core, judging the observations, writing
//! the JSON report, and the whole of `verify` through the library's front
//! door. Run with `cargo bench --bench verify`.

use ceasefire::eval::{EvalOptions, evaluate};
use ceasefire::log::{LogSet, ReadOptions, parse_stage, read};
use ceasefire::{Rules, VerifyOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;

const RECORDS: usize = 200_000;
const ZONES: [&str; 5] = ["north", "gaza_city", "netzarim", "khan_younis", "rafah"];

/// A small deterministic generator (no dependency needed for a benchmark).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// The same records as JSON Lines and as CSV.
fn logs() -> (String, String) {
    let mut rng = Lcg(2025);
    let (mut jsonl, mut csv) = (
        String::new(),
        String::from("time,kind,zone,batch,hostages,detainees,trucks,actor,source\n"),
    );
    let mut t = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
        .expect("start")
        .to_utc();
    for _ in 0..RECORDS {
        t += chrono::TimeDelta::seconds([1, 5, 30, 60, 120, 300, 600][rng.next(7) as usize]);
        let time = ceasefire::time::format_timestamp(t);
        let zone = ZONES[rng.next(5) as usize];
        match rng.next(10) {
            0..=2 => {
                jsonl += &format!(
                    "{{\"time\":\"{time}\",\"kind\":\"strike\",\"zone\":\"{zone}\",\"actor\":\"army\",\"source\":\"AP\"}}\n"
                );
                csv += &format!("{time},strike,{zone},,,,,army,AP\n");
            }
            3..=5 => {
                let trucks = rng.next(60) + 1;
                jsonl += &format!(
                    "{{\"time\":\"{time}\",\"kind\":\"aid_convoy\",\"zone\":\"{zone}\",\"trucks\":{trucks},\"source\":\"AP\"}}\n"
                );
                csv += &format!("{time},aid_convoy,{zone},,,,{trucks},,AP\n");
            }
            6 | 7 => {
                jsonl +=
                    &format!("{{\"time\":\"{time}\",\"kind\":\"drawdown\",\"zone\":\"{zone}\",\"source\":\"AP\"}}\n");
                csv += &format!("{time},drawdown,{zone},,,,,,AP\n");
            }
            8 => {
                let batch = rng.next(33) + 1;
                jsonl += &format!(
                    "{{\"time\":\"{time}\",\"kind\":\"release\",\"batch\":{batch},\"hostages\":3,\"source\":\"AP\"}}\n"
                );
                csv += &format!("{time},release,,{batch},3,,,,AP\n");
            }
            _ => {
                let batch = rng.next(33) + 1;
                jsonl += &format!(
                    "{{\"time\":\"{time}\",\"kind\":\"detainee_release\",\"batch\":{batch},\"detainees\":90,\"source\":\"AP\"}}\n"
                );
                csv += &format!("{time},detainee_release,,{batch},,90,,,AP\n");
            }
        }
    }
    (jsonl, csv)
}

fn bench(c: &mut Criterion) {
    let rules =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/rules.cfr")).expect("bench/rules.cfr");
    let rules = Rules::from_text("rules.cfr", &rules).expect("bench/rules.cfr checks");
    let model = &rules.model;
    let (jsonl, csv) = logs();
    let dir = tempfile::tempdir().expect("dir");
    for (name, text) in [("log.jsonl", &jsonl), ("log.csv", &csv)] {
        std::fs::File::create(dir.path().join(name))
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .expect("log");
    }

    let mut group = c.benchmark_group("read the bytes of 200,000 records");
    group.sample_size(10);
    for (name, text) in [("log.jsonl", &jsonl), ("log.csv", &csv)] {
        let path = dir.path().join(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| std::fs::read(black_box(&path)).expect("log")));
    }
    group.finish();

    let mut group = c.benchmark_group("parse 200,000 records on one thread");
    group.sample_size(10);
    for (name, text) in [("log.jsonl", &jsonl), ("log.csv", &csv)] {
        let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("logs");
        group.throughput(Throughput::Bytes(text.len() as u64));
        for (stage, typed) in [("untyped", false), ("typed", true)] {
            group.bench_function(format!("{name} {stage}"), |b| {
                b.iter(|| parse_stage(model, black_box(&logs), typed).expect("parsed"))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("read 200,000 records");
    group.sample_size(10);
    for (name, text) in [("log.jsonl", &jsonl), ("log.csv", &csv)] {
        let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("logs");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| read(model, black_box(&logs), &ReadOptions::default()))
        });
    }
    group.finish();

    let logs = LogSet::new(&[dir.path().join("log.jsonl")], None, None).expect("logs");
    let (_, observations) = read(model, &logs, &ReadOptions::default());
    let mut group = c.benchmark_group("judge 200,000 observations");
    group.sample_size(10);
    group.throughput(Throughput::Elements(observations.len() as u64));
    group.bench_function("five rules", |b| {
        b.iter(|| evaluate(model, black_box(&observations), &EvalOptions::default()))
    });
    group.finish();

    let verified = ceasefire::verify(model, &logs, &VerifyOptions::default()).expect("verified");
    let report = ceasefire::VerifyReport {
        model,
        sources: &rules.workspace.sources,
        evaluation: &verified.evaluation,
        logs: &logs,
        read: &verified.read,
        as_of_given: false,
        max_slices: ceasefire::report::verify::MAX_SLICES,
        baseline: None,
        out_of_order: Vec::new(),
    };
    let mut group = c.benchmark_group("write the report of 200,000 observations");
    group.sample_size(10);
    group.bench_function("json", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(1 << 20);
            report.write_json(&mut out).expect("written");
            black_box(out.len())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("verify 200,000 records");
    group.sample_size(10);
    for (name, text) in [("log.jsonl", &jsonl), ("log.csv", &csv)] {
        let logs = LogSet::new(&[dir.path().join(name)], None, None).expect("logs");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| ceasefire::verify(model, black_box(&logs), &VerifyOptions::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
