//! Live collection against responses shaped like AWS, not like the emulator.
//!
//! The proxy answers the organization and a member account from the recorded,
//! model-validated bodies of `tests/corpus/` (see its README); the real SDK clients
//! parse them. Everything not recorded (the caller's own, empty account) is asked
//! of the emulator behind the proxy. What these bodies carry and the emulator does
//! not: accounts with `State` only (and every state), legacy 2017.11.29 global
//! tables (ListGlobalTables / DescribeGlobalTable; the emulator has neither), an
//! AWS-managed key answering `KeyManager: AWS`, a secret replicated with a key of
//! its own per region, Aurora global clusters named by `GlobalClusterIdentifier`
//! with a headless secondary, AWS Config recorders that exclude a type, and the
//! error bodies of each protocol.

mod support;

use regionready::inventory::Inventory;
use std::path::Path;
use std::process::Output;
use support::moto::{run, scanner, Moto};
use support::proxy::{corpus, Action, Proxy, Rule, Settings};

const MANAGEMENT: &str = "111111111111";
const MEMBER: &str = "222222222222";
/// Access key of the member's session, from `sts/AssumeRole/member-222222222222.xml`.
const MEMBER_KEY: &str = "ASIAMEMBER222EXAMPLE";

/// The organization as AWS answers it: six accounts in every state, one OU, two SCPs.
fn organization() -> Vec<Rule> {
    vec![
        Rule::new(
            "GetCallerIdentity",
            corpus("sts/GetCallerIdentity/management.xml"),
        ),
        Rule::new(
            "DescribeOrganization",
            corpus("organizations/DescribeOrganization/management.json"),
        ),
        Rule::new(
            "ListAccounts",
            corpus("organizations/ListAccounts/state-only.json"),
        ),
        Rule::new("ListRoots", corpus("organizations/ListRoots/root.json")),
        Rule::new(
            "ListAccountsForParent",
            corpus("organizations/ListAccountsForParent/root.json"),
        )
        .body_contains("r-ab12"),
        Rule::new(
            "ListAccountsForParent",
            corpus("organizations/ListAccountsForParent/prod.json"),
        ),
        Rule::new(
            "ListOrganizationalUnitsForParent",
            corpus("organizations/ListOrganizationalUnitsForParent/root.json"),
        )
        .body_contains("r-ab12"),
        Rule::new(
            "ListOrganizationalUnitsForParent",
            corpus("organizations/ListOrganizationalUnitsForParent/none.json"),
        ),
        Rule::new(
            "ListTagsForResource",
            corpus("organizations/ListTagsForResource/none.json"),
        ),
        Rule::new(
            "ListPolicies",
            corpus("organizations/ListPolicies/scp.json"),
        ),
        Rule::new(
            "DescribePolicy",
            corpus("organizations/DescribePolicy/full-aws-access.json"),
        )
        .body_contains("p-FullAWSAccess"),
        Rule::new(
            "DescribePolicy",
            corpus("organizations/DescribePolicy/deny-outside-pair.json"),
        ),
        Rule::new(
            "ListTargetsForPolicy",
            corpus("organizations/ListTargetsForPolicy/root.json"),
        )
        .body_contains("p-FullAWSAccess"),
        Rule::new(
            "ListTargetsForPolicy",
            corpus("organizations/ListTargetsForPolicy/prod.json"),
        ),
        Rule::new(
            "DescribeConfigurationAggregators",
            corpus("config/DescribeConfigurationAggregators/none.json"),
        ),
        // Global Accelerator is not emulated (HTTP 500); no account here has one.
        Rule::new(
            "ListAccelerators",
            corpus("globalaccelerator/ListAccelerators/none.json"),
        ),
        Rule::new(
            "AssumeRole",
            corpus("sts/AssumeRole/member-222222222222.xml"),
        )
        .body_contains(MEMBER),
    ]
}

/// A rule for the member's session in one region.
fn member(region: &str, operation: &str, body: &str) -> Rule {
    Rule::new(operation, corpus(body))
        .signed_by(MEMBER_KEY)
        .in_region(region)
}

/// The member account: a full pair (us-east-1, eu-west-1) and a swept region.
fn member_account() -> Vec<Rule> {
    let east = "us-east-1";
    let west = "eu-west-1";
    let sweep = "ap-southeast-2";
    vec![
        // us-east-1: keys of every manager, secrets, three kinds of table, Aurora.
        member(east, "ListKeys", "kms/ListKeys/keys.json"),
        member(east, "ListAliases", "kms/ListAliases/aliases.json"),
        member(east, "DescribeKey", "kms/DescribeKey/aws-managed.json").body_contains("00000001-"),
        member(east, "DescribeKey", "kms/DescribeKey/customer-single.json")
            .body_contains("00000002-"),
        member(east, "DescribeKey", "kms/DescribeKey/mrk-primary.json"),
        // Tags of the region's keys and tables in one Tagging API read.
        member(
            east,
            "GetResources",
            "resourcegroupstaggingapi/GetResources/member-us-east-1.json",
        ),
        member(
            east,
            "ListSecrets",
            "secretsmanager/ListSecrets/primaries.json",
        ),
        member(
            east,
            "DescribeSecret",
            "secretsmanager/DescribeSecret/replicated-in-sync.json",
        )
        .body_contains("app/db"),
        member(
            east,
            "DescribeSecret",
            "secretsmanager/DescribeSecret/local.json",
        )
        .body_contains("app/local"),
        member(
            east,
            "DescribeSecret",
            "secretsmanager/DescribeSecret/rds-managed.json",
        ),
        member(east, "ListTables", "dynamodb/ListTables/tables.json"),
        member(
            east,
            "DescribeTable",
            "dynamodb/DescribeTable/current-global.json",
        )
        .body_contains("\"orders\""),
        member(
            east,
            "DescribeTable",
            "dynamodb/DescribeTable/legacy-global-replica.json",
        )
        .body_contains("\"sessions\""),
        member(
            east,
            "DescribeTable",
            "dynamodb/DescribeTable/single-region.json",
        ),
        member(
            east,
            "DescribeContinuousBackups",
            "dynamodb/DescribeContinuousBackups/disabled.json",
        )
        .body_contains("\"scratch\""),
        member(
            east,
            "DescribeContinuousBackups",
            "dynamodb/DescribeContinuousBackups/enabled.json",
        ),
        member(
            east,
            "ListGlobalTables",
            "dynamodb/ListGlobalTables/legacy.json",
        ),
        member(
            east,
            "DescribeGlobalTable",
            "dynamodb/DescribeGlobalTable/legacy.json",
        ),
        member(
            east,
            "DescribeDBClusters",
            "rds/DescribeDBClusters/global-writer.xml",
        ),
        member(
            east,
            "DescribeGlobalClusters",
            "rds/DescribeGlobalClusters/orders-gdb.xml",
        ),
        member(
            east,
            "DescribeDBInstances",
            "rds/DescribeDBInstances/writer.xml",
        ),
        member(
            east,
            "DescribeConfigurationRecorders",
            "config/DescribeConfigurationRecorders/all-supported.json",
        ),
        member(
            east,
            "DescribeConfigurationRecorderStatus",
            "config/DescribeConfigurationRecorderStatus/recording.json",
        ),
        member(
            east,
            "ListDiscoveredResources",
            "config/ListDiscoveredResources/functions.json",
        )
        .body_contains("AWS::Lambda::Function"),
        member(
            east,
            "ListDiscoveredResources",
            "config/ListDiscoveredResources/none.json",
        ),
        member(
            east,
            "BatchGetResourceConfig",
            "config/BatchGetResourceConfig/function.json",
        ),
        // eu-west-1: the replica key and secret, the headless secondary, a recorder
        // that excludes Lambda functions.
        member(west, "ListKeys", "kms/ListKeys/replica-region.json"),
        member(west, "ListAliases", "kms/ListAliases/aliases.json"),
        member(west, "DescribeKey", "kms/DescribeKey/mrk-replica.json"),
        member(
            west,
            "GetResources",
            "resourcegroupstaggingapi/GetResources/member-eu-west-1.json",
        ),
        member(
            west,
            "ListSecrets",
            "secretsmanager/ListSecrets/replica.json",
        ),
        member(west, "ListTables", "dynamodb/ListTables/none.json"),
        member(
            west,
            "DescribeDBClusters",
            "rds/DescribeDBClusters/headless-secondary.xml",
        ),
        member(
            west,
            "DescribeGlobalClusters",
            "rds/DescribeGlobalClusters/orders-gdb.xml",
        ),
        member(
            west,
            "DescribeDBInstances",
            "rds/DescribeDBInstances/none.xml",
        ),
        member(
            west,
            "DescribeConfigurationRecorders",
            "config/DescribeConfigurationRecorders/lambda-excluded.json",
        ),
        member(
            west,
            "DescribeConfigurationRecorderStatus",
            "config/DescribeConfigurationRecorderStatus/recording.json",
        ),
        member(
            west,
            "ListDiscoveredResources",
            "config/ListDiscoveredResources/none.json",
        ),
        // Alarms on the replication of the table and the global database, and a
        // repository the registry replicates (`web`) next to one it does not.
        member(
            east,
            "DescribeAlarms",
            "cloudwatch/DescribeAlarms/lag-alarms-us-east-1.cbor",
        ),
        member(
            west,
            "DescribeAlarms",
            "cloudwatch/DescribeAlarms/lag-alarms-eu-west-1.cbor",
        ),
        member(
            east,
            "DescribeRepositories",
            "ecr/DescribeRepositories/repositories.json",
        ),
        member(
            east,
            "DescribeRegistry",
            "ecr/DescribeRegistry/replicates-to-partner.json",
        ),
        member(
            west,
            "DescribeRepositories",
            "ecr/DescribeRepositories/none.json",
        ),
        // ap-southeast-2 (swept): only an AWS-managed key, and ListAliases denied.
        member(sweep, "ListKeys", "kms/ListKeys/aws-managed-only.json"),
        member(
            sweep,
            "ListAliases",
            "kms/ListAliases/error-400-AccessDeniedException.json",
        ),
        // The caller's own account (the emulator, which does not speak CloudWatch's
        // CBOR protocol to the Rust SDK): no alarms, as AWS answers an empty region.
        Rule::new(
            "DescribeAlarms",
            corpus("cloudwatch/DescribeAlarms/none.cbor"),
        ),
    ]
}

fn collect(proxy: &Proxy, dir: &Path, extra: &[&str]) -> (Output, Option<Inventory>) {
    let path = dir.join("inventory.json");
    let mut cmd = scanner(&proxy.url(), dir);
    cmd.args(["collect", "-q", "-o"])
        .arg(&path)
        .args(["--sweep-regions", "ap-southeast-2"])
        .args(extra);
    let out = run(cmd);
    (out, Inventory::load(&path).ok())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn opt<T: std::fmt::Debug>(v: &Option<T>) -> String {
    v.as_ref().map_or("-".to_string(), |v| format!("{v:?}"))
}

/// One line per fact about the member account and every account's state.
fn summary(inv: &Inventory) -> Vec<String> {
    let mut lines = Vec::new();
    for a in inv.organization.iter().flat_map(|o| o.accounts.iter()) {
        lines.push(format!(
            "account {} {} parent={} tags={}",
            a.id,
            a.lifecycle(),
            a.parent_id,
            opt(&a.tags.as_ref().map(|t| t.len()))
        ));
    }
    for a in inv.accounts.iter().filter(|a| a.account_id == MEMBER) {
        for r in &a.regions {
            let at = r.region.as_str();
            for k in &r.kms_keys {
                lines.push(format!(
                    "{at} kms {} manager={} type={} aliases={} tags={}",
                    k.key_id,
                    opt(&k.key_manager),
                    opt(&k.multi_region_key_type),
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
                    "{at} secret {} key={} primary={} replicas={} owner={}",
                    s.name,
                    opt(&s.kms_key_id),
                    opt(&s.primary_region),
                    opt(&replicas),
                    opt(&s.owning_service)
                ));
            }
            for t in &r.dynamodb_tables {
                let replicas = t.replicas.as_ref().map(|v| {
                    v.iter()
                        .map(|x| format!("{}:{}:{}", x.region, opt(&x.status), opt(&x.kms_key_arn)))
                        .collect::<Vec<_>>()
                });
                lines.push(format!(
                    "{at} table {} version={} replicas={} pitr={} tags={}",
                    t.name,
                    opt(&t.global_table_version),
                    opt(&replicas),
                    opt(&t.pitr_enabled),
                    opt(&t.tags.as_ref().map(|t| t.len()))
                ));
            }
            for c in &r.rds_clusters {
                lines.push(format!(
                    "{at} cluster {} mode={} global={} instances={} source={} secret={}",
                    c.identifier,
                    opt(&c.engine_mode),
                    opt(&c.global_cluster_identifier),
                    opt(&c.instance_count),
                    opt(&c.replication_source),
                    c.master_user_secret_arn.is_some()
                ));
            }
            for g in &r.rds_global_clusters {
                let members: Vec<String> = g
                    .members
                    .iter()
                    .map(|m| format!("{}:{}", m.region, m.is_writer))
                    .collect();
                lines.push(format!("{at} global {} {members:?}", g.identifier));
            }
            for i in &r.db_instances {
                lines.push(format!(
                    "{at} instance {} cluster={}",
                    i.identifier,
                    opt(&i.cluster_identifier)
                ));
            }
            for a in &r.cloudwatch_alarms {
                let math: Vec<String> = a
                    .metrics
                    .iter()
                    .filter_map(|m| {
                        Some(format!("{}:{:?}", m.metric_name.as_deref()?, m.dimensions))
                    })
                    .collect();
                lines.push(format!(
                    "{at} alarm {} {} {}/{} dims={:?} math={math:?} notifies={}",
                    a.name,
                    a.alarm_type,
                    opt(&a.namespace),
                    opt(&a.metric_name),
                    a.dimensions,
                    a.notifies()
                ));
            }
            for e in &r.ecr_repositories {
                lines.push(format!(
                    "{at} repository {} to={} cross={:?}",
                    e.name,
                    opt(&e.replicated_to),
                    e.replicated_cross_account
                ));
            }
            for x in &r.resources {
                let refs = x
                    .references
                    .as_ref()
                    .map(|v| v.iter().map(|r| r.target.clone()).collect::<Vec<_>>());
                lines.push(format!(
                    "{at} resource {} {} refs={}",
                    x.resource_type,
                    x.arn,
                    opt(&refs)
                ));
            }
        }
    }
    for g in &inv.gaps {
        lines.push(format!(
            "gap {} {} {} {} {}",
            g.account_id,
            g.region.as_deref().unwrap_or("-"),
            g.service,
            g.operation.as_deref().unwrap_or("-"),
            g.error_code
        ));
    }
    lines
}

#[test]
fn an_organization_as_aws_answers_it_is_read_exactly() {
    let moto = Moto::start();
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: [organization(), member_account()].concat(),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &[]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    // Only the two ACTIVE accounts are read; the others stay in the organization
    // with their state, not dropped and not scanned.
    let read: Vec<&str> = inv.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(read, [MANAGEMENT, MEMBER]);
    let east_key = "arn:aws:kms:us-east-1:222222222222:key";
    let mrk = "mrk-1234abcd12ab34cd56ef1234567890ab";
    let want: Vec<String> = [
        "account 111111111111 ACTIVE parent=r-ab12 tags=0".to_string(),
        "account 222222222222 ACTIVE parent=ou-ab12-prod1234 tags=0".to_string(),
        "account 333333333333 SUSPENDED parent=r-ab12 tags=0".to_string(),
        "account 444444444444 PENDING_ACTIVATION parent=r-ab12 tags=0".to_string(),
        "account 555555555555 PENDING_CLOSURE parent=r-ab12 tags=0".to_string(),
        "account 666666666666 CLOSED parent=r-ab12 tags=0".to_string(),
        "eu-west-1 kms mrk-1234abcd12ab34cd56ef1234567890ab manager=Customer type=Replica aliases=[\"alias/app-mrk\"] tags={\"team\": \"core\"}".to_string(),
        // A replica secret: listed with its primary region and its own key.
        format!("eu-west-1 secret app/db key=\"arn:aws:kms:eu-west-1:222222222222:key/{mrk}\" primary=\"us-east-1\" replicas=[] owner=-"),
        "eu-west-1 cluster orders-euw1 mode=\"provisioned\" global=\"orders-gdb\" instances=0 source=- secret=false".to_string(),
        "eu-west-1 cluster reports-euw1 mode=\"provisioned\" global=- instances=1 source=\"arn:aws:rds:us-east-1:222222222222:cluster:reports-use1\" secret=false".to_string(),
        "eu-west-1 global orders-gdb [\"eu-west-1:false\", \"us-east-1:true\"]".to_string(),
        // DescribeKey says AWS for the AWS-managed key: no tags asked for it.
        "us-east-1 kms 00000001-1234-5678-9abc-def012345678 manager=Aws type=- aliases=[\"alias/aws/secretsmanager\"] tags=-".to_string(),
        "us-east-1 kms 00000002-1234-5678-9abc-def012345678 manager=Customer type=- aliases=[\"alias/app-secrets\"] tags={}".to_string(),
        format!("us-east-1 kms {mrk} manager=Customer type=Primary aliases=[\"alias/app-mrk\"] tags={{\"team\": \"core\"}}"),
        format!("us-east-1 secret app/db key=\"{east_key}/{mrk}\" primary=- replicas=[\"eu-west-1:\\\"InSync\\\":\\\"arn:aws:kms:eu-west-1:222222222222:key/{mrk}\\\"\"] owner=-"),
        "us-east-1 secret app/local key=\"alias/aws/secretsmanager\" primary=- replicas=[] owner=-".to_string(),
        format!("us-east-1 secret rds!cluster-1a2b3c key=\"{east_key}/00000002-1234-5678-9abc-def012345678\" primary=- replicas=[] owner=\"rds\""),
        format!("us-east-1 table orders version=\"2019.11.21\" replicas=[\"eu-west-1:\\\"ACTIVE\\\":\\\"arn:aws:kms:eu-west-1:222222222222:key/{mrk}\\\"\"] pitr=true tags=1"),
        // Legacy global table: DescribeTable says nothing; ListGlobalTables and
        // DescribeGlobalTable do.
        "us-east-1 table sessions version=\"2017.11.29\" replicas=[\"eu-west-1:\\\"ACTIVE\\\":-\"] pitr=true tags=1".to_string(),
        "us-east-1 table scratch version=- replicas=[] pitr=false tags=1".to_string(),
        "us-east-1 cluster legacy-v1 mode=\"serverless\" global=- instances=0 source=- secret=false".to_string(),
        "us-east-1 cluster orders-use1 mode=\"provisioned\" global=\"orders-gdb\" instances=1 source=- secret=true".to_string(),
        "us-east-1 global orders-gdb [\"eu-west-1:false\", \"us-east-1:true\"]".to_string(),
        "us-east-1 instance orders-use1-a cluster=\"orders-use1\"".to_string(),
        "us-east-1 resource AWS::Lambda::Function arn:aws:lambda:us-east-1:222222222222:function:checkout refs=[\"arn:aws:lambda:us-east-1:222222222222:function:checkout\", \"sqs.eu-west-1.amazonaws.com\"]".to_string(),
        // Alarms as DescribeAlarms reports them (CBOR): single-metric alarms with
        // their dimensions, a metric-math alarm with the metric inside `Metrics`.
        "eu-west-1 alarm ledger-replication-lag MetricAlarm \"AWS/RDS\"/\"AuroraGlobalDBReplicationLag\" dims={\"DBClusterIdentifier\": \"gdb-euw1\"} math=[] notifies=true".to_string(),
        "eu-west-1 alarm ledger-rpo-lag MetricAlarm \"AWS/RDS\"/\"AuroraGlobalDBRPOLag\" dims={\"DBClusterIdentifier\": \"gdb-euw1\"} math=[] notifies=true".to_string(),
        "us-east-1 alarm carts-replication-latency-p99 MetricAlarm -/- dims={} math=[\"ReplicationLatency:{\\\"ReceivingRegion\\\": \\\"eu-west-1\\\", \\\"TableName\\\": \\\"carts\\\"}\"] notifies=true".to_string(),
        "us-east-1 alarm orders-replication-latency-to-euw1 MetricAlarm \"AWS/DynamoDB\"/\"ReplicationLatency\" dims={\"ReceivingRegion\": \"eu-west-1\", \"TableName\": \"orders\"} math=[] notifies=true".to_string(),
        "us-east-1 alarm uploads-replication-latency MetricAlarm \"AWS/S3\"/\"ReplicationLatency\" dims={\"DestinationBucket\": \"app-uploads-euw1\", \"RuleId\": \"uploads-to-euw1\", \"SourceBucket\": \"app-uploads-use1\"} math=[] notifies=true".to_string(),
        // The registry's rule copies repositories starting with `web` to eu-west-1.
        "us-east-1 repository web to=[\"eu-west-1\"] cross=[]".to_string(),
        "us-east-1 repository worker to=[] cross=[]".to_string(),
        // The caller's own account is empty (the emulator) and has no recorder.
        "gap 111111111111 eu-west-1 config DescribeConfigurationRecorders NoConfigurationRecorder".to_string(),
        "gap 111111111111 us-east-1 config DescribeConfigurationRecorders NoConfigurationRecorder".to_string(),
        // The swept region holds only an AWS-managed key, but ListAliases was denied
        // there, so it cannot be told from a customer key: not listed as a resource
        // in an unsanctioned region; this gap says why.
        "gap 222222222222 ap-southeast-2 kms ListAliases AccessDeniedException".to_string(),
        "gap 222222222222 eu-west-1 config DescribeConfigurationRecorders ResourceTypeNotRecorded".to_string(),
    ]
    .into_iter()
    .collect();
    let mut got = summary(&inv);
    got.sort();
    let mut want = want;
    want.sort();
    pretty_assertions::assert_eq!(got, want);
    // The not-recorded type is named, so the rules that need it know why.
    let excluded = inv
        .gaps
        .iter()
        .find(|g| g.error_code == "ResourceTypeNotRecorded")
        .expect("gap");
    assert!(
        excluded.message.contains("AWS::Lambda::Function"),
        "{}",
        excluded.message
    );
    // Nothing was read from the accounts that are not ACTIVE.
    let assumed = proxy.bodies("AssumeRole");
    assert_eq!(assumed.len(), 1, "{assumed:?}");
    assert!(assumed[0]
        .contains("arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FOrganizationAccountAccessRole"));
}

/// Throttled and failed Organizations calls (`--max-attempts 1`: no retry hides
/// them): ListAccounts fails on its second page, the Prod OU cannot be listed, and
/// the member's tags cannot be read. The accounts of the first page are still
/// scanned, and each failure is charged to what it concerns.
#[test]
fn organizations_failures_are_charged_to_what_they_concern() {
    let moto = Moto::start();
    let mut rules = vec![
        Rule::new(
            "ListAccounts",
            corpus("organizations/ListAccounts/error-400-TooManyRequestsException.json"),
        )
        .body_contains("NextToken"),
        Rule::new(
            "ListAccounts",
            corpus("organizations/ListAccounts/page-1-of-2.json"),
        ),
        Rule::new(
            "ListAccountsForParent",
            corpus("organizations/ListAccountsForParent/error-400-TooManyRequestsException.json"),
        )
        .body_contains("ou-ab12-prod1234"),
        Rule::new(
            "ListTagsForResource",
            corpus("organizations/ListTagsForResource/error-400-TooManyRequestsException.json"),
        )
        .body_contains(MEMBER),
    ];
    rules.extend(organization());
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &["--max-attempts", "1"]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    let read: Vec<&str> = inv.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(read, [MANAGEMENT, MEMBER], "no account dropped");
    let org: Vec<String> = summary(&inv)
        .into_iter()
        .filter(|l| {
            l.starts_with("account ") || (l.starts_with("gap ") && l.contains("organizations"))
        })
        .collect();
    pretty_assertions::assert_eq!(
        org,
        [
            "account 111111111111 ACTIVE parent=r-ab12 tags=0",
            // Its OU and tags are unknown: no parent, no tags (not an empty set).
            "account 222222222222 ACTIVE parent= tags=-",
            "gap 111111111111 - organizations ListAccounts TooManyRequestsException",
            "gap 111111111111 - organizations ListAccountsForParent TooManyRequestsException",
            "gap 222222222222 - organizations ListAccountsForParent TooManyRequestsException",
            "gap 222222222222 - organizations ListTagsForResource TooManyRequestsException",
        ]
    );
    // AWS's message is kept, the operation and the concerned account are named.
    let tags_gap = inv
        .gaps
        .iter()
        .find(|g| g.operation.as_deref() == Some("ListTagsForResource"))
        .expect("tags gap");
    assert!(
        tags_gap.message.contains("too many requests"),
        "{}",
        tags_gap.message
    );
    assert!(
        tags_gap.message.contains("222222222222"),
        "{}",
        tags_gap.message
    );
    // The member is still read in full.
    let member = inv
        .accounts
        .iter()
        .find(|a| a.account_id == MEMBER)
        .expect("member");
    let east = member
        .regions
        .iter()
        .find(|r| r.region == "us-east-1")
        .expect("us-east-1");
    assert_eq!(east.dynamodb_tables.len(), 3);
}

/// From a delegated administrator, the management account has no member role:
/// it is not entered unless `--management-role` names one, and a scan that then
/// assesses no account fails the gate with one reason.
#[test]
fn a_delegated_administrator_never_assumes_a_role_the_management_account_lacks() {
    let moto = Moto::start();
    let mut rules = vec![
        Rule::new(
            "GetCallerIdentity",
            corpus("sts/GetCallerIdentity/delegated-admin.xml"),
        ),
        Rule::new(
            "AssumeRole",
            corpus("sts/AssumeRole/management-111111111111.xml"),
        )
        .body_contains("role%2FAudit"),
    ];
    rules.extend(organization());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let scan = |extra: &[&str]| {
        let mut cmd = scanner(&proxy.url(), dir.path());
        cmd.args([
            "scan",
            "-q",
            "--format",
            "json",
            "--sweep-regions",
            "ap-southeast-2",
        ])
        .args(["--accounts", MANAGEMENT])
        .args(extra);
        run(cmd)
    };
    let out = scan(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(
        report["gate"]["reasons"][0].as_str().expect("reason"),
        "no account was assessed: a scan that saw nothing cannot pass (see the gaps and the accounts not assessed)"
    );
    let gaps = report["gaps"].as_array().expect("gaps");
    let entry = gaps
        .iter()
        .find(|g| g["error_code"] == "ManagementAccountNotEntered")
        .expect("management gap");
    assert_eq!(entry["account_id"], MANAGEMENT);
    assert!(proxy.bodies("AssumeRole").is_empty(), "no role was assumed");

    let out = scan(&["--management-role", "Audit"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    let reasons = report["gate"]["reasons"].to_string();
    assert!(!reasons.contains("no account was assessed"), "{reasons}");
    let assumed = proxy.bodies("AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert!(
        assumed[0].contains("arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FAudit"),
        "{assumed:?}"
    );
}

/// In GovCloud the caller's ARN says `aws-us-gov`, and so does every role ARN.
#[test]
fn role_arns_are_built_in_the_callers_partition() {
    let moto = Moto::start();
    let mut rules = vec![Rule::new(
        "GetCallerIdentity",
        corpus("sts/GetCallerIdentity/govcloud.xml"),
    )];
    rules.extend(organization());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &["--accounts", MEMBER]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(inv.is_some());
    let assumed = proxy.bodies("AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert!(
        assumed[0].contains(
            "arn%3Aaws-us-gov%3Aiam%3A%3A222222222222%3Arole%2FOrganizationAccountAccessRole"
        ),
        "{assumed:?}"
    );
}

/// A garbage JSON body, truncated XML and an HTML page, each with status 200, and
/// an HTML 500: each is a gap naming its operation, with its own error code (a
/// broken answer is not "operation not available"); the rest is still read. A
/// denied DescribeGlobalClusters does not take away what DescribeDBClusters said.
#[test]
fn broken_bodies_end_as_gaps_naming_the_operation() {
    let moto = Moto::start();
    let raw = |ct: &str, body: &str| Action::Raw(200, ct.to_string(), body.as_bytes().to_vec());
    let mut rules = vec![
        Rule::new("ListSecrets", raw("application/x-amz-json-1.1", "{\"SecretList\": [garbage"))
            .signed_by(MEMBER_KEY)
            .in_region("us-east-1"),
        Rule::new(
            "DescribeDBInstances",
            raw("text/xml", "<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>orders"),
        )
        .signed_by(MEMBER_KEY)
        .in_region("us-east-1"),
        Rule::new(
            "DescribeKey",
            raw("text/html", "<!doctype html><title>Service Unavailable</title>"),
        )
        .signed_by(MEMBER_KEY)
        .body_contains("00000002-"),
        Rule::new("DescribeTable", Action::Html(500))
            .signed_by(MEMBER_KEY)
            .body_contains("\"scratch\""),
        member(
            "us-east-1",
            "DescribeGlobalClusters",
            "rds/DescribeGlobalClusters/error-403-AccessDenied.xml",
        ),
    ];
    rules.extend(organization());
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(
        &proxy,
        dir.path(),
        &["--max-attempts", "1", "--accounts", MEMBER],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let inv = inv.expect("inventory");
    let mut gaps: Vec<String> = summary(&inv)
        .into_iter()
        .filter(|l| l.starts_with("gap ") && !l.contains(" config "))
        .collect();
    gaps.sort();
    pretty_assertions::assert_eq!(
        gaps,
        [
            "gap 222222222222 ap-southeast-2 kms ListAliases AccessDeniedException",
            "gap 222222222222 us-east-1 dynamodb DescribeTable HTTP500",
            "gap 222222222222 us-east-1 kms DescribeKey MalformedResponse",
            "gap 222222222222 us-east-1 rds DescribeDBInstances MalformedResponse",
            "gap 222222222222 us-east-1 rds DescribeGlobalClusters AccessDenied",
            "gap 222222222222 us-east-1 secretsmanager ListSecrets MalformedResponse",
        ]
    );
    // Every line names account, region and operation; none is multi-line.
    for g in &inv.gaps {
        assert!(!g.message.contains('\n'), "{}", g.message);
    }
    let east = &inv.accounts[0]
        .regions
        .iter()
        .find(|r| r.region == "us-east-1")
        .expect("east");
    // The table whose description failed is unknown, not "not global".
    let scratch = east
        .dynamodb_tables
        .iter()
        .find(|t| t.name == "scratch")
        .expect("scratch");
    assert_eq!(
        (scratch.replicas.clone(), scratch.status.clone()),
        (None, None)
    );
    // Membership came from DescribeDBClusters; the global cluster list is empty.
    let orders = east
        .rds_clusters
        .iter()
        .find(|c| c.identifier == "orders-use1")
        .expect("orders");
    assert_eq!(
        orders.global_cluster_identifier.as_deref(),
        Some("orders-gdb")
    );
    assert!(east.rds_global_clusters.is_empty());
    assert_eq!(east.kms_keys.len(), 3, "the other keys are read");
}

/// Once the caller is known, nothing else answers (every connection is dropped):
/// exit 3 with one line, not an empty inventory that looks complete.
#[test]
fn nothing_reachable_after_the_caller_exits_3() {
    let moto = Moto::start();
    let mut rules = vec![Rule::new("AssumeRole", Action::Drop)];
    rules.extend(organization());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(
        &proxy,
        dir.path(),
        &["--max-attempts", "1", "--accounts", MEMBER],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(inv.is_none());
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("reached nothing") && err.contains("ConnectionError"),
        "{err}"
    );
}

/// Every replica status AWS documents, for a current global table and for a
/// replicated secret, reaches the inventory as AWS reported it, each with its own
/// key; ListAccounts is read across its pages.
#[test]
fn every_replica_status_is_carried_as_aws_reports_it() {
    let moto = Moto::start();
    let mut rules = vec![
        Rule::new(
            "ListAccounts",
            corpus("organizations/ListAccounts/page-2-of-2.json"),
        )
        .body_contains("NextToken"),
        Rule::new(
            "ListAccounts",
            corpus("organizations/ListAccounts/page-1-of-2.json"),
        ),
        member(
            "us-east-1",
            "DescribeTable",
            "dynamodb/DescribeTable/current-global-every-status.json",
        )
        .body_contains("\"orders\""),
        member(
            "us-east-1",
            "DescribeSecret",
            "secretsmanager/DescribeSecret/replicated-every-status.json",
        )
        .body_contains("app/db"),
        member(
            "us-east-1",
            "DescribeGlobalTable",
            "dynamodb/DescribeGlobalTable/legacy-updating.json",
        ),
    ];
    rules.extend(organization());
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &["--accounts", MEMBER]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inv = inv.expect("inventory");
    let states: Vec<String> = inv
        .organization
        .iter()
        .flat_map(|o| o.accounts.iter())
        .map(|a| a.lifecycle().to_string())
        .collect();
    assert_eq!(
        states,
        [
            "ACTIVE",
            "ACTIVE",
            "SUSPENDED",
            "PENDING_ACTIVATION",
            "PENDING_CLOSURE",
            "CLOSED"
        ]
    );
    let east = inv.accounts[0]
        .regions
        .iter()
        .find(|r| r.region == "us-east-1")
        .expect("us-east-1");
    let table = |name: &str| {
        east.dynamodb_tables
            .iter()
            .find(|t| t.name == name)
            .expect("table")
    };
    let statuses: Vec<(String, String)> = table("orders")
        .replicas
        .iter()
        .flatten()
        .map(|r| (r.region.clone(), r.status.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("ap-south-1", "REGION_DISABLED"),
            ("ap-southeast-2", "DELETING"),
            ("ca-central-1", "INACCESSIBLE_ENCRYPTION_CREDENTIALS"),
            ("eu-central-1", "CREATION_FAILED"),
            ("eu-north-1", "ARCHIVED"),
            ("eu-west-1", "CREATING"),
            ("sa-east-1", "ARCHIVING"),
            ("us-east-2", "REPLICATION_NOT_AUTHORIZED"),
            ("us-west-2", "UPDATING"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // A legacy table whose replica is still being created says so.
    let legacy: Vec<(String, Option<String>)> = table("sessions")
        .replicas
        .iter()
        .flatten()
        .map(|r| (r.region.clone(), r.status.clone()))
        .collect();
    assert_eq!(
        legacy,
        [("eu-west-1".to_string(), Some("CREATING".to_string()))]
    );
    let secret = east
        .secrets
        .iter()
        .find(|s| s.name == "app/db")
        .expect("secret");
    let replicas: Vec<String> = secret
        .replicas
        .iter()
        .flatten()
        .map(|r| {
            format!(
                "{} {} {}",
                r.region,
                r.status.as_deref().unwrap_or("-"),
                r.kms_key_id.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        replicas,
        [
            "ap-southeast-2 Failed arn:aws:kms:ap-southeast-2:222222222222:key/00000007-1234-5678-9abc-def012345678",
            "ca-central-1 Detached arn:aws:kms:ca-central-1:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            "eu-central-1 InProgress alias/aws/secretsmanager",
            "eu-west-1 InSync arn:aws:kms:eu-west-1:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            "us-west-2 Pending arn:aws:kms:us-west-2:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        ]
    );
}

/// AWS Config as AWS answers it: an organization aggregator that covers us-east-1
/// only and whose last update from the member failed there; a member recorder
/// that is stopped in eu-west-1; BatchGetResourceConfig leaving a key unprocessed
/// once. The aggregator is used only where it covers; everything else is read
/// account by account, and what cannot be read is a gap.
#[test]
fn aws_config_is_trusted_only_where_it_covers_and_records() {
    let moto = Moto::start();
    let mut rules = vec![
        Rule::new(
            "DescribeConfigurationAggregators",
            corpus("config/DescribeConfigurationAggregators/organization.json"),
        ),
        Rule::new(
            "DescribeConfigurationAggregatorSourcesStatus",
            corpus("config/DescribeConfigurationAggregatorSourcesStatus/partial.json"),
        ),
        Rule::new(
            "SelectAggregateResourceConfig",
            corpus("config/SelectAggregateResourceConfig/functions.json"),
        ),
        member(
            "eu-west-1",
            "DescribeConfigurationRecorderStatus",
            "config/DescribeConfigurationRecorderStatus/stopped.json",
        ),
        member(
            "us-east-1",
            "BatchGetResourceConfig",
            "config/BatchGetResourceConfig/unprocessed.json",
        )
        .times(1),
    ];
    rules.extend(
        organization()
            .into_iter()
            .filter(|r| r.operation != "DescribeConfigurationAggregators"),
    );
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inv = inv.expect("inventory");
    let functions: Vec<String> = inv
        .accounts
        .iter()
        .flat_map(|a| a.regions.iter().map(move |r| (a, r)))
        .flat_map(|(a, r)| {
            r.resources
                .iter()
                .filter(|x| x.resource_type == "AWS::Lambda::Function")
                .map(move |x| format!("{} {} {}", a.account_id, r.region, x.arn))
        })
        .collect();
    assert_eq!(
        functions,
        [
            // From the aggregator: it covers the management account in us-east-1.
            "111111111111 us-east-1 arn:aws:lambda:us-east-1:111111111111:function:checkout",
            // Read in the member itself (the aggregator's last update from it
            // failed), after asking again for the key left unprocessed.
            "222222222222 us-east-1 arn:aws:lambda:us-east-1:222222222222:function:checkout",
        ]
    );
    assert_eq!(proxy.operations().get("BatchGetResourceConfig"), Some(&2));
    let mut gaps: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| g.service == "config")
        .map(|g| {
            format!(
                "{} {} {} {}",
                g.account_id,
                g.region.as_deref().unwrap_or("-"),
                g.operation.as_deref().unwrap_or("-"),
                g.error_code
            )
        })
        .collect();
    gaps.sort();
    assert_eq!(
        gaps,
        [
            // eu-west-1 is not an aggregator region: the management account's own
            // Config is read there (the emulator has no recorder).
            "111111111111 eu-west-1 DescribeConfigurationRecorders NoConfigurationRecorder",
            "222222222222 eu-west-1 DescribeConfigurationRecorderStatus ConfigurationRecorderStopped",
        ]
    );
}

/// The member's tables as AWS describes them for capacity, in both regions of the
/// pair: `carts`, a provisioned global table whose eu-west-1 replica overrides its
/// read capacity to 200 (`ProvisionedThroughputOverride`), and `sessions`, an
/// on-demand one whose eu-west-1 replica has a read maximum of 500
/// (`OnDemandThroughputOverride`) against the table's 4000. The emulator has no
/// global table replicas, no overrides and drops `OnDemandThroughput`, so these
/// come from the recorded bodies. `west_targets` is what eu-west-1's
/// DescribeScalableTargets answers; us-east-1's answers in two pages.
fn capacity_rules(west_targets: &str) -> Vec<Rule> {
    let (east, west) = ("us-east-1", "eu-west-1");
    let mut rules = Vec::new();
    for region in [east, west] {
        let (carts, sessions) = if region == east {
            (
                "dynamodb/DescribeTable/provisioned-global-smaller-replica.json",
                "dynamodb/DescribeTable/on-demand-max-smaller-replica.json",
            )
        } else {
            (
                "dynamodb/DescribeTable/provisioned-global-smaller-replica-partner.json",
                "dynamodb/DescribeTable/on-demand-max-smaller-replica-partner.json",
            )
        };
        rules.extend([
            member(region, "ListTables", "dynamodb/ListTables/capacity.json"),
            member(region, "DescribeTable", carts).body_contains("\"carts\""),
            member(region, "DescribeTable", sessions).body_contains("\"sessions\""),
            member(
                region,
                "DescribeContinuousBackups",
                "dynamodb/DescribeContinuousBackups/enabled.json",
            ),
            member(
                region,
                "GetResources",
                "resourcegroupstaggingapi/GetResources/none.json",
            ),
        ]);
    }
    rules.extend([
        member(
            east,
            "DescribeScalableTargets",
            "application-autoscaling/DescribeScalableTargets/page-2-of-2.json",
        )
        .body_contains("NextToken"),
        member(
            east,
            "DescribeScalableTargets",
            "application-autoscaling/DescribeScalableTargets/page-1-of-2.json",
        )
        .body_contains("\"dynamodb\""),
        member(west, "DescribeScalableTargets", west_targets).body_contains("\"dynamodb\""),
    ]);
    rules.extend(organization());
    rules.extend(member_account());
    rules
}

/// Collects the member with `capacity_rules`, then scans the inventory: the
/// inventory, the RR-CAP-001 outcomes by ARN, and the gaps.
fn capacity_scan(west_targets: &str) -> (Inventory, Vec<(String, String, String)>) {
    let moto = Moto::start();
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: capacity_rules(west_targets),
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &["--accounts", MEMBER]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inv = inv.expect("inventory");
    let path = dir.path().join("inventory.json");
    let mut cmd = scanner("http://127.0.0.1:9", dir.path());
    cmd.args([
        "scan",
        "--format",
        "json",
        "--include-passes",
        "--inventory",
    ])
    .arg(&path);
    let scan = run(cmd);
    let results: serde_json::Value =
        serde_json::from_slice(&scan.stdout).unwrap_or_else(|_| panic!("{}", stderr(&scan)));
    let mut outcomes: Vec<(String, String, String)> = results["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "RR-CAP-001")
        .map(|f| {
            (
                f["resource_arn"].as_str().unwrap_or_default().to_string(),
                f["status"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    outcomes.sort();
    (inv, outcomes)
}

fn member_table<'a>(
    inv: &'a Inventory,
    region: &str,
    name: &str,
) -> &'a regionready::inventory::DynamoTable {
    inv.accounts
        .iter()
        .find(|a| a.account_id == MEMBER)
        .and_then(|a| a.regions.iter().find(|r| r.region == region))
        .and_then(|r| r.dynamodb_tables.iter().find(|t| t.name == name))
        .unwrap_or_else(|| panic!("{name} in {region}"))
}

fn carts(region: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{MEMBER}:table/carts")
}

fn sessions(region: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{MEMBER}:table/sessions")
}

/// Capacity as AWS reports it reaches the record: billing mode, provisioned units,
/// on-demand maximums, each replica's overrides, and the region's scalable
/// targets read over two pages. The on-demand `sessions` replica in eu-west-1 is
/// capped at 500 reads against 4000: us-east-1 fails, naming both numbers.
/// `carts` scales reads to 8000 in both regions (eu-west-1 from a lower minimum):
/// both pass.
#[test]
fn table_capacity_and_scalable_targets_are_read_as_aws_reports_them() {
    let (inv, outcomes) = capacity_scan(
        "application-autoscaling/DescribeScalableTargets/dynamodb-eu-west-1-smaller.json",
    );
    let east = member_table(&inv, "us-east-1", "carts");
    let capacity = east.capacity.as_ref().expect("capacity");
    assert_eq!(capacity.billing_mode.as_deref(), Some("PROVISIONED"));
    assert_eq!(capacity.table.read_capacity_units, Some(1000));
    assert_eq!(capacity.table.write_capacity_units, Some(500));
    assert_eq!(capacity.replica_overrides, None);
    let replica = &east.replicas.as_ref().expect("replicas")[0];
    assert_eq!(replica.region, "eu-west-1");
    assert_eq!(
        replica
            .overrides
            .as_ref()
            .and_then(|o| o.read_capacity_units),
        Some(200)
    );
    let targets: Vec<(Option<&str>, &str, i64, i64)> = east
        .autoscaling
        .as_ref()
        .expect("targets read")
        .iter()
        .map(|t| {
            (
                t.index.as_deref(),
                t.scalable_dimension.as_str(),
                t.min_capacity,
                t.max_capacity,
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            (None, "dynamodb:table:ReadCapacityUnits", 1000, 8000),
            (None, "dynamodb:table:WriteCapacityUnits", 500, 4000),
        ]
    );
    let west = member_table(&inv, "eu-west-1", "carts");
    assert_eq!(
        west.capacity
            .as_ref()
            .and_then(|c| c.replica_overrides.as_ref())
            .and_then(|o| o.read_capacity_units),
        Some(200),
        "the replica's own entry in Replicas[] carries its override"
    );
    let sessions_east = member_table(&inv, "us-east-1", "sessions");
    let capacity = sessions_east.capacity.as_ref().expect("capacity");
    assert_eq!(capacity.billing_mode.as_deref(), Some("PAY_PER_REQUEST"));
    assert_eq!(capacity.table.max_read_request_units, Some(4000));
    assert_eq!(capacity.table.max_write_request_units, Some(2000));
    assert_eq!(
        sessions_east.replicas.as_ref().expect("replicas")[0]
            .overrides
            .as_ref()
            .and_then(|o| o.max_read_request_units),
        Some(500)
    );
    assert_eq!(
        outcomes,
        [
            (carts("eu-west-1"), "pass".into(), String::new()),
            (sessions("eu-west-1"), "pass".into(), String::new()),
            (carts("us-east-1"), "pass".into(), String::new()),
            (
                sessions("us-east-1"),
                "fail".into(),
                "Table sessions: its replica in eu-west-1 cannot reach 1 x what us-east-1 can serve: table reads 500 (on-demand maximum) in eu-west-1 against 4000 (on-demand maximum) in us-east-1".into()
            ),
        ]
        .map(|(a, b, c): (String, String, String)| (a, b, c))
    );
}

/// Without a read target in eu-west-1 the replica serves its provisioned override
/// (200) and nothing more: us-east-1's `carts`, which scales to 8000, fails.
#[test]
fn a_replica_without_auto_scaling_is_held_to_its_provisioned_override() {
    let (_, outcomes) = capacity_scan("application-autoscaling/DescribeScalableTargets/none.json");
    let carts_east = outcomes
        .iter()
        .find(|(arn, _, _)| *arn == carts("us-east-1"))
        .expect("carts outcome");
    assert_eq!(carts_east.1, "fail");
    assert_eq!(
        carts_east.2,
        "Table carts: its replica in eu-west-1 cannot reach 1 x what us-east-1 can serve: table reads 200 (provisioned) in eu-west-1 against 8000 (auto scaling maximum) in us-east-1; table writes 500 (provisioned) in eu-west-1 against 4000 (auto scaling maximum) in us-east-1"
    );
}

/// AccessDenied on eu-west-1's DescribeScalableTargets is a gap naming the
/// account, region and operation; only the provisioned `carts` comparisons, which
/// rest on auto scaling, become unknown. The on-demand `sessions` outcomes stand,
/// and no region-wide unknown is raised.
#[test]
fn denied_scalable_targets_make_only_provisioned_comparisons_unknown() {
    let (inv, outcomes) = capacity_scan(
        "application-autoscaling/DescribeScalableTargets/error-400-AccessDeniedException.json",
    );
    let gaps: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| g.service == "application-autoscaling")
        .map(|g| {
            format!(
                "{} {} {} {} {}",
                g.account_id,
                g.region.as_deref().unwrap_or("-"),
                g.service,
                g.operation.as_deref().unwrap_or("-"),
                g.error_code
            )
        })
        .collect();
    assert_eq!(
        gaps,
        [format!(
            "{MEMBER} eu-west-1 application-autoscaling DescribeScalableTargets AccessDeniedException"
        )]
    );
    assert!(member_table(&inv, "eu-west-1", "carts")
        .autoscaling
        .is_none());
    assert!(member_table(&inv, "us-east-1", "carts")
        .autoscaling
        .is_some());
    let statuses: Vec<(&str, &str)> = outcomes
        .iter()
        .map(|(arn, status, _)| (arn.as_str(), status.as_str()))
        .collect();
    let (ce, cw, se, sw) = (
        carts("us-east-1"),
        carts("eu-west-1"),
        sessions("us-east-1"),
        sessions("eu-west-1"),
    );
    assert_eq!(
        statuses,
        [
            (cw.as_str(), "unknown"),
            (sw.as_str(), "pass"),
            (ce.as_str(), "unknown"),
            (se.as_str(), "fail"),
        ]
    );
}

/// The member's compute as AWS answers it, in both regions of the pair: Lambda
/// functions with drift and smaller reservations in eu-west-1 (whose account is at
/// a new account's quota of 10), ECS services paged over two ListServices pages and
/// two ListClusters pages, Auto Scaling groups over two pages. The emulator ignores
/// `MaxItems`/`maxResults` (it never pages) and does not serve GetAccountSettings:
/// these bodies are the only test of those paths.
fn compute_rules(west_functions: Action) -> Vec<Rule> {
    let east = "us-east-1";
    let west = "eu-west-1";
    let to_west = |path: &str| {
        Rule::new(
            path.split('/').nth(1).unwrap_or_default(),
            support::proxy::corpus_with(path, &[("us-east-1", "eu-west-1")]),
        )
        .signed_by(MEMBER_KEY)
        .in_region(west)
    };
    vec![
        member(
            east,
            "ListFunctions",
            "lambda/ListFunctions/pair-us-east-1.json",
        ),
        member(
            east,
            "GetFunctionConcurrency",
            "lambda/GetFunctionConcurrency/reserved-200.json",
        ),
        member(
            east,
            "GetAccountSettings",
            "lambda/GetAccountSettings/default.json",
        ),
        Rule::new("ListFunctions", west_functions)
            .signed_by(MEMBER_KEY)
            .in_region(west),
        member(
            west,
            "GetFunctionConcurrency",
            "lambda/GetFunctionConcurrency/unreserved.json",
        ),
        member(
            west,
            "GetAccountSettings",
            "lambda/GetAccountSettings/low-quota.json",
        ),
        member(east, "ListClusters", "ecs/ListClusters/page-1-of-2.json").times(1),
        member(east, "ListClusters", "ecs/ListClusters/page-2-of-2.json"),
        member(east, "ListServices", "ecs/ListServices/none.json").body_contains("cluster/batch"),
        member(east, "ListServices", "ecs/ListServices/page-1-of-2.json").times(1),
        member(east, "ListServices", "ecs/ListServices/page-2-of-2.json"),
        member(
            east,
            "DescribeServices",
            "ecs/DescribeServices/web-us-east-1.json",
        ),
        member(
            east,
            "DescribeTaskDefinition",
            "ecs/DescribeTaskDefinition/web-42-us-east-1.json",
        ),
        to_west("ecs/ListClusters/prod.json"),
        to_west("ecs/ListServices/page-1-of-2.json").times(1),
        to_west("ecs/ListServices/page-2-of-2.json"),
        member(
            west,
            "DescribeServices",
            "ecs/DescribeServices/web-eu-west-1-smaller.json",
        ),
        member(
            west,
            "DescribeTaskDefinition",
            "ecs/DescribeTaskDefinition/web-41-eu-west-1-older-image.json",
        ),
        member(
            east,
            "DescribeAutoScalingGroups",
            "autoscaling/DescribeAutoScalingGroups/page-1-of-2.xml",
        )
        .times(1),
        member(
            east,
            "DescribeAutoScalingGroups",
            "autoscaling/DescribeAutoScalingGroups/page-2-of-2.xml",
        ),
        member(
            west,
            "DescribeAutoScalingGroups",
            "autoscaling/DescribeAutoScalingGroups/api-eu-west-1-smaller.xml",
        ),
    ]
}

/// One line per compute record of the member, and per compute gap.
fn compute_summary(inv: &Inventory) -> Vec<String> {
    let mut lines = Vec::new();
    for a in inv.accounts.iter().filter(|a| a.account_id == MEMBER) {
        for r in &a.regions {
            let at = r.region.as_str();
            for f in &r.lambda_functions {
                let refs: Vec<&str> = f
                    .references
                    .iter()
                    .flatten()
                    .map(|x| x.target.as_str())
                    .collect();
                lines.push(format!(
                    "{at} lambda {} {} {} {}s {} env={} refs={refs:?} concurrency={} account={}",
                    f.name,
                    opt(&f.runtime),
                    opt(&f.memory_mb),
                    opt(&f.timeout_seconds),
                    opt(&f.package_type),
                    opt(&f.environment_variables),
                    opt(&f.concurrency.as_ref().map(|c| c.reserved)),
                    opt(&f
                        .account_concurrency
                        .as_ref()
                        .map(|c| (c.limit, c.unreserved))),
                ));
            }
            for s in &r.ecs_services {
                let task = s.task.as_ref().map(|t| {
                    let refs: Vec<&str> = t.references.iter().map(|x| x.target.as_str()).collect();
                    format!(
                        "{:?} {:?}/{:?} env={:?} refs={refs:?}",
                        t.images, t.cpu, t.memory, t.environment_variables
                    )
                });
                lines.push(format!(
                    "{at} ecs {} desired={} {} tags={} task={}",
                    s.arn,
                    opt(&s.desired_count),
                    opt(&s.launch_type),
                    opt(&s.tags),
                    opt(&task)
                ));
            }
            for g in &r.autoscaling_groups {
                lines.push(format!(
                    "{at} asg {} {}/{}/{} {} tags={}",
                    g.name,
                    g.min_size,
                    g.desired_capacity,
                    g.max_size,
                    opt(&g.launch_template),
                    opt(&g.tags)
                ));
            }
        }
    }
    for g in inv
        .gaps
        .iter()
        .filter(|g| ["lambda", "ecs", "autoscaling"].contains(&g.service.as_str()))
    {
        lines.push(format!(
            "gap {} {} {} {}",
            opt(&g.region),
            g.service,
            opt(&g.operation),
            g.error_code
        ));
    }
    lines
}

/// Outcomes of the compute rules on an inventory, as `rule arn status`.
fn compute_outcomes(inv: &Inventory) -> Vec<String> {
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
        .filter(|f| f.account_id.as_ref() == MEMBER)
        .map(|f| format!("{} {} {:?}", f.rule_id, f.resource_arn, f.status))
        .collect();
    out.sort();
    out
}

#[test]
fn compute_as_aws_answers_it_is_read_exactly_with_names_and_references_only() {
    let moto = Moto::start();
    let mut rules = organization();
    rules.extend(compute_rules(corpus(
        "lambda/ListFunctions/pair-eu-west-1-drift.json",
    )));
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (out, inv) = collect(&proxy, dir.path(), &[]);
    let inv = inv.unwrap_or_else(|| panic!("no inventory: {}", stderr(&out)));
    let text = std::fs::read_to_string(dir.path().join("inventory.json")).unwrap();
    for value in ["checkout-v2=on", "\"info\""] {
        assert!(
            !text.contains(value),
            "an environment value was kept: {value}"
        );
    }
    let expected = [
        "eu-west-1 lambda orders-api \"python3.11\" 256 10s \"Zip\" env=[\"LOG_LEVEL\", \"TABLE_ARN\"] refs=[\"arn:aws:dynamodb:us-east-1:222222222222:table/orders\"] concurrency=None account=(10, 10)",
        "eu-west-1 ecs arn:aws:ecs:eu-west-1:222222222222:service/prod/web desired=2 \"FARGATE\" tags={\"workload\": \"web\"} task=\"[\\\"222222222222.dkr.ecr.us-east-1.amazonaws.com/web:v41\\\"] Some(\\\"1024\\\")/Some(\\\"2048\\\") env=[\\\"web.TABLE_ARN\\\", \\\"web.CACHE_ENDPOINT\\\", \\\"web.FEATURE_FLAGS\\\", \\\"web.DB_PASSWORD\\\"] refs=[\\\"arn:aws:dynamodb:eu-west-1:222222222222:table/orders\\\", \\\"arn:aws:secretsmanager:eu-west-1:222222222222:secret:app/db-AbCdEf\\\", \\\"master.sessions.abc123.use1.cache.amazonaws.com\\\"]\"",
        "eu-west-1 ecs arn:aws:ecs:eu-west-1:222222222222:service/prod/worker desired=- - tags=- task=-",
        "eu-west-1 asg api-eu-west-1 1/2/20 \"api\" tags={\"workload\": \"api\"}",
        "us-east-1 lambda checkout - 1024 30s \"Image\" env=[] refs=[] concurrency=Some(200) account=(1000, 750)",
        "us-east-1 lambda orders-api \"python3.12\" 512 10s \"Zip\" env=[\"DB_SECRET_ARN\", \"LOG_LEVEL\", \"TABLE_ARN\"] refs=[\"arn:aws:dynamodb:us-east-1:222222222222:table/orders\", \"arn:aws:secretsmanager:us-east-1:222222222222:secret:app/db-AbCdEf\"] concurrency=Some(200) account=(1000, 750)",
        "us-east-1 ecs arn:aws:ecs:us-east-1:222222222222:service/prod/web desired=6 \"FARGATE\" tags={\"workload\": \"web\"} task=\"[\\\"222222222222.dkr.ecr.us-east-1.amazonaws.com/web:v42\\\"] Some(\\\"1024\\\")/Some(\\\"2048\\\") env=[\\\"web.TABLE_ARN\\\", \\\"web.CACHE_ENDPOINT\\\", \\\"web.FEATURE_FLAGS\\\", \\\"web.DB_PASSWORD\\\"] refs=[\\\"arn:aws:dynamodb:us-east-1:222222222222:table/orders\\\", \\\"arn:aws:secretsmanager:us-east-1:222222222222:secret:app/db-AbCdEf\\\", \\\"master.sessions.abc123.use1.cache.amazonaws.com\\\"]\"",
        "us-east-1 ecs arn:aws:ecs:us-east-1:222222222222:service/prod/worker desired=- - tags=- task=-",
        "us-east-1 asg api-us-east-1 4/6/20 \"api\" tags={\"workload\": \"api\"}",
        "us-east-1 asg batch-us-east-1 2/2/4 \"api\" tags={\"workload\": \"api\"}",
    ];
    let got = compute_summary(&inv);
    assert_eq!(got, expected, "got:\n{}", got.join("\n"));
    let outcomes = compute_outcomes(&inv);
    for expected in [
        // checkout runs in us-east-1 only; orders-api in both.
        "RR-CMP-001 arn:aws:lambda:us-east-1:222222222222:function:checkout Fail",
        "RR-CMP-001 arn:aws:lambda:us-east-1:222222222222:function:orders-api Pass",
        "RR-CMP-001 arn:aws:autoscaling:us-east-1:222222222222:autoScalingGroup:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f:autoScalingGroupName/api-us-east-1 Pass",
        // python3.12/512 MB in us-east-1, python3.11/256 MB in eu-west-1.
        "RR-CMP-002 arn:aws:lambda:us-east-1:222222222222:function:orders-api Fail",
        // v42 vs v41 image tags.
        "RR-CMP-002 arn:aws:ecs:us-east-1:222222222222:service/prod/web Fail",
        // 200 reserved vs an unreserved function in an account with 10 unreserved.
        "RR-CAP-002 arn:aws:lambda:us-east-1:222222222222:function:orders-api Fail",
        "RR-CAP-002 arn:aws:lambda:eu-west-1:222222222222:function:orders-api Pass",
        // 6 tasks vs 2; api group desired 6 vs a minimum of 1 in eu-west-1.
        "RR-CAP-002 arn:aws:ecs:us-east-1:222222222222:service/prod/web Fail",
        "RR-CAP-002 arn:aws:ecs:eu-west-1:222222222222:service/prod/web Pass",
    ] {
        assert!(outcomes.iter().any(|o| o == expected), "missing {expected}\n{}", outcomes.join("\n"));
    }
}

/// A denied ListFunctions in eu-west-1 is one gap naming the account, region and
/// operation: whether us-east-1's functions have a counterpart there becomes
/// unknown, and nothing else does (the services and groups of both regions are
/// still judged).
#[test]
fn a_denied_function_listing_makes_unknown_only_what_it_could_change() {
    let moto = Moto::start();
    let mut rules = organization();
    rules.extend(compute_rules(corpus(
        "lambda/ListFunctions/error-403-AccessDeniedException.json",
    )));
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (out, inv) = collect(&proxy, dir.path(), &[]);
    let inv = inv.unwrap_or_else(|| panic!("no inventory: {}", stderr(&out)));
    let got = compute_summary(&inv);
    assert!(
        got.contains(
            &"gap \"eu-west-1\" lambda \"ListFunctions\" AccessDeniedException".to_string()
        ),
        "{got:#?}"
    );
    assert_eq!(
        got.iter().filter(|l| l.starts_with("gap")).count(),
        1,
        "{got:#?}"
    );
    let outcomes = compute_outcomes(&inv);
    for expected in [
        "RR-CMP-001 arn:aws:lambda:us-east-1:222222222222:function:checkout Unknown",
        "RR-CMP-001 arn:aws:lambda:us-east-1:222222222222:function:orders-api Unknown",
        "RR-CMP-001 arn:aws:lambda:eu-west-1:222222222222:* Unknown",
        "RR-CMP-001 arn:aws:autoscaling:us-east-1:222222222222:autoScalingGroup:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f:autoScalingGroupName/api-us-east-1 Pass",
        "RR-CMP-002 arn:aws:ecs:us-east-1:222222222222:service/prod/web Fail",
        "RR-CAP-002 arn:aws:ecs:us-east-1:222222222222:service/prod/web Fail",
    ] {
        assert!(outcomes.iter().any(|o| o == expected), "missing {expected}\n{}", outcomes.join("\n"));
    }
}

/// The member's alarms come in two pages, its registry cannot be read and its
/// alarms in eu-west-1 are denied: every page is read, and each failure is a gap
/// naming account, region and operation that takes away only what it concerns
/// (the repositories stay listed, their replication unknown; the other region's
/// alarms are kept).
#[test]
fn alarm_pages_are_followed_and_alarm_and_registry_failures_are_scoped() {
    let moto = Moto::start();
    let east = "us-east-1";
    let west = "eu-west-1";
    let mut rules = vec![
        member(
            east,
            "DescribeAlarms",
            "cloudwatch/DescribeAlarms/page-2-of-2.cbor",
        )
        .body_contains("eyJhbGFybU5hbWUiOiJvcmRlcnMtYXBpLWVycm9ycyJ9"),
        member(
            east,
            "DescribeAlarms",
            "cloudwatch/DescribeAlarms/page-1-of-2.cbor",
        ),
        member(
            west,
            "DescribeAlarms",
            "cloudwatch/DescribeAlarms/error-400-AccessDeniedException.cbor",
        ),
        member(
            east,
            "DescribeRepositories",
            "ecr/DescribeRepositories/page-2-of-2.json",
        )
        .body_contains("ukD72mdD"),
        member(
            east,
            "DescribeRepositories",
            "ecr/DescribeRepositories/page-1-of-2.json",
        ),
        member(
            east,
            "DescribeRegistry",
            "ecr/DescribeRegistry/error-400-AccessDeniedException.json",
        ),
    ];
    rules.extend(organization());
    rules.extend(member_account());
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, inv) = collect(&proxy, dir.path(), &["--max-attempts", "1"]);
    assert!(out.status.success(), "collect failed: {}", stderr(&out));
    let inv = inv.expect("inventory written");
    let got: Vec<String> = summary(&inv)
        .into_iter()
        .filter(|l| {
            l.contains(" alarm ")
                || l.contains(" repository ")
                || (l.starts_with("gap 222222222222")
                    && (l.contains("cloudwatch") || l.contains("ecr")))
        })
        .collect();
    pretty_assertions::assert_eq!(
        got,
        [
            "us-east-1 alarm orders-api-errors MetricAlarm \"AWS/Lambda\"/\"Errors\" dims={\"FunctionName\": \"orders-api\"} math=[] notifies=true",
            "us-east-1 alarm orders-replication-latency-to-euw1 MetricAlarm \"AWS/DynamoDB\"/\"ReplicationLatency\" dims={\"ReceivingRegion\": \"eu-west-1\", \"TableName\": \"orders\"} math=[] notifies=true",
            "us-east-1 repository web to=- cross=[]",
            "us-east-1 repository worker to=- cross=[]",
            // CloudWatch answers the query-compatible code (`x-amzn-query-error`).
            "gap 222222222222 eu-west-1 cloudwatch DescribeAlarms AccessDenied",
            "gap 222222222222 us-east-1 ecr DescribeRegistry AccessDeniedException",
        ]
    );
    // The member: two pages in us-east-1, one denied request in eu-west-1; the
    // caller's own account: one page in each region.
    assert_eq!(
        proxy.operations().get("DescribeAlarms").copied(),
        Some(2 + 1 + 2)
    );
    // The scan's verdicts: the table's replication to eu-west-1 is alarmed; the
    // Aurora secondary in eu-west-1, whose region's alarms were denied, is unknown,
    // not failed; the repositories' replication is unknown.
    let scan = run({
        let mut c = scanner(&proxy.url(), dir.path());
        c.args([
            "scan",
            "-q",
            "--format",
            "json",
            "--sweep-regions",
            "ap-southeast-2",
            "--max-attempts",
            "1",
        ]);
        c
    });
    let json: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("JSON report");
    let outcome = |rule: &str, arn: &str| {
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule_id"] == rule && f["resource_arn"] == arn)
            .map(|f| f["status"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(
        outcome(
            "RR-OBS-002",
            "arn:aws:rds:eu-west-1:222222222222:cluster:orders-euw1"
        )
        .as_deref(),
        Some("unknown")
    );
    // The repository's replication is unknown (`to=-` above), but the region's
    // functions, services and groups were all listed and none pulls it: it is no
    // dependency of the pair's compute, so RR-ECR-001 does not judge it.
    assert_eq!(
        outcome(
            "RR-ECR-001",
            "arn:aws:ecr:us-east-1:222222222222:repository/worker"
        ),
        None
    );
}
