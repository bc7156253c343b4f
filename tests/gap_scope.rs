//! What a collection gap may and may not make unknown, what an inventory must be
//! to be read, and how the organization's state reaches the report.

use chrono::NaiveDate;
use regionready::config::Config;
use regionready::engine::{evaluate, EvaluateOptions};
use regionready::evaluation::{Evaluation, Status};
use regionready::inventory::Inventory;
use regionready::rules::RuleSet;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

const A: &str = "111122223333";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn evaluate_json(inventory: Value, config: &str) -> Evaluation {
    let inv = Inventory::from_json(inventory.to_string().as_bytes(), "test.json")
        .expect("valid inventory");
    let config = Config::parse(config, "test.toml").expect("valid config");
    let rules = RuleSet::load(None, &config).expect("rules load");
    evaluate(
        &inv,
        &config,
        &rules,
        &EvaluateOptions {
            today: NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
            include_passes: true,
        },
    )
}

/// Unknown outcomes on resources (account rules aside: these inventories have no
/// organization, so the SCP rules are unknown by design).
fn unknown_rules(e: &Evaluation) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = e
        .findings
        .iter()
        .filter(|f| f.status == Status::Unknown && !f.resource_arn.ends_with(":root"))
        .map(|f| (f.rule_id.to_string(), f.resource_arn.clone()))
        .collect();
    v.sort();
    v
}

fn table(region: &str, name: &str, pitr: Option<bool>) -> Value {
    let mut t = json!({"arn": format!("arn:aws:dynamodb:{region}:{A}:table/{name}"), "name": name,
        "status": "ACTIVE", "replicas": [{"region": if region == "us-east-1" {"eu-west-1"} else {"us-east-1"}, "status": "ACTIVE"}],
        "global_table_version": "2019.11.21", "stream_enabled": true, "tags": {},
        "capacity": {"billing_mode": "PAY_PER_REQUEST", "table": {"read_capacity_units": 0, "write_capacity_units": 0}}});
    if let Some(p) = pitr {
        t["pitr_enabled"] = json!(p);
    }
    t
}

#[test]
fn a_guarded_org_whose_swept_regions_are_denied_by_scp_passes_with_honest_coverage() {
    let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--format", "json", "--inventory"])
        .arg(root().join("fixtures/guarded-org/inventory.json"))
        .arg("--config")
        .arg(root().join("fixtures/guarded-org/regionready.toml"))
        .output()
        .expect("run regionready");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let score = report["scores"]["overall"].as_f64().expect("a score");
    let coverage = report["scores"]["overall_coverage"]
        .as_f64()
        .expect("coverage");
    assert!(score >= 90.0, "score {score}");
    assert!(
        coverage < 1.0,
        "coverage {coverage}: the denied regions were not seen"
    );
    // One unknown per account and rule that could apply there, never one per region,
    // and none for the rules that only judge the pair.
    let unknown: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "unknown")
        .map(|f| {
            assert!(
                f["message"]
                    .as_str()
                    .expect("message")
                    .starts_with("blocked sweep: 15 region(s) outside the pair could not be read"),
                "{f}"
            );
            assert!(f["message"]
                .as_str()
                .unwrap_or_default()
                .contains("aws:PrincipalArn"));
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["resource_arn"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [
            ("RR-REG-001", "arn:aws:iam::111122223333:root"),
            ("RR-REG-001", "arn:aws:iam::444455556666:root"),
            ("RR-RES-002", "arn:aws:iam::111122223333:root"),
            ("RR-RES-002", "arn:aws:iam::444455556666:root"),
        ]
        .map(|(r, a)| (r.to_string(), a.to_string()))
    );
    let gaps = report["gaps"].as_array().expect("gaps");
    assert_eq!(gaps.len(), 120);
    assert!(gaps.iter().all(|g| g["blocked_sweep"] == true));
    assert_eq!(gaps[0]["blocks"], json!(["RR-REG-001", "RR-RES-002"]));

    let text = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args(["scan", "--inventory"])
        .arg(root().join("fixtures/guarded-org/inventory.json"))
        .arg("--config")
        .arg(root().join("fixtures/guarded-org/regionready.toml"))
        .output()
        .expect("run regionready");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("  111122223333 blocked sweep: 15 region(s) outside the pair are denied to the scanner by the account's SCPs: ap-northeast-1,"),
        "{text}"
    );
    assert_eq!(
        text.matches("blocked sweep").count(),
        2,
        "one line per account"
    );
}

#[test]
fn a_swept_region_that_could_not_be_listed_leaves_pair_only_rules_alone() {
    let inventory = json!({
        "schema_version": "2.0",
        "accounts": [{"account_id": A, "regions": [
            {"region": "eu-west-1", "dynamodb_tables": [table("eu-west-1", "orders", Some(true))]},
            {"region": "us-east-1", "dynamodb_tables": [table("us-east-1", "orders", Some(true))]},
            {"region": "ap-southeast-2"}]}],
        "gaps": [{"account_id": A, "region": "ap-southeast-2", "service": "dynamodb", "operation": "ListTables",
                  "error_code": "ThrottlingException", "message": "ListTables: Rate exceeded"}]
    });
    let e = evaluate_json(inventory, "");
    assert_eq!(
        unknown_rules(&e),
        [(
            "RR-REG-001".to_string(),
            format!("arn:aws:dynamodb:ap-southeast-2:{A}:*")
        )],
        "only the rule that judges resources anywhere; the tables found there would have been listed without tags (RR-RES-001 skips them) and RR-RES-002 is off"
    );
    assert_eq!(e.gaps[0].blocks, ["RR-REG-001"]);
}

/// A rule the region alone settles ("the region is sanctioned") cannot be changed
/// by what a gap hid in a sanctioned region: every hidden resource would pass. In
/// a region that is not sanctioned, the hidden resources would fail, so it stays
/// unknown there.
#[test]
fn a_gap_in_a_sanctioned_region_leaves_rules_the_region_settles_alone() {
    let inventory = json!({
        "schema_version": "2.0",
        "accounts": [{"account_id": A, "regions": [
            {"region": "eu-west-1", "dynamodb_tables": [table("eu-west-1", "orders", Some(true))]},
            {"region": "us-east-1", "dynamodb_tables": [table("us-east-1", "orders", Some(true))]},
            {"region": "ap-southeast-2"}, {"region": "sa-east-1"}]}],
        "gaps": [{"account_id": A, "region": "ap-southeast-2", "service": "dynamodb", "operation": "ListTables",
                  "error_code": "ThrottlingException", "message": "ListTables: Rate exceeded"},
                 {"account_id": A, "region": "sa-east-1", "service": "dynamodb", "operation": "ListTables",
                  "error_code": "ThrottlingException", "message": "ListTables: Rate exceeded"}]
    });
    let e = evaluate_json(
        inventory,
        "[regions]\nsanctioned = [\"us-east-1\", \"eu-west-1\", \"ap-southeast-2\"]\n",
    );
    assert_eq!(
        unknown_rules(&e),
        [(
            "RR-REG-001".to_string(),
            format!("arn:aws:dynamodb:sa-east-1:{A}:*")
        )]
    );
    assert!(e.gaps[0].blocks.is_empty(), "{:?}", e.gaps[0].blocks);
    assert_eq!(e.gaps[1].blocks, ["RR-REG-001"]);
}

#[test]
fn a_failed_describe_leaves_only_its_resource_unknown() {
    let inventory = json!({
        "schema_version": "2.0",
        "accounts": [{"account_id": A, "regions": [
            {"region": "eu-west-1", "dynamodb_tables": [table("eu-west-1", "orders", Some(true)), table("eu-west-1", "carts", Some(true))]},
            {"region": "us-east-1", "dynamodb_tables": [table("us-east-1", "orders", None), table("us-east-1", "carts", Some(true))]}]}],
        "gaps": [{"account_id": A, "region": "us-east-1", "service": "dynamodb", "operation": "DescribeContinuousBackups",
                  "error_code": "AccessDeniedException", "message": "DescribeContinuousBackups orders: not authorized"}]
    });
    let e = evaluate_json(inventory, "");
    assert_eq!(
        unknown_rules(&e),
        [(
            "RR-DDB-003".to_string(),
            format!("arn:aws:dynamodb:us-east-1:{A}:table/orders")
        )]
    );
    assert_eq!(e.gaps[0].blocks, ["RR-DDB-003"]);
}

#[test]
fn a_pair_chosen_by_tags_that_could_not_be_read_is_unknown_not_the_default() {
    let inventory = json!({
        "schema_version": "2.0",
        "organization": {"root_id": "r-1", "management_account_id": "999988887777",
            "accounts": [{"id": A, "name": "eu-payments", "state": "ACTIVE", "parent_id": "r-1"}]},
        "accounts": [{"account_id": A, "regions": [
            {"region": "us-east-1", "dynamodb_tables": [table("us-east-1", "orders", Some(true))]}]}],
        "gaps": [{"account_id": A, "service": "organizations", "operation": "ListTagsForResource",
                  "error_code": "TooManyRequestsException", "message": "ListTagsForResource 111122223333: rate exceeded"}]
    });
    let config = "[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]]\nsanctioned = [\"us-east-1\", \"eu-west-1\", \"eu-central-1\"]\n[[regions.overrides]]\ntag = \"pair=eu\"\npair = [\"eu-west-1\", \"eu-central-1\"]\n";
    let e = evaluate_json(inventory, config);
    let ddb: Vec<_> = e
        .findings
        .iter()
        .filter(|f| &*f.rule_id == "RR-DDB-001")
        .map(|f| (f.status, f.message.clone()))
        .collect();
    assert_eq!(
        ddb,
        [(
            Status::Unknown,
            "unknown: the account's region pair depends on its tags ([[regions.overrides]] tag = ...), which could not be read".to_string()
        )]
    );
    // A rule that does not depend on the pair is still judged.
    assert!(e
        .findings
        .iter()
        .any(|f| &*f.rule_id == "RR-DDB-003" && f.status == Status::Pass));
}

#[test]
fn accounts_aws_does_not_run_are_listed_as_not_assessed_with_their_state() {
    let inventory = json!({
        "schema_version": "2.0",
        "organization": {"root_id": "r-1", "management_account_id": "999988887777",
            "accounts": [{"id": A, "name": "payments", "state": "ACTIVE", "parent_id": "r-1"},
                         {"id": "444455556666", "name": "old-sandbox", "state": "SUSPENDED", "parent_id": "r-1"},
                         {"id": "777788889999", "name": "closing", "status": "PENDING_CLOSURE", "parent_id": "r-1"}]},
        "accounts": [{"account_id": A, "regions": [{"region": "us-east-1"}]}]
    });
    let e = evaluate_json(inventory, "");
    let listed: Vec<(&str, bool, Option<&str>)> = e
        .accounts
        .iter()
        .map(|a| (a.account_id.as_str(), a.assessed, a.reason.as_deref()))
        .collect();
    assert!(listed.contains(&(
        "444455556666",
        false,
        Some("not scanned: the account's state is SUSPENDED")
    )));
    assert!(listed.contains(&(
        "777788889999",
        false,
        Some("not scanned: the account's state is PENDING_CLOSURE")
    )));
    assert!(e.findings.iter().all(|f| &*f.account_id != "444455556666"));
}

/// (inventory, the one error line expected on stderr after the file name)
fn inconsistent_inventories() -> Vec<(Value, &'static str)> {
    let acct = |id: &str| json!({"account_id": id, "regions": [{"region": "us-east-1"}]});
    vec![
        (
            json!({"schema_version": "2.0", "accounts": [acct(A), acct("444455556666"), acct(A)]}),
            "accounts[2].account_id: \"111122223333\" appears twice (first at accounts[0]); list it once",
        ),
        (
            json!({"schema_version": "2.0", "accounts": [{"account_id": A, "regions": [{"region": "us-east-1",
                "dynamodb_tables": [table("eu-west-1", "orders", Some(true))]}]}]}),
            "accounts[0].regions[0].dynamodb_tables[0].arn: \"arn:aws:dynamodb:eu-west-1:111122223333:table/orders\" is in region eu-west-1, but is filed under region us-east-1",
        ),
        (
            json!({"schema_version": "2.0", "accounts": [{"account_id": "444455556666", "regions": [{"region": "us-east-1",
                "dynamodb_tables": [table("us-east-1", "orders", Some(true))]}]}]}),
            "accounts[0].regions[0].dynamodb_tables[0].arn: \"arn:aws:dynamodb:us-east-1:111122223333:table/orders\" belongs to account 111122223333, but is filed under account 444455556666",
        ),
        (
            json!({"schema_version": "2.0", "accounts": [{"account_id": A, "regions": [{"region": "us-east-1",
                "dynamodb_tables": [table("us-east-1", "orders", Some(true)), table("us-east-1", "orders", Some(false))]}]}]}),
            "accounts[0].regions[0].dynamodb_tables[1].arn: \"arn:aws:dynamodb:us-east-1:111122223333:table/orders\" is listed twice with different contents (first at accounts[0].regions[0].dynamodb_tables[0])",
        ),
        (
            json!({"schema_version": "9.0", "accounts": []}),
            "unsupported inventory schema_version \"9.0\" (this build reads 1.x and 2.x, writes \"2.0\")",
        ),
    ]
}

#[test]
fn an_inconsistent_inventory_is_rejected_with_its_place_in_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, (inventory, expected)) in inconsistent_inventories().into_iter().enumerate() {
        let path = dir.path().join(format!("inventory-{i}.json"));
        std::fs::write(&path, inventory.to_string()).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_regionready"))
            .args(["scan", "--inventory"])
            .arg(&path)
            .output()
            .expect("run regionready");
        assert_eq!(out.status.code(), Some(2), "case {i}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim_end(),
            format!("error: {}: {expected}", path.display()),
            "case {i}"
        );
    }
}

#[test]
fn identical_duplicates_are_not_an_error() {
    let t = table("us-east-1", "orders", Some(true));
    let inventory = json!({"schema_version": "2.0", "accounts": [{"account_id": A, "regions": [{"region": "us-east-1",
        "dynamodb_tables": [t.clone(), t]}]}]});
    assert!(Inventory::from_json(inventory.to_string().as_bytes(), "x.json").is_ok());
}

#[test]
fn an_account_whose_parent_could_not_be_read_has_unknown_scps() {
    let inventory = json!({
        "schema_version": "2.0",
        "organization": {"root_id": "r-1", "management_account_id": "999988887777",
            "accounts": [{"id": A, "name": "payments", "state": "ACTIVE", "parent_id": ""}],
            "policies": [{"id": "p-FullAWSAccess", "name": "FullAWSAccess", "aws_managed": true,
                "content": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
                "targets": [{"target_id": "r-1", "type": "ROOT"}, {"target_id": A, "type": "ACCOUNT"}]}]},
        "accounts": [{"account_id": A, "regions": [{"region": "us-east-1"}]}],
        "gaps": [{"account_id": A, "service": "organizations", "operation": "ListParents",
                  "error_code": "TooManyRequestsException", "message": "ListParents 111122223333: rate exceeded"}]
    });
    let e = evaluate_json(inventory, "");
    let mut scp_rules: Vec<(String, Status)> = e
        .findings
        .iter()
        .filter(|f| f.rule_id.starts_with("RR-REG-00") && &*f.rule_id != "RR-REG-001")
        .map(|f| (f.rule_id.to_string(), f.status))
        .collect();
    scp_rules.sort();
    assert_eq!(
        scp_rules,
        [
            ("RR-REG-002".to_string(), Status::Unknown),
            ("RR-REG-003".to_string(), Status::Unknown),
            ("RR-REG-004".to_string(), Status::Unknown)
        ]
    );
}
