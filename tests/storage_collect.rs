//! Live collection of S3 buckets and ElastiCache replication groups, through the
//! real SDK clients: against the emulator where it serves these APIs as AWS does,
//! and against recorded, model-validated AWS bodies (`tests/corpus/s3`,
//! `tests/corpus/elasticache`) where it does not (see the corpus README).
//!
//! Both tests check exact records, gaps and findings of the S3 and ElastiCache
//! rules, so a change in parsing, region routing or gap scoping fails them.

mod support;

use regionready::inventory::{Inventory, S3Bucket};
use std::path::Path;
use support::moto::{collect_inventory, scan_outcomes, Moto};
use support::proxy::{corpus, corpus_with, Action, Proxy, Rule, Settings};

/// The emulator's account.
const ACCOUNT: &str = "123456789012";
/// The account of the recorded bodies, answered as the emulator's.
const RECORDED: &str = "222222222222";

/// `rule status arn` of every non-skip outcome of the S3 and ElastiCache rules.
fn findings(dir: &Path) -> Vec<String> {
    scan_outcomes(dir)
        .into_iter()
        .filter(|l| l.starts_with("RR-S3-") || l.starts_with("RR-ELC-"))
        .collect()
}

/// One line per bucket: region, name, versioning, and per rule its id, status,
/// scope, destination, the destination's region and versioning, and its options.
fn bucket_lines(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for account in &inv.accounts {
        for region in &account.regions {
            for b in &region.s3_buckets {
                out.push(bucket_line(&region.region, b));
            }
            for r in region
                .resources
                .iter()
                .filter(|r| r.resource_type == "AWS::S3::Bucket")
            {
                out.push(format!("{} listed {}", region.region, r.arn));
            }
        }
    }
    out
}

fn bucket_line(region: &str, b: &S3Bucket) -> String {
    let rules: Vec<String> = match &b.replication_rules {
        None => vec!["rules=unread".to_string()],
        Some(rules) => rules
            .iter()
            .map(|r| {
                format!(
                    "[{} {} p={:?} prefix={:?} tags={} -> {} region={:?} versioning={:?} class={:?} rtc={} metrics={} deletes={} sync={}]",
                    r.id.as_deref().unwrap_or("-"),
                    r.status,
                    r.priority,
                    r.prefix.as_deref().unwrap_or_default(),
                    r.tag_filter,
                    r.destination_bucket,
                    r.destination_region,
                    r.destination_versioning,
                    r.storage_class,
                    r.replication_time,
                    r.metrics,
                    r.delete_marker_replication,
                    r.replica_modifications,
                )
            })
            .collect(),
    };
    format!(
        "{region} {} versioning={:?} {}",
        b.name,
        b.versioning,
        rules.join(" ")
    )
    .trim_end()
    .to_string()
}

fn cache_lines(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for account in &inv.accounts {
        for region in &account.regions {
            for g in &region.elasticache_replication_groups {
                let members = g.global_members.as_ref().map(|m| {
                    m.iter()
                        .map(|m| {
                            format!(
                                "{}@{} {} {}",
                                m.replication_group_id,
                                m.region,
                                m.role.as_deref().unwrap_or("-"),
                                m.status.as_deref().unwrap_or("-")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                out.push(format!(
                    "{} {} engine={:?} mode={:?} global={:?} role={:?} members={:?}",
                    region.region,
                    g.arn,
                    g.engine,
                    g.cluster_mode,
                    g.global_datastore_id,
                    g.global_role,
                    members
                ));
            }
            for r in region
                .resources
                .iter()
                .filter(|r| r.resource_type == "AWS::ElastiCache::ReplicationGroup")
            {
                out.push(format!("{} listed {}", region.region, r.arn));
            }
        }
    }
    out
}

fn gap_lines(inv: &Inventory, services: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| services.contains(&g.service.as_str()))
        .map(|g| {
            format!(
                "{} {} {} {} {}",
                g.region.as_deref().unwrap_or("-"),
                g.service,
                g.operation.as_deref().unwrap_or("-"),
                g.error_code,
                g.message.split(':').next().unwrap_or_default()
            )
        })
        .collect();
    out.sort();
    out
}

/// Emulator gaps outside S3 and ElastiCache, answered from the corpus as in
/// `tests/live_collect.rs`: ListGlobalTables and the aggregator's sources status
/// are not implemented by the emulator.
fn other_emulator_gaps() -> Vec<Rule> {
    vec![
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

/// The `stack` scenario's buckets and cache, served by the emulator.
///
/// Emulator gaps, covered here (corpus README, "What the emulator serves"):
/// - ListBuckets never returns `BucketRegion`, which AWS returns for every bucket
///   when the request names `MaxBuckets`: the proxy adds each seeded bucket's region
///   to the emulator's answer.
/// - GetBucketVersioning answers with a root element the AWS SDK for Rust cannot
///   read: the destinations' versioning comes from the recorded bodies
///   (`enabled.xml`, `suspended.xml`, as the seed sets them), each only at its
///   bucket's region.
/// - ElastiCache Global Datastores are not emulated (500): the seeded group is in
///   none, so DescribeGlobalReplicationGroups is not called at all; the recorded
///   bodies are covered by `aws_shaped_storage_answers_are_parsed_and_scoped`.
///
/// GetBucketReplication (rules, and 404 `ReplicationConfigurationNotFoundError` for
/// a bucket without any) and DescribeReplicationGroups are the emulator's; its
/// replication answer turns the seeded `DeleteMarkerReplication: Enabled` into
/// `Disabled`, which the recorded bodies of the other test cover as AWS answers.
#[test]
fn emulator_stack_buckets_and_cache_are_collected_and_judged() {
    let moto = Moto::start();
    let seed = moto.seed(&["stack"]);
    assert_eq!(seed["management"], ACCOUNT);
    let regions = [
        ("stack-uploads-use1", "us-east-1"),
        ("stack-uploads-euw1", "eu-west-1"),
        ("stack-exports-use1", "us-east-1"),
        ("stack-exports-euw1", "eu-west-1"),
        ("stack-reports-use1", "us-east-1"),
    ];
    let replace: Vec<(String, String)> = regions
        .iter()
        .map(|(name, region)| {
            (
                format!("<Name>{name}</Name>"),
                format!("<Name>{name}</Name><BucketRegion>{region}</BucketRegion>"),
            )
        })
        .collect();
    let rules = [
        vec![
            Rule::new("ListBuckets", Action::Replace(replace)),
            Rule::new(
                "GetBucketVersioning",
                corpus("s3/GetBucketVersioning/enabled.xml"),
            )
            .in_region("eu-west-1")
            .path_contains("stack-uploads-euw1"),
            Rule::new(
                "GetBucketVersioning",
                corpus("s3/GetBucketVersioning/suspended.xml"),
            )
            .in_region("eu-west-1")
            .path_contains("stack-exports-euw1"),
        ],
        other_emulator_gaps(),
    ]
    .concat();
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = collect_inventory(&proxy.url(), dir.path());

    // The emulator answers `DeleteMarkerReplication: Disabled` for the rule the seed
    // put with `Enabled` (AWS returns what was put): deletes=false is its answer.
    let metrics = "class=None rtc=false metrics=true deletes=false sync=false";
    pretty_assertions::assert_eq!(
        bucket_lines(&inv),
        [
            "eu-west-1 stack-exports-euw1 versioning=Some(\"Suspended\")".to_string(),
            "eu-west-1 stack-uploads-euw1 versioning=Some(\"Enabled\")".to_string(),
            format!("us-east-1 stack-exports-use1 versioning=None [exports-to-euw1 Enabled p=Some(1) prefix=\"\" tags=false -> arn:aws:s3:::stack-exports-euw1 region=Some(\"eu-west-1\") versioning=Some(\"Suspended\") {metrics}]"),
            "us-east-1 stack-reports-use1 versioning=None".to_string(),
            format!("us-east-1 stack-uploads-use1 versioning=None [uploads-to-euw1 Enabled p=Some(1) prefix=\"\" tags=false -> arn:aws:s3:::stack-uploads-euw1 region=Some(\"eu-west-1\") versioning=Some(\"Enabled\") {metrics}]"),
        ]
    );
    pretty_assertions::assert_eq!(
        cache_lines(&inv),
        [format!(
            "us-east-1 arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:carts-cache engine=Some(\"redis\") mode=Some(\"disabled\") global=None role=None members=Some(\"\")"
        )]
    );
    assert_eq!(
        gap_lines(&inv, &["s3", "elasticache"]),
        Vec::<String>::new()
    );
    // Bucket tags come from the Tagging API read of the bucket's region (what
    // residency and the failure message read), not from a call per bucket.
    let tags: Vec<String> = inv.accounts[0]
        .regions
        .iter()
        .flat_map(|r| &r.s3_buckets)
        .map(|b| format!("{} {:?}", b.name, b.tags))
        .collect();
    assert_eq!(
        tags,
        [
            "stack-exports-euw1 Some({})",
            "stack-uploads-euw1 Some({})",
            "stack-exports-use1 Some({\"data-classification\": \"internal\"})",
            "stack-reports-use1 Some({\"data-classification\": \"confidential\"})",
            "stack-uploads-use1 Some({\"data-classification\": \"confidential\"})",
        ]
    );
    let ops = proxy.operations();
    assert_eq!(ops.get("GetBucketTagging"), None, "{ops:?}");
    assert_eq!(
        ops.get("ListBuckets"),
        Some(&1),
        "once per account: {ops:?}"
    );
    assert_eq!(ops.get("GetBucketReplication"), Some(&5), "{ops:?}");
    assert_eq!(
        ops.get("GetBucketVersioning"),
        Some(&2),
        "one per destination: {ops:?}"
    );
    assert_eq!(ops.get("DescribeGlobalReplicationGroups"), None, "{ops:?}");

    pretty_assertions::assert_eq!(
        findings(dir.path()),
        [
            format!("RR-ELC-001 fail arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:carts-cache"),
            "RR-S3-001 fail arn:aws:s3:::stack-exports-euw1".to_string(),
            "RR-S3-001 fail arn:aws:s3:::stack-reports-use1".to_string(),
            "RR-S3-001 fail arn:aws:s3:::stack-uploads-euw1".to_string(),
            "RR-S3-001 pass arn:aws:s3:::stack-exports-use1".to_string(),
            "RR-S3-001 pass arn:aws:s3:::stack-uploads-use1".to_string(),
            "RR-S3-002 fail arn:aws:s3:::stack-exports-use1".to_string(),
            "RR-S3-002 pass arn:aws:s3:::stack-uploads-use1".to_string(),
        ]
    );
}

/// A recorded body for the caller's account, with the recorded account id replaced.
fn recorded(operation: &str, body: &str, region: &str) -> Rule {
    Rule::new(operation, corpus_with(body, &[(RECORDED, ACCOUNT)])).in_region(region)
}

/// S3 and ElastiCache answers shaped as AWS's, served to the real SDK clients:
/// ListBuckets in two pages with `BucketRegion`; replication rules with
/// Replication Time Control, metrics, replica KMS and a tag filter; 404
/// `ReplicationConfigurationNotFoundError` (no replication, not a gap); versioning
/// read only at the destination's own region (every other region answers 301
/// `PermanentRedirect`, as S3 does); one destination answering `PermanentRedirect`
/// and one bucket's replication denied (each a gap about that bucket only);
/// DescribeReplicationGroups in two pages and a Global Datastore's members
/// (DescribeGlobalReplicationGroups, which the emulator does not implement); and
/// DescribeReplicationGroups denied in eu-west-1 (unknown there, nowhere else).
#[test]
fn aws_shaped_storage_answers_are_parsed_and_scoped() {
    let moto = Moto::start();
    let east = "us-east-1";
    let west = "eu-west-1";
    let rules = [
        vec![
            Rule::new(
                "ListBuckets",
                corpus_with("s3/ListBuckets/page-1-of-2.xml", &[(RECORDED, ACCOUNT)]),
            )
            .times(1),
            Rule::new(
                "ListBuckets",
                corpus_with("s3/ListBuckets/page-2-of-2.xml", &[(RECORDED, ACCOUNT)]),
            )
            .path_contains("continuation-token="),
            recorded(
                "GetBucketReplication",
                "s3/GetBucketReplication/to-partner-with-metrics.xml",
                east,
            )
            .path_contains("app-uploads-use1"),
            recorded(
                "GetBucketReplication",
                "s3/GetBucketReplication/other-region-and-tag-filter.xml",
                east,
            )
            .path_contains("exports-use1"),
            recorded(
                "GetBucketReplication",
                "s3/GetBucketReplication/error-403-AccessDenied.xml",
                west,
            )
            .path_contains("app-uploads-euw1"),
            recorded(
                "GetBucketReplication",
                "s3/GetBucketReplication/error-404-ReplicationConfigurationNotFoundError.xml",
                west,
            )
            .path_contains("exports-euw1"),
            recorded(
                "GetBucketVersioning",
                "s3/GetBucketVersioning/enabled.xml",
                west,
            )
            .path_contains("app-uploads-euw1"),
            // Any other region, and the bucket that moved: 301 PermanentRedirect.
            Rule::new(
                "GetBucketReplication",
                corpus("s3/GetBucketVersioning/error-301-PermanentRedirect.xml"),
            ),
            Rule::new(
                "GetBucketVersioning",
                corpus("s3/GetBucketVersioning/error-301-PermanentRedirect.xml"),
            ),
            recorded(
                "DescribeReplicationGroups",
                "elasticache/DescribeReplicationGroups/page-1-of-2.xml",
                east,
            )
            .times(1),
            recorded(
                "DescribeReplicationGroups",
                "elasticache/DescribeReplicationGroups/page-2-of-2.xml",
                east,
            )
            .body_contains("Marker=carts-cache"),
            recorded(
                "DescribeGlobalReplicationGroups",
                "elasticache/DescribeGlobalReplicationGroups/members-in-both-regions.xml",
                east,
            )
            .body_contains("ShowMemberInfo=true"),
            recorded(
                "DescribeReplicationGroups",
                "elasticache/DescribeReplicationGroups/error-403-AccessDenied.xml",
                west,
            ),
        ],
        other_emulator_gaps(),
    ]
    .concat();
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = collect_inventory(&proxy.url(), dir.path());

    let kms_use = "class=None rtc=true metrics=true deletes=true sync=false";
    let plain = "class=None rtc=false metrics=false deletes=true sync=false";
    pretty_assertions::assert_eq!(
        bucket_lines(&inv),
        [
            "eu-west-1 app-uploads-euw1 versioning=Some(\"Enabled\") rules=unread".to_string(),
            "eu-west-1 exports-euw1 versioning=None".to_string(),
            format!("us-east-1 app-uploads-use1 versioning=None [uploads-to-euw1 Enabled p=Some(1) prefix=\"\" tags=false -> arn:aws:s3:::app-uploads-euw1 region=Some(\"eu-west-1\") versioning=Some(\"Enabled\") {kms_use}]"),
            format!("us-east-1 exports-use1 versioning=None [to-apse2 Enabled p=Some(1) prefix=\"\" tags=false -> arn:aws:s3:::archive-apse2 region=None versioning=None {plain}] [tagged-to-euw1 Enabled p=Some(2) prefix=\"\" tags=true -> arn:aws:s3:::exports-euw1 region=Some(\"eu-west-1\") versioning=None {plain}]"),
        ]
    );
    pretty_assertions::assert_eq!(
        cache_lines(&inv),
        [
            format!("us-east-1 arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:carts-cache engine=Some(\"valkey\") mode=Some(\"disabled\") global=None role=None members=Some(\"\")"),
            format!("us-east-1 arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:sessions engine=Some(\"valkey\") mode=Some(\"disabled\") global=Some(\"ldgnf-sessions\") role=Some(\"PRIMARY\") members=Some(\"sessions@us-east-1 PRIMARY associated, sessions-euw1@eu-west-1 SECONDARY associated\")"),
        ]
    );
    pretty_assertions::assert_eq!(
        gap_lines(&inv, &["s3", "elasticache"]),
        [
            "eu-west-1 elasticache DescribeReplicationGroups AccessDenied DescribeReplicationGroups",
            "eu-west-1 s3 GetBucketReplication AccessDenied GetBucketReplication arn",
            "eu-west-1 s3 GetBucketVersioning PermanentRedirect GetBucketVersioning arn",
        ]
    );
    let messages: Vec<&str> = inv.gaps.iter().map(|g| g.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("GetBucketReplication arn:aws:s3:::app-uploads-euw1:")),
        "the denied read names its bucket: {messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("GetBucketVersioning arn:aws:s3:::exports-euw1:")),
        "the redirected read names its bucket: {messages:?}"
    );
    let ops = proxy.operations();
    assert_eq!(ops.get("ListBuckets"), Some(&2), "two pages: {ops:?}");
    assert_eq!(ops.get("GetBucketReplication"), Some(&4), "{ops:?}");
    assert_eq!(ops.get("GetBucketVersioning"), Some(&2), "{ops:?}");
    assert_eq!(
        ops.get("DescribeGlobalReplicationGroups"),
        Some(&1),
        "{ops:?}"
    );

    // app-uploads-use1 replicates to the partner; exports-use1's whole-bucket rule
    // goes to a bucket nobody scanned lists (unknown), its rule to the partner is
    // tag-filtered; exports-euw1 has no replication; app-uploads-euw1's could not
    // be read. RR-S3-002: the versioning of exports-use1's destinations is not
    // known. The ElastiCache listing of eu-west-1 failed: unknown there only.
    pretty_assertions::assert_eq!(
        findings(dir.path()),
        [
            format!("RR-ELC-001 fail arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:carts-cache"),
            format!("RR-ELC-001 pass arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:sessions"),
            format!("RR-ELC-001 unknown arn:aws:elasticache:eu-west-1:{ACCOUNT}:*"),
            "RR-S3-001 fail arn:aws:s3:::exports-euw1".to_string(),
            "RR-S3-001 pass arn:aws:s3:::app-uploads-use1".to_string(),
            "RR-S3-001 unknown arn:aws:s3:::app-uploads-euw1".to_string(),
            "RR-S3-001 unknown arn:aws:s3:::exports-use1".to_string(),
            "RR-S3-002 pass arn:aws:s3:::app-uploads-use1".to_string(),
            "RR-S3-002 unknown arn:aws:s3:::app-uploads-euw1".to_string(),
            "RR-S3-002 unknown arn:aws:s3:::exports-use1".to_string(),
        ]
    );
}
