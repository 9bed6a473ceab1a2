//! The rule sets on real data (`rules/minsk-2015-ucdp`,
//! `rules/gaza-pause-2023-ucdp`): every figure their READMEs state is
//! computed here straight from the published CSV, without the engine, and
//! must be what the README says and what `verify` reports.

use super::{root, run};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::HashMap;

/// One event as UCDP gives it: its first and last possible local day.
struct Event {
    first: NaiveDate,
    last: NaiveDate,
    province: String,
    best: u64,
    /// Latitude, longitude and the radius in metres its `where_prec` gives
    /// (as the rule sets map it: 1 exact, 2 25 km, 3 50 km, 4-5 200 km,
    /// else 1,000 km).
    place: (f64, f64, f64),
}

fn events(file: &str) -> Vec<Event> {
    let mut reader = csv::Reader::from_path(root().join("data/ucdp").join(file)).expect("the data");
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (start, end, adm_1, best) = (
        column("date_start"),
        column("date_end"),
        column("adm_1"),
        column("best"),
    );
    let (latitude, longitude, where_prec) = (column("latitude"), column("longitude"), column("where_prec"));
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
    reader
        .records()
        .map(|row| {
            let row = row.expect("a row");
            let first = date(&row[start]);
            Event {
                first,
                last: if row[end].is_empty() { first } else { date(&row[end]) },
                province: row[adm_1].to_string(),
                best: row[best].parse().expect("a whole number"),
                place: (
                    row[latitude].parse().expect("a latitude"),
                    row[longitude].parse().expect("a longitude"),
                    match &row[where_prec] {
                        "1" => 0.0,
                        "2" => 25_000.0,
                        "3" => 50_000.0,
                        "4" | "5" => 200_000.0,
                        _ => 1_000_000.0,
                    },
                ),
            }
        })
        .collect()
}

/// What a window of a rule counts.
#[derive(Clone, Copy, PartialEq)]
enum Measure {
    /// Fatal events (`best` >= 1).
    Events,
    /// Deaths (`best`, summed).
    Deaths,
    /// Fatal events no farther than this many metres from the line of
    /// contact: certainly if the whole disc of the event's radius is, possibly
    /// if some of it is.
    EventsNear(f64),
}

/// One figure a README states: a rule's window (local times) in a province
/// (`None`: all the rule set's provinces), and what it counts.
struct Window {
    rule: &'static str,
    province: Option<&'static str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    measure: Measure,
}

/// The certain and possible figures of a window: an event certainly falls
/// in it if all its days do, possibly if any of its instants may. Days run
/// from local midnight to the next, in the rule set's calendar, as the
/// windows do, so local clock times compare directly.
fn figures(events: &[Event], provinces: &[&str], window: &Window) -> (u64, u64) {
    let midnight = NaiveTime::MIN;
    let (mut certain, mut possible) = (0, 0);
    for event in events {
        let in_place = match window.province {
            Some(p) => event.province == p,
            None => provinces.contains(&event.province.as_str()),
        };
        if !in_place || (window.measure != Measure::Deaths && event.best == 0) {
            continue;
        }
        let start = event.first.and_time(midnight);
        let end = event.last.succ_opt().expect("a next day").and_time(midnight);
        let value = match window.measure {
            Measure::Events | Measure::EventsNear(_) => 1,
            Measure::Deaths => event.best,
        };
        let (near_certainly, near_possibly) = match window.measure {
            Measure::EventsNear(limit) if start < window.to && end > window.from => {
                let (lat, lon, radius) = event.place;
                let d = distance_to_the_line(lat, lon);
                (d + radius <= limit, (d - radius).max(0.0) <= limit)
            }
            Measure::EventsNear(_) => (false, false),
            _ => (true, true),
        };
        if start >= window.from && end <= window.to && near_certainly {
            certain += value;
        }
        if start < window.to && end > window.from && near_possibly {
            possible += value;
        }
    }
    (certain, possible)
}

/// The geodesic distance in metres from a point to the line of contact of
/// `rules/geo` (read here with serde_json), found without the engine: on
/// each segment, a golden-section search along the geodesic between its
/// vertices for the nearest point (the distance along a segment of these
/// lengths has one minimum), each distance by Karney's inverse solution.
fn distance_to_the_line(lat: f64, lon: f64) -> f64 {
    use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
    static LINE: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    let line = LINE.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("rules/geo/ukraine-line-of-contact-2015-02-approx.geojson"))
            .expect("the line");
        let json: serde_json::Value = serde_json::from_str(&text).expect("GeoJSON");
        json["features"][0]["geometry"]["coordinates"]
            .as_array()
            .expect("a line string")
            .iter()
            .map(|p| (p[1].as_f64().expect("lat"), p[0].as_f64().expect("lon")))
            .collect()
    });
    let g = Geodesic::wgs84();
    let mut best = f64::INFINITY;
    for pair in line.windows(2) {
        let ((lat1, lon1), (lat2, lon2)) = (pair[0], pair[1]);
        let (length, azimuth, _, _): (f64, f64, f64, f64) = g.inverse(lat1, lon1, lat2, lon2);
        let at = |s: f64| -> f64 {
            let (plat, plon): (f64, f64) = g.direct(lat1, lon1, azimuth, s);
            g.inverse(lat, lon, plat, plon)
        };
        let ratio = (5f64.sqrt() - 1.0) / 2.0;
        let (mut a, mut b) = (0.0, length);
        while b - a > 0.01 {
            let (c, d) = (b - ratio * (b - a), a + ratio * (b - a));
            if at(c) < at(d) {
                b = d;
            } else {
                a = c;
            }
        }
        best = best.min(at((a + b) / 2.0)).min(at(0.0)).min(at(length));
    }
    best
}

fn at(date: &str, time: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").expect("a local time")
}

/// Consecutive windows of `days` days (or calendar months, for `months`).
fn slices(rule: &'static str, from: &str, count: usize, step: Step, measure: Measure) -> Vec<Window> {
    let mut out = Vec::new();
    let mut start = at(from, "00:00");
    for _ in 0..count {
        let end = match step {
            Step::Days(n) => start + chrono::Duration::days(n),
            Step::Month => start.checked_add_months(chrono::Months::new(1)).expect("a next month"),
        };
        out.push(Window {
            rule,
            province: None,
            from: start,
            to: end,
            measure,
        });
        start = end;
    }
    out
}

#[derive(Clone, Copy)]
enum Step {
    Days(i64),
    Month,
}

/// Each window of `rule` in each province.
fn per_province(rule: &'static str, provinces: &[&'static str], from: NaiveDateTime, to: NaiveDateTime) -> Vec<Window> {
    provinces
        .iter()
        .map(|&p| Window {
            rule,
            province: Some(p),
            from,
            to,
            measure: Measure::Events,
        })
        .collect()
}

/// A README's row for a window: `| `rule` | place | from | to | certain | possible |`.
fn row(window: &Window, place_of_all: &str, (certain, possible): (u64, u64)) -> String {
    let place = window.province.unwrap_or(place_of_all);
    format!(
        "| `{}` | {place} | {} | {} | {certain} | {possible} |",
        window.rule,
        window.from.format("%Y-%m-%d %H:%M"),
        window.to.format("%Y-%m-%d %H:%M"),
    )
}

/// What `verify` reports for each slice of each rule: (rule, province
/// binding, local start) → (certain, possible). A slice without a finding
/// held nothing.
fn reported(rule_set: &str, data: &str) -> HashMap<(String, Option<String>, String), (u64, u64)> {
    let log = format!("ucdp={}", root().join("data/ucdp").join(data).display());
    let rules = root().join("rules").join(rule_set);
    let (code, out, err) = run(
        &root(),
        &["verify", &rules.to_string_lossy(), "--log", &log, "--format", "json"],
    );
    assert!(code <= 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let mut figures = HashMap::new();
    for rule in report["rules"].as_array().expect("rules") {
        for instance in rule["instances"].as_array().expect("instances") {
            let zone = instance["bindings"]["z"].as_str().map(str::to_string);
            for finding in instance["findings"].as_array().expect("findings") {
                let start = finding["window"]["start_local"].as_str().expect("a local start");
                let reason = finding["reason"].as_str().expect("a reason");
                let key = (
                    rule["id"].as_str().expect("an id").to_string(),
                    zone.clone(),
                    start[..16].replace('T', " "),
                );
                figures.insert(key, stated(reason));
            }
        }
    }
    figures
}

/// The count or sum a finding's reason states: "was 6" or "was between 27 and 28".
fn stated(reason: &str) -> (u64, u64) {
    let after = reason.split(" was ").nth(1).expect("a figure");
    let words: Vec<&str> = after.split([' ', ';']).collect();
    let number = |w: &str| w.parse::<u64>().unwrap_or_else(|_| panic!("a number in {reason}"));
    if words[0] == "between" {
        (number(words[1]), number(words[3]))
    } else {
        let n = number(words[0]);
        (n, n)
    }
}

/// Checks every window: the README states the independent figure, and
/// `verify` reports it.
fn check(
    rule_set: &str,
    data: &str,
    provinces: &[&str],
    place_of_all: &str,
    windows: &[Window],
    zones: &[(&str, &str)],
) {
    let events = events(data);
    let readme = std::fs::read_to_string(root().join("rules").join(rule_set).join("README.md")).expect("a README");
    let engine = reported(rule_set, data);
    let mut missing = Vec::new();
    for window in windows {
        let figures = figures(&events, provinces, window);
        let row = row(window, place_of_all, figures);
        if std::env::var_os("PRINT_ROWS").is_some() {
            println!("{row}");
        }
        if !readme.contains(&row) {
            missing.push(row);
        }
        let zone = window.province.map(|p| {
            zones
                .iter()
                .find(|(province, _)| *province == p)
                .expect("a zone")
                .1
                .to_string()
        });
        let key = (
            window.rule.to_string(),
            zone,
            window.from.format("%Y-%m-%d %H:%M").to_string(),
        );
        let reported = engine.get(&key).copied().unwrap_or((0, 0));
        assert_eq!(reported, figures, "verify disagrees on {key:?}");
    }
    assert!(
        missing.is_empty(),
        "README rows missing or wrong:\n{}",
        missing.join("\n")
    );
}

#[test]
fn minsk_figures_are_the_data() {
    let provinces = ["Donetsk oblast", "Luhansk oblast"];
    let zones = [("Donetsk oblast", "donetsk"), ("Luhansk oblast", "luhansk")];
    let mut windows = Vec::new();
    windows.extend(per_province(
        "minsk_first_week",
        &provinces,
        at("2015-02-15", "00:00"),
        at("2015-02-22", "00:00"),
    ));
    windows.extend(per_province(
        "minsk_first_30_days",
        &provinces,
        at("2015-02-15", "00:00"),
        at("2015-03-17", "00:00"),
    ));
    windows.extend(slices("minsk_weekly", "2015-02-16", 10, Step::Days(7), Measure::Events));
    windows.extend(slices(
        "minsk_monthly_deaths",
        "2015-03-01",
        10,
        Step::Month,
        Measure::Deaths,
    ));
    windows.extend(slices(
        "near_the_line_monthly",
        "2015-03-01",
        10,
        Step::Month,
        Measure::EventsNear(15_000.0),
    ));
    windows.extend(per_province(
        "full_ceasefire_first_week",
        &provinces,
        at("2020-07-27", "00:01"),
        at("2020-08-03", "00:01"),
    ));
    windows.extend(per_province(
        "full_ceasefire_first_30_days",
        &provinces,
        at("2020-07-27", "00:01"),
        at("2020-08-26", "00:01"),
    ));
    windows.extend(slices(
        "full_ceasefire_weekly",
        "2020-08-03",
        12,
        Step::Days(7),
        Measure::Events,
    ));
    windows.extend(slices(
        "full_ceasefire_monthly_deaths",
        "2020-08-01",
        6,
        Step::Month,
        Measure::Deaths,
    ));
    check(
        "minsk-2015-ucdp",
        "ucdp_ged_ukraine_2014_2022.csv",
        &provinces,
        "both oblasts",
        &windows,
        &zones,
    );
}

#[test]
fn gaza_pause_figures_are_the_data() {
    let provinces = ["Gaza Strip"];
    let mut windows = vec![Window {
        rule: "no_fatal_event_during_the_pause",
        province: None,
        from: at("2023-11-24", "07:00"),
        to: at("2023-12-01", "07:00"),
        measure: Measure::Events,
    }];
    windows.extend(slices(
        "fatal_events_per_day",
        "2023-11-24",
        8,
        Step::Days(1),
        Measure::Events,
    ));
    check(
        "gaza-pause-2023-ucdp",
        "ucdp_ged241_israel_palestine_subset.csv",
        &provinces,
        "Gaza Strip",
        &windows,
        &[],
    );
    // The figures: 4 events certainly in the pause, 34 possibly.
    let events = events("ucdp_ged241_israel_palestine_subset.csv");
    assert_eq!(figures(&events, &provinces, &windows[0]), (4, 34));
}

/// The README's other figures, counted from the files.
#[test]
fn the_readmes_other_figures_are_the_data() {
    let minsk = std::fs::read_to_string(root().join("rules/minsk-2015-ucdp/README.md")).expect("README");
    let minsk = minsk.split_whitespace().collect::<Vec<_>>().join(" ");
    let ukraine = events("ucdp_ged_ukraine_2014_2022.csv");
    let zero = ukraine.iter().filter(|e| e.best == 0).count();
    assert!(
        minsk.contains(&format!("({zero} records of the file have 0)")),
        "{zero}"
    );
    let elsewhere = ukraine
        .iter()
        .filter(|e| !["Donetsk oblast", "Luhansk oblast"].contains(&e.province.as_str()))
        .count();
    assert!(minsk.contains(&format!("the {elsewhere} records elsewhere or without a province")));
    let rostov = ukraine.iter().filter(|e| e.province == "Rostov oblast").count();
    assert!(minsk.contains(&format!("events UCDP placed in Russia ({rostov}, in Rostov oblast)")));

    let gaza_readme = std::fs::read_to_string(root().join("rules/gaza-pause-2023-ucdp/README.md")).expect("README");
    let gaza_readme = gaza_readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = events("ucdp_ged241_israel_palestine_subset.csv");
    let elsewhere = all.iter().filter(|e| e.province != "Gaza Strip").count();
    let thousands = |n: usize| {
        let t = n.to_string();
        if t.len() > 3 {
            format!("{},{}", &t[..t.len() - 3], &t[t.len() - 3..])
        } else {
            t
        }
    };
    assert!(gaza_readme.contains(&format!("the {} records in the West Bank", thousands(elsewhere))));
    let gaza: Vec<&Event> = all
        .iter()
        .filter(|e| e.province == "Gaza Strip" && e.best >= 1)
        .collect();
    // v1 read a bare date as its midnight UTC: `date_start` in [05:00Z on
    // 24 November, 05:00Z on 1 December) is a date from the 25th to the 1st.
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date");
    let v1 = gaza
        .iter()
        .filter(|e| e.first >= day("2023-11-25") && e.first <= day("2023-12-01"))
        .count();
    assert!(
        gaza_readme.contains(&format!("the same file gave {v1} \"certain\" events")),
        "{v1}"
    );
    let touching: Vec<&&Event> = gaza
        .iter()
        .filter(|e| e.first <= day("2023-12-01") && e.last >= day("2023-11-24"))
        .collect();
    let ranges = touching.iter().filter(|e| e.first != e.last).count();
    let widest = touching.iter().max_by_key(|e| e.best).expect("an event");
    assert!(gaza_readme.contains(&format!(
        "of the {} events that may fall in the pause, {ranges} are known only to a range of days, among them one dated {}-{} with {} deaths",
        touching.len(),
        widest.first.format("%-d"),
        widest.last.format("%-d %B"),
        widest.best
    )));
}

/// Evidence read through the Minsk source shows the file's own cells (not
/// the kind's name, a literal that no column has) and, in every format, the
/// distance measured to the line.
#[test]
fn minsk_evidence_shows_the_files_cells_and_the_distance() {
    let log = format!(
        "ucdp={}",
        root().join("data/ucdp/ucdp_ged_ukraine_2014_2022.csv").display()
    );
    let rules = root().join("rules/minsk-2015-ucdp");
    let (_, out, err) = run(
        &root(),
        &["verify", &rules.to_string_lossy(), "--log", &log, "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("json: {err}"));
    let rule = report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "near_the_line_monthly")
        .expect("the rule");
    let evidence = &rule["instances"][0]["findings"][0]["evidence"][0];
    let record = evidence["record"].as_object().expect("a record");
    assert!(
        record.contains_key("where_prec") && !record.contains_key("fatal"),
        "{evidence}"
    );
    let metres = evidence["distances"]["contact_2015"]["metres"]
        .as_f64()
        .expect("a distance");
    assert!(metres <= 15_000.0, "{evidence}");
    let (_, human, _) = run(&root(), &["verify", &rules.to_string_lossy(), "--log", &log]);
    assert!(human.contains("from contact_2015"), "{human}");
}
