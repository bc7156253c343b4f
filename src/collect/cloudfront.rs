//! CloudFront distributions, from ListDistributions alone: its summaries carry the
//! origins, origin groups and every cache behaviour's target, so no
//! GetDistribution per distribution is needed. Global: read once per account,
//! from the partition's global region.

use super::gaps::{pages, Ctx};
use crate::inventory::{CacheBehavior, CloudFrontOrigin, Distribution, OriginGroup};
use aws_sdk_cloudfront::types::DistributionSummary;
use aws_sdk_cloudfront::Client;

pub(crate) const SERVICE: &str = "cloudfront";

/// Every distribution. Empty (with a gap) when ListDistributions failed: a page
/// read before the failure is not kept, as the gap hides the kind anyway.
pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<Distribution> {
    match pages!(ctx, client.list_distributions().into_paginator().send()) {
        Ok(pages) => {
            let mut out: Vec<Distribution> = pages
                .into_iter()
                .filter_map(|p| p.distribution_list)
                .flat_map(|l| l.items.unwrap_or_default())
                .map(distribution)
                .collect();
            out.sort_by(|a, b| a.arn.cmp(&b.arn));
            out
        }
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListDistributions");
            Vec::new()
        }
    }
}

fn distribution(d: DistributionSummary) -> Distribution {
    let origins = d
        .origins
        .map(|o| o.items)
        .unwrap_or_default()
        .into_iter()
        .map(|o| CloudFrontOrigin {
            id: o.id,
            domain_name: o.domain_name,
        })
        .collect();
    let origin_groups = d
        .origin_groups
        .and_then(|g| g.items)
        .unwrap_or_default()
        .into_iter()
        .map(|g| OriginGroup {
            id: g.id,
            members: g
                .members
                .map(|m| m.items)
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.origin_id)
                .collect(),
            failover_status_codes: g
                .failover_criteria
                .and_then(|c| c.status_codes)
                .map(|s| s.items)
                .unwrap_or_default()
                .into_iter()
                .map(i64::from)
                .collect(),
        })
        .collect();
    let mut behaviors: Vec<CacheBehavior> = d
        .default_cache_behavior
        .map(|b| CacheBehavior {
            path_pattern: "*".to_string(),
            target_origin_id: b.target_origin_id,
        })
        .into_iter()
        .collect();
    behaviors.extend(
        d.cache_behaviors
            .and_then(|b| b.items)
            .unwrap_or_default()
            .into_iter()
            .map(|b| CacheBehavior {
                path_pattern: b.path_pattern,
                target_origin_id: b.target_origin_id,
            }),
    );
    Distribution {
        arn: d.arn,
        id: d.id,
        domain_name: d.domain_name,
        aliases: d.aliases.and_then(|a| a.items).unwrap_or_default(),
        enabled: d.enabled,
        staging: d.staging,
        origins,
        origin_groups,
        behaviors,
    }
}
