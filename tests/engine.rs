//! Engine behaviour that no single rule fixture shows: gaps become unknowns, waivers
//! and their expiry, pair overrides, account scoping, user rule directories.

use chrono::NaiveDate;
use regionready::config::Config;
use regionready::engine::{evaluate, EvaluateOptions};
use regionready::evaluation::{Evaluation, Status};
use regionready::inventory::Inventory;
use regionready::rules::RuleSet;

fn inventory(json: serde_json::Value) -> Inventory {
    Inventory::from_json(json.to_string().as_bytes(), "test.json").expect("valid inventory")
}

fn run(inv: &Inventory, config_text: &str, today: &str) -> Evaluation {
    let config = Config::parse(config_text, "test.toml").expect("valid config");
    let rules = RuleSet::load(None, &config).expect("rules load");
    let options = EvaluateOptions {
        today: NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap(),
        include_passes: true,
    };
    evaluate(inv, &config, &rules, &options)
}

fn outcomes(e: &Evaluation, rule: &str) -> Vec<(String, Status)> {
    let mut v: Vec<(String, Status)> = e
        .findings
        .iter()
        .filter(|f| &*f.rule_id == rule)
        .map(|f| (f.resource_arn.clone(), f.status))
        .collect();
    v.sort();
    v
}

const A: &str = "111122223333";

fn two_tables() -> serde_json::Value {
    serde_json::json!({
        "schema_version": "1.0",
        "accounts": [{"account_id": A, "regions": [{"region": "us-east-1", "dynamodb_tables": [
            {"arn": format!("arn:aws:dynamodb:us-east-1:{A}:table/payments-idempotency"), "name": "payments-idempotency",
             "replicas": [{"region": "eu-west-1", "status": "ACTIVE"}], "pitr_enabled": true},
            {"arn": format!("arn:aws:dynamodb:us-east-1:{A}:table/scratch-reports"), "name": "scratch-reports",
             "replicas": [], "pitr_enabled": false}
        ]}]}],
        "gaps": [{"account_id": A, "region": "eu-west-1", "service": "dynamodb", "error_code": "AccessDeniedException",
                  "message": "not authorized to perform dynamodb:ListTables"}]
    })
}

#[test]
fn a_gap_makes_the_rules_that_need_the_service_unknown() {
    let e = run(&inventory(two_tables()), "", "2026-11-22");
    let ddb = outcomes(&e, "RR-DDB-001");
    assert_eq!(
        ddb,
        vec![
            (format!("arn:aws:dynamodb:eu-west-1:{A}:*"), Status::Unknown),
            (
                format!("arn:aws:dynamodb:us-east-1:{A}:table/payments-idempotency"),
                Status::Pass
            ),
            (
                format!("arn:aws:dynamodb:us-east-1:{A}:table/scratch-reports"),
                Status::Fail
            ),
        ]
    );
    let gap_finding = e
        .findings
        .iter()
        .find(|f| f.resource_arn.ends_with(":*") && &*f.rule_id == "RR-DDB-001")
        .unwrap();
    assert_eq!(
        gap_finding.message,
        "not assessed: dynamodb in eu-west-1 could not be listed (AccessDeniedException: not authorized to perform dynamodb:ListTables)"
    );
    // Rules over keys do not read tables: the gap leaves them alone. RR-KMS-006 judges
    // every replicated table's key, so the tables that could not be listed are unknown to it.
    assert!(outcomes(&e, "RR-KMS-002").is_empty());
    assert!(outcomes(&e, "RR-KMS-006")
        .contains(&(format!("arn:aws:dynamodb:eu-west-1:{A}:*"), Status::Unknown)));
    let account = &e.accounts[0];
    assert!(account.assessed);
    let ddb_tally = &account
        .tallies
        .iter()
        .find(|(c, _)| c.as_str() == "dynamodb")
        .unwrap()
        .1;
    assert!(ddb_tally.unknown >= 1);
}

#[test]
fn waivers_apply_until_they_expire() {
    let config = r#"
[[waivers]]
rule = "RR-DDB-001"
resource = "arn:aws:dynamodb:*:*:table/scratch-*"
reason = "Rebuilt nightly from the ledger"
expires = 2026-12-31
"#;
    let inv = inventory(two_tables());
    let before = run(&inv, config, "2026-11-22");
    let f = before
        .findings
        .iter()
        .find(|f| &*f.rule_id == "RR-DDB-001" && f.status == Status::Fail)
        .unwrap();
    assert!(f.waived);
    assert_eq!(
        f.waiver.as_ref().unwrap().reason,
        "Rebuilt nightly from the ledger"
    );
    assert_eq!(before.waivers[0].state, "in-force");
    assert_eq!(before.waivers[0].matched, 1);

    let after = run(&inv, config, "2027-01-01");
    let f = after
        .findings
        .iter()
        .find(|f| &*f.rule_id == "RR-DDB-001" && f.status == Status::Fail)
        .unwrap();
    assert!(!f.waived, "an expired waiver no longer applies");
    assert_eq!(after.waivers[0].state, "expired");
    assert_eq!(after.waivers[0].matched, 1);
}

#[test]
fn pair_overrides_change_the_partner_region() {
    let inv = inventory(serde_json::json!({
        "schema_version": "1.0",
        "organization": {"root_id": "r-ab12", "management_account_id": "999999999999",
            "organizational_units": [{"id": "ou-ab12-eudata", "name": "EU-Data", "parent_id": "r-ab12"}],
            "accounts": [{"id": A, "name": "eu-data", "status": "ACTIVE", "parent_id": "ou-ab12-eudata"}]},
        "accounts": [{"account_id": A, "regions": [{"region": "eu-west-1", "dynamodb_tables": [
            {"arn": format!("arn:aws:dynamodb:eu-west-1:{A}:table/merchant-profiles"), "name": "merchant-profiles",
             "replicas": [{"region": "eu-central-1", "status": "ACTIVE"}], "pitr_enabled": true}]}]}]
    }));
    let default_pair = run(&inv, "", "2026-11-22");
    assert_eq!(outcomes(&default_pair, "RR-DDB-001")[0].1, Status::Fail);
    let overridden = run(
        &inv,
        "[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]]\nsanctioned = [\"us-east-1\", \"eu-west-1\", \"eu-central-1\"]\n[[regions.overrides]]\nou = \"EU-Data\"\npair = [\"eu-west-1\", \"eu-central-1\"]\n",
        "2026-11-22",
    );
    assert_eq!(outcomes(&overridden, "RR-DDB-001")[0].1, Status::Pass);
    assert_eq!(overridden.accounts[0].region_pair, "eu-west-1+eu-central-1");
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_not_assessed() {
    let inv = inventory(serde_json::json!({
        "schema_version": "1.0",
        "gaps": [{"account_id": "444455556666", "service": "sts", "error_code": "AccessDenied",
                  "message": "User is not authorized to perform sts:AssumeRole"}]
    }));
    let e = run(&inv, "", "2026-11-22");
    let account = &e.accounts[0];
    assert!(!account.assessed);
    assert_eq!(
        account.reason.as_deref(),
        Some("AccessDenied: User is not authorized to perform sts:AssumeRole")
    );
    assert!(e.findings.iter().all(|f| f.status == Status::Unknown));
    let scores = regionready::score::compute(&e);
    assert_eq!(
        scores.accounts[0].score.score,
        Some(0.0),
        "nothing seen is never a pass"
    );
    assert_eq!(scores.accounts[0].score.coverage, 0.0);
}

#[test]
fn excluded_accounts_are_not_evaluated() {
    let e = run(
        &inventory(two_tables()),
        "[organization]\nexclude_accounts = [\"111122223333\"]\n",
        "2026-11-22",
    );
    assert!(e.findings.is_empty());
    assert!(e.accounts.is_empty());
}

#[test]
fn user_rules_are_loaded_beside_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dynamodb")).unwrap();
    std::fs::write(
        dir.path().join("dynamodb/RR-ACME-001.toml"),
        r#"id = "RR-ACME-001"
name = "acme-tables-need-streams"
title = "Table has no stream"
severity = "low"
category = "dynamodb"
resource = "dynamodb_table"
since = "0.1.0"
help_uri = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html"
permissions = ["dynamodb:DescribeTable"]
rationale = "Our replication tooling reads streams."
condition = "resource.stream_enabled"
message = "'No stream on ' + resource.name"
[remediation]
text = "Enable a stream."
"#,
    )
    .unwrap();
    let config = Config::default_config();
    let rules = RuleSet::load(Some(dir.path()), &config).expect("user rule loads");
    assert!(rules.get("RR-ACME-001").is_some());
    let e = evaluate(
        &inventory(two_tables()),
        &config,
        &rules,
        &EvaluateOptions {
            today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            include_passes: true,
        },
    );
    // stream_enabled was not collected for either table: unknown, never pass.
    let acme = outcomes(&e, "RR-ACME-001");
    assert_eq!(
        acme.iter().filter(|(_, s)| *s == Status::Unknown).count(),
        3,
        "{acme:?}"
    );
    let f = e
        .findings
        .iter()
        .find(|f| &*f.rule_id == "RR-ACME-001" && f.resource_arn.contains("payments"))
        .unwrap();
    assert_eq!(f.message, "not collected: `stream_enabled`");
}
