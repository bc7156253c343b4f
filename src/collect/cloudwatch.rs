//! CloudWatch alarms: DescribeAlarms, metric and composite alarms, 100 a page.
//!
//! Alarms are read to answer whether replication is watched, so an incomplete
//! listing is no listing: a failed page records a gap and returns nothing, and
//! every "is it watched" asked of that region is `unknown`, never "no alarm".
//! DescribeAlarms returns metric alarms only unless `AlarmTypes` names both
//! (CloudWatch API reference, DescribeAlarms).

use super::gaps::{pages, Ctx};
use crate::inventory::{AlarmMetric, CloudwatchAlarm, Tags};
use aws_sdk_cloudwatch::types::{
    AlarmType, CompositeAlarm, Dimension, MetricAlarm, MetricDataQuery,
};
use aws_sdk_cloudwatch::Client;
use std::collections::BTreeMap;

pub(crate) const SERVICE: &str = "cloudwatch";

/// Most alarms DescribeAlarms returns per page.
const PAGE: i32 = 100;

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<CloudwatchAlarm> {
    let request = client
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .max_records(PAGE);
    match pages!(ctx, request.into_paginator().send()) {
        Ok(pages) => {
            let mut out: Vec<CloudwatchAlarm> = pages
                .into_iter()
                .flat_map(|p| {
                    let metric = p
                        .metric_alarms
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(metric_alarm);
                    let composite = p
                        .composite_alarms
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(composite_alarm);
                    metric.chain(composite).collect::<Vec<_>>()
                })
                .collect();
            out.sort_by(|a, b| a.arn.cmp(&b.arn));
            out
        }
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "DescribeAlarms");
            Vec::new()
        }
    }
}

/// Dimensions sorted by name, so an alarm is recorded the same whatever order
/// AWS lists them in.
fn dimensions(list: Option<Vec<Dimension>>) -> Tags {
    let sorted: BTreeMap<String, String> = list
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| Some((d.name?, d.value?)))
        .collect();
    sorted.into_iter().collect()
}

fn query(q: MetricDataQuery) -> AlarmMetric {
    let stat = q.metric_stat;
    let metric = stat.as_ref().and_then(|s| s.metric.clone());
    AlarmMetric {
        id: q.id.unwrap_or_default(),
        namespace: metric.as_ref().and_then(|m| m.namespace.clone()),
        metric_name: metric.as_ref().and_then(|m| m.metric_name.clone()),
        dimensions: dimensions(metric.and_then(|m| m.dimensions)),
        stat: stat.and_then(|s| s.stat),
        expression: q.expression,
    }
}

fn metric_alarm(a: MetricAlarm) -> Option<CloudwatchAlarm> {
    Some(CloudwatchAlarm {
        arn: a.alarm_arn?,
        name: a.alarm_name.unwrap_or_default(),
        alarm_type: "MetricAlarm".into(),
        namespace: a.namespace,
        metric_name: a.metric_name,
        dimensions: dimensions(a.dimensions),
        statistic: a
            .statistic
            .map(|s| s.as_str().to_string())
            .or(a.extended_statistic),
        threshold: a.threshold,
        actions_enabled: a.actions_enabled,
        alarm_actions: a.alarm_actions.unwrap_or_default(),
        metrics: a
            .metrics
            .unwrap_or_default()
            .into_iter()
            .map(query)
            .collect(),
        alarm_rule: None,
        tags: None,
    })
}

fn composite_alarm(a: CompositeAlarm) -> Option<CloudwatchAlarm> {
    Some(CloudwatchAlarm {
        arn: a.alarm_arn?,
        name: a.alarm_name.unwrap_or_default(),
        alarm_type: "CompositeAlarm".into(),
        actions_enabled: a.actions_enabled,
        alarm_actions: a.alarm_actions.unwrap_or_default(),
        alarm_rule: a.alarm_rule,
        ..CloudwatchAlarm::default()
    })
}
