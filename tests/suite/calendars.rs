//! Calendars (LANGUAGE-v2 §10), as far as they are built: `calendar`,
//! local times and dates in rule files, logs, test blocks and `--as-of`,
//! calendar days and weeks across summer-time changes in both hemispheres.

use super::{folder, run};
use ceasefire::Verdict::{self, Pending, Satisfied, Violated};
use ceasefire::{LogFormat, LogSet, Rules, RulesError, VerifyOptions};

/// The codes of the errors of rules that do not check.
fn codes(error: RulesError) -> Vec<&'static str> {
    match error {
        RulesError::Invalid { diagnostics, .. } => diagnostics.iter().map(|d| d.code.as_str()).collect(),
        RulesError::Run(errors) => errors.iter().map(|d| d.code.as_str()).collect(),
    }
}

const DECLARATIONS: &str = "event begin\nevent pullback\nevent strike { n: int }\n";

/// The verdict of rule `r` in a unit with `calendar`, judged as of `as_of`
/// (an instant with its offset).
fn judge(calendar: &str, rule: &str, log: &[&str], as_of: &str) -> Verdict {
    let rules = format!("calendar \"{calendar}\"\n{DECLARATIONS}rule r {{\n{rule}\n}}\n");
    let rules = Rules::from_text("rules.cfr", &rules).unwrap_or_else(|e| panic!("{rule}: {e:#?}"));
    let log: String = log.iter().map(|l| format!("{l}\n")).collect();
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
    let options = VerifyOptions {
        as_of: Some(ceasefire::time::parse_timestamp(as_of).expect("as of").to_utc()),
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).unwrap_or_else(|e| panic!("{rule}: {e}"));
    assert!(verified.read.invalid.is_empty(), "{:?}", verified.read.invalid);
    verified.evaluation.rules[0].verdict
}

fn at(time: &str, kind: &str) -> String {
    format!(r#"{{"time":"{time}","kind":"{kind}"}}"#)
}

#[test]
fn a_bare_date_is_local_midnight_in_rule_files() {
    // Minsk II: the ceasefire from 00:00 Kyiv time on 15 February 2015,
    // 22:00 UTC the day before.
    let rule = "no strike after 2015-02-15";
    let late = |time: &str| judge("Europe/Kyiv", rule, &[&at(time, "strike")], "2015-03-01T00:00Z");
    // (An open window with nothing in it is pending.)
    assert_eq!(late("2015-02-14T21:59:59Z"), Pending);
    assert_eq!(late("2015-02-14T22:00:00Z"), Violated);
    // Without a calendar the same date is midnight UTC, as in v1.
    let rules = format!("{DECLARATIONS}rule r {{ {rule} }}\n");
    let rules = Rules::from_text("rules.cfr", &rules).expect("rules");
    let ceasefire::check::model::Form::Absence { window, .. } = &rules.model.rules[0].form else {
        panic!("an absence");
    };
    assert!(format!("{window:?}").contains("2015-02-15T00:00:00Z"), "{window:?}");
}

#[test]
fn local_times_and_offsets_in_rule_files() {
    let rule = "no strike between 2015-02-15T00:00 and 2015-02-15T06:00+02:00";
    let judge = |time: &str| judge("Europe/Kyiv", rule, &[&at(time, "strike")], "2015-03-01T00:00Z");
    assert_eq!(judge("2015-02-14T22:00:00Z"), Violated);
    assert_eq!(judge("2015-02-15T03:59:59Z"), Violated);
    assert_eq!(judge("2015-02-15T04:00:00Z"), Satisfied);
    // A local time needs a calendar.
    let error =
        Rules::from_text("rules.cfr", &format!("{DECLARATIONS}rule r {{ {rule} }}\n")).expect_err("no calendar");
    assert_eq!(codes(error), ["CF0005"]);
}

#[test]
fn calendar_days_keep_the_clock_time_across_summer_time() {
    // Kyiv put its clocks forward at 03:00 on 30 March 2025: that day had
    // 23 hours. `within 1d` from noon on the 29th ends at noon on the 30th
    // local time, 23 hours later; `within 24h` one hour after that.
    let log_at = |time: &str| vec![at("2025-03-29T10:00:00Z", "begin"), at(time, "pullback")];
    let by_day = |time: &str| {
        let log = log_at(time);
        let log: Vec<&str> = log.iter().map(String::as_str).collect();
        judge(
            "Europe/Kyiv",
            "pullback occurs within 1d after first begin",
            &log,
            "2025-04-01T00:00Z",
        )
    };
    assert_eq!(by_day("2025-03-30T09:00:00Z"), Satisfied);
    assert_eq!(by_day("2025-03-30T09:00:01Z"), Violated);
    let by_hours = |time: &str| {
        let log = log_at(time);
        let log: Vec<&str> = log.iter().map(String::as_str).collect();
        judge(
            "Europe/Kyiv",
            "pullback occurs within 24h after first begin",
            &log,
            "2025-04-01T00:00Z",
        )
    };
    assert_eq!(by_hours("2025-03-30T10:00:00Z"), Satisfied);
    // In the southern hemisphere: Santiago put its clocks back at 24:00 on
    // 5 April 2025 (to 23:00): the 5th had 25 hours.
    let log = [
        at("2025-04-05T15:00:00Z", "begin"),
        at("2025-04-06T16:00:00Z", "pullback"),
    ];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(
        judge(
            "America/Santiago",
            "pullback occurs within 1d after first begin",
            &log,
            "2025-04-10T00:00Z"
        ),
        Satisfied
    );
    assert_eq!(
        judge(
            "America/Santiago",
            "pullback occurs within 24h after first begin",
            &log,
            "2025-04-10T00:00Z"
        ),
        Violated
    );
}

#[test]
fn an_anchor_at_0230_on_a_change_day() {
    // `+ 1d` onto 02:30... the day the clocks skip 03:00 to 04:00 in Kyiv:
    // 02:30 exists and is kept; 03:30 does not and moves forward an hour.
    let rule = "no strike between first begin + 1d and first begin + 1d + 1m";
    let judge_at = |start: &str, strike: &str| {
        judge(
            "Europe/Kyiv",
            rule,
            &[&at(start, "begin"), &at(strike, "strike")],
            "2025-04-01T00:00Z",
        )
    };
    // 02:30 EET on the 29th + 1d = 02:30 EET on the 30th = 00:30Z.
    assert_eq!(judge_at("2025-03-29T00:30:00Z", "2025-03-30T00:30:00Z"), Violated);
    // 03:30 EET on the 29th + 1d = 03:30 on the 30th, skipped: 04:30 EEST = 01:30Z.
    assert_eq!(judge_at("2025-03-29T01:30:00Z", "2025-03-30T01:30:00Z"), Violated);
    assert_eq!(judge_at("2025-03-29T01:30:00Z", "2025-03-30T00:30:00Z"), Satisfied);
}

#[test]
fn per_day_slices_tumble_over_local_days() {
    // Daily from local midnight: the slice of 30 March 2025 in Kyiv is 23
    // hours long, from 22:00Z on the 29th to 21:00Z on the 30th.
    let rule = "count(strike) <= 1 per 1d after 2025-03-29";
    let two = |a: &str, b: &str| {
        judge(
            "Europe/Kyiv",
            rule,
            &[&at(a, "strike"), &at(b, "strike")],
            "2025-04-02T00:00Z",
        )
    };
    assert_eq!(two("2025-03-29T22:00:00Z", "2025-03-30T20:59:59Z"), Violated);
    // (No slice failed; the window stays open: pending.)
    assert_eq!(two("2025-03-29T22:00:00Z", "2025-03-30T21:00:00Z"), Pending);
}

#[test]
fn logs_are_read_in_the_calendar() {
    // A date is the whole local day; a time without an offset is local.
    let rule = "no strike between 2015-02-15 and 2015-02-16";
    let judge_at = |time: &str| judge("Europe/Kyiv", rule, &[&at(time, "strike")], "2015-03-01T00:00Z");
    assert_eq!(judge_at("2015-02-15"), Violated);
    assert_eq!(judge_at("2015-02-16T00:30"), Satisfied);
    assert_eq!(judge_at("2015-02-15T23:30"), Violated);
    // February of a leap year and of another, as a month in the calendar.
    let month = |calendar: &str, month: &str, as_of: &str| {
        judge(calendar, "no strike before 2024-03-01", &[&at(month, "strike")], as_of)
    };
    assert_eq!(month("Asia/Gaza", "2024-02", "2024-04-01T00:00Z"), Violated);
    assert_eq!(month("Asia/Gaza", "2024-03", "2024-04-01T00:00Z"), Satisfied);
    // A skipped local time in a log is an invalid record with its own code.
    let dir = folder(&[
        (
            "r.cfr",
            "calendar \"Europe/Kyiv\"\nevent strike\nrule r { no strike after 2025-03-01 }\n",
        ),
        ("log.jsonl", "{\"time\": \"2025-03-30T03:30\", \"kind\": \"strike\"}\n"),
    ]);
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF1017") && stderr.contains("log.jsonl:1:"), "{stderr}");
    // Without a calendar a time without an offset is invalid, as in v1.
    let dir = folder(&[
        ("r.cfr", "event strike\nrule r { no strike after 2025-03-01 }\n"),
        ("log.jsonl", "{\"time\": \"2025-03-30T03:30\", \"kind\": \"strike\"}\n"),
    ]);
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF1005"), "{stderr}");
}

#[test]
fn as_of_and_test_blocks_count_local_days() {
    let rules = "calendar \"Europe/Kyiv\"\n\
        event strike\n\
        rule quiet { no strike between 2015-02-15 and 2015-02-16 }\n\
        test \"a strike on the local day\" {\n  as of 2015-02-16\n  log {\n    2015-02-15T23:30 strike\n  }\n  expect quiet violated\n}\n\
        test \"the day before, local\" {\n  as of 2015-02-15T12:00\n  log {\n    2015-02-14 strike\n  }\n  expect quiet pending\n}\n";
    let dir = folder(&[
        ("r.cfr", rules),
        ("log.jsonl", "{\"time\": \"2015-02-15T01:00\", \"kind\": \"strike\"}\n"),
    ]);
    let (code, stdout, stderr) = run(dir.path(), &["test", "r.cfr"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // `--as-of` is local midnight too: before 00:00 Kyiv on the 16th the
    // window is still open.
    let (_, stdout, stderr) = run(
        dir.path(),
        &[
            "verify",
            "r.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2015-02-15T23:59",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    assert_eq!(json["rules"][0]["verdict"], "violated", "{stdout}");
    assert_eq!(json["as_of"], "2015-02-15T21:59:00Z", "{stdout}");
    let (code, _, stderr) = run(
        dir.path(),
        &["verify", "r.cfr", "--log", "log.jsonl", "--as-of", "2015-02-15T25:00"],
    );
    assert_eq!(code, 2, "{stderr}");
    // Pending until local midnight closes the window.
    let verdict = judge(
        "Europe/Kyiv",
        "no strike between 2015-02-15 and 2015-02-16",
        &[&at("2015-02-14T12:00:00Z", "strike")],
        "2015-02-15T21:00:00Z",
    );
    assert_eq!(verdict, Pending);
}

#[test]
fn calendars_are_checked() {
    let check = |text: &str| {
        Rules::from_text(
            "r.cfr",
            &format!("{text}\nevent strike\nrule r {{ no strike after 2025-01-01 }}\n"),
        )
    };
    assert!(check("calendar \"Europe/Kiev\"").is_ok(), "links are names too");
    assert!(check("calendar \"UTC\"").is_ok());
    let error = check("calendar \"europe/kyiv\"").expect_err("not a zone");
    let text = format!("{error:?}");
    assert_eq!(codes(error), ["CF0218"]);
    assert!(text.contains("did you mean `Europe/Kyiv`?"), "{text}");
    let error = check("calendar \"Europe/Kyiv\"\ncalendar \"UTC\"").expect_err("two");
    assert_eq!(codes(error), ["CF0217"]);
}

#[test]
fn start_and_end_of_day_anchors() {
    // Minsk II, point 2: the pull-back begins "no later than the second
    // day" after the ceasefire of 00:00 Kyiv time on 15 February 2015:
    // by the end of 17 February, local time (`by` includes its end).
    let rule = "pullback occurs by end of day (first begin + 2d)";
    let judge_at = |time: &str| {
        judge(
            "Europe/Kyiv",
            rule,
            &[&at("2015-02-14T22:00:00Z", "begin"), &at(time, "pullback")],
            "2015-03-01T00:00Z",
        )
    };
    assert_eq!(judge_at("2015-02-17T22:00:00Z"), Satisfied);
    assert_eq!(judge_at("2015-02-17T22:00:01Z"), Violated);
    // `start of day`: the local midnight at or before the anchor, here
    // 00:00 on 15 February for an anchor at 11:15 local.
    let rule = "no strike between start of day first begin and first begin";
    let judge_at = |time: &str| {
        judge(
            "Europe/Kyiv",
            rule,
            &[&at("2015-02-15T09:15:00Z", "begin"), &at(time, "strike")],
            "2015-03-01T00:00Z",
        )
    };
    assert_eq!(judge_at("2015-02-14T21:59:59Z"), Satisfied);
    assert_eq!(judge_at("2015-02-14T22:00:00Z"), Violated);
    // An anchor known to the day has a certain start of day.
    let rule = "strike occurs by end of day first begin";
    assert_eq!(
        judge(
            "Europe/Kyiv",
            rule,
            &[&at("2015-02-15", "begin"), &at("2015-02-15T21:59:00Z", "strike")],
            "2015-03-01T00:00Z"
        ),
        Satisfied
    );
    // Written back as written, parentheses where the anchor has offsets.
    let text = "calendar \"Europe/Kyiv\"\nevent begin\nevent pullback\n\nrule r {\n  pullback occurs by end of day (begin + 2d)\n}\n\nrule s {\n  pullback occurs by start of day begin + 1d\n}\n";
    let dir = folder(&[("r.cfr", text)]);
    let (code, stdout, stderr) = run(dir.path(), &["fmt", "--check", "r.cfr"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// Instance 0 of rule `r` with the calendar: verdict, counts, notes.
fn instance(calendar: &str, rule: &str, log: &[&str], as_of: &str) -> (Verdict, ceasefire::eval::Counts, Vec<String>) {
    let rules = format!("calendar \"{calendar}\"\n{DECLARATIONS}rule r {{\n{rule}\n}}\n");
    let rules = Rules::from_text("rules.cfr", &rules).unwrap_or_else(|e| panic!("{rule}: {e:#?}"));
    let log: String = log.iter().map(|l| format!("{l}\n")).collect();
    let logs = LogSet::from_bytes("log.jsonl", LogFormat::Jsonl, log.into_bytes());
    let options = VerifyOptions {
        as_of: Some(ceasefire::time::parse_timestamp(as_of).expect("as of").to_utc()),
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).unwrap_or_else(|e| panic!("{rule}: {e}"));
    let i = verified.evaluation.rules[0].instances[0].clone();
    (i.verdict, i.counts, i.notes)
}

#[test]
fn per_day_week_and_month_follow_the_calendar() {
    // Days of Kyiv around the change of 30 March 2025 (23 hours): the days
    // cut by the window's start and end are listed, not judged.
    let strikes = [
        r#"{"time":"2025-03-29T10:00:00Z","kind":"strike","n":600}"#,
        r#"{"time":"2025-03-30T20:59:59Z","kind":"strike","n":300}"#,
        r#"{"time":"2025-03-30T21:00:00Z","kind":"strike","n":700}"#,
    ];
    let (verdict, counts, notes) = instance(
        "Europe/Kyiv",
        "sum(n of strike) >= 600 per day between 2025-03-28T12:00 and 2025-04-01T12:00",
        &strikes,
        "2025-05-01T00:00Z",
    );
    assert_eq!(verdict, Violated);
    assert_eq!(
        (counts.satisfied, counts.violated, counts.partial),
        (2, 1, Some(2)),
        "{notes:?}"
    );
    assert!(notes[0].contains("begins before the window"), "{notes:?}");
    assert!(notes[1].contains("cut by the end of the window"), "{notes:?}");
    // Each listed with what it holds.
    assert!(
        notes[0].ends_with("(sum(n of strike) was 0 in the window)"),
        "{notes:?}"
    );
    // Weeks from Monday across a year's end: 2024-12-30 is a Monday; the
    // week holding the horizon is open, not judged.
    let (verdict, counts, notes) = instance(
        "Asia/Gaza",
        "count(strike) >= 1 per week after 2024-12-30",
        &[r#"{"time":"2025-01-01T10:00:00Z","kind":"strike","n":1}"#],
        "2025-01-08T12:00Z",
    );
    assert_eq!(verdict, Pending, "{notes:?}");
    assert_eq!(
        (counts.satisfied, counts.violated, counts.pending, counts.partial),
        (1, 0, 0, Some(1))
    );
    assert!(
        notes[0].contains("still open at the horizon") && notes[0].contains("so far count(strike) was 0"),
        "{notes:?}"
    );
    // Months of 28 to 31 days: February 2024 (29) and 2025 (28) are whole slices.
    // A strike on every day of one month: that month holds, the whole
    // month after it (with none) fails, the month cut by the window's
    // start is not judged.
    for (year, month, days) in [(2024, 2, 29), (2025, 2, 28), (2025, 4, 30), (2025, 3, 31)] {
        let strikes: Vec<String> = (1..=days)
            .map(|d| format!(r#"{{"time":"{year}-{month:02}-{d:02}T12:00:00Z","kind":"strike","n":1}}"#))
            .collect();
        let strikes: Vec<&str> = strikes.iter().map(String::as_str).collect();
        let (_, counts, notes) = instance(
            "Europe/Kyiv",
            &format!(
                "count(strike) >= {days} per month between {year}-{:02}-15 and {year}-{:02}-01",
                month - 1,
                month + 2
            ),
            &strikes,
            &format!("{year}-12-01T00:00Z"),
        );
        assert_eq!(
            (counts.satisfied, counts.violated, counts.partial),
            (1, 1, Some(1)),
            "{year}-{month}: {notes:?}"
        );
    }
    // A window holding no whole day: satisfied once closed, with a word.
    let (verdict, counts, notes) = instance(
        "Europe/Kyiv",
        "count(strike) >= 1 per day between 2025-03-01T06:00 and 2025-03-01T18:00",
        &[],
        "2025-04-01T00:00Z",
    );
    assert_eq!(verdict, Satisfied);
    assert_eq!(counts.partial, Some(1), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("nothing could be judged")), "{notes:?}");
}

#[test]
fn reports_give_local_times_beside_utc() {
    let rules = "calendar \"Europe/Kyiv\"\nevent shelling\nrule quiet { no shelling after 2015-02-15 }\n";
    let dir = folder(&[
        ("r.cfr", rules),
        (
            "log.jsonl",
            "{\"time\": \"2015-02-15T08:00\", \"kind\": \"shelling\"}\n",
        ),
    ]);
    let (code, stdout, stderr) = run(
        dir.path(),
        &["verify", "r.cfr", "--log", "log.jsonl", "--as-of", "2015-02-16"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("2015-02-15T22:00:00Z (00:00 Europe/Kyiv)"), "{stdout}");
    assert!(stdout.contains("2015-02-14T22:00:00Z (00:00 Europe/Kyiv)"), "{stdout}");
    let (_, stdout, _) = run(
        dir.path(),
        &[
            "verify",
            "r.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2015-02-16",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["calendar"], "Europe/Kyiv");
    assert_eq!(json["as_of"], "2015-02-15T22:00:00Z");
    assert_eq!(json["as_of_local"], "2015-02-16T00:00:00+02:00");
    let finding = &json["rules"][0]["instances"][0]["findings"][0];
    assert_eq!(finding["decided_at_local"], "2015-02-15T08:00:00+02:00", "{finding}");
    assert_eq!(finding["evidence"][0]["time"], "2015-02-15T06:00:00Z");
    assert_eq!(finding["evidence"][0]["time_local"], "2015-02-15T08:00:00+02:00");
    // A record known to a local day: its range in UTC, then in the calendar,
    // in that order.
    let dir_day = folder(&[
        ("r.cfr", rules),
        ("log.jsonl", "{\"time\": \"2015-02-15\", \"kind\": \"shelling\"}\n"),
    ]);
    let (_, stdout, _) = run(
        dir_day.path(),
        &[
            "verify",
            "r.cfr",
            "--log",
            "log.jsonl",
            "--as-of",
            "2015-02-17",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let range = &json["rules"][0]["instances"][0]["findings"][0]["evidence"][0]["time_range"];
    let keys: Vec<&str> = range.as_object().expect("a range").keys().map(String::as_str).collect();
    assert_eq!(keys, ["from", "to", "from_local", "to_local"], "{range}");
    assert_eq!(range["from"], "2015-02-14T22:00:00Z", "{range}");
    assert_eq!(range["to"], "2015-02-15T22:00:00Z", "{range}");
    assert_eq!(range["from_local"], "2015-02-15T00:00:00+02:00", "{range}");
    assert_eq!(range["to_local"], "2015-02-16T00:00:00+02:00", "{range}");
    for format in ["markdown", "html", "junit"] {
        let (_, stdout, _) = run(
            dir.path(),
            &[
                "verify",
                "r.cfr",
                "--log",
                "log.jsonl",
                "--as-of",
                "2015-02-16",
                "--format",
                format,
            ],
        );
        assert!(stdout.contains("Europe/Kyiv"), "{format}: {stdout}");
    }
    // Without a calendar, nothing changes: UTC alone, no local fields.
    let dir = folder(&[
        ("r.cfr", "event shelling\nrule quiet { no shelling after 2015-02-15 }\n"),
        (
            "log.jsonl",
            "{\"time\": \"2015-02-15T08:00:00Z\", \"kind\": \"shelling\"}\n",
        ),
    ]);
    let (_, stdout, _) = run(
        dir.path(),
        &["verify", "r.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert!(
        json.get("calendar").is_none() && json.get("as_of_local").is_none(),
        "{stdout}"
    );
}

#[test]
fn daily_windows() {
    let strike = |time: &str| format!(r#"{{"time":"{time}","kind":"strike","n":1}}"#);
    // 10:00 to 20:00 Gaza time (UTC+2 in January) on every day of the window.
    let rule = "no strike daily 10:00 to 20:00 between 2025-01-20 and 2025-01-23";
    let judge_at = |time: &str| judge("Asia/Gaza", rule, &[&strike(time)], "2025-02-01T00:00Z");
    assert_eq!(judge_at("2025-01-21T08:00:00Z"), Violated); // 10:00 local
    assert_eq!(judge_at("2025-01-21T07:59:59Z"), Satisfied);
    assert_eq!(judge_at("2025-01-21T18:00:00Z"), Satisfied); // 20:00, excluded
    // Across midnight: 22:00 to 06:00, the night before the window's first
    // day included, so a window from midnight begins with 00:00 to 06:00.
    let rule = "no strike daily 22:00 to 06:00 between 2025-01-20 and 2025-01-23";
    let judge_at = |time: &str| judge("Asia/Gaza", rule, &[&strike(time)], "2025-02-01T00:00Z");
    assert_eq!(judge_at("2025-01-19T22:30:00Z"), Violated); // 00:30 on the 20th
    assert_eq!(judge_at("2025-01-20T03:59:59Z"), Violated); // 05:59:59
    assert_eq!(judge_at("2025-01-20T04:00:00Z"), Satisfied); // 06:00
    assert_eq!(judge_at("2025-01-20T20:00:00Z"), Violated); // 22:00
    // A whole day in the log may fall in the hours or not.
    assert_eq!(
        verdict_of(
            "Asia/Gaza",
            rule,
            &[&r#"{"time":"2025-01-21","kind":"strike","n":1}"#.to_string()]
        ),
        ceasefire::Verdict::Indeterminate
    );
    // Across a summer-time change: on 30 March 2025 Kyiv's clocks jumped
    // from 03:00 to 04:00, so 02:00 to 05:00 lasted two hours that night.
    let rule = "no strike daily 02:00 to 05:00 between 2025-03-29 and 2025-04-01";
    let judge_at = |time: &str| judge("Europe/Kyiv", rule, &[&strike(time)], "2025-05-01T00:00Z");
    assert_eq!(judge_at("2025-03-30T00:00:00Z"), Violated); // 02:00 EET
    assert_eq!(judge_at("2025-03-30T01:59:59Z"), Violated); // 04:59:59 EEST
    assert_eq!(judge_at("2025-03-30T02:00:00Z"), Satisfied); // 05:00 EEST
    // A restricted window closes at the end of its last piece: by 20:00 on
    // the 22nd, not at midnight.
    let rule = "no strike daily 10:00 to 20:00 between 2025-01-20 and 2025-01-23";
    assert_eq!(judge("Asia/Gaza", rule, &[], "2025-01-22T18:00:00Z"), Satisfied);
    assert_eq!(judge("Asia/Gaza", rule, &[], "2025-01-22T17:59:59Z"), Pending);
    // Counts within the hours; written back as written.
    let rule = "count(strike) <= 1 daily 22:00 to 06:00 between 2025-01-20 and 2025-01-23";
    let log = [
        strike("2025-01-20T21:00:00Z"),
        strike("2025-01-21T01:00:00Z"),
        strike("2025-01-21T10:00:00Z"),
    ];
    let log: Vec<&str> = log.iter().map(String::as_str).collect();
    assert_eq!(judge("Asia/Gaza", rule, &log, "2025-02-01T00:00Z"), Violated);
    let text = format!("calendar \"Asia/Gaza\"\n{DECLARATIONS}\nrule r {{\n  {rule}\n}}\n");
    let dir = folder(&[("r.cfr", &text)]);
    let (code, stdout, stderr) = run(dir.path(), &["fmt", "--check", "r.cfr"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

fn verdict_of(calendar: &str, rule: &str, log: &[&String]) -> Verdict {
    let log: Vec<&str> = log.iter().map(|s| s.as_str()).collect();
    judge(calendar, rule, &log, "2025-02-01T00:00Z")
}
