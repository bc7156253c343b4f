//! Collection of the global traffic and edge services (Route 53, Global
//! Accelerator, CloudFront), read once per account, and the findings of the
//! `traffic` and `edge` rules on what was read.
//!
//! The emulator serves Route 53 and CloudFront's ListDistributions for the `stack`
//! scenario of `tests/seed_moto.py`. It does not serve Global Accelerator (HTTP
//! 500), never pages Route 53's zones and health checks (no `Marker`,
//! `IsTruncated`), and cannot create a distribution whose behaviour targets an
//! origin group: those are served from the recorded, model-validated bodies of
//! `tests/corpus/` through the proxy, to the real SDK clients.

mod support;

use chrono::NaiveDate;
use regionready::config::Config;
use regionready::engine::{evaluate, EvaluateOptions};
use regionready::inventory::Inventory;
use regionready::rules::{Category, RuleSet};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use support::moto::{run, scanner, Moto};
use support::proxy::{corpus, corpus_with, Proxy, Rule, Settings};

/// The emulator's account id.
const ACCOUNT: &str = "123456789012";

/// The recorded bodies name a member account; served to the emulator's caller.
fn recorded(path: &str) -> support::proxy::Action {
    corpus_with(path, &[("222222222222", ACCOUNT)])
}

fn collect(proxy: &Proxy, dir: &Path) -> (Output, Inventory) {
    let path = dir.join("inventory.json");
    let mut cmd = scanner(&proxy.url(), dir);
    cmd.args(["collect", "-q", "-o"])
        .arg(&path)
        .args(["--sweep-regions", "ap-southeast-2"]);
    let out = run(cmd);
    let inv = Inventory::load(&path).unwrap_or_else(|e| {
        panic!(
            "no inventory ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, inv)
}

/// Every traffic and edge record, one line each, in inventory order.
fn records(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for account in &inv.accounts {
        for r in &account.regions {
            for g in &r.route53_record_groups {
                let members: Vec<String> = g
                    .members
                    .iter()
                    .map(|m| {
                        format!(
                            "{}[{}{}{}{} hc={} ete={} ttl={} to={}]",
                            m.set_identifier,
                            m.latency_region.as_deref().unwrap_or(""),
                            m.failover.as_deref().unwrap_or(""),
                            m.weight.map(|w| format!("w{w}")).unwrap_or_default(),
                            m.geolocation.as_deref().unwrap_or(""),
                            m.health_check_id.as_deref().unwrap_or("-"),
                            m.evaluate_target_health
                                .map_or("-".to_string(), |e| e.to_string()),
                            m.ttl.map_or("-".to_string(), |t| t.to_string()),
                            m.alias_dns_name
                                .clone()
                                .or_else(|| m.values.first().cloned())
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                out.push(format!(
                    "{} group {} {} {} private={} {}",
                    r.region,
                    g.zone_name,
                    g.name,
                    g.record_type,
                    g.private_zone,
                    members.join(" ")
                ));
            }
            for c in &r.route53_health_checks {
                out.push(format!(
                    "{} check {} {} disabled={} inverted={} {} used_by={:?} complete={}",
                    r.region,
                    c.id,
                    c.check_type,
                    c.disabled,
                    c.inverted,
                    c.target,
                    c.used_by,
                    c.records_complete
                ));
            }
            for a in &r.global_accelerators {
                let listeners = a.listeners.as_ref().map(|ls| {
                    ls.iter()
                        .map(|l| {
                            let groups = l.endpoint_groups.as_ref().map(|gs| {
                                gs.iter()
                                    .map(|g| {
                                        format!(
                                            "{}@{}:{}",
                                            g.region,
                                            g.traffic_dial_percentage.unwrap_or(-1.0),
                                            g.endpoints
                                                .iter()
                                                .map(|e| e.weight.unwrap_or(-1).to_string())
                                                .collect::<Vec<_>>()
                                                .join("/")
                                        )
                                    })
                                    .collect::<Vec<_>>()
                            });
                            format!("{:?} {:?} {:?}", l.protocol, l.ports, groups)
                        })
                        .collect::<Vec<_>>()
                });
                out.push(format!(
                    "{} accelerator {} enabled={} {:?}",
                    r.region, a.name, a.enabled, listeners
                ));
            }
            for d in &r.cloudfront_distributions {
                let origins: Vec<String> = d
                    .origins
                    .iter()
                    .map(|o| format!("{}={}", o.id, o.domain_name))
                    .collect();
                let groups: Vec<String> = d
                    .origin_groups
                    .iter()
                    .map(|g| format!("{}={:?}{:?}", g.id, g.members, g.failover_status_codes))
                    .collect();
                let behaviors: Vec<String> = d
                    .behaviors
                    .iter()
                    .map(|b| format!("{}->{}", b.path_pattern, b.target_origin_id))
                    .collect();
                out.push(format!(
                    "{} distribution {} enabled={} origins={origins:?} groups={groups:?} behaviors={behaviors:?}",
                    r.region, d.id, d.enabled
                ));
            }
        }
    }
    out
}

/// `status rule arn` of the traffic and edge findings (passes included).
fn findings(inv: &Inventory) -> Vec<String> {
    let config = Config::default_config();
    let mut rules = RuleSet::builtin().expect("builtin rules");
    rules
        .rules
        .retain(|r| matches!(r.spec.category, Category::Traffic | Category::Edge));
    let options = EvaluateOptions {
        today: NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"),
        include_passes: true,
    };
    let evaluation = evaluate(inv, &config, &rules, &options);
    let mut out: Vec<String> = evaluation
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f.status.as_str(),
                f.rule_id,
                f.region,
                f.resource_arn
            )
        })
        .collect();
    out.sort();
    out
}

/// `service region operation code` of every gap of the global services.
fn gaps(inv: &Inventory) -> Vec<String> {
    let mut out: Vec<String> = inv
        .gaps
        .iter()
        .filter(|g| regionready::kinds::GLOBAL_SERVICES.contains(&g.service.as_str()))
        .map(|g| {
            format!(
                "{} {} {} {}",
                g.service,
                g.region.as_deref().unwrap_or("-"),
                g.operation.as_deref().unwrap_or("-"),
                g.error_code
            )
        })
        .collect();
    out.sort();
    out
}

fn replace_all(lines: Vec<String>, names: &[(String, String)]) -> Vec<String> {
    lines
        .into_iter()
        .map(|mut l| {
            for (from, to) in names {
                l = l.replace(from.as_str(), to.as_str());
            }
            l
        })
        .collect()
}

/// The seeded ids, longest first, as `<name>` placeholders.
fn seed_names(seed: &Value) -> Vec<(String, String)> {
    let mut names = vec![
        (
            seed["zone"]
                .as_str()
                .expect("zone")
                .trim_start_matches("/hostedzone/")
                .to_string(),
            "<zone>".to_string(),
        ),
        (
            seed["health_check_disabled"]
                .as_str()
                .expect("disabled")
                .into(),
            "<hc-disabled>".into(),
        ),
        (
            seed["health_check_inverted"]
                .as_str()
                .expect("inverted")
                .into(),
            "<hc-inverted>".into(),
        ),
    ];
    for region in ["us-east-1", "eu-west-1"] {
        names.push((
            seed["health_checks"][region]
                .as_str()
                .expect("check")
                .into(),
            format!("<hc-{region}>"),
        ));
    }
    let distribution = seed["distribution_single_origin"]
        .as_str()
        .expect("distribution");
    names.push((
        distribution.rsplit('/').next().unwrap_or_default().into(),
        "<shop>".into(),
    ));
    names
}

/// The `stack` scenario's Route 53 zone, health checks and distribution as the
/// emulator serves them, Global Accelerator as AWS answers it (recorded: one
/// endpoint group, us-east-1): the exact records, and the exact findings.
#[test]
fn the_emulated_stack_is_read_and_judged_exactly() {
    let moto = Moto::start();
    let seed = moto.seed(&["stack"]);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: vec![
                Rule::new(
                    "ListAccelerators",
                    recorded("globalaccelerator/ListAccelerators/accelerators.json"),
                ),
                Rule::new(
                    "ListListeners",
                    recorded("globalaccelerator/ListListeners/tcp-443.json"),
                ),
                Rule::new(
                    "ListEndpointGroups",
                    recorded("globalaccelerator/ListEndpointGroups/one-region.json"),
                ),
                Rule::new(
                    "ListGlobalTables",
                    corpus("dynamodb/ListGlobalTables/none.json"),
                ),
            ],
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, inv) = collect(&proxy, dir.path());
    let names = seed_names(&seed);
    // Ids are random: compare sorted, after naming them.
    let mut got = replace_all(records(&inv), &names);
    got.sort();
    let elb = |name: &str, region: &str| {
        format!("dualstack.{name}-{region}-1234567890.{region}.elb.amazonaws.com")
    };
    let want = vec![
        format!("eu-west-1 group example.com. api.example.com. A private=false us-east-1[us-east-1 hc=<hc-us-east-1> ete=true ttl=- to={}] ap-southeast-2[ap-southeast-2 hc=- ete=true ttl=- to={}]", elb("api", "us-east-1"), elb("api", "ap-southeast-2")),
        format!("eu-west-1 group example.com. app.example.com. A private=false us-east-1[us-east-1 hc=<hc-us-east-1> ete=true ttl=- to={}] eu-west-1[eu-west-1 hc=<hc-eu-west-1> ete=true ttl=- to={}]", elb("app", "us-east-1"), elb("app", "eu-west-1")),
        "eu-west-1 group example.com. auth.example.com. CNAME private=false primary[PRIMARY hc=<hc-us-east-1> ete=- ttl=60 to=auth-us-east-1.example.com] secondary[SECONDARY hc=<hc-eu-west-1> ete=- ttl=60 to=auth-eu-west-1.example.com]".to_string(),
        "eu-west-1 group example.com. pay.example.com. CNAME private=false primary[PRIMARY hc=<hc-inverted> ete=- ttl=300 to=pay-us-east-1.example.com] secondary[SECONDARY hc=- ete=- ttl=300 to=pay-eu-west-1.example.com]".to_string(),
        "eu-west-1 group example.com. status.example.com. CNAME private=false eu-west-1[eu-west-1 hc=<hc-disabled> ete=- ttl=60 to=status-eu-west-1.example.com] us-east-1[us-east-1 hc=<hc-us-east-1> ete=- ttl=60 to=status-us-east-1.example.com]".to_string(),
        format!("eu-west-1 group example.com. www.example.com. A private=false us-east-1[w50 hc=- ete=false ttl=- to={}] eu-west-1[w50 hc=- ete=false ttl=- to={}]", elb("www", "us-east-1"), elb("www", "eu-west-1")),
        "eu-west-1 check <hc-disabled> HTTPS disabled=true inverted=false https://api-eu-west-1.example.com:443/health used_by=[\"status.example.com. CNAME in example.com.\"] complete=true".to_string(),
        "eu-west-1 check <hc-eu-west-1> HTTPS disabled=false inverted=false https://web-eu-west-1.example.com:443/health used_by=[\"app.example.com. A in example.com.\", \"auth.example.com. CNAME in example.com.\"] complete=true".to_string(),
        "eu-west-1 check <hc-us-east-1> HTTPS disabled=false inverted=false https://web-us-east-1.example.com:443/health used_by=[\"api.example.com. A in example.com.\", \"app.example.com. A in example.com.\", \"auth.example.com. CNAME in example.com.\", \"status.example.com. CNAME in example.com.\"] complete=true".to_string(),
        "eu-west-1 check <hc-inverted> HTTPS disabled=false inverted=true https://pay-us-east-1.example.com:443/health used_by=[\"pay.example.com. CNAME in example.com.\"] complete=true".to_string(),
        // Recorded: one listener, one endpoint group (us-east-1).
        "eu-west-1 accelerator auth-api enabled=true Some([\"Some(\\\"TCP\\\") [\\\"443\\\"] Some([\\\"us-east-1@100:128\\\"])\"])".to_string(),
        "eu-west-1 distribution <shop> enabled=true origins=[\"shop-us-east-1=shop-us-east-1-1234567890.us-east-1.elb.amazonaws.com\"] groups=[] behaviors=[\"*->shop-us-east-1\"]".to_string(),
    ];
    let mut want = want;
    want.sort();
    pretty_assertions::assert_eq!(got, want);
    let mut got = replace_all(findings(&inv), &names);
    got.sort();
    let mut want: Vec<String> = [
        // api: us-east-1 and ap-southeast-2; auth and pay point at customer host
        // names, whose region cannot be read.
        "fail RR-TRF-001 global <r53>/api.example.com/A",
        "pass RR-TRF-001 global <r53>/app.example.com/A",
        "pass RR-TRF-001 global <r53>/status.example.com/CNAME",
        "pass RR-TRF-001 global <r53>/www.example.com/A",
        "unknown RR-TRF-001 global <r53>/auth.example.com/CNAME",
        "unknown RR-TRF-001 global <r53>/pay.example.com/CNAME",
        // pay's secondary has no health check; www's aliases do not evaluate target health.
        "fail RR-TRF-002 global <r53>/pay.example.com/CNAME",
        "fail RR-TRF-002 global <r53>/www.example.com/A",
        "pass RR-TRF-002 global <r53>/api.example.com/A",
        "pass RR-TRF-002 global <r53>/app.example.com/A",
        "pass RR-TRF-002 global <r53>/auth.example.com/CNAME",
        "pass RR-TRF-002 global <r53>/status.example.com/CNAME",
        "fail RR-TRF-003 global arn:aws:route53:::healthcheck/<hc-disabled>",
        "fail RR-TRF-003 global arn:aws:route53:::healthcheck/<hc-inverted>",
        "pass RR-TRF-003 global arn:aws:route53:::healthcheck/<hc-eu-west-1>",
        "pass RR-TRF-003 global arn:aws:route53:::healthcheck/<hc-us-east-1>",
        "fail RR-TRF-004 global <r53>/pay.example.com/CNAME",
        "pass RR-TRF-004 global <r53>/auth.example.com/CNAME",
        "fail RR-TRF-005 global arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh",
        "fail RR-EDGE-001 global arn:aws:cloudfront::123456789012:distribution/<shop>",
    ]
    .iter()
    .map(|l| l.replace("<r53>", "arn:aws:route53:::hostedzone/<zone>/recordset"))
    .collect();
    want.sort();
    pretty_assertions::assert_eq!(got, want);
}

/// Every page of every listing is followed, as AWS pages them: zones and health
/// checks by `Marker`/`NextMarker`/`IsTruncated`, records by `NextRecordName`/
/// `NextRecordType`/`NextRecordIdentifier` (a routing group split across two
/// pages is one group), distributions by `NextMarker`, accelerators by
/// `NextToken`. A private zone is read like a public one. The emulator pages
/// none of these: recorded bodies only.
#[test]
fn every_page_is_read_and_groups_span_pages() {
    let moto = Moto::start();
    let once = |op: &str, path: &str| Rule::new(op, recorded(path)).times(1);
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: vec![
                once("ListHostedZones", "route53/ListHostedZones/page-1-of-2.xml"),
                once("ListHostedZones", "route53/ListHostedZones/page-2-of-2.xml"),
                Rule::new(
                    "ListResourceRecordSets",
                    recorded("route53/ListResourceRecordSets/failover-ttl-300.xml"),
                )
                .path_contains("Z9876543210ZYXWVUTSRQ"),
                once(
                    "ListResourceRecordSets",
                    "route53/ListResourceRecordSets/page-1-of-2.xml",
                )
                .path_contains("Z0123456789ABCDEFGHIJ"),
                Rule::new(
                    "ListResourceRecordSets",
                    recorded("route53/ListResourceRecordSets/page-2-of-2.xml"),
                )
                .path_contains("name=app.example.com"),
                once(
                    "ListHealthChecks",
                    "route53/ListHealthChecks/page-1-of-2.xml",
                ),
                once(
                    "ListHealthChecks",
                    "route53/ListHealthChecks/page-2-of-2.xml",
                ),
                once(
                    "ListDistributions",
                    "cloudfront/ListDistributions/page-1-of-2.xml",
                ),
                once(
                    "ListDistributions",
                    "cloudfront/ListDistributions/page-2-of-2.xml",
                ),
                once(
                    "ListAccelerators",
                    "globalaccelerator/ListAccelerators/page-1-of-2.json",
                ),
                once(
                    "ListAccelerators",
                    "globalaccelerator/ListAccelerators/page-2-of-2.json",
                ),
                Rule::new(
                    "ListListeners",
                    recorded("globalaccelerator/ListListeners/none.json"),
                )
                .body_contains("abcdefgh-2"),
                Rule::new(
                    "ListListeners",
                    recorded("globalaccelerator/ListListeners/tcp-443.json"),
                ),
                Rule::new(
                    "ListEndpointGroups",
                    recorded("globalaccelerator/ListEndpointGroups/partner-dialed-to-zero.json"),
                ),
                Rule::new(
                    "ListGlobalTables",
                    corpus("dynamodb/ListGlobalTables/none.json"),
                ),
            ],
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, inv) = collect(&proxy, dir.path());
    assert_eq!(gaps(&inv), Vec::<String>::new());
    let elb =
        |name: &str, region: &str| format!("dualstack.web-{name}.{region}.elb.amazonaws.com.");
    let mut want = vec![
        format!("eu-west-1 group example.com. app.example.com. A private=false use1[us-east-1 hc=7a1f3c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b ete=true ttl=- to={}] euw1[eu-west-1 hc=8b2a4d3f-5c6e-4f7a-9b0c-1d2e3f4a5b6c ete=true ttl=- to={}]", elb("use1-1234567890", "us-east-1"), elb("euw1-0987654321", "eu-west-1")),
        "eu-west-1 group internal.example.com. pay.example.com. CNAME private=true primary[PRIMARY hc=7a1f3c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b ete=- ttl=300 to=pay-use1.example.com] secondary[SECONDARY hc=- ete=- ttl=300 to=pay-euw1.example.com]".to_string(),
        "eu-west-1 check 7a1f3c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b HTTPS disabled=false inverted=false https://web-use1.example.com:443/health used_by=[\"app.example.com. A in example.com.\", \"pay.example.com. CNAME in internal.example.com.\"] complete=true".to_string(),
        "eu-west-1 check 8b2a4d3f-5c6e-4f7a-9b0c-1d2e3f4a5b6c HTTPS disabled=false inverted=false https://web-euw1.example.com:443/health used_by=[\"app.example.com. A in example.com.\"] complete=true".to_string(),
        // The second accelerator has no listener; the first's partner group is dialed to 0.
        "eu-west-1 accelerator auth-api enabled=true Some([\"Some(\\\"TCP\\\") [\\\"443\\\"] Some([\\\"eu-west-1@0:128\\\", \\\"us-east-1@100:128\\\"])\"])".to_string(),
        "eu-west-1 accelerator payments-api enabled=true Some([])".to_string(),
        "eu-west-1 distribution E1A2B3C4D5E6F7 enabled=true origins=[\"web-use1=web-use1-1234567890.us-east-1.elb.amazonaws.com\", \"web-euw1=web-euw1-0987654321.eu-west-1.elb.amazonaws.com\"] groups=[\"web-both-regions=[\\\"web-use1\\\", \\\"web-euw1\\\"][500, 502, 503, 504]\"] behaviors=[\"*->web-both-regions\"]".to_string(),
        "eu-west-1 distribution E7F6E5D4C3B2A1 enabled=true origins=[\"shop-use1=shop-use1-1234567890.us-east-1.elb.amazonaws.com\"] groups=[] behaviors=[\"*->shop-use1\"]".to_string(),
    ];
    want.sort();
    let mut got = records(&inv);
    got.sort();
    pretty_assertions::assert_eq!(got, want);
    // One request per page: 2 zone pages, 2 + 1 record pages, 2 check pages, 2
    // distribution pages, 2 accelerator pages, a listener listing per accelerator,
    // an endpoint group listing per listener.
    let ops = proxy.operations();
    let count = |op: &str| ops.get(op).copied().unwrap_or_default();
    assert_eq!(
        [
            count("ListHostedZones"),
            count("ListResourceRecordSets"),
            count("ListHealthChecks"),
            count("ListDistributions"),
            count("ListAccelerators"),
            count("ListListeners"),
            count("ListEndpointGroups"),
        ],
        [2, 3, 2, 2, 2, 2, 1]
    );
    // The dial at 0 is not a missing region; the accelerator without a listener
    // serves nothing.
    let got = findings(&inv);
    let acc =
        "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh";
    for want in [
        format!("pass RR-TRF-005 global {acc}"),
        format!("fail RR-TRF-005 global {acc}-2"),
        "pass RR-EDGE-001 global arn:aws:cloudfront::123456789012:distribution/E1A2B3C4D5E6F7"
            .to_string(),
        "fail RR-EDGE-001 global arn:aws:cloudfront::123456789012:distribution/E7F6E5D4C3B2A1"
            .to_string(),
        "pass RR-TRF-001 global arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ/recordset/app.example.com/A".to_string(),
        "fail RR-TRF-004 global arn:aws:route53:::hostedzone/Z9876543210ZYXWVUTSRQ/recordset/pay.example.com/CNAME".to_string(),
    ] {
        assert!(got.contains(&want), "{want} not in {got:#?}");
    }
}

/// A failed read makes unknown exactly what it could have changed: a zone whose
/// records could not be read (deleted between the listing and the read) hides the routing groups (one unknown per rule under
/// `global`, naming the gap) but not the other zone's groups; health checks seen
/// in use are still judged, a disabled or inverted one not seen in use is
/// unknown; Global Accelerator denied makes its rule unknown; CloudFront, read,
/// throttled once and retried, is judged as usual.
#[test]
fn a_failed_read_makes_unknown_only_what_it_hides() {
    let moto = Moto::start();
    let proxy = Proxy::start(
        moto.port,
        Settings {
            rules: vec![
                Rule::new(
                    "ListHostedZones",
                    recorded("route53/ListHostedZones/zones.xml"),
                ),
                Rule::new(
                    "ListResourceRecordSets",
                    recorded("route53/ListResourceRecordSets/error-404-NoSuchHostedZone.xml"),
                )
                .path_contains("Z9876543210ZYXWVUTSRQ"),
                Rule::new(
                    "ListResourceRecordSets",
                    recorded("route53/ListResourceRecordSets/latency-one-pair-region.xml"),
                ),
                Rule::new(
                    "ListHealthChecks",
                    recorded("route53/ListHealthChecks/checks.xml"),
                ),
                // Throttled once, then answered: the retry reads it, no gap.
                Rule::new(
                    "ListDistributions",
                    recorded("cloudfront/ListDistributions/error-400-Throttling.xml"),
                )
                .times(1),
                Rule::new(
                    "ListDistributions",
                    recorded("cloudfront/ListDistributions/single-regional-origin.xml"),
                ),
                Rule::new(
                    "ListAccelerators",
                    recorded(
                        "globalaccelerator/ListAccelerators/error-400-AccessDeniedException.json",
                    ),
                ),
                Rule::new(
                    "ListGlobalTables",
                    corpus("dynamodb/ListGlobalTables/none.json"),
                ),
            ],
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, inv) = collect(&proxy, dir.path());
    assert_eq!(
        gaps(&inv),
        [
            "globalaccelerator us-west-2 ListAccelerators AccessDeniedException",
            "route53 us-east-1 ListResourceRecordSets NoSuchHostedZone",
        ]
    );
    let throttled = inv
        .gaps
        .iter()
        .find(|g| g.service == "route53")
        .expect("route53 gap");
    assert!(
        throttled.message.contains("Z9876543210ZYXWVUTSRQ"),
        "{}",
        throttled.message
    );
    let got = findings(&inv);
    let zone = "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ/recordset";
    let check = "arn:aws:route53:::healthcheck";
    let want = vec![
        // Unaffected services and zones are judged as usual.
        "fail RR-EDGE-001 global arn:aws:cloudfront::123456789012:distribution/E7F6E5D4C3B2A1"
            .to_string(),
        format!("fail RR-TRF-001 global {zone}/api.example.com/A"),
        format!("pass RR-TRF-002 global {zone}/api.example.com/A"),
        // In use (seen in the zone that was read): judged.
        format!("pass RR-TRF-003 global {check}/7a1f3c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b"),
        // Not seen in use, and healthy settings: nothing to decide.
        format!("pass RR-TRF-003 global {check}/8b2a4d3f-5c6e-4f7a-9b0c-1d2e3f4a5b6c"),
        // Disabled / inverted, maybe used in the zone that was not read.
        format!("unknown RR-TRF-003 global {check}/0d4c6f5b-7e8a-4b9c-1d2e-3f4a5b6c7d8e"),
        format!("unknown RR-TRF-003 global {check}/9c3b5e4a-6d7f-4a8b-0c1d-2e3f4a5b6c7d"),
        // The throttled zone's groups: one unknown per rule over them.
        "unknown RR-TRF-001 global arn:aws:route53::123456789012:*".to_string(),
        "unknown RR-TRF-002 global arn:aws:route53::123456789012:*".to_string(),
        "unknown RR-TRF-004 global arn:aws:route53::123456789012:*".to_string(),
        "unknown RR-TRF-005 global arn:aws:globalaccelerator::123456789012:*".to_string(),
    ];
    let mut want = want;
    want.sort();
    pretty_assertions::assert_eq!(got, want);
}
