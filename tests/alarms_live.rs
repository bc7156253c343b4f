//! The replication alarm rules (RR-OBS-001 DynamoDB, RR-OBS-002 Aurora, RR-OBS-003
//! S3) judged in a live scan: the alarms are created in the emulator by the seed
//! (`tests/seed_moto.py alarms`, boto3 `put_metric_alarm`) and read by the scanner's
//! own CloudWatch client.
//!
//! `aws-sdk-cloudwatch` speaks Smithy RPC v2 CBOR, which moto 5.2.5 does not (it
//! answers the CBOR path 404); the test proxy bridges it to the emulator's JSON
//! protocol (`tests/support/cloudwatch_bridge.rs`) and every bridged answer is
//! checked against botocore's model, as the recorded bodies are.
//!
//! Emulator gaps, covered here or by the recorded corpus instead:
//! - DynamoDB global tables are not emulated: the two regions' `orders` (and
//!   `carts`) are separate tables, and the proxy adds the `Replicas` a 2019.11.21
//!   global table reports (as `tests/live_collect.rs` does).
//! - ListBuckets has no `BucketRegion` (the proxy adds it) and GetBucketVersioning's
//!   root element is one the Rust SDK rejects (`enabled.xml` answers for the
//!   destinations), as in `tests/storage_collect.rs`; ListGlobalTables and the
//!   aggregator's source status come from the corpus, as there.
//! - PutCompositeAlarm is not implemented: a composite alarm that notifies for an
//!   alarm without actions is a recorded body here
//!   (`cloudwatch/DescribeAlarms/composite-names-silent-alarm.cbor`).
//! - DescribeAlarms ignores `MaxRecords` (never pages): paging is followed on
//!   recorded pages in `tests/aws_shapes.rs`
//!   (`alarm_pages_are_followed_and_alarm_and_registry_failures_are_scoped`).
//! - The emulator never denies: the AccessDenied of DescribeAlarms is AWS's recorded
//!   CBOR error (`cloudwatch/DescribeAlarms/error-400-AccessDeniedException.cbor`).

mod support;

use regionready::inventory::Inventory;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use support::cloudwatch_bridge;
use support::moto::{collect_inventory, root, scan_outcomes, Moto};
use support::proxy::{corpus, corpus_with, Action, Proxy, Rule, Settings, Tape};

/// The emulator's account.
const ACCOUNT: &str = "123456789012";

/// The emulator gaps of the estate, answered as AWS answers them (see above).
fn emulator_gaps() -> Vec<Rule> {
    let regions: Vec<(String, String)> = ["uploads", "exports", "logs"]
        .iter()
        .flat_map(|name| {
            [("use1", "us-east-1"), ("euw1", "eu-west-1")].map(|(short, region)| {
                let bucket = format!("obs-{name}-{short}");
                (
                    format!("<Name>{bucket}</Name>"),
                    format!("<Name>{bucket}</Name><BucketRegion>{region}</BucketRegion>"),
                )
            })
        })
        .collect();
    vec![
        Rule::new(
            "DescribeTable",
            Action::Patch(Arc::new(|v: &mut Value| {
                v["Table"]["Replicas"] = json!([
                    {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"},
                    {"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}
                ]);
                v["Table"]["GlobalTableVersion"] = json!("2019.11.21");
            })),
        ),
        Rule::new("ListBuckets", Action::Replace(regions)),
        Rule::new(
            "GetBucketVersioning",
            corpus("s3/GetBucketVersioning/enabled.xml"),
        )
        .in_region("eu-west-1"),
        Rule::new(
            "ListGlobalTables",
            corpus("dynamodb/ListGlobalTables/none.json"),
        ),
        Rule::new(
            "DescribeConfigurationAggregatorSourcesStatus",
            corpus(
                "config/DescribeConfigurationAggregatorSourcesStatus/organization-succeeded.json",
            ),
        ),
        Rule::new(
            "ListAccelerators",
            corpus("globalaccelerator/ListAccelerators/none.json"),
        ),
    ]
}

fn observability(findings: &[String]) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| f.starts_with("RR-OBS-"))
        .map(String::as_str)
        .collect()
}

/// One line per collected alarm: region, name, metric, dimensions, the metrics of
/// a metric-math alarm, and whether it notifies.
fn alarm_lines(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for account in &inv.accounts {
        for region in &account.regions {
            for a in &region.cloudwatch_alarms {
                let math: Vec<String> = a
                    .metrics
                    .iter()
                    .map(|m| {
                        format!(
                            "{}={}",
                            m.id,
                            m.metric_name
                                .as_deref()
                                .or(m.expression.as_deref())
                                .unwrap_or("-")
                        )
                    })
                    .collect();
                out.push(format!(
                    "{} {} {} {}/{} {:?} math={math:?} notifies={}",
                    region.region,
                    a.name,
                    a.alarm_type,
                    a.namespace.as_deref().unwrap_or("-"),
                    a.metric_name.as_deref().unwrap_or("-"),
                    a.dimensions,
                    a.notifies()
                ));
            }
        }
    }
    out
}

fn gap_lines(inv: &Inventory) -> Vec<String> {
    let mut out: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| !matches!(g.service.as_str(), "config" | "globalaccelerator"))
        .map(|g| {
            format!(
                "{} {} {} {}",
                g.region.as_deref().unwrap_or("-"),
                g.service,
                g.operation.as_deref().unwrap_or("-"),
                g.error_code
            )
        })
        .collect();
    out.sort();
    out
}

/// Checks bodies with `tests/corpus/validate.py` as `cloudwatch/<Operation>/<name>`
/// of a corpus of their own; returns its report.
fn validate(bodies: &[(String, Vec<u8>)]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, body) in bodies {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(&full, body).expect("write");
    }
    let python: PathBuf = root().join(".venv/bin/python");
    let out = Command::new(python)
        .arg(root().join("tests/corpus/validate.py"))
        .arg(dir.path())
        .output()
        .expect("run tests/corpus/validate.py");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains(&format!("{} bodies checked", bodies.len())),
        "every body checked: {report}"
    );
    (out.status.success(), report)
}

/// The estate's alarms, read live through the bridge, and every verdict of the
/// three rules on every resource they judge; then the same estate with
/// DescribeAlarms denied in us-east-1, which makes exactly the alarm verdicts of
/// us-east-1's resources unknown.
#[test]
fn replication_alarms_stored_by_the_emulator_are_read_and_judged() {
    let moto = Moto::start();
    let seed = moto.seed(&["alarms"]);
    assert_eq!(seed["management"], ACCOUNT);
    let tape = Arc::new(Tape::default());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: emulator_gaps(),
            record: Some(tape.clone()),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = collect_inventory(&proxy.url(), dir.path());

    // What the seed stored, as the scanner's CloudWatch client read it.
    pretty_assertions::assert_eq!(
        alarm_lines(&inv),
        [
            "eu-west-1 carts-lag-to-use1 MetricAlarm AWS/DynamoDB/ReplicationLatency {\"ReceivingRegion\": \"us-east-1\", \"TableName\": \"carts\"} math=[] notifies=false",
            "eu-west-1 ledger-euw1-global-lag MetricAlarm AWS/RDS/AuroraGlobalDBReplicationLag {\"DBClusterIdentifier\": \"ledger-euw1\"} math=[] notifies=true",
            "eu-west-1 orders-lag-to-use1-seconds MetricAlarm -/- {} math=[\"lag=ReplicationLatency\", \"seconds=lag / 1000\"] notifies=true",
            "us-east-1 billing-euw1-rpo-lag MetricAlarm AWS/RDS/AuroraGlobalDBRPOLag {\"DBClusterIdentifier\": \"billing-euw1\"} math=[] notifies=true",
            "us-east-1 logs-replication-latency MetricAlarm AWS/S3/ReplicationLatency {\"DestinationBucket\": \"obs-logs-euw1\", \"RuleId\": \"logs-to-euw1\", \"SourceBucket\": \"obs-logs-use1\"} math=[] notifies=true",
            "us-east-1 orders-lag-to-euw1 MetricAlarm AWS/DynamoDB/ReplicationLatency {\"ReceivingRegion\": \"eu-west-1\", \"TableName\": \"orders\"} math=[] notifies=true",
            "us-east-1 uploads-replication-latency MetricAlarm AWS/S3/ReplicationLatency {\"DestinationBucket\": \"obs-uploads-euw1\", \"RuleId\": \"uploads-to-euw1\", \"SourceBucket\": \"obs-uploads-use1\"} math=[] notifies=true",
        ]
    );
    pretty_assertions::assert_eq!(gap_lines(&inv), Vec::<String>::new());
    assert_eq!(
        proxy.operations().get("DescribeAlarms"),
        Some(&2),
        "one page per pair region: {:?}",
        proxy.operations()
    );

    // Every bridged answer is a body AWS could send.
    let bridged: Vec<(String, Vec<u8>)> = tape
        .answers("DescribeAlarms")
        .into_iter()
        .enumerate()
        .map(|(i, (status, body))| {
            assert_eq!(status, 200);
            (format!("cloudwatch/DescribeAlarms/bridged-{i}.cbor"), body)
        })
        .collect();
    assert_eq!(bridged.len(), 2);
    let (ok, report) = validate(&bridged);
    assert!(ok, "bridged bodies AWS would not send:\n{report}");

    // Each rule on each resource it judges.
    let east = |kind: &str, name: &str| format!("arn:aws:{kind}:us-east-1:{ACCOUNT}:{name}");
    let west = |kind: &str, name: &str| format!("arn:aws:{kind}:eu-west-1:{ACCOUNT}:{name}");
    let all = scan_outcomes(dir.path());
    let want = [
        // carts: in eu-west-1 an alarm whose actions are off; none in us-east-1.
        format!("RR-OBS-001 fail {}", west("dynamodb", "table/carts")),
        format!("RR-OBS-001 fail {}", east("dynamodb", "table/carts")),
        // orders: alarmed both ways (in eu-west-1 through metric math).
        format!("RR-OBS-001 pass {}", west("dynamodb", "table/orders")),
        format!("RR-OBS-001 pass {}", east("dynamodb", "table/orders")),
        // billing's secondary is alarmed only in the writer's region.
        format!("RR-OBS-002 fail {}", west("rds", "cluster:billing-euw1")),
        format!("RR-OBS-002 pass {}", west("rds", "cluster:ledger-euw1")),
        // exports: metrics, no alarm; logs: alarm, metrics off; uploads: both.
        "RR-OBS-003 fail arn:aws:s3:::obs-exports-use1".to_string(),
        "RR-OBS-003 fail arn:aws:s3:::obs-logs-use1".to_string(),
        "RR-OBS-003 pass arn:aws:s3:::obs-uploads-use1".to_string(),
    ];
    pretty_assertions::assert_eq!(observability(&all), want);

    // The same estate, DescribeAlarms denied in us-east-1.
    let denied = Proxy::start(
        moto.port,
        Settings {
            rules: [
                vec![Rule::new(
                    "DescribeAlarms",
                    corpus("cloudwatch/DescribeAlarms/error-400-AccessDeniedException.cbor"),
                )
                .in_region("us-east-1")],
                emulator_gaps(),
            ]
            .concat(),
            ..Settings::default()
        },
    );
    let dir_denied = tempfile::tempdir().expect("tempdir");
    let inv_denied = collect_inventory(&denied.url(), dir_denied.path());
    pretty_assertions::assert_eq!(
        gap_lines(&inv_denied),
        ["us-east-1 cloudwatch DescribeAlarms AccessDenied"]
    );
    // The alarm verdicts of us-east-1's tables and buckets are unknown, except the
    // logs bucket's: its rule has replication metrics off, which fails it whatever
    // alarms exist. eu-west-1's verdicts (tables, Aurora secondaries) are unchanged.
    pretty_assertions::assert_eq!(
        observability(&scan_outcomes(dir_denied.path())),
        [
            format!("RR-OBS-001 fail {}", west("dynamodb", "table/carts")),
            format!("RR-OBS-001 pass {}", west("dynamodb", "table/orders")),
            format!("RR-OBS-001 unknown {}", east("dynamodb", "table/carts")),
            format!("RR-OBS-001 unknown {}", east("dynamodb", "table/orders")),
            format!("RR-OBS-002 fail {}", west("rds", "cluster:billing-euw1")),
            format!("RR-OBS-002 pass {}", west("rds", "cluster:ledger-euw1")),
            "RR-OBS-003 fail arn:aws:s3:::obs-logs-use1".to_string(),
            "RR-OBS-003 unknown arn:aws:s3:::obs-exports-use1".to_string(),
            "RR-OBS-003 unknown arn:aws:s3:::obs-uploads-use1".to_string(),
        ]
    );
    let all_denied = scan_outcomes(dir_denied.path());
    // Nothing else changed but the alarms themselves: they are resources too, which
    // the rules on every resource (RR-REG-001 regions, RR-RES-001 residency) judge.
    // us-east-1's alarms were not listed, so their verdicts are gone. RR-REG-001
    // ("the region is sanctioned") is settled by the region alone, so the gap
    // cannot change it and adds nothing; RR-RES-001 depends on the alarms' tags,
    // so it has one unknown outcome for the region's alarms. Every other verdict
    // on every other resource is the one of the full read.
    let rest = |f: &Vec<String>| -> Vec<String> {
        f.iter()
            .filter(|l| !l.starts_with("RR-OBS-"))
            .cloned()
            .collect()
    };
    let east_alarms = format!("arn:aws:cloudwatch:us-east-1:{ACCOUNT}:");
    let (of_east_alarms, others): (Vec<String>, Vec<String>) = rest(&all)
        .into_iter()
        .partition(|l| l.contains(&east_alarms));
    pretty_assertions::assert_eq!(
        of_east_alarms,
        [
            "billing-euw1-rpo-lag",
            "logs-replication-latency",
            "orders-lag-to-euw1",
            "uploads-replication-latency",
        ]
        .map(|name| format!("RR-REG-001 pass {east_alarms}alarm:{name}"))
    );
    let mut want_rest = others;
    want_rest.push(format!("RR-RES-001 unknown {east_alarms}*"));
    want_rest.sort();
    pretty_assertions::assert_eq!(rest(&all_denied), want_rest);
}

/// The emulator does not implement PutCompositeAlarm: a composite alarm comes from
/// a recorded body (`composite-names-silent-alarm.cbor`, us-east-1): `carts`'s
/// alarm has no actions, but a composite alarm that notifies names it, so its
/// replication counts as alarmed; `orders`, not named, is now unalarmed there.
/// eu-west-1's alarms are still the emulator's, through the bridge.
#[test]
fn a_composite_alarm_that_notifies_counts_for_the_alarms_it_names() {
    let moto = Moto::start();
    moto.seed(&["alarms"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: [
                vec![Rule::new(
                    "DescribeAlarms",
                    corpus_with(
                        "cloudwatch/DescribeAlarms/composite-names-silent-alarm.cbor",
                        &[("222222222222", ACCOUNT)],
                    ),
                )
                .in_region("us-east-1")],
                emulator_gaps(),
            ]
            .concat(),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = collect_inventory(&proxy.url(), dir.path());
    let east: Vec<String> = alarm_lines(&inv)
        .into_iter()
        .filter(|l| l.starts_with("us-east-1 "))
        .collect();
    pretty_assertions::assert_eq!(
        east,
        [
            "us-east-1 carts-lag-to-euw1 MetricAlarm AWS/DynamoDB/ReplicationLatency {\"ReceivingRegion\": \"eu-west-1\", \"TableName\": \"carts\"} math=[] notifies=false",
            "us-east-1 data-tier-replication CompositeAlarm -/- {} math=[] notifies=true",
        ]
    );
    let table =
        |region: &str, name: &str| format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}");
    let got: Vec<String> = scan_outcomes(dir.path())
        .into_iter()
        .filter(|f| f.starts_with("RR-OBS-001 "))
        .collect();
    pretty_assertions::assert_eq!(
        got,
        [
            format!("RR-OBS-001 fail {}", table("eu-west-1", "carts")),
            format!("RR-OBS-001 fail {}", table("us-east-1", "orders")),
            format!("RR-OBS-001 pass {}", table("eu-west-1", "orders")),
            format!("RR-OBS-001 pass {}", table("us-east-1", "carts")),
        ]
    );
}

/// An emulator error answered through the bridge is AWS's CBOR error: the code
/// without the emulator's namespace in `__type` and in `x-amzn-query-error`, and a
/// body botocore's model accepts for the operation.
#[test]
fn a_bridged_error_is_the_cbor_error_aws_sends() {
    let moto_answer = br#"{"__type": "GraniteServiceVersion20100801#InvalidNextToken", "message": "The next token specified is invalid.", "Message": "The next token specified is invalid."}"#;
    let (status, headers, body) = cloudwatch_bridge::cbor_response(
        "DescribeAlarms",
        400,
        Some("InvalidNextToken;Sender"),
        moto_answer,
    );
    assert_eq!(status, 400);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(header("content-type"), Some("application/cbor"));
    assert_eq!(
        header("x-amzn-query-error"),
        Some("InvalidNextToken;Sender")
    );
    let (ok, report) = validate(&[(
        "cloudwatch/DescribeAlarms/error-400-InvalidNextToken.cbor".to_string(),
        body,
    )]);
    assert!(ok, "{report}");

    // A success body: `null`s and members the model does not define are left out,
    // timestamps become tag 1, a whole threshold is still a double.
    let (status, _, body) = cloudwatch_bridge::cbor_response(
        "DescribeAlarms",
        200,
        None,
        br#"{"MetricAlarms": [{"AlarmName": "a", "Threshold": 5, "StateUpdatedTimestamp": 1785000000.5, "Unit": null, "Colour": "red"}], "CompositeAlarms": [], "NextToken": null}"#,
    );
    assert_eq!(status, 200);
    let (ok, report) = validate(&[(
        "cloudwatch/DescribeAlarms/bridged.cbor".to_string(),
        body.clone(),
    )]);
    assert!(ok, "{report}");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bridged.cbor");
    std::fs::write(&file, &body).expect("write");
    let shown = Command::new(root().join(".venv/bin/python"))
        .arg(root().join("tests/corpus/validate.py"))
        .arg("--show")
        .arg(&file)
        .output()
        .expect("validate.py --show");
    let shown: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(
        shown,
        json!({"MetricAlarms": [{"AlarmName": "a", "Threshold": 5.0, "StateUpdatedTimestamp": {"tag 1": 1785000000.5}}], "CompositeAlarms": []})
    );

    // The request: the CBOR map the client sends becomes the same JSON object.
    let mut cbor = Vec::new();
    minicbor::Encoder::new(&mut cbor)
        .begin_map()
        .and_then(|e| {
            e.str("AlarmTypes")?
                .array(2)?
                .str("MetricAlarm")?
                .str("CompositeAlarm")
        })
        .and_then(|e| {
            e.str("MaxRecords")?
                .u64(100)?
                .str("NextToken")?
                .str("t")?
                .end()
        })
        .expect("encode");
    let (target, json_body) =
        cloudwatch_bridge::json_request("DescribeAlarms", &cbor).expect("bridged");
    assert_eq!(target, "GraniteServiceVersion20100801.DescribeAlarms");
    assert_eq!(
        serde_json::from_slice::<Value>(&json_body).expect("JSON"),
        json!({"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100, "NextToken": "t"})
    );
    assert_eq!(
        cloudwatch_bridge::operation(
            "/service/GraniteServiceVersion20100801/operation/DescribeAlarms"
        ),
        Some("DescribeAlarms")
    );
    assert_eq!(
        cloudwatch_bridge::operation(
            "/service/GraniteServiceVersion20100801/operation/PutMetricData"
        ),
        None,
        "only the operation the scanner calls is bridged"
    );
}
