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

/// A square south of the Litani-like latitudes with a hole, a line 74 km
/// long along 48° N, and the rules that ask about them.
fn places_folder(rules: &str) -> tempfile::TempDir {
    folder(&[
        ("rules.cfr", rules),
        (
            "south.geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
                [[35.1, 33.0], [35.9, 33.0], [35.9, 33.4], [35.1, 33.4], [35.1, 33.0]],
                [[35.4, 33.1], [35.6, 33.1], [35.6, 33.2], [35.4, 33.2], [35.4, 33.1]]]}}]}"#,
        ),
        (
            "contact.geojson",
            r#"{"type": "LineString", "coordinates": [[37.0, 48.0], [38.0, 48.0]]}"#,
        ),
    ])
}

const PLACES: &str = r#"
area south "South" from "south.geojson"
line contact "Line of contact" from "contact.geojson"
zone donbas "Donbas" area "south.geojson"
zone plain
event strike { position: position }
event shelling { position: position, zone: zone }
rule inside_south { no strike where position inside south after 2024-01-01 }
rule near_contact { no strike where distance(position, contact) <= 15km after 2024-01-01 }
rule far_from_contact { no strike where distance(position, contact) > 15km after 2024-01-01 }
rule by_position { no strike in zone donbas after 2024-01-01 }
rule by_either { no shelling in zone donbas after 2024-01-01 }
"#;

/// Each rule's verdict for a log of one strike (or shelling) line.
fn verdicts(lines: &[&str]) -> Vec<(String, String)> {
    let dir = places_folder(PLACES);
    std::fs::write(dir.path().join("log.jsonl"), lines.join("\n")).expect("a log");
    let (code, out, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert!(code <= 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["verdict"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn verdict_of(lines: &[&str], rule: &str) -> String {
    verdicts(lines)
        .into_iter()
        .find(|(id, _)| id == rule)
        .map(|(_, v)| v)
        .expect("the rule")
}

fn strike(position: &str) -> String {
    format!(r#"{{"time": "2024-06-01T10:00Z", "kind": "strike", "position": {position}}}"#)
}

#[test]
fn inside_an_area_its_edges_and_its_holes() {
    let judge = |p: &str| verdict_of(&[&strike(p)], "inside_south");
    assert_eq!(judge(r#"{"lat": 33.3, "lon": 35.2}"#), "violated");
    assert_eq!(
        judge(r#"{"lat": 33.15, "lon": 35.5}"#),
        "pending",
        "in the hole: outside"
    );
    assert_eq!(
        judge(r#"{"lat": 33.0, "lon": 35.2}"#),
        "violated",
        "on the edge: inside"
    );
    assert_eq!(judge(r#"{"lat": 32.0, "lon": 35.2}"#), "pending");
    // 1 km inside the southern edge, known to within 5 km: it may be either side.
    assert_eq!(
        judge(r#"{"lat": 33.009, "lon": 35.2, "radius_km": 5}"#),
        "indeterminate"
    );
    assert_eq!(judge(r#"{"lat": 33.009, "lon": 35.2, "radius_km": 0.5}"#), "violated");
    // A strike without a position is in no area.
    assert_eq!(
        verdict_of(&[r#"{"time": "2024-06-01T10:00Z", "kind": "strike"}"#], "inside_south"),
        "pending"
    );
}

#[test]
fn distances_from_a_line_three_valued() {
    // About 10 km north of the line's middle (the geodesic bows ~120 m north).
    let near = strike(r#"{"lat": 48.09, "lon": 37.5}"#);
    assert_eq!(verdict_of(&[&near], "near_contact"), "violated");
    assert_eq!(verdict_of(&[&near], "far_from_contact"), "pending");
    // About 20 km away, known to within 10 km: 10 to 30 km, either side of 15 km.
    let vague = strike(r#"{"lat": 48.18, "lon": 37.5, "radius_km": 10}"#);
    assert_eq!(verdict_of(&[&vague], "near_contact"), "indeterminate");
    assert_eq!(verdict_of(&[&vague], "far_from_contact"), "indeterminate");
    let far = strike(r#"{"lat": 49.0, "lon": 37.5}"#);
    assert_eq!(verdict_of(&[&far], "near_contact"), "pending");
    assert_eq!(verdict_of(&[&far], "far_from_contact"), "violated");
}

#[test]
fn in_zone_by_position_and_by_field() {
    // `strike` has only a position: `in zone donbas` asks the zone's area.
    assert_eq!(
        verdict_of(&[&strike(r#"{"lat": 33.3, "lon": 35.2}"#)], "by_position"),
        "violated"
    );
    assert_eq!(
        verdict_of(&[&strike(r#"{"lat": 40.0, "lon": 35.2}"#)], "by_position"),
        "pending"
    );
    // `shelling` has both: either places it in the zone.
    let by_field = r#"{"time": "2024-06-01T10:00Z", "kind": "shelling", "zone": "donbas", "position": [10.0, 10.0]}"#;
    let by_position = r#"{"time": "2024-06-01T10:00Z", "kind": "shelling", "zone": "plain", "position": [35.2, 33.3]}"#;
    let neither = r#"{"time": "2024-06-01T10:00Z", "kind": "shelling", "zone": "plain", "position": [10.0, 10.0]}"#;
    assert_eq!(verdict_of(&[by_field], "by_either"), "violated");
    assert_eq!(verdict_of(&[by_position], "by_either"), "violated");
    assert_eq!(verdict_of(&[neither], "by_either"), "pending");
}

#[test]
fn places_are_checked_and_read_under_the_include_policy() {
    let codes = |rules: &str| {
        let dir = places_folder(rules);
        let (_, out, _) = run(dir.path(), &["check", "rules.cfr", "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&out).expect("json");
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    let base = "event strike { position: position, n: int }\n";
    // A line has no inside; a distance is not compared with `=`.
    let rules = format!(
        "{base}line contact from \"contact.geojson\"\nrule r {{ no strike where position inside contact after 2024-01-01 }}\n"
    );
    assert_eq!(codes(&rules), ["CF0301"]);
    let rules = format!(
        "{base}line contact from \"contact.geojson\"\nrule r {{ no strike where distance(position, contact) = 1km after 2024-01-01 }}\n"
    );
    assert_eq!(codes(&rules), ["CF0303"]);
    // Only position fields are asked where they are.
    let rules = format!(
        "{base}area south from \"south.geojson\"\nrule r {{ no strike where n inside south after 2024-01-01 }}\n"
    );
    assert_eq!(codes(&rules), ["CF0301"]);
    // Files that are not GeoJSON by name are not read; the wrong sort of geometry is an error.
    let rules =
        format!("{base}area a from \"rules.cfr\"\nline b from \"south.geojson\"\narea c from \"contact.geojson\"\n");
    assert_eq!(codes(&rules), ["CF0106", "CF0224", "CF0224"]);
    // A place outside --include-root is not read.
    let dir = places_folder(&format!(
        "{base}area south from \"../outside.geojson\"\nrule r {{ no strike where position inside south after 2024-01-01 }}\n"
    ));
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).expect("a folder");
    std::fs::rename(dir.path().join("rules.cfr"), inner.join("rules.cfr")).expect("moved");
    std::fs::copy(dir.path().join("south.geojson"), dir.path().join("outside.geojson")).expect("copied");
    let (code, out, _) = run(&inner, &["check", "rules.cfr", "--include-root", "."]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("CF0106") && out.contains("outside the include root"),
        "{out}"
    );
    let (code, out, _) = run(&inner, &["check", "rules.cfr"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn evidence_shows_the_measured_distance() {
    let dir = places_folder(PLACES);
    std::fs::write(dir.path().join("log.jsonl"), strike(r#"{"lat": 48.09, "lon": 37.5}"#)).expect("a log");
    let (_, out, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    let rule = report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "near_contact")
        .expect("the rule");
    let evidence = &rule["instances"][0]["findings"][0]["evidence"][0];
    // About 10 km north of the line's middle, less the geodesic's bow.
    let metres = evidence["distances"]["contact"]["metres"].as_f64().expect("a distance");
    assert!((9_850.0..9_920.0).contains(&metres), "{evidence}");
    let (_, markdown, _) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "markdown"],
    );
    assert!(markdown.contains(" km from contact"), "{markdown}");
}

/// The distances `rules/minsk-2015/README.md` states for the OSCE sightings
/// are what the engine measures from each sighting to its side's line.
#[test]
fn the_minsk_readmes_distances_are_measured() {
    use ceasefire::places::{Shape, Sort};
    let root = super::root().join("rules");
    let line = |name: &str| {
        let text = std::fs::read_to_string(root.join("geo").join(name)).expect("a line");
        Shape::from_geojson(&text, Sort::Line).expect("a line")
    };
    let contact = line("ukraine-line-of-contact-2015-02-approx.geojson");
    let memorandum = line("ukraine-minsk-memorandum-line-2014-09-19-approx.geojson");
    let log = std::fs::read_to_string(root.join("minsk-2015/log.jsonl")).expect("the log");
    let mut measured = Vec::new();
    for text in log.lines() {
        let record: serde_json::Value = serde_json::from_str(text).expect("a record");
        if record["kind"] != "weapons_seen" {
            continue;
        }
        let (lat, lon) = (
            record["position"]["lat"].as_f64().expect("lat"),
            record["position"]["lon"].as_f64().expect("lon"),
        );
        let shape = if record["area"] == "government-controlled" {
            &contact
        } else {
            &memorandum
        };
        measured.push((
            record["area"] == "government-controlled",
            shape.distance(lat, lon, 1e6) / 1000.0,
        ));
    }
    let km = |government: bool| -> Vec<f64> {
        let mut d: Vec<f64> = measured
            .iter()
            .filter(|(g, _)| *g == government)
            .map(|(_, d)| *d)
            .collect();
        d.sort_by(f64::total_cmp);
        d
    };
    // The armed formations' side: Donetsk 9.5 km, Luhansk and Brianka 14 km
    // (and Khrustalnyi, 37 km: within 5 km of the 35 km edge, possibly inside).
    let armed: Vec<String> = km(false).iter().map(|d| format!("{d:.1}")).collect();
    assert_eq!(armed, ["9.5", "13.6", "14.1", "37.0"]);
    // The government side: 22 and 25 km (artillery), 42 km (Malynivka).
    let government: Vec<String> = km(true).iter().map(|d| format!("{d:.0}")).collect();
    assert_eq!(government, ["22", "25", "42"]);
    let readme = std::fs::read_to_string(root.join("minsk-2015/README.md")).expect("README");
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for stated in [
        "(9.5 km from the Memorandum line",
        "Luhansk (14 km",
        "Brianka (14 km",
        "22 and 25 km",
        "lies 42 km",
    ] {
        assert!(readme.contains(stated), "{stated}");
    }
}
