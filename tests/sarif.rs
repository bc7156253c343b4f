//! The SARIF writer: valid against the official OASIS 2.1.0 schema, and carrying
//! exactly the fields GitHub code scanning reads.

mod common;

use common::*;
use pretty_assertions::assert_eq;
use regionready::report::sarif::{self, MAX_RESULTS_PER_RUN};
use serde_json::{json, Value};

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo("fixtures/sarif/sarif-schema-2.1.0.json"))
        .expect("vendored schema");
    // The official schema's two `language` patterns have an unescaped literal `]`,
    // legal in ECMAScript's web-compatibility grammar (Annex B) but rejected by the
    // strict `format: regex` check of the draft-07 meta-schema. Escaping that one
    // `]` keeps their meaning exactly; nothing else is touched.
    let broken = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    let escaped = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;
    assert_eq!(
        text.matches(broken).count(),
        2,
        "the vendored schema changed: review this workaround"
    );
    let schema: Value =
        serde_json::from_str(&text.replace(broken, escaped)).expect("schema is JSON");
    jsonschema::draft7::new(&schema).expect("schema compiles offline")
}

fn assert_schema_valid(sarif: &Value) {
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(20)
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is not valid against the 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

fn render(report: &regionready::report::ScanReport, rules: &regionready::rules::RuleSet) -> Value {
    let text = sarif::render(report, rules);
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

#[test]
fn synthetic_report_is_valid_sarif() {
    assert_schema_valid(&render(&report(), &rules()));
}

#[test]
fn demo_scan_is_valid_sarif() {
    let (report, rules) = demo_report();
    let sarif = render(&report, &rules);
    assert_schema_valid(&sarif);
    let run = &sarif["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(rules.rules.len())
    );
    let failing = report
        .findings
        .iter()
        .filter(|f| f.status == regionready::evaluation::Status::Fail)
        .count();
    assert_eq!(
        run["results"].as_array().map(Vec::len),
        Some(failing.min(MAX_RESULTS_PER_RUN))
    );
}

#[test]
fn log_header_and_driver() {
    let sarif = render(&report(), &rules());
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["$schema"], sarif::SARIF_SCHEMA_URI);
    assert_eq!(sarif["runs"].as_array().map(Vec::len), Some(1));
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "regionready");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], sarif::information_uri());
    let ids: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["RR-DDB-902", "RR-KMS-901", "RR-RES-904", "RR-SEC-903"]
    );
}

#[test]
fn rule_descriptors_carry_help_levels_and_security_severity() {
    let sarif = render(&report(), &rules());
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .clone();
    let kms = &rules[1];
    assert_eq!(kms["id"], "RR-KMS-901");
    assert_eq!(kms["name"], "kms-test-key");
    assert_eq!(
        kms["shortDescription"]["text"],
        "Title of RR-KMS-901 <with markup> & | pipes"
    );
    assert_eq!(
        kms["fullDescription"]["text"],
        "Why RR-KMS-901 matters for active-active."
    );
    assert_eq!(kms["helpUri"], "https://docs.aws.amazon.com/RR-KMS-901");
    assert_eq!(kms["defaultConfiguration"]["level"], "error");
    assert_eq!(
        kms["properties"]["tags"],
        json!(["security", "resilience", "multi-region", "kms"])
    );
    assert_eq!(kms["properties"]["security-severity"], "9.5");
    assert_eq!(kms["properties"]["precision"], "very-high");
    let help_md = kms["help"]["markdown"].as_str().unwrap();
    assert!(
        help_md.starts_with(
            "Fix RR-KMS-901.\n\n**AWS CLI**\n\n```sh\naws kms create-key --multi-region"
        ),
        "{help_md}"
    );
    assert!(
        help_md.contains("**Terraform**\n\n```hcl\nresource \"aws_kms_key\" \"kms-test-key\" {"),
        "{help_md}"
    );
    let help_text = kms["help"]["text"].as_str().unwrap();
    assert!(
        help_text.contains("AWS CLI:\naws kms create-key")
            && help_text.contains("Terraform:\nresource"),
        "{help_text}"
    );

    let levels: Vec<(&str, &str, Option<&str>)> = rules
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["defaultConfiguration"]["level"].as_str().unwrap(),
                r["properties"]["security-severity"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("RR-DDB-902", "error", Some("8.0")),
            ("RR-KMS-901", "error", Some("9.5")),
            ("RR-RES-904", "note", None),
            ("RR-SEC-903", "warning", Some("5.5")),
        ]
    );
}

#[test]
fn results_have_stable_locations_and_fingerprints() {
    let sarif = render(&report(), &rules());
    let run = &sarif["runs"][0];
    assert_eq!(run["originalUriBaseIds"]["AWS"]["uri"], "aws:///");
    assert_eq!(
        run["automationDetails"]["id"],
        "regionready/us-east-1+eu-west-1/"
    );
    let results = run["results"].as_array().unwrap();
    // Three failures and one waived failure; the unknown outcome is not a result.
    assert_eq!(results.len(), 4);
    let first = &results[0];
    assert_eq!(first["ruleId"], "RR-KMS-901");
    assert_eq!(first["ruleIndex"], 1);
    assert_eq!(first["level"], "error");
    assert_eq!(first["baselineState"], "unchanged");
    assert_eq!(
        first["message"]["text"],
        "Key in 111111111111 is single-Region <script>alert(1)</script> | pipe [arn:aws:kms:us-east-1:111111111111:key/aaaa in account 111111111111, region us-east-1]"
    );
    let location = &first["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"],
        json!({"uri": "aws/111111111111/us-east-1/kms/key/aaaa", "uriBaseId": "AWS"})
    );
    assert_eq!(
        location["physicalLocation"]["region"],
        json!({"startLine": 1})
    );
    assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], KEY_A);
    assert_eq!(location["logicalLocations"][0]["kind"], "resource");
    assert_eq!(
        first["partialFingerprints"]["primaryLocationLineHash"],
        "60fde83944c99797e8971033128cb901"
    );
    assert_eq!(
        first["properties"],
        json!({
            "account": "111111111111", "region": "us-east-1", "partnerRegion": "eu-west-1",
            "regionPair": "us-east-1+eu-west-1", "category": "kms", "severity": "critical",
            "resourceType": "AWS::KMS::Key", "resourceArn": KEY_A,
        })
    );
    let table = &results[2];
    assert_eq!(
        (
            table["ruleId"].as_str(),
            table["ruleIndex"].as_u64(),
            table["level"].as_str()
        ),
        (Some("RR-DDB-902"), Some(0), Some("error"))
    );
    assert_eq!(table["baselineState"], "new");
    assert_eq!(
        table["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/111111111111/us-east-1/dynamodb/table/payments"
    );
    // The same rule and ARN give the same fingerprint in every run, whatever the message.
    let mut changed = report();
    changed.findings[0].message = "another wording".into();
    let again = render(&changed, &rules());
    assert_eq!(
        again["runs"][0]["results"][0]["partialFingerprints"],
        first["partialFingerprints"]
    );
}

#[test]
fn waived_findings_are_suppressed_with_justification_and_expiry() {
    let sarif = render(&report(), &rules());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let waived: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["ruleId"], "RR-SEC-903");
    assert_eq!(waived[0]["level"], "warning");
    assert_eq!(
        waived[0]["suppressions"],
        json!([{
            "kind": "external", "status": "accepted",
            "justification": "Credentials rotate through the primary only",
            "properties": {"expires": "2027-06-30"}
        }])
    );
    assert_eq!(
        waived[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "aws/111111111111/eu-west-1/secretsmanager/secret%3Adb-creds-AbCdEf"
    );
}

#[test]
fn unknown_outcomes_and_gaps_are_notifications() {
    let sarif = render(&report(), &rules());
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 4);
    assert!(notes.iter().all(|n| n["level"] == "warning"));
    assert_eq!(
        notes[0]["associatedRule"],
        json!({"id": "RR-KMS-901", "index": 1})
    );
    assert_eq!(
        notes[0]["properties"],
        json!({
            "kind": "unknown-outcome", "account": "222222222222", "region": "eu-west-1", "service": "kms",
            "resourceArn": KEY_UNKNOWN, "regionPair": "us-east-1+eu-west-1",
        })
    );
    assert_eq!(
        notes[1]["message"]["text"],
        "Collection gap: could not read kms in account 222222222222 (eu-west-1): AccessDeniedException not authorized to perform kms:ListKeys (left unknown: RR-KMS-901)"
    );
    assert_eq!(
        notes[1]["properties"],
        json!({"kind": "collection-gap", "account": "222222222222", "region": "eu-west-1", "service": "kms",
               "operation": "ListKeys", "errorCode": "AccessDeniedException", "blocks": ["RR-KMS-901"]})
    );
    assert_eq!(
        notes[2]["properties"],
        json!({"kind": "collection-gap", "account": "333333333333", "service": "*", "operation": "AssumeRole",
               "errorCode": "AccessDenied", "blocks": ["RR-KMS-901"]})
    );
    assert_eq!(
        notes[3]["message"]["text"],
        format!("Waiver expired on 2026-09-30 and no longer applies: RR-KMS-901 {KEY_B} (Legacy ledger key, retired in Q3)")
    );
    assert_eq!(
        notes[3]["properties"],
        json!({"kind": "waiver-expired", "ruleId": "RR-KMS-901", "resource": KEY_B, "expires": "2026-09-30", "findings": 1})
    );
}

#[test]
fn more_results_than_github_accepts_are_cut_and_said() {
    let n = MAX_RESULTS_PER_RUN + 7;
    let report = large_report(n);
    let sarif = render(&report, &rules());
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), MAX_RESULTS_PER_RUN);
    // The least severe go first: every critical and high finding is kept.
    let mediums = results
        .iter()
        .filter(|r| r["ruleId"] == "RR-SEC-903")
        .count();
    assert_eq!(mediums, n / 3 - 7);
    assert_eq!(run["properties"]["resultsOmitted"], 7);
    assert_eq!(run["properties"]["resultsTotal"], n);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        notes[0]["message"]["text"],
        format!("7 of {n} failing findings were left out of this SARIF log: GitHub code scanning accepts at most 25000 results per run. The least severe were cut; results.json and report.html list them all.")
    );
    assert_eq!(
        notes[0]["properties"],
        json!({"kind": "results-omitted", "resultsOmitted": 7, "resultsTotal": n})
    );
    assert_schema_valid(&sarif);
}

#[test]
fn a_finding_of_a_rule_that_is_not_loaded_still_has_a_rule_entry() {
    let sarif = render(&report(), &regionready::rules::RuleSet::default());
    let run = &sarif["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["RR-KMS-901", "RR-DDB-902", "RR-SEC-903"]);
    assert_eq!(run["results"][2]["ruleIndex"], 1);
    assert_schema_valid(&sarif);
}

#[test]
fn fingerprint_and_resource_uri() {
    assert_eq!(
        sarif::fingerprint("RR-KMS-901", KEY_A),
        "60fde83944c99797e8971033128cb901"
    );
    let mut f = finding(
        "RR-REG-002",
        regionready::rules::Severity::High,
        regionready::rules::Category::Regions,
        regionready::evaluation::Status::Fail,
        "arn:aws:organizations::999999999999:account/o-abc/999999999999",
        "999999999999",
        "",
    );
    assert_eq!(
        sarif::resource_uri(&f),
        "aws/999999999999/global/organizations/account/o-abc/999999999999"
    );
    f.resource_arn = "not an arn".into();
    assert_eq!(
        sarif::resource_uri(&f),
        "aws/999999999999/global/aws-kms-key/not%20an%20arn"
    );
}

#[test]
fn the_schema_check_rejects_an_invalid_log() {
    let mut sarif = render(&report(), &rules());
    sarif["runs"][0]["results"][0]["level"] = json!("fatal");
    let validator = validator();
    assert!(
        !validator.is_valid(&sarif),
        "a result level outside the enum must be rejected"
    );
}
