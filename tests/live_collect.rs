//! Live collection with the real AWS SDK against the AWS emulator (moto server).
//!
//! Needs `bash .ci/install-moto.sh` once. Each test starts its own emulator on a
//! free 127.0.0.1 port and seeds it with `tests/seed_moto.py`. Where the emulator
//! lacks a behaviour of the real service or answers in a shape AWS does not, a test
//! puts `support::proxy` in front of it and says so: recorded, model-validated AWS
//! answers from `tests/corpus/` (ListGlobalTables, the aggregator's source status),
//! DynamoDB global-table replicas (not emulated), AssumeRole failures, throttling
//! and per-account rate limits, expiring session credentials (never produced by
//! the emulator), an endpoint that stops answering. The last test corrects every
//! such answer to AWS's shape and checks the findings against a hand-written
//! inventory of the same estate.

mod support;

use regionready::inventory::Inventory;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;
use support::moto::{run, scanner, Moto};
use support::proxy::{corpus, fail, Action, Proxy, RateLimit, Rule, Settings};

/// Seed values (ARNs, ids) -> stable names, longest first so ARNs win over ids.
fn names(seed: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in seed.as_object().expect("seed object") {
        if let Some(s) = v.as_str() {
            out.push((s.to_string(), format!("<{k}>")));
        }
    }
    let members = seed["members"].as_array().expect("members");
    for (i, m) in members.iter().enumerate() {
        out.push((m.as_str().expect("id").to_string(), format!("<member{i}>")));
    }
    out.sort_by_key(|(value, _)| std::cmp::Reverse(value.len()));
    out
}

fn normalize(text: &str, names: &[(String, String)]) -> String {
    names
        .iter()
        .fold(text.to_string(), |t, (value, name)| t.replace(value, name))
}

fn opt<T: std::fmt::Debug>(v: &Option<T>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "-".to_string(),
    }
}

/// One line per collected fact, with seeded ids replaced by names.
fn summary(inv: &Inventory, seed: &Value) -> Vec<String> {
    let names = names(seed);
    let mut lines = Vec::new();
    if let Some(org) = &inv.organization {
        for ou in &org.organizational_units {
            lines.push(format!("ou {} parent={}", ou.name, ou.parent_id));
        }
        for a in &org.accounts {
            lines.push(format!(
                "account {} {} {} parent={}",
                a.id,
                a.name,
                a.lifecycle(),
                a.parent_id
            ));
        }
        for p in org.policies.iter().flatten() {
            let targets: Vec<_> = p
                .targets
                .iter()
                .map(|t| format!("{:?}:{}", t.target_type, t.target_id))
                .collect();
            let content = p
                .content
                .get("Statement")
                .map(|_| "statements")
                .unwrap_or("no-statement");
            lines.push(format!(
                "scp {} aws_managed={} {content} targets={targets:?}",
                p.name, p.aws_managed
            ));
        }
    } else {
        lines.push("organization -".to_string());
    }
    for a in &inv.accounts {
        for r in &a.regions {
            let at = format!("{} {}", a.account_id, r.region);
            for k in &r.kms_keys {
                lines.push(format!(
                    "{at} kms {} manager={} mr={} type={} primary={} replicas={} aliases={} tags={}",
                    k.arn,
                    opt(&k.key_manager),
                    opt(&k.multi_region),
                    opt(&k.multi_region_key_type),
                    opt(&k.primary_arn),
                    opt(&k.replica_regions),
                    opt(&k.aliases),
                    opt(&k.tags)
                ));
            }
            for s in &r.secrets {
                let replicas = s.replicas.as_ref().map(|v| {
                    v.iter()
                        .map(|x| format!("{}:{}:{}", x.region, opt(&x.status), opt(&x.kms_key_id)))
                        .collect::<Vec<_>>()
                });
                lines.push(format!(
                    "{at} secret {} key={} primary_region={} replicas={} owner={} tags={}",
                    s.arn,
                    opt(&s.kms_key_id),
                    opt(&s.primary_region),
                    opt(&replicas),
                    opt(&s.owning_service),
                    opt(&s.tags)
                ));
            }
            for t in &r.dynamodb_tables {
                let replicas = t.replicas.as_ref().map(|v| {
                    v.iter()
                        .map(|x| format!("{}:{}", x.region, opt(&x.status)))
                        .collect::<Vec<_>>()
                });
                lines.push(format!(
                    "{at} table {} status={} replicas={} version={} pitr={} stream={} tags={}",
                    t.arn,
                    opt(&t.status),
                    opt(&replicas),
                    opt(&t.global_table_version),
                    opt(&t.pitr_enabled),
                    opt(&t.stream_enabled),
                    opt(&t.tags)
                ));
            }
            for c in &r.rds_clusters {
                lines.push(format!(
                    "{at} cluster {} engine={} global={} encrypted={} tags={}",
                    c.arn,
                    c.engine,
                    opt(&c.global_cluster_identifier),
                    opt(&c.storage_encrypted),
                    opt(&c.tags)
                ));
            }
            for g in &r.rds_global_clusters {
                let members: Vec<_> = g
                    .members
                    .iter()
                    .map(|m| format!("{}:{}:{}", m.region, m.is_writer, m.cluster_arn))
                    .collect();
                lines.push(format!("{at} global {} members={members:?}", g.arn));
            }
            for x in &r.resources {
                lines.push(format!(
                    "{at} resource {} {} configured={}",
                    x.resource_type,
                    x.arn,
                    x.references.is_some()
                ));
            }
        }
    }
    for g in &inv.gaps {
        lines.push(format!(
            "gap {} {} {} {}",
            g.account_id,
            g.region.as_deref().unwrap_or("-"),
            g.service,
            g.error_code
        ));
    }
    lines.into_iter().map(|l| normalize(&l, &names)).collect()
}

fn collect(endpoint: &str, dir: &Path, extra: &[&str]) -> (Output, Option<Inventory>) {
    let path = dir.join("inventory.json");
    let mut cmd = scanner(endpoint, dir);
    cmd.args(["collect", "-q", "-o"])
        .arg(&path)
        .args(["--sweep-regions", "ap-southeast-2"])
        .args(extra);
    let out = run(cmd);
    let inv = Inventory::load(&path).ok();
    (out, inv)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Emulator gap: DynamoDB global tables are not emulated, so the proxy adds the
/// `Replicas` and `GlobalTableVersion` a global table reports in the real service.
fn global_table_patch() -> Rule {
    Rule::new(
        "DescribeTable",
        Action::Patch(std::sync::Arc::new(|v: &mut Value| {
            v["Table"]["Replicas"] = json!([
                {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"},
                {"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}
            ]);
            v["Table"]["GlobalTableVersion"] = json!("2019.11.21");
        })),
    )
    .in_region("us-east-1")
    .body_contains("\"orders\"")
}

/// Emulator gaps answered as AWS answers them, from recorded, model-validated
/// bodies (`tests/corpus/`): the emulator does not implement ListGlobalTables (no
/// legacy global table here: AWS answers an empty list) nor
/// DescribeConfigurationAggregatorSourcesStatus (the organization aggregator's
/// sources all up to date), nor Global Accelerator (HTTP 500: AWS answers an
/// account without accelerators with an empty list), and does not speak
/// CloudWatch's CBOR protocol to the AWS SDK for Rust (DescribeAlarms: no alarms,
/// as AWS answers an empty region).
fn emulator_gaps() -> Vec<Rule> {
    vec![
        Rule::new(
            "ListAccelerators",
            corpus("globalaccelerator/ListAccelerators/none.json"),
        ),
        Rule::new(
            "DescribeAlarms",
            corpus("cloudwatch/DescribeAlarms/none.cbor"),
        ),
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
    ]
}

const CONFIG_GAPS: [&str; 6] = [
    "gap <management> eu-west-1 config NoConfigurationRecorder",
    "gap <management> us-east-1 config NoConfigurationRecorder",
    "gap <member0> eu-west-1 config NoConfigurationRecorder",
    "gap <member0> us-east-1 config NoConfigurationRecorder",
    "gap <member1> eu-west-1 config NoConfigurationRecorder",
    "gap <member1> us-east-1 config NoConfigurationRecorder",
];

fn expected_estate() -> Vec<String> {
    let mut lines: Vec<String> = [
        "ou Sandbox parent=<root>",
        "ou Workloads parent=<root>",
        "ou Prod parent=<workloads>",
        "account <management> master ACTIVE parent=<root>",
        "account <member0> member0 ACTIVE parent=<prod>",
        "account <member1> member1 ACTIVE parent=<sandbox>",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    lines.sort_by_key(|l| l.starts_with("account")); // OUs first, as collected (sorted by id)
    lines
}

#[test]
fn live_inventory_matches_the_seeded_estate() {
    let moto = Moto::start();
    let seed = moto.seed(&["full"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: [vec![global_table_patch()], emulator_gaps()].concat(),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy.url(), dir.path(), &[]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    // The aggregator exists but the emulator answers HTTP 500 to its query: retried
    // (3 attempts), recorded as a gap, then each account is read on its own.
    assert_eq!(
        proxy.operations().get("SelectAggregateResourceConfig"),
        Some(&3)
    );
    let lines = summary(&inv, &seed);
    let org_lines: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("ou ") || l.starts_with("account "))
        .collect();
    let mut org_sorted: Vec<String> = org_lines.iter().map(|s| s.to_string()).collect();
    org_sorted.sort();
    let mut want_org = expected_estate();
    want_org.sort();
    pretty_assertions::assert_eq!(org_sorted, want_org);

    let rest: Vec<String> = lines
        .into_iter()
        .filter(|l| !l.starts_with("ou ") && !l.starts_with("account "))
        .collect();
    let mut want: Vec<String> = [
        "scp deny-outside-pair aws_managed=false statements targets=[\"OrganizationalUnit:<prod>\"]",
        // management, eu-west-1: the replica of the multi-Region key, the secret replica,
        // the plain `orders` table and the secondary of the global database.
        "<management> eu-west-1 kms <mrk_replica> manager=Customer mr=true type=Replica primary=\"<mrk>\" replicas=[\"eu-west-1\"] aliases=[\"alias/app-mrk\"] tags={}",
        "<management> eu-west-1 secret arn:aws:secretsmanager:eu-west-1:<management>:secret:app/db-SUFFIX key=\"<single>\" primary_region=\"us-east-1\" replicas=[] owner=- tags={}",
        "<management> eu-west-1 table arn:aws:dynamodb:eu-west-1:<management>:table/orders status=\"ACTIVE\" replicas=[] version=- pitr=true stream=false tags={\"data-residency\": \"eu\"}",
        "<management> eu-west-1 cluster <secondary> engine=aurora-postgresql global=\"gdb\" encrypted=true tags={}",
        "<management> eu-west-1 global arn:aws:rds::<management>:global-cluster:gdb members=[\"eu-west-1:false:<secondary>\", \"us-east-1:true:<primary>\"]",
        "<management> us-east-1 kms <single> manager=Customer mr=false type=- primary=- replicas=- aliases=[\"alias/app-secrets\"] tags={}",
        "<management> us-east-1 kms <mrk> manager=Customer mr=true type=Primary primary=\"<mrk>\" replicas=[\"eu-west-1\"] aliases=[\"alias/app-mrk\"] tags={\"team\": \"core\"}",
        "<management> us-east-1 secret <replicated> key=\"<single>\" primary_region=- replicas=[\"eu-west-1:\\\"InSync\\\":\\\"alias/aws/secretsmanager\\\"\"] owner=- tags={}",
        "<management> us-east-1 secret <local> key=\"alias/aws/secretsmanager\" primary_region=- replicas=[] owner=- tags={\"team\": \"core\"}",
        "<management> us-east-1 table arn:aws:dynamodb:us-east-1:<management>:table/orders status=\"ACTIVE\" replicas=[\"eu-west-1:\\\"ACTIVE\\\"\"] version=\"2019.11.21\" pitr=true stream=false tags={\"data-residency\": \"eu\"}",
        "<management> us-east-1 table arn:aws:dynamodb:us-east-1:<management>:table/scratch status=\"ACTIVE\" replicas=[] version=- pitr=false stream=false tags={\"data-residency\": \"eu\"}",
        "<management> us-east-1 cluster <primary> engine=aurora-postgresql global=\"gdb\" encrypted=true tags={}",
        "<management> us-east-1 cluster <solo> engine=aurora-mysql global=- encrypted=false tags={\"data-residency\": \"us\"}",
        "<management> us-east-1 global arn:aws:rds::<management>:global-cluster:gdb members=[\"eu-west-1:false:<secondary>\", \"us-east-1:true:<primary>\"]",
        "<management> ap-southeast-2 resource AWS::DynamoDB::Table arn:aws:dynamodb:ap-southeast-2:<management>:table/stray configured=false",
        "<member0> us-east-1 kms <a_key> manager=Customer mr=false type=- primary=- replicas=- aliases=[] tags={}",
        "<member0> us-east-1 table arn:aws:dynamodb:us-east-1:<member0>:table/a-table status=\"ACTIVE\" replicas=[] version=- pitr=false stream=false tags={\"data-residency\": \"eu\"}",
        "<member1> eu-west-1 secret <b_secret> key=\"alias/aws/secretsmanager\" primary_region=- replicas=[] owner=- tags={}",
        "<member1> ap-southeast-2 resource AWS::KMS::Key <b_key> configured=false",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(CONFIG_GAPS.iter().map(|s| s.to_string()))
    .chain(["gap <management> us-east-1 config HTTP500".to_string()])
    .collect();
    // The secret replica's ARN suffix is the primary's: take it from the seed.
    let suffix = seed["replicated"]
        .as_str()
        .and_then(|a| a.rsplit('-').next())
        .expect("suffix");
    for l in &mut want {
        *l = l.replace("SUFFIX", suffix);
    }
    let mut got: Vec<String> = rest
        .into_iter()
        .filter(|l| !l.starts_with("scp FullAWSAccess"))
        .collect();
    got.sort();
    want.sort();
    pretty_assertions::assert_eq!(got, want);
    assert_eq!(
        inv.source.as_ref().map(|s| s.outside_pair_sources.clone()),
        Some(vec!["service-listing".to_string()])
    );
    // Every account was read in its two pair regions and the swept region.
    for a in &inv.accounts {
        let regions: Vec<&str> = a.regions.iter().map(|r| r.region.as_str()).collect();
        assert_eq!(
            regions,
            ["ap-southeast-2", "eu-west-1", "us-east-1"],
            "account {}",
            a.account_id
        );
    }

    // A saved inventory and a live scan give the same findings.
    let live = run({
        let mut c = scanner(&proxy.url(), dir.path());
        c.args([
            "scan",
            "-q",
            "--format",
            "json",
            "--sweep-regions",
            "ap-southeast-2",
        ]);
        c
    });
    let saved = run({
        let mut c = scanner(&proxy.url(), dir.path());
        c.args(["scan", "--format", "json", "--inventory"])
            .arg(dir.path().join("inventory.json"));
        c
    });
    assert!(
        matches!(live.status.code(), Some(0 | 1)),
        "live scan: {}",
        stderr(&live)
    );
    assert!(
        matches!(saved.status.code(), Some(0 | 1)),
        "saved scan: {}",
        stderr(&saved)
    );
    let findings = |o: &Output| -> Value {
        let report: Value = serde_json::from_slice(&o.stdout).expect("JSON report");
        report["findings"].clone()
    };
    assert_eq!(findings(&live), findings(&saved));
    assert_eq!(live.status.code(), saved.status.code());
}

/// Emulator gaps covered by the proxy: AssumeRole never fails and nothing is ever
/// throttled in the emulator. Injected: AccessDenied for AssumeRole into member1,
/// AccessDenied for Secrets Manager in eu-west-1, and ThrottlingException for the
/// first two ListKeys requests in us-east-1 (retried, then read), and an HTML 500
/// (an operation the endpoint does not implement) for DescribeContinuousBackups in
/// eu-west-1.
#[test]
fn denied_account_and_service_become_gaps_and_throttling_is_retried() {
    let moto = Moto::start();
    let seed = moto.seed(&["full"]);
    let member1 = seed["members"][1].as_str().expect("member1").to_string();
    let rules = vec![
        Rule::new(
            "AssumeRole",
            fail(403, "AccessDenied", "not authorized to assume the role"),
        )
        .body_contains(&member1),
        Rule::new(
            "ListSecrets",
            fail(
                400,
                "AccessDeniedException",
                "not authorized: secretsmanager:ListSecrets",
            ),
        )
        .in_region("eu-west-1"),
        Rule::new(
            "ListKeys",
            fail(400, "ThrottlingException", "Rate exceeded"),
        )
        .in_region("us-east-1")
        .times(2),
        Rule::new("DescribeContinuousBackups", Action::Html(500)).in_region("eu-west-1"),
        Rule::new(
            "SelectAggregateResourceConfig",
            Action::Json(200, aggregator_fixture(&seed)),
        ),
    ]
    .into_iter()
    .chain(emulator_gaps())
    .collect();
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy.url(), dir.path(), &[]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    let lines = summary(&inv, &seed);
    let mut gaps: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("gap "))
        .map(String::as_str)
        .collect();
    gaps.sort();
    pretty_assertions::assert_eq!(
        gaps,
        [
            "gap <management> eu-west-1 dynamodb HTTP500",
            "gap <management> eu-west-1 secretsmanager AccessDeniedException",
            "gap <member0> eu-west-1 secretsmanager AccessDeniedException",
            // The sweep lists secrets too, in ap-southeast-2: not denied there.
            "gap <member1> - sts AccessDenied",
        ]
    );
    // member1 was not read at all; the others were, throttled ListKeys included.
    let accounts: Vec<&str> = inv.accounts.iter().map(|a| a.account_id.as_str()).collect();
    let management = seed["management"].as_str().expect("management");
    let member0 = seed["members"][0].as_str().expect("member0");
    let mut want_accounts = vec![management, member0];
    want_accounts.sort();
    assert_eq!(accounts, want_accounts);
    let keys_east: usize = inv
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter().filter(|r| r.region == "us-east-1"))
        .map(|r| r.kms_keys.len())
        .sum();
    assert_eq!(
        keys_east, 3,
        "management's two keys and member0's key, read after throttling"
    );
    let management_east = &inv
        .accounts
        .iter()
        .find(|a| a.account_id == management)
        .expect("management")
        .regions;
    let east = management_east
        .iter()
        .find(|r| r.region == "us-east-1")
        .expect("us-east-1");
    assert_eq!(east.secrets.len(), 2, "secrets still read where not denied");
    // The table whose backups could not be read keeps PITR unknown, not false.
    let west = management_east
        .iter()
        .find(|r| r.region == "eu-west-1")
        .expect("eu-west-1");
    let orders: Vec<(Option<bool>, Option<String>)> = west
        .dynamodb_tables
        .iter()
        .map(|t| (t.pitr_enabled, t.status.clone()))
        .collect();
    assert_eq!(orders, [(None, Some("ACTIVE".to_string()))]);
    // Two accounts x (us-east-1 + ap-southeast-2 sweep + eu-west-1) ListKeys, plus two throttled attempts.
    assert_eq!(proxy.operations().get("ListKeys"), Some(&8));
    // Compute configurations came from the aggregator, in their account and region;
    // no account was asked for Config on its own.
    let functions: Vec<String> = inv
        .accounts
        .iter()
        .flat_map(|a| {
            a.regions
                .iter()
                .flat_map(move |r| r.resources.iter().map(move |x| (a, r, x)))
        })
        .filter(|(_, _, x)| x.resource_type == "AWS::Lambda::Function")
        .map(|(a, r, x)| {
            let url: Option<Vec<(&str, &str)>> = x.references.as_ref().map(|refs| {
                refs.iter()
                    .map(|r| (r.target.as_str(), r.path.as_str()))
                    .collect()
            });
            normalize(
                &format!(
                    "{} {} {} {:?} {:?}",
                    a.account_id, r.region, x.arn, url, x.tags
                ),
                &names(&seed),
            )
        })
        .collect();
    assert_eq!(
        functions,
        ["<management> us-east-1 arn:aws:lambda:us-east-1:<management>:function:checkout Some([(\"sqs.eu-west-1.amazonaws.com\", \"environment.variables.API_URL\")]) Some({\"team\": \"core\"})"]
    );
    // Only references are kept: the value of an environment variable never is.
    let saved = std::fs::read_to_string(dir.path().join("inventory.json")).expect("inventory");
    assert!(
        !saved.contains("hunter2"),
        "a configuration value was stored"
    );
    assert_eq!(
        proxy.operations().get("DescribeConfigurationRecorders"),
        None
    );
    assert_eq!(
        inv.source.as_ref().map(|s| s.outside_pair_sources.clone()),
        Some(vec![
            "aws-config-aggregator".to_string(),
            "service-listing".to_string()
        ])
    );
    // The member whose role was denied is still in the inventory, as a gap: not a pass.
    assert!(inv.account_ids().contains(&member1));
}

/// Emulator gap: SelectAggregateResourceConfig is not implemented (HTTP 500) and
/// Config knows no Lambda function. A response fixture shaped like the API reference:
/// one row per resource, a JSON document in a string.
fn aggregator_fixture(seed: &Value) -> Value {
    let management = seed["management"].as_str().expect("management");
    let row = json!({
        "accountId": management,
        "awsRegion": "us-east-1",
        "resourceType": "AWS::Lambda::Function",
        "arn": format!("arn:aws:lambda:us-east-1:{management}:function:checkout"),
        "resourceName": "checkout",
        "tags": [{"key": "team", "value": "core"}],
        "configuration": {"functionName": "checkout", "environment": {"variables": {"API_URL": "sqs.eu-west-1.amazonaws.com/111122223333/jobs", "DB_PASSWORD": "hunter2"}}},
        "supplementaryConfiguration": {}
    });
    json!({ "Results": [row.to_string()], "QueryInfo": {"SelectFields": []} })
}

/// Emulator gap: it always answers. The proxy stops answering after 40 requests;
/// short timeouts end the scan with what was read and Timeout gaps.
#[test]
fn an_endpoint_that_stops_answering_ends_in_gaps_not_a_hang() {
    let moto = Moto::start();
    moto.seed(&["full"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            hang_after: Some(40),
            rules: emulator_gaps(),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(
        &proxy.url(),
        dir.path(),
        &[
            "--timeout",
            "1",
            "--connect-timeout",
            "1",
            "--max-attempts",
            "1",
        ],
    );
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("partial inventory written");
    assert!(!inv.gaps.is_empty());
    let codes: std::collections::BTreeSet<&str> =
        inv.gaps.iter().map(|g| g.error_code.as_str()).collect();
    assert!(codes.contains("Timeout"), "codes: {codes:?}");
    // Besides timeouts: Config not recording, and the emulator's HTTP 500 to the
    // aggregator query it does not implement (an aggregator failure is a gap).
    let others: Vec<(&str, Option<&str>)> = inv
        .gaps
        .iter()
        .filter(|g| !["Timeout", "NoConfigurationRecorder"].contains(&g.error_code.as_str()))
        .map(|g| (g.error_code.as_str(), g.operation.as_deref()))
        .collect();
    assert!(
        others
            .iter()
            .all(|o| *o == ("HTTP500", Some("SelectAggregateResourceConfig"))),
        "only timeouts (and Config not recording) expected, got {others:?}"
    );
    assert!(
        proxy.requests() > 40,
        "requests beyond the limit were made and timed out"
    );
}

#[test]
fn without_organizations_access_the_callers_account_is_scanned() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&moto.url(), dir.path(), &[]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    assert_eq!(inv.organization, None);
    let accounts: Vec<&str> = inv.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(accounts, ["123456789012"]);
    let org_gaps: Vec<(&str, &str)> = inv
        .gaps
        .iter()
        .filter(|g| g.service == "organizations")
        .map(|g| (g.account_id.as_str(), g.error_code.as_str()))
        .collect();
    assert_eq!(
        org_gaps,
        [("123456789012", "AWSOrganizationsNotInUseException")]
    );
}

#[test]
fn no_reachable_endpoint_exits_3_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = support::moto::free_port(); // nothing listens there
    let endpoint = format!("http://127.0.0.1:{port}");
    let (out, inv) = collect(
        &endpoint,
        dir.path(),
        &[
            "--timeout",
            "2",
            "--connect-timeout",
            "1",
            "--max-attempts",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    assert!(inv.is_none());
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("sts:GetCallerIdentity failed with ConnectionError"),
        "{err}"
    );
}

/// Findings-level check of a live scan against the seeded emulator (DynamoDB
/// replicas patched in by the proxy, as moto does not emulate global tables).
#[test]
fn live_scan_findings_are_exact() {
    let moto = Moto::start();
    let seed = moto.seed(&["full"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: [vec![global_table_patch()], emulator_gaps()].concat(),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run({
        let mut c = scanner(&proxy.url(), dir.path());
        c.args([
            "scan",
            "-q",
            "--format",
            "json",
            "--sweep-regions",
            "ap-southeast-2",
        ]);
        c
    });
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate fails: {}",
        stderr(&out)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let names = names(&seed);
    let mut got: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| {
            let arn = f["resource_arn"].as_str().unwrap_or("-");
            normalize(
                &format!("{} {arn}", f["rule_id"].as_str().unwrap_or("-")),
                &names,
            )
        })
        .collect();
    got.sort();
    // Every table is tagged data-residency=eu, so the us-east-1 ones break residency
    // (RR-RES-001); `solo` is tagged with the class "us", which the default config
    // does not define. The seeded Aurora clusters have no DB instance: headless
    // members of the global database (RR-RDS-005). Single-Region keys are listed for
    // review (RR-KMS-003, info).
    let mut want = vec![
        "RR-KMS-003 <single>",
        "RR-KMS-003 <a_key>",
        "RR-RDS-005 <primary>",
        "RR-RDS-005 <secondary>",
        "RR-SEC-001 <local>",
        "RR-SEC-001 <b_secret>",
        "RR-DDB-001 arn:aws:dynamodb:us-east-1:<management>:table/scratch",
        "RR-DDB-001 arn:aws:dynamodb:eu-west-1:<management>:table/orders",
        "RR-DDB-001 arn:aws:dynamodb:us-east-1:<member0>:table/a-table",
        "RR-DDB-003 arn:aws:dynamodb:us-east-1:<management>:table/scratch",
        "RR-DDB-003 arn:aws:dynamodb:us-east-1:<member0>:table/a-table",
        "RR-RDS-001 <solo>",
        "RR-REG-001 arn:aws:dynamodb:ap-southeast-2:<management>:table/stray",
        "RR-REG-001 <b_key>",
        "RR-REG-002 arn:aws:iam::<member1>:root",
        "RR-RES-001 <solo>",
        "RR-RES-001 arn:aws:dynamodb:us-east-1:<management>:table/orders",
        "RR-RES-001 arn:aws:dynamodb:us-east-1:<management>:table/scratch",
        "RR-RES-001 arn:aws:dynamodb:us-east-1:<member0>:table/a-table",
        // No alarm watches the replication of the global table or the Aurora
        // secondary (DescribeAlarms answers an empty region).
        "RR-OBS-001 arn:aws:dynamodb:us-east-1:<management>:table/orders",
        "RR-OBS-002 <secondary>",
    ];
    want.sort();
    pretty_assertions::assert_eq!(got, want);
}

/// AWS limits DescribeContinuousBackups to about 10 calls per second per account
/// (tags come from one Tagging API read per region, not a call per table); the emulator never throttles. The proxy enforces that
/// limit per access key: 300 tables are still read in full, with no gap.
#[test]
fn three_hundred_tables_at_ten_calls_per_second_are_read_without_gaps() {
    let moto = Moto::start();
    moto.seed(&["tables", "300"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: emulator_gaps(),
            rate_limit: Some(RateLimit {
                operations: vec!["DescribeContinuousBackups".to_string()],
                per_second: 10,
            }),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy.url(), dir.path(), &[]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    let dynamodb_gaps: Vec<&str> = inv
        .gaps
        .iter()
        .filter(|g| g.service == "dynamodb")
        .map(|g| g.message.as_str())
        .collect();
    assert_eq!(dynamodb_gaps, Vec::<&str>::new());
    let tables: Vec<_> = inv
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter())
        .flat_map(|r| r.dynamodb_tables.iter())
        .collect();
    assert_eq!(tables.len(), 300);
    assert!(tables
        .iter()
        .all(|t| t.pitr_enabled == Some(false) && t.tags.as_ref().is_some_and(|t| t.len() == 1)));
    // Paced below the limit: the proxy had (next to) nothing to refuse.
    assert!(
        proxy.throttled() <= 5,
        "throttled {} times",
        proxy.throttled()
    );
}

/// Assumed-role credentials expire (after an hour in AWS; after two seconds here,
/// where the proxy refuses session credentials older than that with
/// `ExpiredToken`, which the emulator never does). Each account's role is assumed
/// again and the failed request retried: no gap, nothing lost. Requests are slowed
/// down so that every member's scan outlives several sessions.
#[test]
fn expired_session_credentials_are_renewed_mid_scan() {
    let moto = Moto::start();
    let seed = moto.seed(&["full"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: [vec![global_table_patch()], emulator_gaps()].concat(),
            delay: Some(std::time::Duration::from_millis(100)),
            expire_sessions_after: Some(std::time::Duration::from_secs(2)),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy.url(), dir.path(), &["--concurrency", "2"]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    assert!(proxy.expired() > 0, "the scan outlived its credentials");
    let expired_gaps: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| g.error_code != "NoConfigurationRecorder" && g.error_code != "HTTP500")
        .map(|g| {
            format!(
                "{} {:?} {} {}",
                g.account_id, g.region, g.error_code, g.message
            )
        })
        .collect();
    assert_eq!(expired_gaps, Vec::<String>::new());
    let assumed = proxy.operations().get("AssumeRole").copied().unwrap_or(0);
    assert!(
        assumed > 2,
        "each member's role assumed again, got {assumed}"
    );
    // Both members were read in full: member0's key and table, member1's secret.
    let lines = summary(&inv, &seed);
    for want in [
        "<member0> us-east-1 kms <a_key>",
        "<member0> us-east-1 table arn:aws:dynamodb:us-east-1:<member0>:table/a-table",
        "<member1> eu-west-1 secret <b_secret>",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(want)), "{want} missing");
    }
}

/// Moto's reserved key id behind `alias/aws/secretsmanager` (its ListAliases names
/// it; its ListKeys does not list the key, AWS's does).
const SECRETS_MANAGER_KEY: &str = "fee5173a-3972-428e-ae73-cd4c2a371222";
/// The same for `alias/aws/dynamodb`.
const DYNAMODB_KEY: &str = "7e6aa0ea-15a4-4e72-8b32-58e46e776888";
/// The same for `alias/aws/rds`.
const RDS_KEY: &str = "f5f30938-abed-41a2-a0f6-5482d02a2489";

fn patch(f: impl Fn(&mut Value) + Send + Sync + 'static) -> Action {
    Action::Patch(std::sync::Arc::new(f))
}

/// The emulator's answers corrected to AWS's shapes (each from the API reference
/// and the recorded, model-validated bodies of `tests/corpus/`):
/// - accounts carry `State` only (the retired `Status` removed);
/// - `orders` is a legacy (2017.11.29) global table in us-east-1 and eu-west-1:
///   ListGlobalTables and DescribeGlobalTable name it (the emulator has neither),
///   and DescribeTable shows only the stream with new and old images AWS requires
///   of each legacy replica;
/// - AWS created its managed key for Secrets Manager where a secret uses the
///   default key (us-east-1), and for DynamoDB in member1's ap-southeast-2: ListKeys
///   lists them and DescribeKey says `KeyManager: AWS` (the emulator lists neither);
/// - the replica of `app/db` is encrypted with the key the seed asked for, the
///   multi-Region replica key (the emulator always says aws/secretsmanager);
/// - an encrypted Aurora cluster created without a key names the AWS-managed
///   `aws/rds` key by ARN (the emulator says `default_kms_key_id`);
/// - DescribeContinuousBackups at 10 calls per second.
fn aws_corrections(seed: &Value) -> Settings {
    let management = seed["management"].as_str().expect("management").to_string();
    let member1 = seed["members"][1].as_str().expect("member1").to_string();
    let mrk_replica = seed["mrk_replica"]
        .as_str()
        .expect("mrk_replica")
        .to_string();
    let state_only = || {
        patch(|v: &mut Value| {
            for a in v["Accounts"].as_array_mut().into_iter().flatten() {
                if let Some(status) = a.as_object_mut().and_then(|a| a.remove("Status")) {
                    a["State"] = status;
                }
            }
        })
    };
    let m = management.clone();
    let sm_key = patch(move |v: &mut Value| {
        if let Some(keys) = v["Keys"].as_array_mut() {
            keys.push(json!({
                "KeyId": SECRETS_MANAGER_KEY,
                "KeyArn": format!("arn:aws:kms:us-east-1:{m}:key/{SECRETS_MANAGER_KEY}")
            }));
        }
    });
    let m1 = member1.clone();
    let ddb_key = patch(move |v: &mut Value| {
        let mine = v.to_string().contains(&m1);
        if let Some(keys) = v["Keys"].as_array_mut().filter(|_| mine) {
            keys.push(json!({
                "KeyId": DYNAMODB_KEY,
                "KeyArn": format!("arn:aws:kms:ap-southeast-2:{m1}:key/{DYNAMODB_KEY}")
            }));
        }
    });
    let replica_key = mrk_replica.clone();
    let replica_status = patch(move |v: &mut Value| {
        for r in v["ReplicationStatus"].as_array_mut().into_iter().flatten() {
            r["KmsKeyId"] = json!(replica_key);
        }
    });
    let replica_secret = patch(move |v: &mut Value| {
        for s in v["SecretList"].as_array_mut().into_iter().flatten() {
            if s.get("PrimaryRegion").is_some() {
                s["KmsKeyId"] = json!(mrk_replica);
            }
        }
    });
    let legacy = |path: &str| {
        support::proxy::corpus_with(
            path,
            &[
                ("sessions", "orders"),
                ("222222222222", management.as_str()),
            ],
        )
    };
    let legacy_stream = patch(|v: &mut Value| {
        v["Table"]["StreamSpecification"] =
            json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"});
    });
    let mut rules = vec![
        Rule::new("ListAccounts", state_only()),
        Rule::new("DescribeTable", legacy_stream)
            .signed_by("testing")
            .body_contains("\"orders\""),
        Rule::new("ListAccountsForParent", state_only()),
        Rule::new(
            "ListGlobalTables",
            legacy("dynamodb/ListGlobalTables/legacy.json"),
        )
        .signed_by("testing"),
        Rule::new(
            "DescribeGlobalTable",
            legacy("dynamodb/DescribeGlobalTable/legacy.json"),
        )
        .signed_by("testing"),
        Rule::new("ListKeys", sm_key)
            .signed_by("testing")
            .in_region("us-east-1"),
        Rule::new(
            "DescribeKey",
            support::proxy::corpus_with(
                "kms/DescribeKey/aws-managed.json",
                &[
                    ("00000001-1234-5678-9abc-def012345678", SECRETS_MANAGER_KEY),
                    ("222222222222", management.as_str()),
                ],
            ),
        )
        .body_contains(SECRETS_MANAGER_KEY),
        Rule::new("ListKeys", ddb_key).in_region("ap-southeast-2"),
        Rule::new("DescribeSecret", replica_status)
            .signed_by("testing")
            .in_region("us-east-1"),
        Rule::new("ListSecrets", replica_secret)
            .signed_by("testing")
            .in_region("eu-west-1"),
    ];
    for region in ["us-east-1", "eu-west-1"] {
        let key = format!("arn:aws:kms:{region}:{management}:key/{RDS_KEY}");
        rules.push(
            Rule::new(
                "DescribeDBClusters",
                Action::Replace(vec![(
                    "<KmsKeyId>default_kms_key_id</KmsKeyId>".to_string(),
                    format!("<KmsKeyId>{key}</KmsKeyId>"),
                )]),
            )
            .signed_by("testing")
            .in_region(region),
        );
    }
    rules.extend(emulator_gaps());
    Settings {
        rules,
        rate_limit: Some(RateLimit {
            operations: vec!["DescribeContinuousBackups".to_string()],
            per_second: 10,
        }),
        ..Settings::default()
    }
}

/// Findings of a JSON report, seed ids replaced by names: status, rule, resource.
fn report_findings(out: &Output, seed: &Value) -> Vec<String> {
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let names = names(seed);
    let mut lines: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            normalize(
                &format!(
                    "{} {} {} {}",
                    f["status"].as_str().unwrap_or("-"),
                    f["rule_id"].as_str().unwrap_or("-"),
                    f["account_id"].as_str().unwrap_or("-"),
                    f["resource_arn"].as_str().unwrap_or("-")
                ),
                &names,
            )
        })
        .collect();
    lines.sort();
    lines
}

/// The seeded estate described by hand (`tests/estates/full-aws.json`, the seed's
/// ids as `<name>` placeholders), as AWS would report it.
fn hand_written_inventory(seed: &Value, dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(support::moto::root().join("tests/estates/full-aws.json"))
        .expect("tests/estates/full-aws.json");
    let mut text = text;
    for (value, name) in names(seed) {
        text = text.replace(&name, &value);
    }
    let suffix = seed["replicated"]
        .as_str()
        .and_then(|a| a.rsplit('-').next())
        .expect("suffix");
    text = text.replace("<suffix>", suffix);
    for key in ["single", "mrk", "a_key"] {
        let arn = seed[key].as_str().expect("key ARN");
        let id = arn.rsplit('/').next().expect("key id");
        text = text.replace(&format!("<{key}_id>"), id);
    }
    let path = dir.join("hand-written.json");
    std::fs::write(&path, text).expect("write inventory");
    path
}

/// Done when: against an emulator whose answers are corrected to AWS's shapes, a
/// live scan reports exactly the findings the same estate gives from a
/// hand-written inventory, with no account dropped.
#[test]
fn an_aws_shaped_emulator_gives_the_findings_of_the_hand_written_inventory() {
    let moto = Moto::start();
    let seed = moto.seed(&["full"]);
    let proxy = Proxy::start(moto.port, aws_corrections(&seed));
    let dir = tempfile::tempdir().expect("tempdir");
    let scan = |extra: &[&str]| {
        let mut c = scanner(&proxy.url(), dir.path());
        c.args([
            "scan",
            "-q",
            "--format",
            "json",
            "--sweep-regions",
            "ap-southeast-2",
        ])
        .args(extra);
        run(c)
    };
    let (collected, inv) = collect(&proxy.url(), dir.path(), &[]);
    assert!(collected.status.success(), "{}", stderr(&collected));
    let inv = inv.expect("inventory");
    if std::env::var_os("REGIONREADY_PRINT_INVENTORY").is_some() {
        println!(
            "{}",
            normalize(&serde_json::to_string_pretty(&inv).unwrap(), &names(&seed))
        );
    }
    let accounts: Vec<&str> = inv.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(accounts.len(), 3, "no account dropped: {accounts:?}");
    // What the corrections change in the inventory, against the emulator-shaped
    // expectations of `live_inventory_matches_the_seeded_estate`.
    let lines = summary(&inv, &seed);
    for want in [
        "<management> us-east-1 table arn:aws:dynamodb:us-east-1:<management>:table/orders status=\"ACTIVE\" replicas=[\"eu-west-1:\\\"ACTIVE\\\"\"] version=\"2017.11.29\"",
        "<management> eu-west-1 table arn:aws:dynamodb:eu-west-1:<management>:table/orders status=\"ACTIVE\" replicas=[\"us-east-1:\\\"ACTIVE\\\"\"] version=\"2017.11.29\"",
        "<management> us-east-1 secret <replicated> key=\"<single>\" primary_region=- replicas=[\"eu-west-1:\\\"InSync\\\":\\\"<mrk_replica>\\\"\"]",
        "<management> us-east-1 kms arn:aws:kms:us-east-1:<management>:key/fee5173a-3972-428e-ae73-cd4c2a371222 manager=Aws",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(want)), "{want}\nnot in {lines:#?}");
    }
    assert!(
        !lines.iter().any(|l| l.contains(DYNAMODB_KEY)),
        "an AWS-managed key is not the owner's resource in a swept region"
    );
    let live = scan(&[]);
    let path = hand_written_inventory(&seed, dir.path());
    let saved = scan(&["--inventory", path.to_str().expect("path")]);
    assert_eq!(
        saved.status.code(),
        live.status.code(),
        "{}",
        stderr(&saved)
    );
    pretty_assertions::assert_eq!(
        report_findings(&live, &seed),
        report_findings(&saved, &seed)
    );
}
