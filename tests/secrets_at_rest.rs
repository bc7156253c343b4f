//! No configuration value outlives the load of an inventory: an environment
//! variable's value or a free-form description never reaches a report or a
//! rewritten inventory, while the references rules need (ARNs, endpoints) still
//! do. Files regionready writes are readable by their owner only.

use regionready::inventory::Inventory;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const PASSWORD: &str = "hunter2-value-5f1c";
const NOTE: &str = "secret-note-9a7";
const TABLE_ARN: &str = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders";

/// A schema 1.x inventory: it kept whole configuration items, secrets included.
fn legacy_inventory(configuration: &str) -> String {
    format!(
        r#"{{"schema_version": "1.0", "accounts": [{{"account_id": "111111111111", "regions": [{{"region": "us-east-1", "resources": [{{"resource_type": "AWS::Lambda::Function", "arn": "arn:aws:lambda:us-east-1:111111111111:function:orders", "configuration": {configuration}}}]}}]}}]}}"#
    )
}

fn with_secrets() -> String {
    legacy_inventory(&format!(
        r#"{{"description": "{NOTE}", "environment": {{"variables": {{"DB_PASSWORD": "{PASSWORD}", "TABLE": "{TABLE_ARN}"}}}}}}"#
    ))
}

fn scan_all_formats(dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--inventory", "inv.json", "--include-passes"])
        .args(["--format", "json", "--format", "sarif", "--format", "html"])
        .args([
            "--format",
            "markdown",
            "--format",
            "text",
            "--output-dir",
            "out",
        ])
        .current_dir(dir)
        .output()
        .expect("runs")
}

#[test]
fn no_configuration_value_reaches_any_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.json"), with_secrets()).unwrap();
    let out = scan_all_formats(dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "the cross-region call fails the gate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path().join("out")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(PASSWORD),
            "{}: holds the password",
            path.display()
        );
        assert!(
            !text.contains(NOTE),
            "{}: holds the description",
            path.display()
        );
        files += 1;
    }
    assert_eq!(files, 5);
    // The reference itself is evidence and is kept.
    let json = std::fs::read_to_string(dir.path().join("out/results.json")).unwrap();
    assert!(json.contains(TABLE_ARN), "the reference is reported");
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(PASSWORD));
    }
}

#[test]
fn a_loaded_inventory_keeps_references_and_drops_values() {
    let inventory = Inventory::from_json(with_secrets().as_bytes(), "inv.json").unwrap();
    let written = serde_json::to_string(&inventory).unwrap();
    assert!(!written.contains(PASSWORD));
    assert!(!written.contains(NOTE));
    let resource = &inventory.accounts[0].regions[0].resources[0];
    let references = resource.references.as_ref().expect("references extracted");
    assert_eq!(references.len(), 1);
    assert_eq!(references[0].target, TABLE_ARN);
    assert_eq!(references[0].path, "environment.variables.TABLE");
}

#[test]
fn a_configuration_too_deep_to_analyse_is_unknown_naming_references_error() {
    let deep = format!("{}\"{TABLE_ARN}\"{}", "[".repeat(200), "]".repeat(200));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.json"), legacy_inventory(&deep)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--inventory", "inv.json", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let hot: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "RR-HOT-001")
        .collect();
    assert_eq!(hot.len(), 1, "{hot:?}");
    assert_eq!(hot[0]["status"], "unknown");
    assert_eq!(
        hot[0]["message"],
        "not assessed: `cross_region_references` could not be read (references_error: the configuration item is nested more than 128 levels deep; its references were not read)"
    );
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn reports_are_written_for_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.json"), with_secrets()).unwrap();
    scan_all_formats(dir.path());
    for name in [
        "results.json",
        "regionready.sarif",
        "report.html",
        "report.md",
        "report.txt",
    ] {
        assert_eq!(mode(&dir.path().join("out").join(name)), 0o600, "{name}");
    }
    let single = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--demo", "--output", "one.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(single.status.code(), Some(1));
    assert_eq!(mode(&dir.path().join("one.txt")), 0o600);
    // A report replacing an older one gets the private mode too.
    std::fs::set_permissions(
        dir.path().join("one.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--demo", "--output", "one.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(mode(&dir.path().join("one.txt")), 0o600);
}
