//! The shareable reports of `verify`: Markdown, HTML and JUnit, each with
//! the facts of the JSON report, byte-identical from run to run. The HTML
//! page is also loaded in headless Chromium.

use super::{ceasefire_cmd, root};
use std::path::PathBuf;
use std::process::Command;

/// The worked example, as the README verifies it, in one format.
fn report(format: &str) -> (Option<i32>, String) {
    let output = ceasefire_cmd()
        .current_dir(root())
        .args([
            "verify",
            "rules/gaza-2025/phase1.cfr",
            "--log",
            "rules/gaza-2025/log.jsonl",
            "--as-of",
            "2025-03-01T22:00:00Z",
            "--format",
            format,
        ])
        .output()
        .expect("run");
    (output.status.code(), String::from_utf8(output.stdout).expect("utf-8"))
}

#[test]
fn every_format_is_the_same_from_run_to_run() {
    for format in ["markdown", "html", "junit"] {
        let (status, first) = report(format);
        assert_eq!(status, Some(1), "{format}");
        assert_eq!(report(format).1, first, "{format}");
    }
}

#[test]
fn markdown_has_the_summary_the_rules_and_each_violation_with_its_evidence() {
    let (_, text) = report("markdown");
    insta::with_settings!({ snapshot_path => "../snapshots/reports", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("gaza-markdown", text);
    });
}

#[test]
fn junit_has_a_case_per_instance_with_violations_failing_and_pending_skipped() {
    let (_, text) = report("junit");
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "),
        "{text}"
    );
    // 10 rules; `prisoners_after_each_batch` has 9 instances, `detainee_ratio` 6 and `no_strikes_in_phase1` 6.
    assert_eq!(text.matches("<testsuite ").count(), 10);
    assert_eq!(text.matches("<testcase ").count(), 7 + 9 + 6 + 6);
    // The four batches whose order the reports cannot tell are indeterminate: skipped, with the reason.
    assert!(text.contains("tests=\"28\" failures=\"3\" skipped=\"4\""), "{text}");
    assert_eq!(text.matches("<failure ").count(), 3);
    assert!(
        text.contains("<testcase name=\"no_strikes_in_phase1 [z = netzarim]\""),
        "{text}"
    );
    assert!(
        text.contains("rules/gaza-2025/log.jsonl:"),
        "failures list their evidence: {text}"
    );
}

#[test]
fn junit_skips_pending_instances() {
    let output = ceasefire_cmd()
        .current_dir(root())
        .args([
            "verify",
            "rules/gaza-2025/phase1.cfr",
            "--log",
            "rules/gaza-2025/log.jsonl",
            "--as-of",
            "2025-01-25T00:00:00Z",
        ])
        .args(["--format", "junit"])
        .output()
        .expect("run");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let skipped = text.matches("<skipped ").count();
    assert!(skipped > 0, "{text}");
    assert!(text.contains(&format!("skipped=\"{skipped}\"")), "{text}");
}

#[test]
fn the_html_page_is_self_contained_with_a_timeline_per_rule() {
    let (_, page) = report("html");
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    for outside in ["http://", "https://", "<link", "src=\"", "@import", "url("] {
        assert!(!page.contains(outside), "the page refers to `{outside}`");
    }
    assert_eq!(page.matches("<svg class=\"timeline zoomable\"").count(), 10);
    assert_eq!(page.matches("<section class=\"rule\"").count(), 10);
    assert!(page.contains("id=\"count-violated\" data-count=\"3\""));
    assert!(page.contains("@media print"));
}

/// Chromium, if this machine has it. CI sets `CEASEFIRE_BROWSER_TESTS=required`
/// (and installs it), so that there the browser test cannot be skipped.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .map(PathBuf::from),
        )
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CEASEFIRE_BROWSER_TESTS").as_deref() != Ok("required"),
            "CEASEFIRE_BROWSER_TESTS=required but no Chromium was found"
        );
        eprintln!("skipped: no Chromium on this machine (install Debian's `chromium` to run the browser test)");
    }
    found
}

/// The `<body ...>` tag of a page: where the script notes how it went.
fn body_tag(dom: &str) -> &str {
    let start = dom.find("<body").expect("a body");
    &dom[start..start + dom[start..].find('>').expect("the tag's end")]
}

/// The page's DOM after its scripts ran, in headless Chromium.
fn rendered(chromium: &std::path::Path, page: &str) -> String {
    rendered_at(chromium, page, "1200,900")
}

/// The same in a window of this size (`width,height`).
fn rendered_at(chromium: &std::path::Path, page: &str, size: &str) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("report.html");
    std::fs::write(&file, page).expect("page");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--window-size={size}"))
        .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_html_page_runs_in_a_browser_without_errors() {
    let Some(chromium) = chromium() else { return };
    let (_, page) = report("html");
    let dom = rendered(&chromium, &page);
    let body = body_tag(&dom);
    assert!(body.contains("data-script=\"ok\""), "the script did not finish: {body}");
    assert!(!body.contains("data-script-errors"), "script errors: {body}");
    assert!(dom.contains("id=\"count-violated\" data-count=\"3\""));
    assert!(dom.contains("id=\"count-satisfied\" data-count=\"6\""));
    assert!(dom.contains("id=\"count-indeterminate\" data-count=\"1\""));
    assert_eq!(dom.matches("<svg class=\"timeline zoomable\"").count(), 10);
    assert!(dom.contains("10 of 10 rules shown"));
}

#[test]
fn the_html_filters_and_sorting_work_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let (_, page) = report("html");
    // Act as a reader would: leave only violated rules, then sort the rule
    // table by verdict; note what the page shows.
    let probe = r#"<script>
document.querySelector('nav.filters input[value=satisfied]').click();
var shown = document.querySelectorAll('section.rule:not([hidden])').length;
var rows = document.querySelectorAll('#rules tbody tr:not([hidden])').length;
document.querySelectorAll('#rules th')[4].click();
var first = document.querySelector('#rules tbody tr td code').textContent;
document.body.setAttribute('data-probe', shown + ' ' + rows + ' ' + first);
</script>
</body>"#;
    let dom = rendered(&chromium, &page.replace("</body>", probe));
    let body = body_tag(&dom);
    // Violated (3) and indeterminate (1) are left; violated sorts first.
    assert!(body.contains("data-probe=\"4 4 return_north_by_day_7\""), "{body}");
    assert!(!body.contains("data-script-errors"), "{body}");
    assert!(dom.contains("4 of 10 rules shown"));
}

/// A value that would be markup, end a CDATA section or a comment, start a
/// command in a CI log, or is no XML character.
const HOSTILE: &str = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> ]]> --> a\n::error::x \u{fffe}";
/// [`HOSTILE`] as the HTML report writes a value.
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; \
                               ]]&gt; --&gt; a&#10;::error::x \u{fffd}";
/// [`HOSTILE`] as a `.cfr` string's text, as the report shows the rule's source.
const HOSTILE_SOURCE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt; \\&quot;&gt;&lt;img src=x onerror=alert(1)&gt; \
                                      ]]&gt; --&gt; a\\n::error::x \u{fffd}";

/// The HTML report of a rule whose agreement, title and reference are
/// [`HOSTILE`], judged on a log whose text field and zone are too (an
/// undeclared zone is a warning that names it).
fn hostile_page() -> String {
    let dir = tempfile::tempdir().expect("dir");
    let string = HOSTILE.replace('"', "\\\"").replace('\n', "\\n");
    let rules = format!(
        "agreement \"{string}\"\n\nzone north \"North\"\nevent truce_begins\nevent shelling {{ by: text, at: zone }}\n\n\
         rule no_shelling {{\n  title \"{string}\"\n  ref \"{string}\"\n  for each b of shelling.by:\n    \
         no shelling where by = b after truce_begins\n}}\n"
    );
    std::fs::write(dir.path().join("hostile.cfr"), rules).expect("rules");
    let log = [
        serde_json::json!({"time": "2025-01-01T00:00:00Z", "kind": "truce_begins"}),
        serde_json::json!({"time": "2025-01-02T00:00:00Z", "kind": "shelling", "by": HOSTILE, "at": HOSTILE}),
    ]
    .map(|record| record.to_string() + "\n")
    .concat();
    std::fs::write(dir.path().join("log.jsonl"), log).expect("log");
    let output = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["verify", "hostile.cfr", "--log", "log.jsonl", "--format", "html"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn hostile_values_appear_in_the_html_page_only_escaped() {
    let page = hostile_page();
    // The title and h1, the warning and its help, the rule's table row
    // (title, ref), heading and reference, its lane label, the evidence
    // mark (both fields), the instance's heading, the evidence's fields
    // (both).
    assert_eq!(page.matches(HOSTILE_ESCAPED).count(), 14, "{page}");
    // As a rule writes it: the rule's source (its title and reference),
    // and the reasons, which name the bound value (the instance's reason,
    // the finding's, and the finding's row in the timeline).
    assert_eq!(page.matches(HOSTILE_SOURCE_ESCAPED).count(), 5, "{page}");
    let rest = page.replace(HOSTILE_ESCAPED, "").replace(HOSTILE_SOURCE_ESCAPED, "");
    for raw in ["alert(1)", "onerror", "<img", "]]>", "-->", "::error", "\u{fffe}"] {
        assert!(!rest.contains(raw), "`{raw}` outside the escaped values: {page}");
    }
    assert_eq!(page.matches("<script").count(), 1, "only the page's own script");
}

#[test]
fn hostile_values_stay_text_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let page = hostile_page();
    // The page's own script and the probe are the only scripts, there is
    // no image, and the heading shows the value as text.
    let probe = r#"<script>
var shown = document.querySelector('h1').textContent.indexOf('<scr' + 'ipt>alert(1)</scr' + 'ipt> "><img src=x onerror=alert(1)> ]]> --> a\n::error::x') === 0;
document.body.setAttribute('data-probe', document.scripts.length + ' ' + document.images.length + ' ' + shown);
</script>
</body>"#;
    let dom = rendered(&chromium, &page.replace("</body>", probe));
    let body = body_tag(&dom);
    assert!(body.contains("data-script=\"ok\""), "the script did not finish: {body}");
    assert!(!body.contains("data-script-errors"), "script errors: {body}");
    assert!(body.contains("data-probe=\"2 0 true\""), "{body}");
}

/// A rule about places draws a map, in the browser too: its area, and
/// the evidence's position with the dashed circle of its radius.
#[test]
fn a_rule_about_places_draws_a_map() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("south.geojson"),
        r#"{"type": "Polygon", "coordinates": [[[35.1, 33.05], [35.9, 33.05], [35.9, 33.35], [35.1, 33.35], [35.1, 33.05]]]}"#,
    )
    .expect("geojson");
    std::fs::write(
        dir.path().join("rules.cfr"),
        "area south \"South <of> the river\" from \"south.geojson\"\nevent strike { position: position }\n\
         rule quiet { no strike where position inside south after 2024-11-27 }\n\
         rule plain { no strike after 2030-01-01 }\n",
    )
    .expect("rules");
    std::fs::write(
        dir.path().join("log.jsonl"),
        "{\"time\": \"2024-11-28T11:00Z\", \"kind\": \"strike\", \"position\": {\"lat\": 33.06, \"lon\": 35.5, \"radius_km\": 12}}\n",
    )
    .expect("log");
    let output = super::ceasefire_cmd()
        .current_dir(dir.path())
        .args(["verify", "rules.cfr", "--log", "log.jsonl", "--format", "html"])
        .output()
        .expect("runs");
    let page = String::from_utf8(output.stdout).expect("utf-8");
    // One map, for the rule that asks about a place; none for the other.
    assert_eq!(page.matches("<svg class=\"map\"").count(), 1);
    assert_eq!(page.matches("<path class=\"area\"").count(), 1);
    assert_eq!(page.matches("<circle class=\"uncertain\"").count(), 1);
    // A scale bar of a round length (at most a quarter of the width: the area is about 75 km wide), and the
    // caption names the area, its display name escaped.
    assert!(
        page.contains("<g class=\"scale\">") && page.contains(">10 km</text>"),
        "{page}"
    );
    assert!(
        page.contains("area <code>south</code> (South &lt;of&gt; the river)"),
        "{page}"
    );
    for outside in ["http://", "https://", "<link", "src=\"", "url("] {
        assert!(!page.contains(outside), "the page refers to `{outside}`");
    }
    let Some(chromium) = chromium() else { return };
    let dom = rendered(&chromium, &page);
    let body = body_tag(&dom);
    assert!(body.contains("data-script=\"ok\""), "the script did not finish: {body}");
    assert!(!body.contains("data-script-errors"), "script errors: {body}");
    assert_eq!(dom.matches("<svg class=\"map\"").count(), 1);
}

/// The terminal report wraps long reasons at spaces only: a timestamp
/// (`2025-03-02T09:15:00Z`) is never cut at its hyphens (issue 16).
#[test]
fn the_human_report_never_wraps_inside_a_timestamp() {
    for set in ["gaza-2025", "minsk-2015"] {
        let dir = super::root().join("rules").join(set);
        let log = dir.join("log.jsonl");
        let (_, out, err) = super::run(
            &super::root(),
            &[
                "verify",
                &dir.to_string_lossy(),
                "--log",
                &log.to_string_lossy(),
                "--color",
                "never",
            ],
        );
        assert!(out.lines().count() > 50, "{out}{err}");
        for line in out.lines() {
            let line = line.trim_end();
            let cut = line.ends_with('-') && line[..line.len() - 1].ends_with(|c: char| c.is_ascii_digit());
            assert!(!cut, "wrapped inside a timestamp: {line:?}");
        }
    }
}

/// The HTML report of the UCDP Minsk rule set (series, eight years).
fn ucdp_page() -> String {
    let log = format!(
        "ucdp={}",
        super::root().join("data/ucdp/ucdp_ged_ukraine_2014_2022.csv").display()
    );
    let rules = super::root().join("rules/minsk-2015-ucdp");
    let (_, page, err) = super::run(
        &super::root(),
        &["verify", &rules.to_string_lossy(), "--log", &log, "--format", "html"],
    );
    assert!(page.contains("<svg class=\"timeline zoomable\""), "{err}");
    page
}

/// A probe run after the page's own script: what it finds goes into the
/// body's `data-probe` as JSON.
fn probed(chromium: &std::path::Path, page: &str, size: &str, probe: &str) -> serde_json::Value {
    let page = page.replace("</body>", &format!("<script>\n{probe}\n</script>\n</body>"));
    let dom = rendered_at(chromium, &page, size);
    let body = body_tag(&dom).to_string();
    assert!(body.contains("data-script=\"ok\""), "the script did not finish: {body}");
    assert!(!body.contains("data-script-errors"), "script errors: {body}");
    let start = body.find("data-probe=\"").expect("a probe") + "data-probe=\"".len();
    let text = &body[start..start + body[start..].find('"').expect("its end")];
    serde_json::from_str(&text.replace("&quot;", "\"").replace("&amp;", "&")).expect("probe JSON")
}

#[test]
fn a_rate_rule_draws_its_series_as_bars_with_the_threshold() {
    let page = ucdp_page();
    let start = page.find("id=\"rule-near_the_line_monthly\"").expect("the rule");
    let section = &page[start..start + page[start..].find("</section>").expect("its end")];
    // Every month, coloured by its verdict: nine violated, one indeterminate.
    assert_eq!(section.matches("<g class=\"slice violated\">").count(), 9);
    assert_eq!(section.matches("<g class=\"slice indeterminate\">").count(), 1);
    assert_eq!(section.matches("class=\"t threshold\"").count(), 10);
    // The part only uncertain evidence may add is drawn apart.
    assert!(section.contains("class=\"t bar maybe\""), "{section}");
    // Every time line spans the same axis: the same first tick everywhere.
    let axes: std::collections::BTreeSet<&str> = page
        .match_indices("<g class=\"ticks\"")
        .map(|(i, _)| {
            let rest = &page[i..];
            let tick = rest.find("<text").expect("a tick");
            let text = &rest[tick..tick + rest[tick..].find("</text>").expect("its end")];
            &text[text.find('>').expect("the tag's end") + 1..]
        })
        .collect();
    assert_eq!(axes.len(), 1, "{axes:?}");
}

#[test]
fn the_time_lines_zoom_and_pan_together_with_the_calendars_ticks() {
    let Some(chromium) = chromium() else { return };
    let page = ucdp_page();
    let found = probed(
        &chromium,
        &page,
        "1200,900",
        r#"(function () {
  var svgs = [].slice.call(document.querySelectorAll('svg.zoomable'));
  var bar = document.getElementById('zoom');
  function view() { return bar.getAttribute('data-view').split(' ').map(Number); }
  function firstBar(svg) { var b = svg.querySelector('rect.bar'); return b ? Number(b.getAttribute('x')) : null; }
  var before = view();
  var x0 = firstBar(svgs[0]);
  var zoomIn = document.querySelector('button[data-zoom=in]');
  for (var i = 0; i < 7; i += 1) { zoomIn.click(); }
  var after = view();
  var x1 = firstBar(svgs[0]);
  document.querySelector('button[data-zoom=right]').click();
  var panned = view();
  var labels = svgs.map(function (s) { return [].map.call(s.querySelectorAll('g.ticks text'), function (t) { return t.textContent; }).join(' '); });
  document.querySelector('button[data-zoom=all]').click();
  document.body.setAttribute('data-probe', JSON.stringify({
    before: before[1] - before[0], after: after[1] - after[0], moved: x0 !== x1,
    panned: panned[0] - after[0], labels: labels, back: view()[1] - view()[0], visible: !bar.hidden
  }));
})();"#,
    );
    assert_eq!(found["visible"], true, "{found}");
    let (before, after) = (
        found["before"].as_f64().expect("span"),
        found["after"].as_f64().expect("span"),
    );
    assert!((after - before / 128.0).abs() < 1.0, "{found}");
    assert_eq!(found["moved"], true, "the bars moved with the zoom: {found}");
    assert!(found["panned"].as_f64().expect("a shift") > 0.0, "{found}");
    assert_eq!(found["back"].as_f64(), Some(before), "{found}");
    // Every time line shows the same ticks, finer than years once zoomed
    // (weeks or days of the calendar), at most nine.
    let labels = found["labels"].as_array().expect("labels");
    assert!(labels.windows(2).all(|w| w[0] == w[1]), "{found}");
    let first = labels[0].as_str().expect("text");
    let count = first.split(' ').count();
    assert!((1..=9).contains(&count) && first.contains('-'), "{first}");
}

#[test]
fn the_report_fits_a_phone_and_a_narrow_window() {
    let Some(chromium) = chromium() else { return };
    let page = ucdp_page();
    for size in ["375,800", "1000,800"] {
        let found = probed(
            &chromium,
            &page,
            size,
            r#"(function () {
  // A table wider than its box scrolls in it (div.scroll); nothing else
  // may stick out of its parent.
  var wide = [].filter.call(document.querySelectorAll('div.scroll, svg, pre, section.rule'), function (el) {
    var box = el.getBoundingClientRect();
    var parent = el.parentElement.getBoundingClientRect();
    return box.right > parent.right + 1;
  }).map(function (el) { return el.tagName + '.' + el.getAttribute('class'); });
  var scrolling = [].filter.call(document.querySelectorAll('div.scroll'), function (el) {
    return el.scrollWidth > el.clientWidth + 1;
  }).map(function (el) { return el.scrollWidth + '/' + el.clientWidth + ' ' + el.firstChild.className; });
  document.body.setAttribute('data-probe', JSON.stringify({
    page: document.documentElement.scrollWidth, window: window.innerWidth, wide: wide, scrolling: scrolling
  }));
})();"#,
        );
        assert!(
            found["page"].as_f64() <= found["window"].as_f64(),
            "at {size} the page is wider than the window: {found}"
        );
        assert_eq!(found["wide"], serde_json::json!([]), "at {size}: {found}");
        // At 1,000 px every table fits as it is (its cells wrap).
        if size.starts_with("1000") {
            assert_eq!(found["scrolling"], serde_json::json!([]), "at {size}: {found}");
        }
    }
}
