//! Shared test data for the report writers: a rule set parsed from rule TOML and a
//! scan report built by hand, so the writer tests do not depend on the built-in
//! rules or the demo estate.
#![allow(dead_code)]

use regionready::evaluation::{
    AccountSummary, AppliedWaiver, Evaluation, Finding, ReportedGap, Status, Tally, WaiverStatus,
};
use regionready::inventory::Gap;
use regionready::report::{
    BaselineDiff, FixedFinding, GateResult, ScanReport, ScanScope, Summary, ToolInfo,
};
use regionready::rules::{parse_rule, Category, RuleSet, Severity};
use std::path::PathBuf;
use std::sync::Arc;

pub const PAIR: &str = "us-east-1+eu-west-1";

fn rule_toml(
    id: &str,
    name: &str,
    severity: &str,
    category: &str,
    resource: &str,
    condition: &str,
) -> String {
    format!(
        r#"id = "{id}"
name = "{name}"
title = "Title of {id} <with markup> & | pipes"
severity = "{severity}"
category = "{category}"
resource = "{resource}"
since = "0.1.0"
precision = "very-high"
help_uri = "https://docs.aws.amazon.com/{id}"
permissions = ["kms:DescribeKey"]
rationale = """
Why {id} matters for active-active.
"""
condition = "{condition}"
message = "'{id} failed'"

[remediation]
text = "Fix {id}."
cli = """
aws kms create-key --multi-region --description {id}
"""
terraform = '''
resource "aws_kms_key" "{name}" {{
  multi_region = true
}}
'''
"#
    )
}

/// Three rules: critical KMS, high DynamoDB, medium Secrets Manager, plus an info
/// rule that never fails (it must still be in the SARIF rule table).
pub fn rules() -> RuleSet {
    let specs = [
        rule_toml(
            "RR-KMS-901",
            "kms-test-key",
            "critical",
            "kms",
            "kms_key",
            "resource.multi_region",
        ),
        rule_toml(
            "RR-DDB-902",
            "ddb-test-table",
            "high",
            "dynamodb",
            "dynamodb_table",
            "true",
        ),
        rule_toml(
            "RR-SEC-903",
            "secret-test",
            "medium",
            "secrets",
            "secret",
            "true",
        ),
        rule_toml(
            "RR-RES-904",
            "residency-test",
            "info",
            "residency",
            "any_resource",
            "true",
        ),
    ];
    let mut rules: Vec<_> = specs
        .iter()
        .map(|text| {
            let id = text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("id = ")
                .trim_matches('"')
                .to_string();
            parse_rule(text, &format!("test:{id}.toml"), Some(&id))
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    rules.sort_by(|a: &regionready::rules::Rule, b| a.spec.id.cmp(&b.spec.id));
    RuleSet {
        rules,
        warnings: Vec::new(),
    }
}

pub fn finding(
    rule_id: &str,
    severity: Severity,
    category: Category,
    status: Status,
    arn: &str,
    account: &str,
    region: &str,
) -> Finding {
    Finding {
        rule_id: Arc::from(rule_id),
        rule_name: Arc::from(format!("{}-name", rule_id.to_lowercase()).as_str()),
        title: Arc::from(format!("Title of {rule_id} <with markup> & | pipes").as_str()),
        status,
        severity,
        category,
        resource_arn: arn.to_string(),
        resource_type: Arc::from("AWS::KMS::Key"),
        account_id: Arc::from(account),
        region: Arc::from(region),
        partner_region: Some(Arc::from(if region == "us-east-1" {
            "eu-west-1"
        } else {
            "us-east-1"
        })),
        region_pair: Arc::from(PAIR),
        message: format!("Key in {account} is single-Region <script>alert(1)</script> | pipe"),
        waived: false,
        waiver: None,
        new: None,
    }
}

pub const KEY_A: &str = "arn:aws:kms:us-east-1:111111111111:key/aaaa";
pub const KEY_B: &str = "arn:aws:kms:us-east-1:222222222222:key/bbbb";
pub const TABLE: &str = "arn:aws:dynamodb:us-east-1:111111111111:table/payments";
pub const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-creds-AbCdEf";
pub const KEY_UNKNOWN: &str = "arn:aws:kms:eu-west-1:222222222222:*";

fn tallies(outcomes: &[(Category, Status, Severity, bool)]) -> Vec<(Category, Tally)> {
    Category::ALL
        .iter()
        .map(|c| {
            let mut t = Tally::default();
            for (cat, status, sev, waived) in outcomes {
                if cat == c {
                    t.add(*status, *sev, *waived);
                }
            }
            (*c, t)
        })
        .collect()
}

/// A report with every section filled: failures of three severities (one new), a
/// waived failure, an unknown outcome, two gaps, an account that could not be
/// assessed, a waiver in force and an expired one, and a baseline diff.
pub fn report() -> ScanReport {
    let mut findings = vec![
        finding(
            "RR-KMS-901",
            Severity::Critical,
            Category::Kms,
            Status::Fail,
            KEY_A,
            "111111111111",
            "us-east-1",
        ),
        finding(
            "RR-KMS-901",
            Severity::Critical,
            Category::Kms,
            Status::Fail,
            KEY_B,
            "222222222222",
            "us-east-1",
        ),
        finding(
            "RR-DDB-902",
            Severity::High,
            Category::Dynamodb,
            Status::Fail,
            TABLE,
            "111111111111",
            "us-east-1",
        ),
        finding(
            "RR-SEC-903",
            Severity::Medium,
            Category::Secrets,
            Status::Fail,
            SECRET,
            "111111111111",
            "eu-west-1",
        ),
        finding(
            "RR-KMS-901",
            Severity::Critical,
            Category::Kms,
            Status::Unknown,
            KEY_UNKNOWN,
            "222222222222",
            "eu-west-1",
        ),
    ];
    findings[2].new = Some(true);
    findings[0].new = Some(false);
    findings[1].new = Some(false);
    findings[3].waived = true;
    findings[3].waiver = Some(AppliedWaiver {
        reason: "Credentials rotate through the primary only".into(),
        expires: chrono::NaiveDate::from_ymd_opt(2027, 6, 30),
    });
    let accounts = vec![
        AccountSummary {
            account_id: "111111111111".into(),
            name: Some("payments-prod".into()),
            ou_path: vec!["Workloads".into()],
            region_pair: PAIR.into(),
            assessed: true,
            reason: None,
            tallies: tallies(&[
                (Category::Kms, Status::Fail, Severity::Critical, false),
                (Category::Kms, Status::Pass, Severity::Critical, false),
                (Category::Dynamodb, Status::Fail, Severity::High, false),
                (Category::Dynamodb, Status::Pass, Severity::High, false),
                (Category::Dynamodb, Status::Pass, Severity::High, false),
                (Category::Secrets, Status::Fail, Severity::Medium, true),
                (Category::Secrets, Status::Pass, Severity::Medium, false),
            ]),
        },
        AccountSummary {
            account_id: "222222222222".into(),
            name: Some("ledger-prod".into()),
            ou_path: vec!["Workloads".into()],
            region_pair: PAIR.into(),
            assessed: true,
            reason: None,
            tallies: tallies(&[
                (Category::Kms, Status::Fail, Severity::Critical, false),
                (Category::Kms, Status::Unknown, Severity::Critical, false),
                (Category::Residency, Status::Pass, Severity::Info, false),
            ]),
        },
        AccountSummary {
            account_id: "333333333333".into(),
            name: Some("sandbox".into()),
            ou_path: vec![],
            region_pair: PAIR.into(),
            assessed: false,
            reason: Some(
                "role OrganizationAccountAccessRole could not be assumed (AccessDenied)".into(),
            ),
            tallies: tallies(&[]),
        },
    ];
    let gaps: Vec<ReportedGap> = vec![
        Gap {
            account_id: "222222222222".into(),
            region: Some("eu-west-1".into()),
            service: "kms".into(),
            operation: Some("ListKeys".into()),
            error_code: "AccessDeniedException".into(),
            message: "not authorized to perform kms:ListKeys".into(),
        },
        Gap {
            account_id: "333333333333".into(),
            region: None,
            service: "*".into(),
            operation: Some("AssumeRole".into()),
            error_code: "AccessDenied".into(),
            message: "sts:AssumeRole denied".into(),
        },
    ]
    .into_iter()
    .map(|gap| ReportedGap {
        blocks: vec!["RR-KMS-901".into()],
        blocked_sweep: false,
        gap,
    })
    .collect();
    let waivers = vec![
        WaiverStatus {
            rule_id: "RR-SEC-903".into(),
            resource: "arn:aws:secretsmanager:*:111111111111:secret:db-*".into(),
            reason: "Credentials rotate through the primary only".into(),
            expires: chrono::NaiveDate::from_ymd_opt(2027, 6, 30),
            state: "in-force".into(),
            matched: 1,
        },
        WaiverStatus {
            rule_id: "RR-KMS-901".into(),
            resource: KEY_B.into(),
            reason: "Legacy ledger key, retired in Q3".into(),
            expires: chrono::NaiveDate::from_ymd_opt(2026, 9, 30),
            state: "expired".into(),
            matched: 1,
        },
    ];
    let evaluation = Evaluation {
        findings: findings.clone(),
        accounts,
        gaps: gaps.clone(),
        waivers: waivers.clone(),
        resources_evaluated: 9,
        rules_run: 4,
        diagnostics: Vec::new(),
    };
    let scores = regionready::score::compute(&evaluation);
    let summary = Summary::of(&findings, 5, gaps.len());
    ScanReport {
        schema_version: "1.0".into(),
        tool: ToolInfo::current(),
        generated_at: "2026-11-22T00:00:00Z".into(),
        scope: ScanScope {
            source: "inventory".into(),
            inventory: Some("inventory.json".into()),
            config: "regionready.toml".into(),
            region_pairs: vec![PAIR.into()],
            sanctioned_regions: vec!["us-east-1".into(), "eu-west-1".into()],
            accounts: 3,
            resources: 9,
            rules: 4,
            outside_pair_sources: vec![],
            as_of: "2026-11-22".into(),
        },
        summary,
        gate: GateResult {
            passed: false,
            fail_on: Severity::High,
            min_score: None,
            reasons: vec!["1 new finding(s) at or above high".into()],
        },
        scores,
        findings,
        gaps,
        waivers,
        baseline: Some(BaselineDiff {
            file: "previous-results.json".into(),
            new: 1,
            unchanged: 2,
            fixed: vec![FixedFinding {
                rule_id: "RR-DDB-902".into(),
                resource_arn: "arn:aws:dynamodb:us-east-1:111111111111:table/orders".into(),
                account_id: "111111111111".into(),
                region: "us-east-1".into(),
            }],
        }),
        diagnostics: Vec::new(),
    }
}

/// A report with `n` failing findings spread over the rules and many accounts.
pub fn large_report(n: usize) -> ScanReport {
    let mut report = report();
    let base = report.findings.clone();
    let severities = [
        (Severity::Critical, Category::Kms, "RR-KMS-901"),
        (Severity::High, Category::Dynamodb, "RR-DDB-902"),
        (Severity::Medium, Category::Secrets, "RR-SEC-903"),
    ];
    report.findings = (0..n)
        .map(|i| {
            let (sev, cat, id) = severities[i % severities.len()];
            let account = format!("{:012}", 100_000_000_000u64 + (i % 40) as u64);
            let arn = format!("arn:aws:kms:us-east-1:{account}:key/k-{i:06}");
            finding(id, sev, cat, Status::Fail, &arn, &account, "us-east-1")
        })
        .collect();
    report
        .findings
        .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule_id.cmp(&b.rule_id)));
    report
        .findings
        .extend(base.into_iter().filter(|f| f.status == Status::Unknown));
    report.summary = Summary::of(&report.findings, 5, report.gaps.len());
    report
}

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The demo scan, in process, as `scan --demo --as-of 2026-11-22` would report it.
pub fn demo_report() -> (ScanReport, RuleSet) {
    let config = regionready::demo::config();
    let rules = RuleSet::load(None, &config).unwrap_or_else(|e| panic!("{e}"));
    let options = regionready::scan::ScanOptions {
        fail_on: Severity::High,
        min_score: None,
        include_passes: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
        generated_at: "2026-11-22T00:00:00Z".into(),
        source: "demo".into(),
        inventory_path: None,
        baseline: None,
    };
    let report =
        regionready::scan::run_scan(&regionready::demo::inventory(), &config, &rules, &options);
    (report, rules)
}
