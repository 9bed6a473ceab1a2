//! Sources (LANGUAGE-v2 §11): datasets read as they are published, through
//! `source` declarations, `--log NAME=PATH` and the built-in `std:` sources.

use super::{folder, root, run};
use ceasefire::Verdict::{Satisfied, Violated};
use ceasefire::{LogFormat, LogSet, Rules, VerifyOptions};

const RULES: &str = r#"
calendar "Europe/Kyiv"
zone donetsk "Donetsk oblast"
zone luhansk "Luhansk oblast"
event battle { zone: zone, deaths: int, side: text }
source ged "A GED-shaped file" {
  kind   = type_of_violence map { 1: battle, else: skip }
  time   = date_start .. date_end
  zone   = adm_1 map { "Donetsk oblast": donetsk, "Luhansk oblast": luhansk, else: skip }
  deaths = best
  side   = "side b"
  id     = id
  source = source_office split ";"
}
rule quiet_donetsk {
  no battle in zone donetsk between 2015-02-15 and 2015-02-22
}
rule few_deaths {
  sum(deaths of battle) <= 10 between 2015-02-15 and 2015-03-01
}
"#;

const CSV: &str = "\
id,type_of_violence,date_start,date_end,adm_1,best,side b,source_office
1,1,2015-02-10,2015-02-10,Donetsk oblast,2,DPR,Reuters;AFP
2,1,2015-02-16,2015-02-16,Luhansk oblast,3,LPR,AFP
3,2,2015-02-16,2015-02-16,Donetsk oblast,9,X,AFP
4,1,2015-02-16,,,5,DPR,AFP
5,1,2015-02-23,2015-02-24,Donetsk oblast,4,DPR,Reuters; Reuters
";

fn verified(rules: &str, name: &str, format: LogFormat, log: &str) -> ceasefire::Verified {
    let rules = Rules::from_text("rules.cfr", rules).unwrap_or_else(|e| panic!("{e:#?}"));
    let logs = LogSet::from_bytes(name, format, log.as_bytes().to_vec()).read_through(0, "ged");
    let options = VerifyOptions {
        as_of: Some(
            ceasefire::time::parse_timestamp("2015-03-10T00:00Z")
                .expect("as of")
                .to_utc(),
        ),
        ..VerifyOptions::default()
    };
    ceasefire::verify(&rules.model, &logs, &options).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_csv_file_is_read_through_its_source_and_nothing_is_lost() {
    let verified = verified(RULES, "ged.csv", LogFormat::Csv, CSV);
    let read = &verified.read;
    assert!(read.invalid.is_empty(), "{:?}", read.invalid);
    // Record 3 is skipped by the map of `kind`, record 4 by that of `zone`.
    assert_eq!(read.records, 5);
    assert_eq!(read.observations, 3);
    let skips: Vec<(&str, &str, u64)> = read
        .skipped_by_map
        .iter()
        .map(|s| (s.target.as_str(), s.column.as_str(), s.records))
        .collect();
    assert_eq!(skips, [("kind", "type_of_violence", 1), ("zone", "adm_1", 1)]);
    assert_eq!(
        read.records,
        read.observations + read.invalid_count() + read.skipped_count() + read.after_as_of
    );
    let verdicts: Vec<_> = verified.evaluation.rules.iter().map(|r| r.verdict).collect();
    // Nothing in Donetsk in the first week (record 5 is after it); 3 + 4 deaths.
    assert_eq!(verdicts, [Satisfied, Satisfied]);
}

#[test]
fn evidence_shows_the_record_id_and_the_cells_the_source_read() {
    let rules = RULES.replace("<= 10", "<= 5");
    let verified = verified(&rules, "ged.csv", LogFormat::Csv, CSV);
    let rule = &verified.evaluation.rules[1];
    assert_eq!(rule.verdict, Violated);
    let evidence = &rule.instances[0].findings[0].evidence;
    let first = evidence
        .iter()
        .find(|e| e.origin.line == 3)
        .expect("record 2, on line 3");
    let record = first.record.as_ref().expect("the record as its source read it");
    assert_eq!(record.id.as_deref(), Some("2"));
    assert_eq!(record.cells[0], ("id".to_string(), "2".to_string()));
    assert!(record.cells.contains(&("side b".to_string(), "LPR".to_string())));
    assert!(
        record
            .text()
            .starts_with("id 2 · type_of_violence 1 · date_start 2015-02-16"),
        "{}",
        record.text()
    );
    // A quoted name that is a column of the file reads it; `source` is split.
    let side = first.fields.iter().find(|(n, _)| n == "side").map(|(_, v)| v.clone());
    assert_eq!(side, Some(ceasefire::log::FieldValue::Text("LPR".into())));
}

#[test]
fn json_lines_are_read_through_a_source_too() {
    let log = [
        r#"{"id": 1, "type_of_violence": 1, "date_start": "2015-02-16", "adm_1": "Donetsk oblast", "best": 2}"#,
        r#"{"id": 2, "type_of_violence": 3, "date_start": "2015-02-16", "adm_1": "Donetsk oblast", "best": 2}"#,
        r#"{"id": 3, "type_of_violence": 1, "date_start": "2015-02-14", "date_end": "2015-02-15", "adm_1": "Donetsk oblast", "best": 1}"#,
    ]
    .join("\n");
    let verified = verified(RULES, "ged.jsonl", LogFormat::Jsonl, &log);
    assert!(verified.read.invalid.is_empty(), "{:?}", verified.read.invalid);
    assert_eq!((verified.read.records, verified.read.observations), (3, 2));
    // A number key matches a JSON number; a missing `date_end` is `date_start` alone.
    assert_eq!(verified.evaluation.rules[0].verdict, Violated);
    // The quoted `"side b"` is no key of the first record: the text itself.
    let evidence = &verified.evaluation.rules[0].instances[0].findings[0].evidence[0];
    let side = evidence
        .fields
        .iter()
        .find(|(n, _)| n == "side")
        .map(|(_, v)| v.clone());
    assert_eq!(side, Some(ceasefire::log::FieldValue::Text("side b".into())));
}

#[test]
fn a_source_calendar_reads_its_dates() {
    // The same date is a UTC day under the source's calendar, not a Kyiv one.
    let rules = RULES.replace(
        "source ged \"A GED-shaped file\" {",
        "source ged \"A GED-shaped file\" {\n  calendar \"UTC\"",
    );
    let log = "id,type_of_violence,date_start,date_end,adm_1,best,side b,source_office\n9,1,2015-02-14,,Donetsk oblast,1,DPR,AFP\n";
    let verified = verified(&rules, "ged.csv", LogFormat::Csv, log);
    // 14 February UTC runs to 02:00 on the 15th in Kyiv: possibly in the window.
    assert_eq!(verified.evaluation.rules[0].verdict, ceasefire::Verdict::Indeterminate);
    let kyiv = verified_default(log);
    assert_eq!(kyiv, Satisfied);
}

fn verified_default(log: &str) -> ceasefire::Verdict {
    verified(RULES, "ged.csv", LogFormat::Csv, log).evaluation.rules[0].verdict
}

#[test]
fn bad_files_are_reported_with_their_place() {
    let rules = Rules::from_text("rules.cfr", RULES).expect("rules");
    let read = |log: &str| {
        let logs = LogSet::from_bytes("ged.csv", LogFormat::Csv, log.as_bytes().to_vec()).read_through(0, "ged");
        ceasefire::log::read(&rules.model, &logs, &Default::default()).0
    };
    // A column the source reads is missing: every record is unreadable,
    // and the error lists what the header has, with did-you-mean.
    let missing = read(
        "id,type_of_violence,date_start,date_ends,adm_1,best,side b,source_office\n1,1,2015-02-16,,Donetsk oblast,1,x,y\n",
    );
    assert_eq!(missing.invalid[0].code.as_str(), "CF1018");
    assert!(
        missing.invalid[0].message.contains("`date_end`"),
        "{}",
        missing.invalid[0].message
    );
    let help = missing.invalid[0].help.as_deref().unwrap_or("");
    assert!(help.contains("did you mean `date_ends` for `date_end`?"), "{help}");
    // Its one row is counted as invalid, not lost.
    assert_eq!((missing.records, missing.invalid_count()), (1, 1));
    // A ragged row, a cell that does not fit, a range that runs backwards.
    let log = "id,type_of_violence,date_start,date_end,adm_1,best,side b,source_office\n\
               1,1,2015-02-16,,Donetsk oblast,1,x\n\
               2,1,2015-02-16,,Donetsk oblast,many,x,y\n\
               3,1,2015-02-16,2015-02-15,Donetsk oblast,1,x,y\n";
    let bad = read(log);
    let problems: Vec<(&str, u64)> = bad
        .invalid
        .iter()
        .map(|p| (p.code.as_str(), p.place.as_ref().map_or(0, |p| p.line)))
        .collect();
    assert_eq!(problems, [("CF1010", 2), ("CF1008", 3), ("CF1016", 4)]);
    let fit = &bad.invalid[1];
    assert!(fit.message.contains("(column `best`)"), "{}", fit.message);
    let place = fit.place.as_ref().expect("a place");
    assert_eq!(&place.text[place.highlight.clone()], "many");
    // A duplicate column name in the header.
    let twice = read("id,id,type_of_violence,date_start,date_end,adm_1,best,side b,source_office\n");
    assert_eq!(twice.invalid[0].code.as_str(), "CF1014");
}

#[test]
fn maps_that_skip_everything_and_empty_columns_are_warnings() {
    let log = "id,type_of_violence,date_start,date_end,adm_1,best,side b,source_office\n\
               1,1,2015-02-16,,Donetsk,,x,y\n\
               2,1,2015-02-16,,Luhansk,,x,y\n";
    let verified = verified(RULES, "ged.csv", LogFormat::Csv, log);
    let codes: Vec<&str> = verified.read.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"CF1110"), "{codes:?}");
    let empty: Vec<&str> = verified
        .read
        .warnings
        .iter()
        .filter(|w| w.code.as_str() == "CF1111")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(empty.len(), 2, "{empty:?}");
    assert!(empty.iter().any(|m| m.contains("`best`")) && empty.iter().any(|m| m.contains("`date_end`")));
}

#[test]
fn the_command_line_names_sources_and_refuses_unknown_ones() {
    let dir = folder(&[("rules.cfr", RULES), ("ged.csv", CSV)]);
    let (code, out, err) = run(dir.path(), &["verify", "rules.cfr", "--log", "ged=ged.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "skipped   1 record of `ged.csv` by the map of `kind` (column `type_of_violence`) of the source `ged`"
        ),
        "{out}"
    );
    let (code, _, err) = run(dir.path(), &["verify", "rules.cfr", "--log", "gde=ged.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("CF0913") && err.contains("did you mean `ged`?"), "{err}");
    // A file whose name holds `=` is still a file.
    std::fs::write(dir.path().join("a=b.csv"), "time,kind\n").expect("a file");
    let (code, out, err) = run(dir.path(), &["verify", "rules.cfr", "--log", "a=b.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    // Without the source, the file is a plain log, which has no `time`.
    let (code, _, err) = run(dir.path(), &["verify", "rules.cfr", "--log", "ged.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("CF1011"), "{err}");
}

#[test]
fn the_built_in_ucdp_source_reads_the_published_file() {
    let dir = folder(&[(
        "rules.cfr",
        "include \"std:ucdp-ged\"\nrule q { no state_based between 2015-02-15 and 2015-02-16 }\n",
    )]);
    let data = root().join("data/ucdp/ucdp_ged_ukraine_2014_2022.csv");
    let log = format!("ucdp_ged={}", data.display());
    let (code, out, err) = run(dir.path(), &["verify", "rules.cfr", "--log", &log, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["log"]["records"], 3077);
    assert_eq!(report["log"]["observations"], 3077);
    let evidence = &report["rules"][0]["instances"][0]["findings"][0]["evidence"][0];
    assert!(evidence["id"].is_string(), "{evidence}");
    assert_eq!(evidence["record"]["date_start"], "2015-02-15");
    // `gwnob` is empty in every record of this file (no second state).
    let warnings = report["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w["code"] == "CF1111" && w["message"].as_str().unwrap_or("").contains("gwnob"))
    );
}

#[test]
fn built_in_files_check_clean_and_unknown_ones_are_named() {
    for (name, text) in ceasefire::check::BUILT_IN {
        let rules = Rules::from_text(name, text).unwrap_or_else(|e| panic!("{name}: {e:#?}"));
        assert_eq!(rules.model.sources.len(), 1, "{name}");
        let formatted = ceasefire::format::format_text(ceasefire::source::FileId(0), text).expect("formats");
        assert_eq!(&formatted, text, "{name} is not in the canonical layout");
    }
    let dir = folder(&[("rules.cfr", "include \"std:acleds\"\n")]);
    let (code, out, _) = run(dir.path(), &["check", "rules.cfr"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("CF0101") && out.contains("did you mean `std:acled`?"),
        "{out}"
    );
}

#[test]
fn the_figures_of_the_datasets_page_are_the_files() {
    // Counted here straight from the CSV, without the engine.
    let mut reader = csv::Reader::from_path(root().join("data/ucdp/ucdp_ged_ukraine_2014_2022.csv")).expect("the file");
    let headers = reader.headers().expect("a header").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (prec, adm_1) = (column("date_prec"), column("adm_1"));
    let mut by_prec = std::collections::BTreeMap::<String, u64>::new();
    let mut by_province = std::collections::BTreeMap::<String, u64>::new();
    let mut records = 0;
    for row in reader.records() {
        let row = row.expect("a row");
        records += 1;
        *by_prec.entry(row[prec].to_string()).or_default() += 1;
        *by_province.entry(row[adm_1].to_string()).or_default() += 1;
    }
    let page = std::fs::read_to_string(root().join("docs/datasets.md")).expect("the page");
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = |count: u64| {
        let text = count.to_string();
        if text.len() > 3 {
            format!("{},{}", &text[..text.len() - 3], &text[text.len() - 3..])
        } else {
            text
        }
    };
    let wanted = format!(
        "{} of {} events are one day, {} are 2–6 days, {} a week, {} up to a month and {} longer",
        n(by_prec["1"]),
        n(records),
        n(by_prec["2"]),
        n(by_prec["3"]),
        n(by_prec["4"]),
        n(by_prec["5"])
    );
    assert!(page.contains(&wanted), "{wanted}");
    let elsewhere = records - by_province["Donetsk oblast"] - by_province["Luhansk oblast"];
    let wanted = format!(
        "skipped {elsewhere} records of `ged.csv` by the map of `zone` (column `adm_1`)\": the {} events with no province, {} in Kyiv, {} in Dnipropetrovsk oblast and {} in Rostov oblast",
        by_province[""],
        by_province["Kiev Special Republican city"],
        by_province["Dnipropetrovsk oblast"],
        by_province["Rostov oblast"]
    );
    assert!(page.contains(&wanted), "{wanted}");
}
