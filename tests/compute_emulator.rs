//! Compute collected from the emulator (moto server), seeded with the `stack`
//! scenario of `tests/seed_moto.py`: Lambda functions, ECS services and Auto
//! Scaling groups in both regions of the pair, one correct example and one
//! anti-pattern per compute and capacity rule.
//!
//! The emulator does not serve GetAccountSettings (HTTP 404): the collector records
//! that gap per region, and only functions without a reservation lose their
//! ceiling; the recorded bodies (`tests/aws_shapes.rs`) cover the call. Tags of
//! functions come from the Tagging API, not read here, so matching is by name.

mod support;

use regionready::inventory::Inventory;
use support::moto::{run, scanner, Moto};

fn outcomes(inv: &Inventory, account: &str) -> Vec<String> {
    let config = regionready::config::Config::parse(
        "[regions]\npairs = [[\"us-east-1\", \"eu-west-1\"]]\n",
        "test",
    )
    .expect("config");
    let mut rules = regionready::rules::RuleSet::builtin().expect("rules");
    rules
        .rules
        .retain(|r| ["RR-CMP-001", "RR-CMP-002", "RR-CAP-002"].contains(&r.spec.id.as_str()));
    let options = regionready::engine::EvaluateOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        include_passes: true,
    };
    let evaluation = regionready::engine::evaluate(inv, &config, &rules, &options);
    let mut out: Vec<String> = evaluation
        .findings
        .iter()
        .filter(|f| f.account_id.as_ref() == account)
        .map(|f| format!("{} {} {:?}", f.rule_id, f.resource_arn, f.status))
        .collect();
    out.sort();
    out
}

#[test]
fn the_emulated_stack_is_judged_exactly() {
    let moto = Moto::start();
    let seed = moto.seed(&["stack"]);
    let account = seed["management"].as_str().expect("management account");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("inventory.json");
    let mut cmd = scanner(&moto.url(), dir.path());
    cmd.args(["collect", "-q", "-o"])
        .arg(&path)
        .args(["--sweep-regions", "ap-southeast-2"]);
    let out = run(cmd);
    let inv = Inventory::load(&path)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let arn = |key: &str, i: usize| -> String {
        let v = &seed[key];
        v.as_array()
            .map_or(v, |a| &a[i])
            .as_str()
            .expect(key)
            .to_string()
    };
    let fa =
        |region: &str, name: &str| format!("arn:aws:lambda:{region}:{account}:function:{name}");
    let (e, w) = ("us-east-1", "eu-west-1");
    // Every compute gap is the unserved GetAccountSettings, one per region.
    let mut gaps: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| ["lambda", "ecs", "autoscaling"].contains(&g.service.as_str()))
        .map(|g| format!("{:?} {:?}", g.region, g.operation))
        .collect();
    gaps.sort();
    assert_eq!(
        gaps,
        [
            "Some(\"eu-west-1\") Some(\"GetAccountSettings\")",
            "Some(\"us-east-1\") Some(\"GetAccountSettings\")"
        ]
        .map(String::from)
        .to_vec(),
        "{gaps:?}"
    );
    let got = outcomes(&inv, account);
    let want = [
        format!("RR-CMP-001 {} Pass", fa(e, "orders-api")),
        format!("RR-CMP-001 {} Pass", fa(w, "orders-api")),
        format!("RR-CMP-001 {} Fail", arn("function_one_region", 0)),
        format!("RR-CMP-001 {} Fail", arn("service_one_region", 0)),
        format!("RR-CMP-001 {} Pass", arn("service_both", 0)),
        format!("RR-CMP-001 {} Pass", arn("asg_both", 1)),
        format!("RR-CMP-002 {} Pass", fa(e, "orders-api")),
        format!("RR-CMP-002 {} Fail", fa(e, "invoices")),
        format!("RR-CMP-002 {} Fail", fa(w, "invoices")),
        format!("RR-CMP-002 {} Fail", arn("service_drift", 0)),
        format!("RR-CMP-002 {} Pass", arn("service_both", 1)),
        format!("RR-CAP-002 {} Pass", fa(e, "orders-api")),
        format!("RR-CAP-002 {} Fail", fa(e, "payments")),
        format!("RR-CAP-002 {} Pass", fa(w, "payments")),
        // No reservation and no GetAccountSettings from the emulator: unknown.
        format!("RR-CAP-002 {} Unknown", fa(e, "invoices")),
        format!("RR-CAP-002 {} Fail", arn("service_drift", 0)),
        format!("RR-CAP-002 {} Pass", arn("service_drift", 1)),
        format!("RR-CAP-002 {} Pass", arn("asg_both", 0)),
        format!("RR-CAP-002 {} Fail", arn("asg_smaller_partner", 0)),
        format!("RR-CAP-002 {} Pass", arn("asg_smaller_partner", 1)),
    ];
    let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
    assert!(
        missing.is_empty(),
        "missing {missing:#?}\ngot:\n{}",
        got.join("\n")
    );
}
