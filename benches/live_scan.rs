//! Benchmark of a live collection against the AWS emulator (not a timed test).
//!
//! Seeds N accounts (default 10) with the `bench` scenario of `tests/seed_moto.py`:
//! an active-active estate running the same workload in both regions of the pair.
//! Per account and pair region: 2 KMS keys, 3 secrets, 4 DynamoDB tables (PITR on
//! half), an Aurora cluster with its writer instance, a Redis replication group,
//! 4 Lambda functions (2 with reserved concurrency), an ECS cluster with 3 services
//! (a task definition each), 2 Auto Scaling groups and 3 ECR repositories (the
//! us-east-1 registry replicates to eu-west-1). Per account: 2 versioned buckets in
//! each pair region replicating both ways with their partner, a Route 53 zone with
//! latency and failover records behind a health check per region, and a CloudFront
//! distribution with an origin in each region; per account and pair region 2 alarms
//! on replication lag (read through the proxy's CloudWatch protocol bridge): 63
//! resources an account.
//!
//! Left out, as the emulator (moto 5.2.5) cannot create or serve them: Global
//! Accelerator (not implemented), DynamoDB global tables (tables stay regional),
//! ElastiCache Global Datastores, and CloudFront origin groups. Where the emulator
//! lacks an answer the scan asks for, the proxy gives AWS's (see [`aws_answers`]),
//! so each such call is still one request, as on AWS, and no emulator error adds
//! retries or gaps.
//!
//! Then runs `regionready collect` through the counting proxy: once direct (its
//! answers recorded), then with 50 ms added to every request, answered from the
//! recording at concurrency 32 and 4, with no delay at 32 (the scanner's own time,
//! which latency cannot go below), and once more at 32 through the emulator. Prints wall
//! time, peak RSS of the scanner, requests per resource (the figure that carries
//! over to AWS), a table of requests per operation with each service's requests per
//! resource of its kinds, the most requests in flight at once, and with latency the
//! ratio of wall time to requests x 50 ms / concurrency.
//!
//!     bash .ci/install-moto.sh
//!     cargo bench --bench live_scan            # BENCH_ACCOUNTS=10 by default

#[path = "../tests/support/mod.rs"]
mod support;

use regionready::inventory::Inventory;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::moto::{scanner, Moto};
use support::proxy::{corpus, corpus_with, Action, Proxy, Rule, Settings, Tape};

/// Peak resident set of a running process, in KiB (VmHWM never decreases).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The pair regions of the bench estate (the scanner's default pair).
const PAIR: [&str; 2] = ["us-east-1", "eu-west-1"];

/// AWS's answers where the emulator has none, so that what is measured is the
/// scan of this estate on AWS (the request count is the same either way; the
/// emulator's 500s would add retries and backoff, and its 404s gaps):
/// - ListBuckets without `BucketRegion`: each bucket's region is added (the seed
///   names buckets `<kind>-<account>-<region>`);
/// - GetBucketVersioning, whose answer the AWS SDK for Rust cannot read: `Enabled`,
///   as the seed sets every bucket;
/// - ListAccelerators (not implemented, 500): none, as none is seeded;
/// - Lambda GetAccountSettings (404): the default quota of 1,000 less the 150 the
///   seed reserves in each region.
///
/// CloudWatch's alarms are the emulator's, through the proxy's protocol bridge.
fn aws_answers() -> Vec<Rule> {
    let replace = PAIR
        .iter()
        .map(|r| {
            (
                format!("-{r}</Name>"),
                format!("-{r}</Name><BucketRegion>{r}</BucketRegion>"),
            )
        })
        .collect();
    vec![
        Rule::new("ListBuckets", Action::Replace(replace)),
        Rule::new(
            "GetBucketVersioning",
            corpus("s3/GetBucketVersioning/enabled.xml"),
        ),
        Rule::new(
            "ListAccelerators",
            corpus("globalaccelerator/ListAccelerators/none.json"),
        ),
        Rule::new(
            "GetAccountSettings",
            corpus_with(
                "lambda/GetAccountSettings/default.json",
                &[(
                    "\"UnreservedConcurrentExecutions\": 750",
                    "\"UnreservedConcurrentExecutions\": 850",
                )],
            ),
        ),
    ]
}

fn measure(
    label: &str,
    moto: &Moto,
    delay: Option<Duration>,
    concurrency: usize,
    tape: (Option<Arc<Tape>>, Option<Arc<Tape>>),
) {
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: aws_answers(),
            delay,
            record: tape.0,
            replay: tape.1,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("inventory.json");
    let mut cmd = scanner(&proxy.url(), dir.path());
    cmd.args([
        "collect",
        "-q",
        "--sweep-regions",
        "ap-southeast-2",
        "--concurrency",
        &concurrency.to_string(),
        "-o",
    ])
    .arg(&path)
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start regionready");
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak = peak.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("wait for regionready: {e}"),
        }
    };
    let wall = started.elapsed();
    assert!(status.success(), "collect failed");
    let inv = Inventory::load(&path).expect("inventory");
    let resources = inv.resource_count();
    let requests = proxy.requests();
    println!(
        "{label:<28} accounts={} resources={resources} gaps={} wall={:.2}s peak_rss={:.1}MiB requests={requests} requests/resource={:.2} max_in_flight={}",
        inv.accounts.len(),
        inv.gaps.len(),
        wall.as_secs_f64(),
        peak as f64 / 1024.0,
        requests as f64 / resources.max(1) as f64,
        proxy.max_in_flight()
    );
    // With latency, the floor is every request spread evenly over the slots.
    if let Some(delay) = delay.filter(|d| !d.is_zero()) {
        let ideal = delay.as_secs_f64() * requests as f64 / concurrency as f64;
        println!(
            "{:<28} requests x {}ms / {concurrency} = {ideal:.2}s; wall / that = {:.2}",
            "",
            delay.as_millis(),
            wall.as_secs_f64() / ideal
        );
    } else if delay.is_none() {
        print_operations(&inv, &proxy, resources);
    }
}

/// The inventory lists each signing name's requests read, for the cost of a kind.
/// Requests of the signing names not listed (STS, Organizations, the Tagging API)
/// serve every kind.
const KINDS: &[(&str, &[&str])] = &[
    ("kms", &["kms_keys"]),
    ("secretsmanager", &["secrets"]),
    ("dynamodb", &["dynamodb_tables"]),
    ("application-autoscaling", &["dynamodb_tables"]),
    (
        "rds",
        &["rds_clusters", "rds_global_clusters", "db_instances"],
    ),
    ("elasticache", &["elasticache_replication_groups"]),
    ("monitoring", &["cloudwatch_alarms"]),
    ("lambda", &["lambda_functions"]),
    ("ecs", &["ecs_services"]),
    ("autoscaling", &["autoscaling_groups"]),
    ("ecr", &["ecr_repositories"]),
    ("s3", &["s3_buckets"]),
    (
        "route53",
        &["route53_record_groups", "route53_health_checks"],
    ),
    ("cloudfront", &["cloudfront_distributions"]),
    ("globalaccelerator", &["global_accelerators"]),
    ("config", &["resources"]),
];

/// Requests per operation, grouped by service, each service with the resources of
/// its kinds and its requests per resource; errors are answers with an error
/// status (the emulator's unimplemented operations among them).
fn print_operations(inv: &Inventory, proxy: &Proxy, resources: usize) {
    let mut per_list: BTreeMap<&str, usize> = BTreeMap::new();
    for region in inv.accounts.iter().flat_map(|a| a.regions.iter()) {
        for (list, _, _) in region.every_record() {
            *per_list.entry(list).or_default() += 1;
        }
    }
    let accounts = inv.accounts.len().max(1) as f64;
    let mut by_service: BTreeMap<String, Vec<(String, u64, u64)>> = BTreeMap::new();
    for ((service, operation), (n, errors)) in proxy.answers() {
        by_service
            .entry(service)
            .or_default()
            .push((operation, n, errors));
    }
    let total: u64 = by_service.values().flatten().map(|(_, n, _)| n).sum();
    println!(
        "{:<28} {:<46} {:>8} {:>7} {:>9} {:>9}",
        "", "service operation", "requests", "errors", "/account", "/resource"
    );
    for (service, ops) in &by_service {
        for (operation, n, errors) in ops {
            println!(
                "{:<28} {:<46} {n:>8} {errors:>7} {:>9.2} {:>9.2}",
                "",
                format!("{service} {operation}"),
                *n as f64 / accounts,
                *n as f64 / resources.max(1) as f64
            );
        }
        let lists = KINDS
            .iter()
            .find(|(s, _)| s == service)
            .map_or(&[][..], |(_, l)| *l);
        let n: u64 = ops.iter().map(|(_, n, _)| n).sum();
        let kind: usize = lists
            .iter()
            .map(|l| per_list.get(l).copied().unwrap_or(0))
            .sum();
        let of_kind = if lists.is_empty() {
            "every kind".to_string()
        } else {
            format!(
                "{kind} {} = {}",
                lists.join("+"),
                if kind == 0 {
                    "-".to_string()
                } else {
                    format!("{:.2}/resource", n as f64 / kind as f64)
                }
            )
        };
        println!(
            "{:<28} {:<46} {n:>8}   ({of_kind})",
            "",
            format!("= {service}")
        );
    }
    println!(
        "{:<28} {:<46} {total:>8}   ({resources} resources = {:.2}/resource)",
        "",
        "= all",
        total as f64 / resources.max(1) as f64
    );
}

fn main() {
    let accounts: usize = std::env::var("BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let moto = Moto::start();
    let started = Instant::now();
    moto.seed(&["bench", &accounts.to_string()]);
    println!(
        "seeded {accounts} accounts in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    // The emulator answers one request at a time (a few hundred a second): with it
    // in the path, wall time measures the emulator. Its answers are recorded once,
    // then replayed with 50 ms added to each request, so the wall time measures how
    // well the scan keeps its requests in flight.
    let tape = Arc::new(Tape::default());
    measure(
        "direct, concurrency 32",
        &moto,
        None,
        32,
        (Some(tape.clone()), None),
    );
    println!("{:<28} {} answers recorded", "", tape.len());
    measure(
        "+50ms/request, conc. 32",
        &moto,
        Some(Duration::from_millis(50)),
        32,
        (None, Some(tape.clone())),
    );
    // Replayed with no delay: the scanner's own time (CPU, the proxy), which no
    // concurrency hides; the latency runs above it are only as fast as this one.
    measure(
        "replayed, no delay, conc. 32",
        &moto,
        Some(Duration::from_millis(0)),
        32,
        (None, Some(tape.clone())),
    );
    measure(
        "+50ms/request, conc. 4",
        &moto,
        Some(Duration::from_millis(50)),
        4,
        (None, Some(tape.clone())),
    );
    measure(
        "+50ms, conc. 32, emulator",
        &moto,
        Some(Duration::from_millis(50)),
        32,
        (None, None),
    );
}
