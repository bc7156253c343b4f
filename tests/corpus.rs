//! The recorded AWS responses in `tests/corpus/` checked against AWS's own service
//! model: botocore's JSON definitions, pinned and installed into `.venv/` by
//! `.ci/install-moto.sh`. The collector tests serve these bodies to the real SDK
//! clients, so a body that AWS would never send must fail here, not pass there.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::calls::calls;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> PathBuf {
    root().join("tests/corpus")
}

/// The project's Python with botocore. Missing is a failure, never a skip: the
/// check is what keeps the corpus shaped like AWS.
fn python() -> PathBuf {
    let path = root().join(".venv/bin/python");
    assert!(
        path.is_file(),
        "{} not found: the corpus check needs botocore. Run `bash .ci/install-moto.sh` first.",
        path.display()
    );
    path
}

fn validate(corpus: &Path, files: &[PathBuf]) -> Output {
    Command::new(python())
        .arg(root().join("tests/corpus/validate.py"))
        .arg(corpus)
        .args(files)
        .output()
        .expect("run tests/corpus/validate.py")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Every recorded body, as `service/Operation/variant.ext`.
fn bodies() -> Vec<String> {
    let mut out = Vec::new();
    for service in std::fs::read_dir(corpus()).expect("tests/corpus").flatten() {
        if !service.path().is_dir() {
            continue;
        }
        for op in std::fs::read_dir(service.path())
            .expect("service")
            .flatten()
        {
            for body in std::fs::read_dir(op.path()).expect("operation").flatten() {
                let rel = body
                    .path()
                    .strip_prefix(corpus())
                    .expect("under corpus")
                    .display()
                    .to_string();
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_recorded_body_matches_the_aws_service_model() {
    let out = validate(&corpus(), &[]);
    let summary = text(&out.stderr);
    assert!(
        out.status.success(),
        "bodies AWS would not send:\n{}{summary}",
        text(&out.stdout)
    );
    let count = bodies().len();
    assert!(
        summary.contains(&format!("{count} bodies checked, 0 problems")),
        "every body must be checked: {summary}"
    );
    assert!(count >= 90, "the corpus shrank to {count} bodies");
}

#[test]
fn the_pinned_botocore_is_the_one_checking() {
    let script = std::fs::read_to_string(root().join(".ci/install-moto.sh")).expect("script");
    let pinned = script
        .lines()
        .find_map(|l| l.strip_prefix("BOTOCORE_VERSION=\""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("BOTOCORE_VERSION pinned in .ci/install-moto.sh");
    let out = validate(&corpus(), &[]);
    assert!(
        text(&out.stderr).starts_with(&format!("botocore {pinned}:")),
        "{}",
        text(&out.stderr)
    );
}

/// Bodies AWS would never send, one fault each, in a corpus of their own.
#[test]
fn the_model_check_rejects_bodies_aws_would_not_send() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &str, &str)] = &[
        (
            "organizations/ListAccounts/unknown-member.json",
            r#"{"Accounts":[{"Id":"111111111111","Status":"ACTIVE","Colour":"red"}]}"#,
            "member 'Colour' is not defined by Account",
        ),
        (
            "organizations/ListAccounts/bad-enum.json",
            r#"{"Accounts":[{"Id":"111111111111","State":"UNKNOWN"}]}"#,
            "'UNKNOWN' is not one of AccountState",
        ),
        (
            "kms/ListKeys/wrong-type.json",
            r#"{"Keys":[],"Truncated":"false"}"#,
            "expected a boolean (BooleanType)",
        ),
        (
            "kms/DescribeKey/missing-required.json",
            r#"{"KeyMetadata":{"Arn":"arn:aws:kms:us-east-1:111111111111:key/k"}}"#,
            "required member 'KeyId' of KeyMetadata is missing",
        ),
        (
            "secretsmanager/DescribeSecret/bad-status.json",
            r#"{"ReplicationStatus":[{"Region":"eu-west-1","Status":"Synced"}]}"#,
            "'Synced' is not one of StatusType",
        ),
        (
            "dynamodb/DescribeTable/timestamp-as-text.json",
            r#"{"Table":{"TableName":"t","CreationDateTime":"2023-11-14"}}"#,
            "expected epoch seconds",
        ),
        (
            "rds/DescribeDBClusters/unknown-element.xml",
            "<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters><DBCluster><Colour>red</Colour></DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></DescribeDBClustersResponse>",
            "element <Colour> is not a member of DBCluster",
        ),
        (
            "rds/DescribeDBClusters/wrong-list-item.xml",
            "<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters><member><Engine>x</Engine></member></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></DescribeDBClustersResponse>",
            "list item <member> should be <DBCluster>",
        ),
        (
            "sts/GetCallerIdentity/truncated.xml",
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1111",
            "not well-formed",
        ),
        (
            "kms/DescribeKey/error-400-NoSuchThingException.json",
            r#"{"__type":"NoSuchThingException","message":"x"}"#,
            "NoSuchThingException is neither an error of this service's model nor a common AWS error",
        ),
        (
            "kms/DescribeKey/wrong-protocol.xml",
            "<DescribeKeyResponse/>",
            "kms speaks json: bodies are .json",
        ),
        (
            "kms/NoSuchOperation/x.json",
            "{}",
            "kms has no operation NoSuchOperation",
        ),
        // The emulator answers null for members it has no value for.
        (
            "lambda/GetFunctionConcurrency/null.json",
            r#"{"ReservedConcurrentExecutions":null}"#,
            "null (ReservedConcurrentExecutions): AWS leaves out a member",
        ),
        (
            "lambda/ListFunctions/unknown-member.json",
            r#"{"Functions":[{"FunctionName":"f","ImageUri":"x"}]}"#,
            "member 'ImageUri' is not defined by FunctionConfiguration",
        ),
        (
            "lambda/ListFunctions/error-429-TooManyRequestsException.json",
            r#"{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded","retryAfterSeconds":"1"}"#,
            "member 'retryAfterSeconds' is not defined by the error TooManyRequestsException",
        ),
        // REST-XML: the root element the AWS SDK for Rust expects, not the emulator's.
        (
            "s3/GetBucketVersioning/emulator-root.xml",
            "<GetBucketVersioningResponse><Status>Enabled</Status></GetBucketVersioningResponse>",
            "root element <GetBucketVersioningResponse> should be <VersioningConfiguration>",
        ),
        (
            "s3/GetBucketReplication/bad-enum.xml",
            "<ReplicationConfiguration><Role>r</Role><Rule><Status>On</Status><Destination><Bucket>arn:aws:s3:::b</Bucket></Destination></Rule></ReplicationConfiguration>",
            "'On' is not one of ReplicationRuleStatus",
        ),
        (
            "s3/GetBucketReplication/error-404-ReplicationConfigurationNotFoundError.xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>ReplicationConfigurationNotFoundError</Code><Message>m</Message></Error><RequestId>x</RequestId></ErrorResponse>",
            "an S3 error body is <Error>",
        ),
        (
            "route53/ListHealthChecks/missing-required.xml",
            "<ListHealthChecksResponse><HealthChecks/></ListHealthChecksResponse>",
            "required member 'IsTruncated' of ListHealthChecksResponse is missing",
        ),
        (
            "route53/ListResourceRecordSets/wrong-list-item.xml",
            "<ListResourceRecordSetsResponse><ResourceRecordSets><member><Name>a.</Name><Type>A</Type></member></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>",
            "list item <member> should be <ResourceRecordSet>",
        ),
        (
            "cloudfront/ListDistributions/wrong-protocol.json",
            "{}",
            "cloudfront speaks rest-xml: bodies are .xml",
        ),
        (
            "cloudwatch/DescribeAlarms/wrong-protocol.xml",
            "<DescribeAlarmsResponse/>",
            "cloudwatch speaks smithy-rpc-v2-cbor: bodies are .cbor",
        ),
    ];
    // Smithy RPC v2 CBOR: a timestamp must be tag 1; members are checked as in JSON.
    let binary: &[(&str, &[u8], &str)] = &[
        (
            "cloudwatch/DescribeAlarms/untagged-timestamp.cbor",
            b"\xa1lMetricAlarms\x81\xa2iAlarmNameaauStateUpdatedTimestamp\x1ajd\xf0@",
            "expected a tag-1 epoch timestamp (Timestamp)",
        ),
        (
            "cloudwatch/DescribeAlarms/unknown-member.cbor",
            b"\xa2lMetricAlarms\x80fColourcred",
            "member 'Colour' is not defined by DescribeAlarmsOutput",
        ),
        (
            "cloudwatch/DescribeAlarms/truncated.cbor",
            b"\xa1lMetricAl",
            "not well-formed",
        ),
    ];
    let mut files = Vec::new();
    let all = cases
        .iter()
        .map(|(path, body, expected)| (*path, body.as_bytes(), *expected))
        .chain(binary.iter().copied());
    for (path, body, _) in all.clone() {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(&full, body).expect("write");
        files.push(full);
    }
    let out = validate(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    for (path, _, expected) in all {
        let lines: Vec<&str> = report.lines().filter(|l| l.starts_with(path)).collect();
        assert!(!lines.is_empty(), "{path} was not rejected:\n{report}");
        assert!(
            lines.iter().any(|l| l.contains(expected)),
            "{path}: expected {expected:?} in {lines:?}"
        );
    }
}

#[test]
fn every_operation_the_collector_calls_has_a_recorded_answer() {
    let called: BTreeSet<String> = calls()
        .into_iter()
        .map(|c| format!("{}/{}", c.model, c.operation))
        .collect();
    assert!(called.len() >= 30, "too few calls found: {called:?}");
    let recorded: BTreeSet<String> = bodies()
        .iter()
        .filter(|b| {
            !b.rsplit('/')
                .next()
                .is_some_and(|name| name.starts_with("error-"))
        })
        .filter_map(|b| b.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .collect();
    let missing: Vec<&String> = called.difference(&recorded).collect();
    assert!(
        missing.is_empty(),
        "operations called in src/collect/ with no recorded success body in tests/corpus/: {missing:?}"
    );
}

/// The emulator estate of the stack kinds (`tests/seed_moto.py stack`) seeds on the
/// pinned emulator, and every example the emulator cannot create names recorded
/// bodies that stand in for it and are shaped as AWS answers.
#[test]
fn the_stack_estate_seeds_and_names_its_recorded_stand_ins() {
    let moto = support::moto::Moto::start();
    let seed = moto.seed(&["stack"]);
    for key in [
        "function_both",
        "function_one_region",
        "function_drift",
        "function_capacity",
        "service_both",
        "service_one_region",
        "service_drift",
        "asg_both",
        "asg_smaller_partner",
        "zone",
        "health_check_disabled",
        "health_check_inverted",
        "distribution_single_origin",
        "bucket_replicated",
        "bucket_destination_unversioned",
        "bucket_not_replicated",
        "ecr_replicated",
        "ecr_not_replicated",
        "cache_regional",
        "alarm_table",
        "alarm_aurora",
        "alarm_bucket",
    ] {
        assert!(
            seed.get(key).is_some_and(|v| !v.is_null()),
            "the stack scenario did not create {key}: {seed}"
        );
    }
    let recorded: Vec<PathBuf> = seed["recorded_only"]
        .as_object()
        .expect("recorded_only names the recorded stand-ins")
        .values()
        .flat_map(|paths| paths.as_array().expect("a list of paths").clone())
        .map(|p| corpus().join(p.as_str().expect("a path")))
        .collect();
    assert!(recorded.len() >= 10, "too few stand-ins: {recorded:?}");
    let out = validate(&corpus(), &recorded);
    assert!(
        out.status.success()
            && text(&out.stderr)
                .contains(&format!("{} bodies checked, 0 problems", recorded.len())),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
