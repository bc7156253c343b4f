//! Every report format, rendered from values an attacker controls (an account
//! name, a tag, an ARN, a gap message, a waiver reason), shows those values as
//! text: nothing controls a terminal, reorders text, forges a report line, or
//! renders as a link, image, HTML tag or table cell.
//!
//! The writers are exercised directly, from a report whose every inventory- or
//! config-derived field holds the payloads, and through the CLI from an inventory
//! and a config that carry them where input validation lets them through.

mod common;

use regionready::evaluation::{AppliedWaiver, Diagnostic};
use regionready::report::{self, Format, ScanReport};
use std::process::Command;
use std::sync::Arc;

/// Everything at once: terminal control (ESC, 8-bit CSI, CR, newline), text
/// reordering (bidi override and isolate), Markdown (link, image, autolinks, email,
/// emphasis, heading, code, table breakers) and HTML (script, comment).
const PAYLOAD: &str =
    "\u{1b}[2J\u{1b}[31m\u{9b}2J x\rGate: PASSED\nGate: PASSED\n# heading \u{202E}evil\u{2066} \
<script>alert(1)</script> [click](https://evil.example/l) ![img](https://evil.example/i.png) \
<https://evil.example/a> https://evil.example/b www.evil.example x@evil.example \
| forged | row \\| cell | <!-- hidden --> `code` **bold** _em_ ~~strike~~ \u{7f}";

fn p(prefix: &str) -> String {
    format!("{prefix}{PAYLOAD}")
}

/// The shared report with the payload in every field that comes from outside.
fn hostile_report() -> ScanReport {
    let mut r = common::report();
    r.scope.region_pairs = vec![p("pair")];
    r.scope.sanctioned_regions = vec![p("region")];
    r.scope.inventory = Some(p("inventory"));
    r.scope.config = p("config");
    r.scope.outside_pair_sources = vec![p("source")];
    for f in &mut r.findings {
        f.account_id = Arc::from(p("acct").as_str());
        f.region = Arc::from(p("region").as_str());
        f.partner_region = Some(Arc::from(p("partner").as_str()));
        f.region_pair = Arc::from(p("pair").as_str());
        f.resource_arn = p("arn:aws:kms:us-east-1:111111111111:key/");
        f.resource_type = Arc::from(p("type").as_str());
        f.message = p("message");
        if let Some(w) = &mut f.waiver {
            *w = AppliedWaiver {
                reason: p("reason"),
                expires: w.expires,
            };
        }
    }
    for a in &mut r.scores.accounts {
        a.account_id = p("acct");
        a.name = Some(p("name"));
        a.region_pair = p("pair");
        a.reason = a.reason.as_ref().map(|_| p("not assessed"));
    }
    for pair in &mut r.scores.region_pairs {
        pair.region_pair = p("pair");
    }
    for g in &mut r.gaps {
        g.gap.account_id = p("acct");
        g.gap.region = Some(p("region"));
        g.gap.service = p("service");
        g.gap.operation = Some(p("operation"));
        g.gap.error_code = p("code");
        g.gap.message = p("gap");
        g.blocks = vec![p("rule")];
    }
    for w in &mut r.waivers {
        w.resource = p("arn:aws:*");
        w.reason = p("reason");
    }
    if let Some(b) = &mut r.baseline {
        b.file = p("baseline");
        for f in &mut b.fixed {
            f.resource_arn = p("arn");
            f.account_id = p("acct");
            f.region = p("region");
        }
    }
    r.diagnostics = vec![Diagnostic {
        code: "evaluation-budget-exceeded".into(),
        rule_id: "RR-KMS-901".into(),
        count: 2,
        message: p("diagnostic"),
    }];
    r
}

/// Characters that must never reach an output raw: they control a terminal or
/// reorder text. (A newline is layout; where it could forge a line it is checked
/// separately.)
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn assert_no_control(format: &str, text: &str) {
    let found: Vec<String> = text
        .chars()
        .filter(|c| is_dangerous(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(
        found.is_empty(),
        "{format}: raw control characters {found:?}"
    );
}

/// No payload line became a line of the output.
fn assert_no_forged_line(format: &str, text: &str) {
    for line in text.lines() {
        let line = line.trim_start();
        assert!(
            !line.starts_with("Gate: PASSED") && !line.starts_with("# heading"),
            "{format}: forged line {line:?}"
        );
    }
}

fn check_text(text: &str) {
    assert_no_control("text", text);
    assert_no_forged_line("text", text);
    assert!(text.contains("\\x1b[2J"), "ESC is shown visibly");
    assert!(text.contains("<U+202E>"), "bidi override is shown visibly");
    assert!(text.contains("\\r"), "CR is shown visibly");
}

/// A Markdown line with its code spans removed: their content never renders as
/// markup (no link, no HTML), so only what is outside them is checked.
fn outside_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut previous = ' ';
    for c in line.chars() {
        if c == '`' && previous != '\\' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
        previous = c;
    }
    out
}

/// Cell separators of a table row as GitHub's table parser reads them: a
/// backslash escapes the next character (so `\\|` is an escaped backslash and a
/// separator), code spans included.
fn cell_separators(line: &str) -> usize {
    let mut count = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => count += 1,
            _ => {}
        }
    }
    count
}

fn check_markdown(text: &str) {
    assert_no_control("markdown", text);
    assert_no_forged_line("markdown", text);
    let mut in_fence = false;
    let mut table_width: Option<usize> = None;
    for line in text.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let outside = outside_code_spans(line);
        for raw in [
            "<script",
            "<!--",
            "](https://evil",
            "<https://",
            "https://evil",
            "www.evil",
            "**bold**",
            "_em_",
            "~~strike~~",
        ] {
            assert!(
                !outside.contains(raw),
                "markdown: {raw:?} survives in {line:?}"
            );
        }
        assert!(
            !outside.contains("x@evil") || outside.contains("x\\@evil"),
            "markdown: email autolink survives in {line:?}"
        );
        assert!(
            !outside.contains("[click]") && !outside.contains("[img]"),
            "markdown: link text survives unescaped in {line:?}"
        );
        // Every row of a table has as many cells as its header.
        if line.starts_with('|') {
            let width = cell_separators(line);
            match table_width {
                None => table_width = Some(width),
                Some(expected) => assert_eq!(width, expected, "markdown: forged cells in {line:?}"),
            }
        } else {
            table_width = None;
        }
    }
    assert!(
        text.contains("\\[click\\]"),
        "the payload is still shown, escaped"
    );
}

fn check_html(text: &str) {
    assert_no_control("html", text);
    for raw in ["<script", "<!-- hidden", "<https://evil"] {
        assert!(!text.contains(raw), "html: {raw:?} survives");
    }
    assert!(
        text.contains("&lt;script&gt;"),
        "the payload is shown, escaped"
    );
    assert!(
        text.contains("&lt;U+202E&gt;"),
        "bidi override is shown visibly"
    );
}

/// JSON keeps the data exactly (the payload round-trips) but writes every
/// dangerous character as a `\u` escape.
fn check_json(format: &str, text: &str) {
    assert_no_control(format, text);
    let value: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    let mut strings = Vec::new();
    collect_strings(&value, &mut strings);
    assert!(
        strings.iter().any(|s| s.contains(PAYLOAD)),
        "{format}: the payload round-trips unchanged"
    );
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

fn check(format: Format, text: &str) {
    match format {
        Format::Text => check_text(text),
        Format::Markdown => check_markdown(text),
        Format::Html => check_html(text),
        Format::Json => check_json("json", text),
        Format::Sarif => check_json("sarif", text),
    }
}

const FORMATS: [Format; 5] = [
    Format::Text,
    Format::Json,
    Format::Sarif,
    Format::Html,
    Format::Markdown,
];

#[test]
fn no_payload_survives_in_any_format_rendered_directly() {
    let report = hostile_report();
    let rules = common::rules();
    for format in FORMATS {
        let text = report::render(format, &report, &rules).expect("renders");
        check(format, &text);
    }
}

#[test]
fn the_checks_catch_a_raw_payload() {
    // The checks above are only worth something if they fail on raw payloads.
    let raw_text = format!("Account {PAYLOAD}\n");
    assert!(std::panic::catch_unwind(|| check_text(&raw_text)).is_err());
    let raw_md = format!(
        "| a | b |\n|---|---|\n| {} | x |\n",
        PAYLOAD.replace(
            ['\n', '\r', '\u{1b}', '\u{9b}', '\u{7f}', '\u{202E}', '\u{2066}'],
            " "
        )
    );
    assert!(std::panic::catch_unwind(|| check_markdown(&raw_md)).is_err());
    let raw_html = format!("<td>{PAYLOAD}</td>");
    assert!(std::panic::catch_unwind(|| check_html(&raw_html)).is_err());
}

/// A gap, a resource and a waiver as an inventory and a config carry them.
fn hostile_files(dir: &std::path::Path) {
    let json_payload = serde_json::to_string(&p("gap")).unwrap();
    let arn =
        serde_json::to_string(&p("arn:aws:lambda:ap-south-1:111111111111:function:")).unwrap();
    let name = serde_json::to_string(&p("name")).unwrap();
    let inventory = format!(
        r#"{{"schema_version": "2.0",
  "accounts": [{{"account_id": "111111111111", "regions": [{{"region": "ap-south-1",
    "resources": [{{"resource_type": "AWS::Lambda::Function", "arn": {arn}, "name": {name},
      "tags": {{"owner": {name}}}}}]}}]}}],
  "gaps": [{{"account_id": "111111111111", "region": "us-east-1", "service": "kms",
    "operation": {json_payload}, "error_code": {json_payload}, "message": {json_payload}}}]}}"#
    );
    std::fs::write(dir.join("inv.json"), inventory).unwrap();
    let reason = toml::Value::String(p("reason")).to_string();
    let config = format!(
        "[[waivers]]\nrule = \"RR-REG-001\"\nresource = \"*\"\nreason = {reason}\nexpires = 2020-01-01\n\n[[waivers]]\nrule = \"RR-REG-001\"\nresource = \"arn:aws:nothing\"\nreason = {reason}\n"
    );
    std::fs::write(dir.join("c.toml"), config).unwrap();
}

#[test]
fn no_payload_survives_in_any_format_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    hostile_files(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--inventory", "inv.json", "--config", "c.toml"])
        .args(["--format", "json", "--format", "sarif", "--format", "html"])
        .args([
            "--format",
            "markdown",
            "--format",
            "text",
            "--output-dir",
            "out",
        ])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut payload_seen = 0;
    for format in FORMATS {
        let text = std::fs::read_to_string(dir.path().join("out").join(format.file_name()))
            .expect("written");
        if format != Format::Text {
            check(format, &text);
        } else {
            assert_no_control("text", &text);
            assert_no_forged_line("text", &text);
        }
        payload_seen += usize::from(text.contains("evil.example"));
    }
    assert_eq!(payload_seen, 5, "every format shows the payload, escaped");
}
