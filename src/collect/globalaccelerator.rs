//! Global Accelerator: standard accelerators, their listeners and endpoint groups.
//! The service is global and its API answers in us-west-2 only; it exists in the
//! `aws` partition only. Read once per account.
//!
//! ListAccelerators lists them (one call per 100); ListListeners per accelerator
//! and ListEndpointGroups per listener (each paged by `NextToken`). A failed
//! per-accelerator or per-listener call leaves that accelerator's listeners, or
//! that listener's endpoint groups, absent: unknown for it alone.

use super::gaps::{pages, Ctx};
use crate::inventory::{Accelerator, AcceleratorEndpoint, AcceleratorListener, EndpointGroup};
use aws_sdk_globalaccelerator::Client;
use futures_util::future::join_all;

pub(crate) const SERVICE: &str = "globalaccelerator";

/// The only region Global Accelerator's API answers in.
pub(crate) const API_REGION: &str = "us-west-2";

/// Every accelerator of the account. Empty (with a gap) when ListAccelerators failed.
pub(crate) async fn collect(ctx: &Ctx, client: &Client, account: &str) -> Vec<Accelerator> {
    let listed = match pages!(ctx, client.list_accelerators().into_paginator().send()) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.accelerators.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => {
            ctx.gap(account, Some(API_REGION), SERVICE, f, "ListAccelerators");
            return Vec::new();
        }
    };
    let mut out: Vec<Accelerator> = join_all(listed.into_iter().filter_map(|a| {
        let arn = a.accelerator_arn?;
        let accelerator = Accelerator {
            name: a.name.unwrap_or_default(),
            enabled: a.enabled.unwrap_or(false),
            status: a.status.map(|s| s.as_str().to_string()),
            dns_name: a.dns_name,
            listeners: None,
            arn,
        };
        Some(listeners(ctx, client, account, accelerator))
    }))
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

async fn listeners(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    mut accelerator: Accelerator,
) -> Accelerator {
    let listed = pages!(
        ctx,
        client
            .list_listeners()
            .accelerator_arn(&accelerator.arn)
            .into_paginator()
            .send()
    );
    let listed: Vec<_> = match listed {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.listeners.unwrap_or_default())
            .collect(),
        Err((_, f)) => {
            let what = format!("ListListeners {}", accelerator.arn);
            ctx.gap(account, Some(API_REGION), SERVICE, f, &what);
            return accelerator;
        }
    };
    let mut out: Vec<AcceleratorListener> = join_all(listed.into_iter().filter_map(|l| {
        let listener = AcceleratorListener {
            arn: l.listener_arn?,
            protocol: l.protocol.map(|p| p.as_str().to_string()),
            ports: l
                .port_ranges
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| match (r.from_port?, r.to_port?) {
                    (from, to) if from == to => Some(from.to_string()),
                    (from, to) => Some(format!("{from}-{to}")),
                })
                .collect(),
            endpoint_groups: None,
        };
        Some(endpoint_groups(ctx, client, account, listener))
    }))
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    accelerator.listeners = Some(out);
    accelerator
}

async fn endpoint_groups(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    mut listener: AcceleratorListener,
) -> AcceleratorListener {
    let listed = pages!(
        ctx,
        client
            .list_endpoint_groups()
            .listener_arn(&listener.arn)
            .into_paginator()
            .send()
    );
    match listed {
        Ok(pages) => {
            let mut groups: Vec<EndpointGroup> = pages
                .into_iter()
                .flat_map(|p| p.endpoint_groups.unwrap_or_default())
                .filter_map(|g| {
                    Some(EndpointGroup {
                        arn: g.endpoint_group_arn?,
                        region: g.endpoint_group_region?,
                        traffic_dial_percentage: g.traffic_dial_percentage.map(f64::from),
                        endpoints: g
                            .endpoint_descriptions
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|e| {
                                Some(AcceleratorEndpoint {
                                    id: e.endpoint_id?,
                                    weight: e.weight.map(i64::from),
                                    health_state: e.health_state.map(|h| h.as_str().to_string()),
                                })
                            })
                            .collect(),
                    })
                })
                .collect();
            groups.sort_by(|a, b| a.region.cmp(&b.region));
            listener.endpoint_groups = Some(groups);
        }
        Err((_, f)) => {
            let what = format!("ListEndpointGroups {}", listener.arn);
            ctx.gap(account, Some(API_REGION), SERVICE, f, &what);
        }
    }
    listener
}
