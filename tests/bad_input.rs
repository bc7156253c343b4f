//! Bad input never panics: one clear line naming the file and line, exit code 2.

use std::path::Path;
use std::process::{Command, Output};

fn regionready(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const INVENTORY: &str = r#"{"schema_version": "1.0", "accounts": []}"#;

#[test]
fn malformed_config_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inv.json", INVENTORY);
    let cfg = write(
        dir.path(),
        "regionready.toml",
        "[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]\n",
    );
    let out = regionready(&["scan", "--inventory", &inv, "--config", &cfg], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with(&format!("error: {cfg}:")), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn unknown_config_key_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inv.json", INVENTORY);
    let cfg = write(
        dir.path(),
        "c.toml",
        "[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]]\nsanctionned = [\"us-east-1\"]\n",
    );
    let out = regionready(&["scan", "--inventory", &inv, "--config", &cfg], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{cfg}:3:1: unknown field `sanctionned`")),
        "{err}"
    );
}

#[test]
fn invalid_values_are_all_reported_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inv.json", INVENTORY);
    let cfg = write(
        dir.path(),
        "c.toml",
        "[regions]\npairs = [[\"us-east-1\", \"us-east-1\"]]\nsanctioned = [\"us-east-1\", \"mars-north-9x\"]\n\n[[waivers]]\nrule = \"RR-KMS-001\"\nresource = \"*\"\nreason = \"x\"\nexpires = \"next year\"\n",
    );
    let out = regionready(&["scan", "--inventory", &inv, "--config", &cfg], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{cfg}:2:10: a region pair needs two different regions"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{cfg}:3:28: \"mars-north-9x\" is not an AWS region code"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{cfg}:9:11: waiver expires must be a date YYYY-MM-DD"
        )),
        "{err}"
    );
}

#[test]
fn waiver_with_unknown_rule_id_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inv.json", INVENTORY);
    let cfg = write(
        dir.path(),
        "c.toml",
        "[[waivers]]\nrule = \"RR-NOPE-999\"\nresource = \"arn:aws:*\"\nreason = \"accepted\"\nexpires = 2027-01-01\n",
    );
    let out = regionready(&["scan", "--inventory", &inv, "--config", &cfg], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        format!("error: {cfg}:1: waiver names unknown rule id \"RR-NOPE-999\"")
    );
}

#[test]
fn malformed_inventory_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(
        dir.path(),
        "inv.json",
        "{\"schema_version\": \"1.0\",\n \"accounts\": [{\"account_id\": 12}]}",
    );
    let out = regionready(&["scan", "--inventory", &inv], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with(&format!("error: {inv}:2:")), "{err}");
    assert!(
        err.contains("invalid inventory: invalid type: integer `12`, expected a string"),
        "{err}"
    );
}

#[test]
fn unsupported_inventory_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inv.json", "{\"schema_version\": \"9.0\"}");
    let out = regionready(&["scan", "--inventory", &inv], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unsupported inventory schema_version \"9.0\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_inventory_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = regionready(&["scan", "--inventory", "nope.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: nope.json: cannot read inventory:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_rule_id_in_explain_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = regionready(&["rules", "explain", "RR-XYZ-001"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule id \"RR-XYZ-001\""));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = regionready(&["scan", "--demo", "--fail-on", "severe"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = regionready(
        &["scan", "--demo", "--format", "json", "--format", "text"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("several --format values need --output-dir DIR"));
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = regionready(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("regionready.toml")).unwrap();
    assert!(text.contains("pairs = [[\"us-east-1\", \"eu-west-1\"]]"));
    let again = regionready(&["init"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    // The written file is picked up from the working directory.
    let inv = write(dir.path(), "inv.json", INVENTORY);
    let scan = regionready(
        &["scan", "--inventory", &inv, "--format", "json"],
        dir.path(),
    );
    // The inventory holds no account: a scan that assessed nothing fails the gate.
    assert_eq!(scan.status.code(), Some(1), "{}", stderr(&scan));
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(report["scope"]["config"], "regionready.toml");
    assert!(report["gate"]["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("no account was assessed"));
}
