//! EC2 Auto Scaling groups: DescribeAutoScalingGroups, 100 per page, tags
//! included (the Tagging API returns nothing for groups).

use super::gaps::{pages, Ctx};
use crate::inventory::{AutoscalingGroup, Tags};
use aws_sdk_autoscaling::types::{AutoScalingGroup as Group, LaunchTemplateSpecification};
use aws_sdk_autoscaling::Client;

pub(crate) const SERVICE: &str = "autoscaling";

/// The largest page AWS allows.
const PAGE: i32 = 100;

fn template(spec: &LaunchTemplateSpecification) -> (Option<String>, Option<String>) {
    (
        spec.launch_template_name
            .clone()
            .or_else(|| spec.launch_template_id.clone()),
        spec.version.clone(),
    )
}

/// A group as AWS describes it.
pub(crate) fn from_description(g: Group) -> Option<AutoscalingGroup> {
    let policy_template = g
        .mixed_instances_policy
        .as_ref()
        .and_then(|p| p.launch_template.as_ref());
    let (launch_template, launch_template_version) = g
        .launch_template
        .as_ref()
        .or_else(|| policy_template.and_then(|t| t.launch_template_specification.as_ref()))
        .map(template)
        .unwrap_or_default();
    let instance_types = policy_template.map(|t| {
        let mut types: Vec<String> = t
            .overrides()
            .iter()
            .filter_map(|o| o.instance_type.clone())
            .collect();
        types.sort();
        types.dedup();
        types
    });
    Some(AutoscalingGroup {
        arn: g.auto_scaling_group_arn?,
        name: g.auto_scaling_group_name.unwrap_or_default(),
        min_size: i64::from(g.min_size?),
        max_size: i64::from(g.max_size?),
        desired_capacity: i64::from(g.desired_capacity?),
        launch_template,
        launch_template_version,
        launch_configuration: g.launch_configuration_name,
        instance_types,
        tags: Some(
            g.tags
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
                .collect::<Tags>(),
        ),
    })
}

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<AutoscalingGroup> {
    match pages!(
        ctx,
        client
            .describe_auto_scaling_groups()
            .max_records(PAGE)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => {
            let mut out: Vec<AutoscalingGroup> = pages
                .into_iter()
                .flat_map(|p| p.auto_scaling_groups.unwrap_or_default())
                .filter_map(from_description)
                .collect();
            out.sort_by(|a, b| a.arn.cmp(&b.arn));
            out
        }
        Err((_, f)) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                "DescribeAutoScalingGroups",
            );
            Vec::new()
        }
    }
}
