//! Route 53: hosted zones (public and private), the routing groups of their
//! records, and health checks. Route 53 is global: read once per account, from
//! the partition's global region.
//!
//! ListHostedZones and ListHealthChecks page with `Marker`/`NextMarker`;
//! ListResourceRecordSets pages with `NextRecordName`/`NextRecordType`/
//! `NextRecordIdentifier` (at most 300 records a page) and has no SDK paginator,
//! so it is paged here. A zone whose records could not all be read contributes no
//! group (a group split across pages would look like one missing a region): the
//! gap hides the kind instead. The records it did read still show which health
//! checks are in use.

use super::gaps::{classify, pages, Ctx, Failure, MALFORMED};
use crate::inventory::{HealthCheck, RecordGroup, RecordMember};
use aws_sdk_route53::types::{HealthCheckType, HostedZone, ResourceRecordSet, RrType};
use aws_sdk_route53::Client;
use futures_util::future::join_all;
use std::collections::BTreeMap;

pub(crate) const SERVICE: &str = "route53";

/// Most pages of one zone's records read before giving up: 3,000,000 records, far
/// beyond Route 53's default quota of 10,000 per zone; guards against a token that
/// never advances.
const MAX_RECORD_PAGES: usize = 10_000;

/// What Route 53 holds for an account.
#[derive(Debug, Default)]
pub(crate) struct Route53 {
    pub groups: Vec<RecordGroup>,
    pub health_checks: Vec<HealthCheck>,
}

/// Reads zones, records and health checks; `region` is the region the client
/// signs for (the partition's global one), named in gaps.
pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    partition: &str,
) -> Route53 {
    let (zones, checks) = tokio::join!(
        async { pages!(ctx, client.list_hosted_zones().into_paginator().send()) },
        async { pages!(ctx, client.list_health_checks().into_paginator().send()) },
    );
    let zones: Option<Vec<HostedZone>> = match zones {
        Ok(pages) => Some(pages.into_iter().flat_map(|p| p.hosted_zones).collect()),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListHostedZones");
            None
        }
    };
    let read = join_all(
        zones
            .iter()
            .flatten()
            .map(|z| zone_records(ctx, client, account, region, z)),
    )
    .await;
    let records_complete = zones.is_some() && read.iter().all(|(_, complete)| *complete);
    let mut groups = Vec::new();
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (zone, (records, complete)) in zones.iter().flatten().zip(read) {
        let zone_groups = group(partition, zone, records);
        for g in &zone_groups {
            for m in &g.members {
                if let Some(id) = &m.health_check_id {
                    used.entry(id.clone())
                        .or_default()
                        .push(format!("{} {} in {}", g.name, g.record_type, g.zone_name));
                }
            }
        }
        if complete {
            groups.extend(zone_groups);
        }
    }
    groups.sort_by(|a, b| a.arn.cmp(&b.arn));
    let health_checks = match checks {
        Ok(pages) => {
            let mut out: Vec<HealthCheck> = pages
                .into_iter()
                .flat_map(|p| p.health_checks)
                .map(|c| health_check(partition, c, &used, records_complete))
                .collect();
            out.sort_by(|a, b| a.arn.cmp(&b.arn));
            out
        }
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListHealthChecks");
            Vec::new()
        }
    };
    Route53 {
        groups,
        health_checks,
    }
}

/// Zone id without the `/hostedzone/` prefix ListHostedZones puts on it.
fn zone_id(zone: &HostedZone) -> &str {
    zone.id.trim_start_matches("/hostedzone/")
}

/// Every record of a zone, page after page, and whether all were read (a gap is
/// recorded when not).
async fn zone_records(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    zone: &HostedZone,
) -> (Vec<ResourceRecordSet>, bool) {
    let id = zone_id(zone);
    let mut out = Vec::new();
    let mut next: Option<(String, RrType, Option<String>)> = None;
    for _ in 0..MAX_RECORD_PAGES {
        let mut request = client.list_resource_record_sets().hosted_zone_id(id);
        if let Some((name, kind, identifier)) = &next {
            request = request
                .start_record_name(name)
                .start_record_type(kind.clone())
                .set_start_record_identifier(identifier.clone());
        }
        match ctx.send(request.send()).await {
            Ok(page) => {
                out.extend(page.resource_record_sets);
                if !page.is_truncated {
                    return (out, true);
                }
                let token = page
                    .next_record_name
                    .zip(page.next_record_type)
                    .map(|(n, t)| (n, t, page.next_record_identifier));
                if token.is_none() || token == next {
                    break;
                }
                next = token;
            }
            Err(e) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    classify(&e),
                    &format!("ListResourceRecordSets {id}"),
                );
                return (out, false);
            }
        }
    }
    ctx.gap(
        account,
        Some(region),
        SERVICE,
        Failure::new(
            MALFORMED,
            "IsTruncated without a next record that advances: the zone's listing stops here",
        ),
        &format!("ListResourceRecordSets {id}"),
    );
    (out, false)
}

/// The routing groups of a zone's records: records with a `SetIdentifier`,
/// grouped by name and type.
fn group(partition: &str, zone: &HostedZone, records: Vec<ResourceRecordSet>) -> Vec<RecordGroup> {
    let zone_id = zone_id(zone);
    let private_zone = zone.config.as_ref().is_some_and(|c| c.private_zone);
    let mut groups: BTreeMap<(String, String), RecordGroup> = BTreeMap::new();
    for r in records {
        let Some(set_identifier) = r.set_identifier.clone() else {
            continue;
        };
        let record_type = r.r#type.as_str().to_string();
        let key = (r.name.clone(), record_type.clone());
        let entry = groups.entry(key).or_insert_with(|| RecordGroup {
            arn: format!(
                "arn:{partition}:route53:::hostedzone/{zone_id}/recordset/{}/{record_type}",
                r.name.trim_end_matches('.')
            ),
            zone_id: zone_id.to_string(),
            zone_name: zone.name.clone(),
            private_zone,
            name: r.name.clone(),
            record_type: record_type.clone(),
            members: Vec::new(),
        });
        entry.members.push(member(set_identifier, r));
    }
    groups.into_values().collect()
}

fn member(set_identifier: String, r: ResourceRecordSet) -> RecordMember {
    let geolocation =
        r.geo_location.map(
            |g| match (g.continent_code, g.country_code, g.subdivision_code) {
                (Some(c), _, _) => format!("continent:{c}"),
                (_, Some(c), _) if c == "*" => "default".to_string(),
                (_, Some(c), Some(s)) => format!("subdivision:{c}-{s}"),
                (_, Some(c), None) => format!("country:{c}"),
                _ => "default".to_string(),
            },
        );
    let geoproximity = r.geo_proximity_location.map(|g| {
        g.aws_region
            .or(g.local_zone_group)
            .or_else(|| {
                g.coordinates
                    .map(|c| format!("{},{}", c.latitude, c.longitude))
            })
            .unwrap_or_default()
    });
    let (alias_dns_name, alias_hosted_zone_id, evaluate_target_health) = match r.alias_target {
        Some(a) => (
            Some(a.dns_name),
            Some(a.hosted_zone_id),
            Some(a.evaluate_target_health),
        ),
        None => (None, None, None),
    };
    RecordMember {
        set_identifier,
        latency_region: r.region.map(|x| x.as_str().to_string()),
        failover: r.failover.map(|x| x.as_str().to_string()),
        weight: r.weight,
        geolocation,
        geoproximity,
        multi_value_answer: r.multi_value_answer,
        cidr_location: r.cidr_routing_config.map(|c| c.location_name),
        health_check_id: r.health_check_id,
        alias_dns_name,
        alias_hosted_zone_id,
        evaluate_target_health,
        ttl: r.ttl,
        values: r
            .resource_records
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.value)
            .collect(),
    }
}

fn health_check(
    partition: &str,
    check: aws_sdk_route53::types::HealthCheck,
    used: &BTreeMap<String, Vec<String>>,
    records_complete: bool,
) -> HealthCheck {
    let config = check.health_check_config;
    let check_type = config
        .as_ref()
        .map(|c| c.r#type.as_str().to_string())
        .unwrap_or_default();
    let target = config.as_ref().map(target).unwrap_or_default();
    HealthCheck {
        arn: format!("arn:{partition}:route53:::healthcheck/{}", check.id),
        used_by: used.get(&check.id).cloned().unwrap_or_default(),
        id: check.id,
        check_type,
        disabled: config.as_ref().and_then(|c| c.disabled).unwrap_or(false),
        inverted: config.as_ref().and_then(|c| c.inverted).unwrap_or(false),
        target,
        records_complete,
    }
}

/// What a health check measures, in one line.
fn target(c: &aws_sdk_route53::types::HealthCheckConfig) -> String {
    match &c.r#type {
        HealthCheckType::Calculated => format!(
            "calculated: {} of {} child checks",
            c.health_threshold.unwrap_or_default(),
            c.child_health_checks.as_ref().map_or(0, Vec::len)
        ),
        HealthCheckType::CloudwatchMetric => c
            .alarm_identifier
            .as_ref()
            .map(|a| format!("alarm {}/{}", a.region.as_str(), a.name))
            .unwrap_or_else(|| "alarm".to_string()),
        HealthCheckType::RecoveryControl => format!(
            "routing control {}",
            c.routing_control_arn.as_deref().unwrap_or_default()
        ),
        other => {
            let scheme = match other {
                HealthCheckType::Https | HealthCheckType::HttpsStrMatch => "https",
                HealthCheckType::Tcp => "tcp",
                _ => "http",
            };
            let host = c
                .fully_qualified_domain_name
                .as_deref()
                .or(c.ip_address.as_deref())
                .unwrap_or_default();
            let port = c.port.map(|p| format!(":{p}")).unwrap_or_default();
            let path = c.resource_path.as_deref().unwrap_or_default();
            format!("{scheme}://{host}{port}{path}")
        }
    }
}
