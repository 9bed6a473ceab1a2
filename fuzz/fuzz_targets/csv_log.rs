//! Arbitrary bytes read as a CSV log, judged and reported.
#![no_main]

mod common;

use ceasefire::log::LogFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pick = data.last().copied().unwrap_or(0);
    common::read_and_judge(data, LogFormat::Csv, pick);
});
