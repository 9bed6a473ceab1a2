//! Parsing and checking a generated rule file of about 1 MB (thousands of
//! rules of every form). Run with `cargo bench --bench check`.

use ceasefire::check::{Workspace, check_files};
use ceasefire::source::FileId;
use ceasefire::syntax::parse;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Declarations and then rules cycling through the forms of LANGUAGE.md §4
/// until the text reaches `bytes`.
fn rule_file(bytes: usize) -> String {
    let mut text = String::from(
        "agreement \"Generated benchmark\"\n\
         zone north \"Northern Gaza\"\nzone netzarim \"Netzarim corridor\"\nzone rafah\nzone khan_younis\nzone gaza_city\n\
         event ceasefire_start\n\
         event release { batch: int, hostages: int }\n\
         event detainee_release { batch: int, detainees: int }\n\
         event drawdown { zone: zone }\n\
         event aid_convoy { trucks: int, zone: zone }\n\
         event strike { zone: zone, actor: text, confirmed: bool }\n\
         phase phase1 = from ceasefire_start for 42d\n\
         phase phase2 = from end of phase1 for 42d\n\n",
    );
    let forms = [
        "release batch {n} precedes drawdown in zone netzarim within 72h",
        "every release is followed by detainee_release within 1d",
        "for each zone z:\n    every strike in zone z is preceded by no drawdown in zone z within 7d",
        "release batch {n} occurs within 7d after first ceasefire_start",
        "for each zone z:\n    no strike in zone z where actor = \"unknown\" and confirmed = true during phase1",
        "sum(trucks of aid_convoy) >= 600 per 1d during phase1",
        "at most 2 strike where zone in [north, rafah] per 1w between start of phase2 and end of phase2 - 1d",
        "for each n in 1..6:\n    sum(detainees of detainee_release batch n) >= 30 * sum(hostages of release batch n) during phase1",
        "drawdown in zone rafah occurs by end of phase1 + 8d",
    ];
    let mut i = 0;
    while text.len() < bytes {
        let form = forms[i % forms.len()].replace("{n}", &(i % 33 + 1).to_string());
        text.push_str(&format!(
            "rule r{i} {{\n  title \"Generated rule {i}\"\n  ref \"Clause {}.{}\"\n  severity major\n  {form}\n}}\n\n",
            i / 10,
            i % 10
        ));
        i += 1;
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = rule_file(1 << 20);
    let mut group = c.benchmark_group("rule file of 1 MB");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("parse", |b| b.iter(|| parse(FileId(0), black_box(&text))));
    group.bench_function("parse and check", |b| {
        b.iter(|| {
            let mut workspace = Workspace::new();
            let id = workspace.load_text("bench.cfr", black_box(&text));
            let outcome = check_files(&mut workspace, &[id]);
            assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics.first());
            outcome
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
