//! A broken rule file must stop the run with one precise line per problem
//! (`file:line: rule ID: what is wrong`), never a panic and never a silently
//! disabled check.

use regionready::rules::load_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A valid user rule. Line numbers below refer to this text.
const GOOD: &str = r#"id = "RR-PAY-001"
name = "payments-table-not-global"
title = "Payments table has no replica in the partner region"
severity = "high"
category = "dynamodb"
resource = "dynamodb_table"
since = "0.1.0"
help_uri = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GlobalTables.html"
permissions = ["dynamodb:ListTables", "dynamodb:DescribeTable"]
rationale = "Payments tables must be writable in both regions."
scope = "resource.name.startsWith('payments-')"
condition = "resource.replicas.exists(r, r.region == partner_region)"
message = "'Table ' + resource.name + ' has no replica in ' + partner_region"

[remediation]
text = "Add a replica in the partner region."
cli = "aws dynamodb update-table --table-name payments-idempotency --replica-updates '[{\"Create\": {\"RegionName\": \"eu-west-1\"}}]'"
"#;

/// Writes `text` as `<dir>/<category>/<file>` and returns the file path.
fn write_rule(dir: &Path, file: &str, text: &str) -> PathBuf {
    let sub = dir.join("dynamodb");
    std::fs::create_dir_all(&sub).expect("create rule dir");
    let path = sub.join(file);
    std::fs::write(&path, text).expect("write rule");
    path
}

/// Loads a directory holding one rule and returns its single error line.
fn one_error(file: &str, text: &str) -> (String, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_rule(dir.path(), file, text);
    let error = match load_dir(dir.path()) {
        Ok(rules) => panic!("expected an error, loaded {} rule(s)", rules.len()),
        Err(e) => e,
    };
    assert_eq!(
        error.errors.len(),
        1,
        "expected exactly one error line, got: {:#?}",
        error.errors
    );
    let line = error.errors[0].clone();
    assert!(!line.contains('\n'), "error is not one line: {line:?}");
    (line, path)
}

fn assert_contains(haystack: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            haystack.contains(needle),
            "expected {needle:?} in:\n{haystack}"
        );
    }
}

#[test]
fn the_template_rule_is_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_rule(dir.path(), "RR-PAY-001.toml", GOOD);
    let rules = load_dir(dir.path()).expect("the template loads");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].spec.id, "RR-PAY-001");
}

#[test]
fn unknown_field_names_its_line() {
    let text = GOOD.replace("severity = \"high\"", "serverity = \"high\"");
    let (line, path) = one_error("RR-PAY-001.toml", &text);
    // The loader cannot read the id of a file that does not deserialize; the
    // file name (which must equal the id) identifies the rule.
    assert!(
        line.starts_with(&format!("{}:4:1: ", path.display())),
        "{line}"
    );
    assert_contains(
        &line,
        &["unknown field `serverity`", "RR-PAY-001", "`severity`"],
    );
}

#[test]
fn cel_that_does_not_compile_names_the_condition_line() {
    let text = GOOD.replace(
        "condition = \"resource.replicas.exists(r, r.region == partner_region)\"",
        "condition = \"resource.replicas.exists(r, r.region == )\"",
    );
    let (line, path) = one_error("RR-PAY-001.toml", &text);
    assert!(
        line.starts_with(&format!("{}:12: rule RR-PAY-001: ", path.display())),
        "{line}"
    );
    assert_contains(&line, &["condition does not compile", "Syntax error"]);
}

#[test]
fn cel_naming_an_unknown_field_is_rejected_at_load() {
    let text = GOOD.replace(
        "condition = \"resource.replicas.exists(r, r.region == partner_region)\"",
        "condition = \"resource.pitr\"",
    );
    let (line, path) = one_error("RR-PAY-001.toml", &text);
    assert!(
        line.starts_with(&format!("{}:12: rule RR-PAY-001: ", path.display())),
        "{line}"
    );
    assert_contains(&line, &["unknown field `resource.pitr`", "dynamodb_table"]);
}

#[test]
fn unknown_field_in_the_message_names_the_message_line() {
    let text = GOOD.replace(
        "message = \"'Table ' + resource.name",
        "message = \"'Table ' + resource.table_name",
    );
    let (line, path) = one_error("RR-PAY-001.toml", &text);
    assert!(
        line.starts_with(&format!("{}:13: rule RR-PAY-001: ", path.display())),
        "{line}"
    );
    assert_contains(&line, &["message: unknown field `resource.table_name`"]);
}

#[test]
fn id_must_equal_the_file_stem() {
    let (line, path) = one_error("RR-PAY-002.toml", GOOD);
    assert!(
        line.starts_with(&format!("{}:1: rule RR-PAY-001: ", path.display())),
        "{line}"
    );
    assert_contains(&line, &["id must equal the file name \"RR-PAY-002\""]);
}

#[test]
fn every_bad_file_is_reported_not_just_the_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_rule(
        dir.path(),
        "RR-PAY-001.toml",
        &GOOD.replace("severity = \"high\"", "serverity = \"high\""),
    );
    write_rule(
        dir.path(),
        "RR-PAY-002.toml",
        &GOOD
            .replace("RR-PAY-001", "RR-PAY-002")
            .replace("resource.name.startsWith", "resource.nme.startsWith"),
    );
    let error = load_dir(dir.path()).expect_err("two bad files");
    assert_eq!(error.errors.len(), 2, "{:#?}", error.errors);
    assert_contains(&error.errors[0], &["RR-PAY-001.toml:4:1:"]);
    assert_contains(
        &error.errors[1],
        &["RR-PAY-002.toml:11: rule RR-PAY-002: scope: unknown field `resource.nme`"],
    );
}

#[test]
fn the_cli_exits_2_with_one_error_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = GOOD.replace(
        "condition = \"resource.replicas.exists(r, r.region == partner_region)\"",
        "condition = \"resource.pitr\"",
    );
    let path = write_rule(dir.path(), "RR-PAY-001.toml", &text);
    let output = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["rules", "list", "--rules"])
        .arg(dir.path())
        .output()
        .expect("run regionready");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        output.stdout.is_empty(),
        "nothing is listed when a rule is bad"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line per problem, got:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert_contains(
        lines[0],
        &[
            &format!("{}:12:", path.display()),
            "RR-PAY-001",
            "unknown field `resource.pitr`",
        ],
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
