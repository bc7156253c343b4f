//! The binary's output plan and CI gates, end to end: several formats in one run,
//! bad output paths and baselines, baseline gating and expired waivers.

mod common;

use common::repo;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn regionready(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    repo(&format!("fixtures/reports/{name}"))
        .display()
        .to_string()
}

/// `scan` of the report fixtures (two failing keys, one waived, one expired waiver).
fn fixture_scan(extra: &[&str]) -> Output {
    let inventory = fixture("inventory.json");
    let config = fixture("regionready.toml");
    let rules = fixture("rules");
    let mut args = vec![
        "scan",
        "--inventory",
        &inventory,
        "--config",
        &config,
        "--rules",
        &rules,
        "--as-of",
        "2026-11-22",
    ];
    args.extend_from_slice(extra);
    regionready(&args)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("output dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn four_formats_write_exactly_four_files() {
    let dir = temp();
    let out_dir = dir.path().join("out");
    let out = regionready(&[
        "scan",
        "--demo",
        "--as-of",
        "2026-11-22",
        "--format",
        "sarif",
        "--format",
        "html",
        "--format",
        "markdown",
        "--format",
        "json",
        "--output-dir",
        out_dir.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    assert_eq!(
        files_in(&out_dir),
        [
            "regionready.sarif",
            "report.html",
            "report.md",
            "results.json"
        ]
    );
    assert!(out.stdout.is_empty(), "nothing on stdout with --output-dir");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("regionready.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(md.starts_with("## regionready: multi-region readiness of "));
}

#[test]
fn unknown_format_is_a_usage_error() {
    let out = regionready(&["scan", "--demo", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'pdf' for '--format <FORMAT>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unwritable_output_dir_fails_with_one_line_and_writes_nothing() {
    let dir = temp();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "not a directory").unwrap();
    let target = file.join("reports");
    let out = regionready(&[
        "scan",
        "--demo",
        "--format",
        "sarif",
        "--format",
        "html",
        "--output-dir",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: {}: cannot create output directory: ",
            target.display()
        )),
        "{err}"
    );
    assert_eq!(files_in(dir.path()), ["plain-file"]);
}

#[test]
fn unwritable_output_file_leaves_no_partial_file() {
    let dir = temp();
    let read_only = dir.path().join("ro");
    std::fs::create_dir(&read_only).unwrap();
    let out = regionready(&[
        "scan",
        "--demo",
        "--format",
        "html",
        "--output",
        read_only
            .join("missing-dir")
            .join("report.html")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("report.html: cannot write: "), "{err}");
    assert!(files_in(&read_only).is_empty());
}

#[test]
fn missing_baseline_is_bad_input() {
    let dir = temp();
    let missing = dir.path().join("previous-results.json");
    let out = fixture_scan(&["--baseline", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "error: {}: cannot read baseline: ",
            missing.display()
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn malformed_baseline_names_file_and_line() {
    let dir = temp();
    let bad = dir.path().join("previous-results.json");
    std::fs::write(
        &bad,
        "{\n  \"schema_version\": \"1.0\",\n  \"findings\": [1, 2,\n",
    )
    .unwrap();
    let out = fixture_scan(&["--baseline", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(
        err,
        format!(
            "error: {}:3:16: not a regionready JSON report: invalid type: integer `1`, expected struct Finding\n",
            bad.display()
        )
    );
}

/// Runs the fixture scan into `dir` as JSON and returns the path.
fn results_json(dir: &Path, extra: &[&str]) -> PathBuf {
    let path = dir.join("results.json");
    let mut args = vec!["--format", "json", "--output", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = fixture_scan(&args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    path
}

#[test]
fn with_a_baseline_only_new_findings_gate() {
    let dir = temp();
    let baseline = results_json(dir.path(), &[]);
    // Without a baseline the two failing keys fail the gate.
    assert_eq!(fixture_scan(&[]).status.code(), Some(1));

    // Baseline = the same scan: findings exist, none is new, the gate passes.
    let out_dir = dir.path().join("same");
    let out = fixture_scan(&[
        "--baseline",
        baseline.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_dir).unwrap()).unwrap();
    // Counted on the fixture's own rule: built-in rules may add findings of their own.
    let failing = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "RR-TST-901" && f["status"] == "fail" && f["waived"] == false)
        .count();
    assert_eq!(failing, 2);
    assert_eq!(report["baseline"]["new"], 0);
    assert!(report["baseline"]["unchanged"].as_u64() >= Some(3));
    assert_eq!(report["gate"]["passed"], true);

    // Remove one finding from the baseline: exactly that one is new and gates.
    let mut previous: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    let findings = previous["findings"].as_array_mut().unwrap();
    let removed = findings
        .iter()
        .position(|f| f["resource_arn"] == "arn:aws:kms:us-east-1:111111111111:key/bbbb")
        .expect("finding on key bbbb");
    findings.remove(removed);
    // A baseline failure that no longer occurs is listed as fixed.
    findings.push(serde_json::json!({
        "rule_id": "RR-TST-901", "rule_name": "test-single-region-key", "title": "old",
        "status": "fail", "severity": "high", "category": "kms",
        "resource_arn": "arn:aws:kms:us-east-1:111111111111:key/gone", "resource_type": "AWS::KMS::Key",
        "account_id": "111111111111", "region": "us-east-1", "region_pair": "us-east-1+eu-west-1",
        "message": "Key gone is single-Region", "waived": false
    }));
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&previous).unwrap()).unwrap();
    let md = dir.path().join("report.md");
    let out = fixture_scan(&[
        "--baseline",
        edited.to_str().unwrap(),
        "--format",
        "markdown",
        "--output",
        md.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("**Gate: FAILED**: 1 new finding(s) at or above high"),
        "{text}"
    );
    assert!(
        text.contains("**1 new**, ") && text.contains(" unchanged, **1 fixed**"),
        "{text}"
    );
    assert!(
        text.contains("| `arn:aws:kms:us-east-1:111111111111:key/bbbb` **new** |"),
        "{text}"
    );
    assert!(text.contains("| RR-TST-901 | `arn:aws:kms:us-east-1:111111111111:key/gone` | 111111111111 | us-east-1 |"), "{text}");
}

#[test]
fn an_expired_waiver_is_reported_in_every_format_and_no_longer_applies() {
    let dir = temp();
    let out_dir = dir.path().join("out");
    let out = fixture_scan(&[
        "--format",
        "text",
        "--format",
        "json",
        "--format",
        "sarif",
        "--format",
        "html",
        "--format",
        "markdown",
        "--output-dir",
        out_dir.to_str().unwrap(),
    ]);
    // Key cccc's waiver expired on 2026-01-31: its failure gates again.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let read = |name: &str| std::fs::read_to_string(out_dir.join(name)).unwrap();
    let cccc = "arn:aws:kms:us-east-1:222222222222:key/cccc";

    let text = read("report.txt");
    assert!(text.contains(&format!(
        "Expired waiver no longer applies: RR-TST-901 {cccc} (expired 2026-01-31)"
    )));

    let json: serde_json::Value = serde_json::from_str(&read("results.json")).unwrap();
    let expired: Vec<&serde_json::Value> = json["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["state"] == "expired")
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["resource"], cccc);
    assert_eq!(expired[0]["expires"], "2026-01-31");
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource_arn"] == cccc)
        .unwrap();
    assert_eq!(finding["waived"], false);

    let sarif: serde_json::Value = serde_json::from_str(&read("regionready.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result = results
        .iter()
        .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == cccc)
        .unwrap();
    assert!(
        result.get("suppressions").is_none(),
        "an expired waiver suppresses nothing"
    );
    let dddd = results
        .iter()
        .find(|r| {
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                == "arn:aws:kms:us-east-1:222222222222:key/dddd"
        })
        .unwrap();
    assert_eq!(
        dddd["suppressions"][0]["properties"]["expires"],
        "2027-06-30"
    );
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let expired_note = notes
        .iter()
        .find(|n| n["properties"]["kind"] == "waiver-expired")
        .expect("expired-waiver notification");
    assert_eq!(
        expired_note["message"]["text"],
        format!("Waiver expired on 2026-01-31 and no longer applies: RR-TST-901 {cccc} (Key retired with the legacy ledger)")
    );

    let html = read("report.html");
    assert!(html.contains(
        "<span class=\"badge not-ready\">expired</span></td><td class=\"nw\">RR-TST-901</td>"
    ));
    assert!(html
        .contains("<td>Key retired with the legacy ledger</td><td class=\"nw\">2026-01-31</td>"));

    let md = read("report.md");
    assert!(md.contains(&format!(
        "| **expired** | RR-TST-901 | `{cccc}` | Key retired with the legacy ledger | 2026-01-31 | 1 |"
    )));
}

#[test]
fn source_date_epoch_makes_reports_reproducible() {
    let run = |dir: &Path| {
        let inventory = fixture("inventory.json");
        let config = fixture("regionready.toml");
        let rules = fixture("rules");
        let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
            .args([
                "scan",
                "--inventory",
                &inventory,
                "--config",
                &config,
                "--rules",
                &rules,
            ])
            .args([
                "--format",
                "json",
                "--format",
                "html",
                "--output-dir",
                dir.to_str().unwrap(),
            ])
            .env("SOURCE_DATE_EPOCH", "1795305600")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        std::fs::read_to_string(dir.join("results.json")).unwrap()
    };
    let dir = temp();
    let a = run(&dir.path().join("a"));
    let b = run(&dir.path().join("b"));
    assert_eq!(a, b);
    let json: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(json["generated_at"], "2026-11-22T00:00:00Z");
    // Without --as-of, waivers are judged on the same date.
    assert_eq!(json["scope"]["as_of"], "2026-11-22");
}

#[test]
fn a_malformed_source_date_epoch_is_bad_input() {
    let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--demo", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: SOURCE_DATE_EPOCH=\"yesterday\": not a number of seconds since 1970-01-01\n"
    );
}
