//! Places (LANGUAGE-v2 §12), as far as they are built: the `position`
//! field type in JSON Lines, in CSV cells and through a source's
//! `(LAT, LON) ± RADIUS`.

use super::{folder, run};
use ceasefire::log::FieldValue;
use ceasefire::{LogFormat, LogSet, Rules, VerifyOptions};

const RULES: &str = r#"
event battle { place: position, deaths: int }
source ged {
  kind   = "battle"
  time   = date_start
  place  = (latitude, longitude) ± where_prec map { 1: 0km, 2: 25km, 7: skip, else: 100km }
  deaths = best
}
rule r { no battle after 2015-02-15 }
"#;

/// The positions of every evidence record, and the read log.
fn read(
    log: &str,
    name: &str,
    format: LogFormat,
    source: Option<&str>,
) -> (Vec<Option<FieldValue>>, ceasefire::ReadLog) {
    let rules = Rules::from_text("rules.cfr", RULES).unwrap_or_else(|e| panic!("{e:#?}"));
    let mut logs = LogSet::from_bytes(name, format, log.as_bytes().to_vec());
    if let Some(source) = source {
        logs = logs.read_through(0, source);
    }
    let options = VerifyOptions {
        skip_invalid: true,
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).unwrap_or_else(|e| panic!("{e}"));
    let positions = verified.evaluation.rules[0]
        .instances
        .iter()
        .flat_map(|i| &i.findings)
        .flat_map(|f| &f.evidence)
        .map(|e| e.fields.iter().find(|(n, _)| n == "place").map(|(_, v)| v.clone()))
        .collect();
    (positions, verified.read)
}

fn at(lat: f64, lon: f64, radius_m: f64) -> Option<FieldValue> {
    Some(FieldValue::Position(Box::new(
        ceasefire::log::Position::new(lat, lon, radius_m).expect("in range"),
    )))
}

#[test]
fn json_lines_give_positions_as_objects_or_geojson_pairs() {
    let log = [
        r#"{"time": "2015-02-16T10:00Z", "kind": "battle", "place": {"lat": 48.0, "lon": 37.8}}"#,
        r#"{"time": "2015-02-16T11:00Z", "kind": "battle", "place": {"lat": 48.0, "lon": 37.8, "radius_km": 2.5}}"#,
        r#"{"time": "2015-02-16T12:00Z", "kind": "battle", "place": [37.8, 48.0]}"#,
        r#"{"time": "2015-02-16T13:00Z", "kind": "battle", "place": [37.8, 48.0, 120]}"#,
        r#"{"time": "2015-02-16T14:00Z", "kind": "battle", "place": {"lat": 91, "lon": 0}}"#,
        r#"{"time": "2015-02-16T15:00Z", "kind": "battle", "place": {"lat": 48, "lon": 37.8, "radius_km": -1}}"#,
        r#"{"time": "2015-02-16T16:00Z", "kind": "battle", "place": {"lat": 48, "long": 37.8}}"#,
        r#"{"time": "2015-02-16T17:00Z", "kind": "battle", "place": "48.0, 37.8"}"#,
    ]
    .join("\n");
    let (positions, read) = read(&log, "log.jsonl", LogFormat::Jsonl, None);
    assert_eq!(
        positions,
        [
            at(48.0, 37.8, 0.0),
            at(48.0, 37.8, 2500.0),
            at(48.0, 37.8, 0.0),
            at(48.0, 37.8, 0.0)
        ]
    );
    // Out of range, a negative radius, an unknown key, text: invalid, each
    // with its line and the field at fault.
    let lines: Vec<(u64, &str)> = read
        .invalid
        .iter()
        .map(|p| (p.place.as_ref().map_or(0, |p| p.line), p.code.as_str()))
        .collect();
    assert_eq!(lines, [(5, "CF1008"), (6, "CF1008"), (7, "CF1008"), (8, "CF1008")]);
    let first = &read.invalid[0];
    assert!(first.message.contains("which is no position"), "{}", first.message);
    let place = first.place.as_ref().expect("a place");
    assert!(
        place.text[place.highlight.clone()].starts_with("{\"lat\": 91"),
        "{place:?}"
    );
}

#[test]
fn a_source_reads_a_position_from_two_columns_with_a_mapped_radius() {
    let log = "date_start,latitude,longitude,where_prec,best\n\
               2015-02-16,48.1,37.8,2,3\n\
               2015-02-16,48.2,37.9,1,1\n\
               2015-02-16,48.3,38.0,4,1\n\
               2015-02-16,48.4,38.1,7,1\n\
               2015-02-16,\"1,\"\"lon\"\":2\",38.1,1,1\n\
               2015-02-16,,,1,1\n";
    let (positions, read) = read(log, "ged.csv", LogFormat::Csv, Some("ged"));
    assert_eq!(
        positions,
        [
            at(48.1, 37.8, 25_000.0),
            at(48.2, 37.9, 0.0),
            at(48.3, 38.0, 100_000.0),
            None
        ]
    );
    // `7: skip` skipped one record, counted against the radius's column.
    let skips: Vec<(&str, &str, u64)> = read
        .skipped_by_map
        .iter()
        .map(|s| (s.target.as_str(), s.column.as_str(), s.records))
        .collect();
    assert_eq!(skips, [("place", "where_prec", 1)]);
    // A latitude that is not a number (here text crafted to look like JSON)
    // is an invalid record naming its column, never a position.
    assert_eq!(read.invalid.len(), 1, "{:?}", read.invalid);
    assert!(
        read.invalid[0].message.contains("(column `latitude`)"),
        "{}",
        read.invalid[0].message
    );
    assert_eq!(
        read.records,
        read.observations + read.invalid_count() + read.skipped_count()
    );
}

#[test]
fn positions_survive_the_spool_and_reach_every_report() {
    let dir = folder(&[
        ("rules.cfr", RULES),
        (
            "a.jsonl",
            "{\"time\": \"2015-02-16T10:00Z\", \"kind\": \"battle\", \"place\": {\"lat\": 48.0, \"lon\": 37.8, \"radius_km\": 25}}\n",
        ),
        (
            "b.jsonl",
            "{\"time\": \"2015-02-16T09:00Z\", \"kind\": \"battle\", \"place\": [30.5, 50.45]}\n",
        ),
    ]);
    // Two logs go through the spool on disk.
    let (code, out, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "a.jsonl", "b.jsonl", "--format", "json"],
    );
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let evidence = &report["rules"][0]["instances"][0]["findings"][0]["evidence"];
    let places: Vec<&serde_json::Value> = evidence
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| &e["fields"]["place"])
        .collect();
    assert_eq!(places[0], &serde_json::json!({"lat": 50.45, "lon": 30.5}));
    assert_eq!(
        places[1],
        &serde_json::json!({"lat": 48.0, "lon": 37.8, "radius_km": 25.0})
    );
    let (_, markdown, _) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "a.jsonl",
            "b.jsonl",
            "--format",
            "markdown",
        ],
    );
    assert!(markdown.contains("place 48, 37.8 ± 25 km"), "{markdown}");
}

#[test]
fn a_position_is_checked_where_the_source_declares_it() {
    let check = |lines: &str| {
        let rules = format!(
            "event battle {{ place: position, deaths: int }}\nsource ged {{\n  kind = \"battle\"\n  time = date_start\n{lines}\n}}\nrule r {{ no battle after 2015-02-15 }}\n"
        );
        match Rules::from_text("rules.cfr", &rules) {
            Ok(_) => Vec::new(),
            Err(ceasefire::RulesError::Invalid { diagnostics, .. }) => {
                diagnostics.iter().map(|d| d.code.as_str().to_string()).collect()
            }
            Err(other) => panic!("{other:?}"),
        }
    };
    assert!(check("  place = (latitude, longitude)").is_empty());
    assert!(check("  place = (latitude, longitude) +- 2.5km").is_empty());
    assert_eq!(check("  deaths = (latitude, longitude)\n  place = (a, b)"), ["CF0222"]);
    assert_eq!(
        check("  place = (latitude, longitude) ± where_prec map { 1: 0km }"),
        ["CF0222"]
    );
    assert_eq!(
        check("  place = (latitude, longitude) ± where_prec map { 1: big, else: 1km }"),
        ["CF0301"]
    );
    assert_eq!(check("  place = (a, b)\n  deaths = best map { 1: 5km }"), ["CF0301"]);
}
