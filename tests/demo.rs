//! The bundled demo estate: `regionready scan --demo` must show every rule failing
//! on the anti-pattern built for it, next to correctly built resources that pass.

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

const PAYMENTS: &str = "418295736402";
const ANALYTICS: &str = "852067391524";
const LEGACY: &str = "963184205736";

/// Runs the demo scan and returns its exit code and JSON report.
fn demo_scan() -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_regionready"))
        .args([
            "scan",
            "--demo",
            "--format",
            "json",
            "--as-of",
            "2026-11-22",
        ])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the demo report is JSON ({e}); stderr:\n{stderr}"));
    (output.status.code().expect("exit code"), report)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings is a list")
}

fn failing(report: &Value) -> Vec<&Value> {
    findings(report)
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect()
}

fn failing_pairs(report: &Value) -> BTreeSet<(String, String)> {
    failing(report)
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource_arn"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The anti-patterns of the demo estate, at least one per rule.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    // eu-west-1 compute decrypting with a us-east-1 single-Region key.
    ("RR-KMS-004", "arn:aws:lambda:eu-west-1:418295736402:function:settlement-notifier"),
    // eu-west-1 compute naming the us-east-1 copy of a multi-Region key replicated to eu-west-1.
    ("RR-KMS-005", "arn:aws:ecs:eu-west-1:418295736402:task-definition/merchant-portal:57"),
    // The eu-west-1 replica of a global table DynamoDB reports INACCESSIBLE_ENCRYPTION_CREDENTIALS.
    ("RR-KMS-006", "arn:aws:dynamodb:eu-west-1:418295736402:table/api-rate-limit-counters"),
    // Multi-Region primary never replicated to eu-west-1.
    ("RR-KMS-002", "arn:aws:kms:us-east-1:418295736402:key/mrk-139ce618cf0940dabfa75479a2388e2f"),
    // Single-Region customer keys, listed for review (info).
    ("RR-KMS-003", "arn:aws:kms:us-east-1:418295736402:key/f4ab9714-0f30-482a-a980-b053d52b24a4"),
    ("RR-KMS-003", "arn:aws:kms:us-east-1:852067391524:key/1cf27b93-0410-47e8-ab45-93c28dbd2913"),
    // Secrets with no replica in the partner region.
    ("RR-SEC-001", "arn:aws:secretsmanager:us-east-1:418295736402:secret:payments/fraud-scoring-api-token-q3Rz7o"),
    ("RR-SEC-001", "arn:aws:secretsmanager:us-east-1:852067391524:secret:analytics/snowflake-loader-pk7QEv"),
    // Replicas stuck Failed and InProgress.
    ("RR-SEC-002", "arn:aws:secretsmanager:us-east-1:418295736402:secret:payments/card-network-mtls-cert-0bn3No"),
    ("RR-SEC-002", "arn:aws:secretsmanager:us-east-1:530741926318:secret:ledger/reporting-readonly-mIPQUI"),
    // Partner replicas that do not serve: Failed, InProgress.
    ("RR-SEC-001", "arn:aws:secretsmanager:us-east-1:418295736402:secret:payments/card-network-mtls-cert-0bn3No"),
    // Tables with no serving replica in the partner region.
    ("RR-DDB-001", "arn:aws:dynamodb:us-east-1:418295736402:table/payout-batches"),
    ("RR-DDB-001", "arn:aws:dynamodb:us-east-1:418295736402:table/api-rate-limit-counters"),
    ("RR-DDB-001", "arn:aws:dynamodb:eu-west-1:418295736402:table/sepa-direct-debit-mandates"),
    // Legacy 2017.11.29 global table.
    ("RR-DDB-002", "arn:aws:dynamodb:us-east-1:418295736402:table/merchant-webhook-deliveries"),
    ("RR-DDB-002", "arn:aws:dynamodb:eu-west-1:418295736402:table/merchant-webhook-deliveries"),
    // PITR off on one replica of a global table, and on the forgotten table.
    ("RR-DDB-003", "arn:aws:dynamodb:eu-west-1:418295736402:table/api-rate-limit-counters"),
    ("RR-DDB-003", "arn:aws:dynamodb:ap-southeast-2:852067391524:table/fx-rates-cache"),
    // Standalone Aurora cluster.
    ("RR-RDS-001", "arn:aws:rds:us-east-1:530741926318:cluster:ledger-reconciliation"),
    // Global cluster with a member in us-east-1 only.
    ("RR-RDS-002", "arn:aws:rds::530741926318:global-cluster:helios-fx-ledger-global"),
    // Global cluster whose writer is in us-west-2.
    ("RR-RDS-003", "arn:aws:rds::530741926318:global-cluster:ledger-reporting-global"),
    // Aurora Serverless v1 cannot join a global database.
    ("RR-RDS-004", "arn:aws:rds:us-east-1:530741926318:cluster:ledger-exports-v1"),
    // Headless eu-west-1 member of a global database.
    ("RR-RDS-005", "arn:aws:rds:eu-west-1:530741926318:cluster:ledger-reporting-euw1"),
    // eu-west-1 compute reading secrets in us-east-1.
    ("RR-HOT-001", "arn:aws:lambda:eu-west-1:418295736402:function:settlement-notifier"),
    ("RR-HOT-001", "arn:aws:ecs:eu-west-1:418295736402:task-definition/merchant-portal:57"),
    // Resources in unsanctioned regions.
    ("RR-REG-001", "arn:aws:dynamodb:ap-southeast-2:852067391524:table/fx-rates-cache"),
    ("RR-REG-001", "arn:aws:lambda:ap-southeast-2:852067391524:function:fx-rates-poller"),
    // A function deployed to us-east-1 only.
    ("RR-CMP-001", "arn:aws:lambda:us-east-1:418295736402:function:chargeback-intake"),
    // python3.12 with 1024 MB in us-east-1, python3.11 with 512 MB in eu-west-1.
    ("RR-CMP-002", "arn:aws:lambda:us-east-1:418295736402:function:refund-worker"),
    ("RR-CMP-002", "arn:aws:lambda:eu-west-1:418295736402:function:refund-worker"),
    // 300 reserved executions in us-east-1, 100 in eu-west-1.
    ("RR-CAP-002", "arn:aws:lambda:us-east-1:418295736402:function:capture"),
    // 4 instances serving in us-east-1, a minimum of 1 in eu-west-1.
    ("RR-CAP-002", "arn:aws:autoscaling:us-east-1:418295736402:autoScalingGroup:3d9f0a7e-1b2c-4d5e-8f90-1a2b3c4d5e6f:autoScalingGroupName/batch-settlement-us-east-1"),
    ("RR-REG-001", "arn:aws:rds:us-west-2:530741926318:cluster:ledger-reporting-usw2"),
    // Accounts outside the OU that carries the region guardrail.
    ("RR-REG-002", "arn:aws:iam::739514682047:root"),
    ("RR-REG-002", "arn:aws:iam::852067391524:root"),
    // An account SCP that denies eu-west-1.
    ("RR-REG-003", "arn:aws:iam::852067391524:root"),
    // An account SCP that denies Lambda in us-east-1 only.
    ("RR-REG-004", "arn:aws:iam::739514682047:root"),
    // The eu-west-1 replica of an on-demand global table capped at 1000 reads against 6000.
    ("RR-CAP-001", "arn:aws:dynamodb:us-east-1:418295736402:table/merchant-webhook-deliveries"),
    // EU data replicated to us-east-1.
    ("RR-RES-001", "arn:aws:dynamodb:us-east-1:418295736402:table/eu-merchant-settlement-profiles"),
    ("RR-RES-001", "arn:aws:dynamodb:eu-west-1:418295736402:table/eu-merchant-settlement-profiles"),
    ("RR-RES-001", "arn:aws:dynamodb:us-east-1:739514682047:table/kyc-verification-index"),
    // EU merchant statements replicated by S3 to a bucket in us-east-1.
    ("RR-RES-001", "arn:aws:s3:::helios-eu-merchant-statements"),
    ("RR-RES-001", "arn:aws:s3:::helios-eu-merchant-statements-use1"),
    // A bucket in one region only, and a replica bucket that writes nothing back.
    ("RR-S3-001", "arn:aws:s3:::helios-dispute-evidence-use1"),
    ("RR-S3-001", "arn:aws:s3:::helios-chargeback-exports-euw1"),
    // Replication to a destination whose versioning was suspended.
    ("RR-S3-002", "arn:aws:s3:::helios-chargeback-exports-use1"),
    // A cache in no Global Datastore.
    ("RR-ELC-001", "arn:aws:elasticache:us-east-1:418295736402:replicationgroup:helios-rate-limits"),
    // Data stores without the residency tag.
    ("RR-RES-002", "arn:aws:s3:::helios-analytics-raw-events"),
    ("RR-RES-002", "arn:aws:dynamodb:ap-southeast-2:852067391524:table/fx-rates-cache"),
    // A latency name over us-east-1 and ap-southeast-2: eu-west-1 never gets its traffic.
    ("RR-TRF-001", "arn:aws:route53:::hostedzone/Z04H3L1OSPAY7EXAMPLE/recordset/checkout.heliospay.com/A"),
    // Weighted aliases with no health check and no evaluate target health.
    ("RR-TRF-002", "arn:aws:route53:::hostedzone/Z04H3L1OSPAY7EXAMPLE/recordset/merchants.heliospay.com/A"),
    // A disabled health check deciding the routing of status.heliospay.com.
    ("RR-TRF-003", "arn:aws:route53:::healthcheck/5b4c1e30-9d6f-4a0c-9e2d-3f4051627384"),
    // Failover records cached 300 s.
    ("RR-TRF-004", "arn:aws:route53:::hostedzone/Z04H3L1OSPAY7EXAMPLE/recordset/webhooks.heliospay.com/CNAME"),
    // An accelerator with endpoint groups in us-east-1 only.
    ("RR-TRF-005", "arn:aws:globalaccelerator::418295736402:accelerator/7a2e3b4c-5d6e-4f70-9b0c-1d2e3f4a5b6c"),
    // A distribution whose only origin is a us-east-1 load balancer.
    ("RR-EDGE-001", "arn:aws:cloudfront::418295736402:distribution/E2HELIOSDOCS"),
    // Replication alarm whose actions are disabled.
    ("RR-OBS-001", "arn:aws:dynamodb:us-east-1:418295736402:table/merchant-webhook-deliveries"),
    // Secondary of a global database with no lag alarm.
    ("RR-OBS-002", "arn:aws:rds:eu-west-1:530741926318:cluster:ledger-reporting-euw1"),
    // Replication to the partner with metrics on and no alarm on its latency.
    ("RR-OBS-003", "arn:aws:s3:::helios-chargeback-exports-use1"),
    // Repository the registry's prefix filter does not replicate.
    ("RR-ECR-001", "arn:aws:ecr:us-east-1:418295736402:repository/payments-batch"),
];

/// Correctly built resources: no rule may fail on them.
const COMPLIANT: &[&str] = &[
    // The same function, service and group in both regions, alike and equally sized.
    "arn:aws:lambda:us-east-1:418295736402:function:payments-authorize",
    "arn:aws:lambda:eu-west-1:418295736402:function:payments-authorize",
    "arn:aws:ecs:us-east-1:418295736402:service/payments/checkout-web",
    "arn:aws:ecs:eu-west-1:418295736402:service/payments/checkout-web",
    "arn:aws:autoscaling:us-east-1:418295736402:autoScalingGroup:3d9f0a7e-1b2c-4d5e-8f90-1a2b3c4d5e6f:autoScalingGroupName/ledger-api-us-east-1",
    "arn:aws:autoscaling:eu-west-1:418295736402:autoScalingGroup:3d9f0a7e-1b2c-4d5e-8f90-6f5e4d3c2b1a:autoScalingGroupName/ledger-api-eu-west-1",
    "arn:aws:dynamodb:us-east-1:418295736402:table/payments-idempotency-keys",
    "arn:aws:dynamodb:eu-west-1:418295736402:table/payments-idempotency-keys",
    "arn:aws:dynamodb:us-east-1:418295736402:table/merchant-sessions",
    "arn:aws:dynamodb:eu-west-1:418295736402:table/merchant-sessions",
    // A global table under a single-Region customer key in each region, as AWS requires.
    "arn:aws:dynamodb:us-east-1:418295736402:table/card-token-metadata",
    "arn:aws:dynamodb:eu-west-1:418295736402:table/card-token-metadata",
    "arn:aws:kms:us-east-1:418295736402:key/mrk-e6b37b599a5524960c06769165106a02",
    "arn:aws:kms:eu-west-1:418295736402:key/mrk-e6b37b599a5524960c06769165106a02",
    "arn:aws:kms:us-east-1:530741926318:key/mrk-142bb15a1310f047e6b137378c3e1e0d",
    "arn:aws:secretsmanager:us-east-1:418295736402:secret:payments/psp-adyen-api-key-",
    "arn:aws:secretsmanager:eu-west-1:418295736402:secret:payments/eu-acquirer-credentials-",
    "arn:aws:secretsmanager:us-east-1:530741926318:secret:rds!cluster-",
    "arn:aws:rds::530741926318:global-cluster:helios-ledger-global",
    "arn:aws:rds:us-east-1:530741926318:cluster:helios-ledger-use1",
    "arn:aws:rds:eu-west-1:530741926318:cluster:helios-ledger-euw1",
    "arn:aws:lambda:us-east-1:418295736402:function:payments-authorizer",
    "arn:aws:lambda:eu-west-1:418295736402:function:payments-authorizer",
    "arn:aws:ecs:eu-west-1:418295736402:task-definition/payments-api:318",
    "arn:aws:ecs:us-east-1:418295736402:task-definition/payments-api:318",
    "arn:aws:s3:::helios-settlement-exports-use1",
    "arn:aws:s3:::helios-settlement-exports-euw1",
    "arn:aws:s3:::helios-eu-kyc-documents",
    "arn:aws:iam::418295736402:root",
    "arn:aws:iam::530741926318:root",
    "arn:aws:route53:::hostedzone/Z04H3L1OSPAY7EXAMPLE/recordset/api.heliospay.com/A",
    "arn:aws:route53:::hostedzone/Z04H3L1OSPAY7EXAMPLE/recordset/auth.heliospay.com/CNAME",
    "arn:aws:route53:::healthcheck/3f2a9c1e-7b4d-4e8a-9c0b-1d2e3f405162",
    "arn:aws:globalaccelerator::418295736402:accelerator/6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
    "arn:aws:cloudfront::418295736402:distribution/E1HELIOSCHECKOUT",
    // Two-way S3 replication between versioned buckets, with replica modification sync.
    "arn:aws:s3:::helios-receipts-use1",
    "arn:aws:s3:::helios-receipts-euw1",
    // A Global Datastore with a member in each region of the pair.
    "arn:aws:elasticache:us-east-1:418295736402:replicationgroup:helios-sessions",
    "arn:aws:elasticache:eu-west-1:418295736402:replicationgroup:helios-sessions-euw1",
    "arn:aws:ecr:us-east-1:418295736402:repository/payments-api",
    "arn:aws:ecr:eu-west-1:418295736402:repository/payments-api",
];

#[test]
fn demo_scan_fails_the_gate_with_a_versioned_report() {
    let (code, report) = demo_scan();
    assert_eq!(code, 1, "the demo estate fails the gate");
    assert_eq!(report["schema_version"], "1.0");
    assert_eq!(report["scope"]["source"], "demo");
    assert_eq!(report["scope"]["as_of"], "2026-11-22");
    assert_eq!(
        report["scope"]["region_pairs"],
        serde_json::json!(["us-east-1+eu-west-1"])
    );
    assert!(
        report["scope"]["resources"].as_u64().unwrap() >= 60,
        "scope: {}",
        report["scope"]
    );
    assert!(
        report["scope"]["accounts"].as_u64().unwrap() >= 4,
        "scope: {}",
        report["scope"]
    );
    assert_eq!(
        report["scope"]["outside_pair_sources"],
        serde_json::json!(["aws-config"])
    );
}

#[test]
fn failing_findings_cover_every_category() {
    let (_, report) = demo_scan();
    let seen: BTreeSet<&str> = failing(&report)
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    for category in regionready::rules::Category::ALL.map(|c| c.as_str()) {
        assert!(
            seen.contains(&category),
            "no failing finding in category {category}; failing in {seen:?}"
        );
    }
}

#[test]
fn every_anti_pattern_fails_its_rule() {
    let (_, report) = demo_scan();
    let actual = failing_pairs(&report);
    let missing: Vec<_> = EXPECTED_FAILURES
        .iter()
        .filter(|(rule, arn)| !actual.contains(&(rule.to_string(), arn.to_string())))
        .collect();
    assert!(
        missing.is_empty(),
        "expected failures not reported: {missing:#?}\nfailing: {actual:#?}"
    );
    let rules: BTreeSet<&str> = EXPECTED_FAILURES.iter().map(|(rule, _)| *rule).collect();
    assert_eq!(
        rules.len(),
        regionready::rules::RuleSet::builtin()
            .expect("built-in rules load")
            .rules
            .len(),
        "every rule has an anti-pattern in the demo"
    );
}

#[test]
fn compliant_resources_pass() {
    let (_, report) = demo_scan();
    for f in failing(&report) {
        let arn = f["resource_arn"].as_str().unwrap();
        for good in COMPLIANT {
            // Secret ARNs end in a random suffix; the list gives their prefix.
            let hit = if good.ends_with('-') {
                arn.starts_with(good)
            } else {
                arn == *good
            };
            assert!(
                !hit,
                "{} fails on a correctly built resource {arn}: {}",
                f["rule_id"], f["message"]
            );
        }
    }
}

#[test]
fn aws_managed_keys_and_rds_owned_secrets_are_never_flagged() {
    let (_, report) = demo_scan();
    for f in failing(&report) {
        let rule = f["rule_id"].as_str().unwrap();
        let message = f["message"].as_str().unwrap_or_default();
        if rule.starts_with("RR-KMS-") {
            assert!(
                !message.contains("alias/aws/"),
                "{rule} flags an AWS managed key: {message}"
            );
        }
        if rule.starts_with("RR-SEC-") {
            let arn = f["resource_arn"].as_str().unwrap();
            assert!(
                !arn.contains(":secret:rds!"),
                "{rule} flags an RDS-managed secret: {arn}"
            );
        }
    }
}

#[test]
fn collection_gaps_are_reported() {
    let (_, report) = demo_scan();
    let gaps = report["gaps"].as_array().expect("gaps is a list");
    assert!(
        gaps.iter().any(|g| g["account_id"] == ANALYTICS
            && g["region"] == "eu-west-1"
            && g["service"] == "secretsmanager"
            && g["error_code"] == "AccessDeniedException"),
        "gaps: {gaps:#?}"
    );
    assert!(gaps
        .iter()
        .any(|g| g["account_id"] == LEGACY && g["service"] == "sts" && g.get("region").is_none()));
    assert!(
        findings(&report).iter().any(|f| f["status"] == "unknown"
            && f["account_id"] == ANALYTICS
            && f["region"] == "eu-west-1"),
        "the secretsmanager gap makes rules unknown in eu-west-1"
    );
    let accounts = report["scores"]["accounts"].as_array().unwrap();
    let legacy = accounts
        .iter()
        .find(|a| a["account_id"] == LEGACY)
        .expect("legacy account scored");
    assert_eq!(legacy["assessed"], false);
    assert!(report["scores"]["overall_coverage"].as_f64().unwrap() < 1.0);
}

#[test]
fn waivers_in_force_and_expired() {
    let (_, report) = demo_scan();
    let waivers = report["waivers"].as_array().expect("waivers is a list");
    assert_eq!(waivers.len(), 2);
    let expired: Vec<_> = waivers.iter().filter(|w| w["state"] == "expired").collect();
    assert_eq!(expired.len(), 1, "waivers: {waivers:#?}");
    assert_eq!(expired[0]["expires"], "2026-09-30");
    assert_eq!(expired[0]["rule_id"], "RR-KMS-004");
    let in_force: Vec<_> = waivers
        .iter()
        .filter(|w| w["state"] == "in-force")
        .collect();
    assert_eq!(in_force.len(), 1);
    assert_eq!(in_force[0]["expires"], "2027-06-30");
    assert!(in_force[0]["matched"].as_u64().unwrap() >= 1);

    // The waived finding is reported, marked waived; the expired waiver covers nothing.
    let find = |rule: &str, arn: &str| {
        failing(&report)
            .into_iter()
            .find(|f| f["rule_id"] == rule && f["resource_arn"] == arn)
            .unwrap_or_else(|| panic!("no failing {rule} on {arn}"))
            .clone()
    };
    let scratch = find(
        "RR-DDB-001",
        "arn:aws:dynamodb:us-east-1:852067391524:table/analytics-scratch-merchant-cohorts",
    );
    assert_eq!(scratch["waived"], true);
    let remote_key = find(
        "RR-KMS-004",
        &format!("arn:aws:lambda:eu-west-1:{PAYMENTS}:function:settlement-notifier"),
    );
    assert_eq!(remote_key["waived"], false);
}
