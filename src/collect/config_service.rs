//! AWS Config: the compute configurations (functions, task definitions, state
//! machines, rules, topics, APIs) that hot-path rules search for cross-region
//! references. Config being off or denied is a gap, never a failure of the scan.

use super::gaps::{classify, pages, Ctx, Failure};
use crate::analysis::references;
use crate::inventory::{ConfigResource, Tags};
use aws_sdk_config::types::{BaseConfigurationItem, ResourceKey, ResourceType};
use aws_sdk_config::Client;
use serde_json::Value;
use std::collections::HashMap;

/// Compute configurations of the whole organization from a Config aggregator,
/// keyed by (account, region).
pub(crate) type Aggregated = HashMap<(String, String), Vec<ConfigResource>>;

/// Value of `Inventory.source.outside_pair_sources` when the aggregator answered.
pub const AGGREGATOR_SOURCE: &str = "aws-config-aggregator";

pub(crate) const SERVICE: &str = "config";

/// Resource types whose configuration can reference another region on a hot path.
pub const COMPUTE_TYPES: &[&str] = &[
    "AWS::Lambda::Function",
    "AWS::ECS::TaskDefinition",
    "AWS::StepFunctions::StateMachine",
    "AWS::Events::Rule",
    "AWS::SNS::Topic",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGatewayV2::Api",
];

/// BatchGetResourceConfig takes at most 100 keys.
const BATCH: usize = 100;

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<ConfigResource> {
    match ctx
        .send(client.describe_configuration_recorders().send())
        .await
    {
        Ok(out)
            if out
                .configuration_recorders
                .as_ref()
                .is_some_and(|r| !r.is_empty()) => {}
        Ok(_) => {
            let f = Failure::new(
                "NoConfigurationRecorder",
                "AWS Config is not recording here: compute configurations not read",
            );
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                "DescribeConfigurationRecorders",
            );
            return Vec::new();
        }
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                "DescribeConfigurationRecorders",
            );
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for resource_type in COMPUTE_TYPES {
        let listed = pages!(
            ctx,
            client
                .list_discovered_resources()
                .resource_type(ResourceType::from(*resource_type))
                .into_paginator()
                .send()
        );
        let ids = match listed {
            Ok(pages) => pages
                .into_iter()
                .flat_map(|p| p.resource_identifiers.unwrap_or_default())
                .collect::<Vec<_>>(),
            Err((_, f)) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    f,
                    &format!("ListDiscoveredResources {resource_type}"),
                );
                continue;
            }
        };
        let keys: Vec<ResourceKey> = ids
            .into_iter()
            .filter_map(|id| {
                ResourceKey::builder()
                    .resource_type(ResourceType::from(*resource_type))
                    .resource_id(id.resource_id?)
                    .build()
                    .ok()
            })
            .collect();
        for chunk in keys.chunks(BATCH) {
            match ctx
                .send(
                    client
                        .batch_get_resource_config()
                        .set_resource_keys(Some(chunk.to_vec()))
                        .send(),
                )
                .await
            {
                Ok(batch) => out.extend(
                    batch
                        .base_configuration_items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(item),
                ),
                Err(e) => {
                    ctx.gap(
                        account,
                        Some(region),
                        SERVICE,
                        classify(&e),
                        &format!("BatchGetResourceConfig {resource_type}"),
                    );
                }
            }
        }
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

/// One advanced query over the caller's aggregator (an organization aggregator
/// when there is one) instead of two calls per type per account and region.
/// `None` when there is no aggregator or the query fails: the caller then reads
/// each account, and records gaps there if that fails too.
pub(crate) async fn aggregated(ctx: &Ctx, client: &Client) -> Option<Aggregated> {
    let aggregators = pages!(
        ctx,
        client
            .describe_configuration_aggregators()
            .into_paginator()
            .send()
    )
    .ok()?;
    let aggregators: Vec<_> = aggregators
        .into_iter()
        .flat_map(|p| p.configuration_aggregators.unwrap_or_default())
        .collect();
    let name = aggregators
        .iter()
        .find(|a| a.organization_aggregation_source.is_some())
        .or(aggregators.first())
        .and_then(|a| a.configuration_aggregator_name.clone())?;
    let types: Vec<String> = COMPUTE_TYPES.iter().map(|t| format!("'{t}'")).collect();
    let expression = format!(
        "SELECT accountId, awsRegion, resourceType, arn, resourceName, tags, configuration, supplementaryConfiguration WHERE resourceType IN ({})",
        types.join(", ")
    );
    let pages = pages!(
        ctx,
        client
            .select_aggregate_resource_config()
            .configuration_aggregator_name(&name)
            .expression(expression)
            .into_paginator()
            .send()
    )
    .ok()?;
    let mut out = Aggregated::new();
    for row in pages
        .into_iter()
        .flat_map(|p| p.results.unwrap_or_default())
    {
        let Ok(row) = serde_json::from_str::<Value>(&row) else {
            continue;
        };
        if let Some((account, region, resource)) = aggregated_row(row) {
            out.entry((account, region)).or_default().push(resource);
        }
    }
    for resources in out.values_mut() {
        resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    }
    Some(out)
}

/// One advanced-query row: `configuration` is already an object there.
pub(crate) fn aggregated_row(mut row: Value) -> Option<(String, String, ConfigResource)> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let tags: Option<Tags> = row.get("tags").and_then(Value::as_array).map(|list| {
        list.iter()
            .filter_map(|t| Some((text(t, "key")?, text(t, "value").unwrap_or_default())))
            .collect()
    });
    let mut configuration = row
        .get_mut("configuration")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if let Some(extra) = row
        .get_mut("supplementaryConfiguration")
        .map(Value::take)
        .filter(|v| !v.is_null())
    {
        match &mut configuration {
            Value::Object(map) => {
                map.insert("supplementaryConfiguration".to_string(), extra);
            }
            _ => {
                configuration = serde_json::json!({ "configuration": configuration, "supplementaryConfiguration": extra })
            }
        }
    }
    let resource_type = text(&row, "resourceType")?;
    let references =
        (!configuration.is_null()).then(|| references::extract(&resource_type, &configuration));
    Some((
        text(&row, "accountId")?,
        text(&row, "awsRegion")?,
        ConfigResource {
            resource_type,
            arn: text(&row, "arn")?,
            name: text(&row, "resourceName"),
            tags,
            references,
            ..ConfigResource::default()
        },
    ))
}

/// A configuration item reduced to its references: `configuration` parsed, with the
/// `supplementaryConfiguration` entries (also JSON) under that key, then searched.
/// The item itself is dropped here: it may hold secret values.
pub(crate) fn item(i: BaseConfigurationItem) -> Option<ConfigResource> {
    let parse = |s: &str| {
        serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_string()))
    };
    let mut configuration = i
        .configuration
        .as_deref()
        .map(parse)
        .unwrap_or(serde_json::Value::Null);
    if let Some(extra) = i.supplementary_configuration.filter(|m| !m.is_empty()) {
        let extra: serde_json::Map<String, serde_json::Value> =
            extra.iter().map(|(k, v)| (k.clone(), parse(v))).collect();
        match &mut configuration {
            serde_json::Value::Object(map) => {
                map.insert(
                    "supplementaryConfiguration".to_string(),
                    serde_json::Value::Object(extra),
                );
            }
            _ => {
                configuration = serde_json::json!({ "configuration": configuration, "supplementaryConfiguration": extra });
            }
        }
    }
    let resource_type = i.resource_type.map(|t| t.as_str().to_string())?;
    let references =
        (!configuration.is_null()).then(|| references::extract(&resource_type, &configuration));
    Some(ConfigResource {
        resource_type,
        arn: i.arn?,
        name: i.resource_name,
        references,
        ..ConfigResource::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregator_rows_keep_account_region_tags_and_configuration() {
        let row = serde_json::json!({
            "accountId": "111111111111", "awsRegion": "eu-west-1", "resourceType": "AWS::SNS::Topic",
            "arn": "arn:aws:sns:eu-west-1:111111111111:t", "resourceName": "t",
            "tags": [{"key": "team", "value": "core"}],
            "configuration": {"TopicArn": "arn:aws:sns:eu-west-1:111111111111:t"},
            "supplementaryConfiguration": {"x": 1}
        });
        let (account, region, r) = aggregated_row(row).expect("complete row");
        assert_eq!(
            (account.as_str(), region.as_str()),
            ("111111111111", "eu-west-1")
        );
        assert_eq!(
            r.tags.expect("tags").get("team").map(String::as_str),
            Some("core")
        );
        let refs = r.references.expect("references");
        assert_eq!(
            refs.iter()
                .map(|x| (x.target.as_str(), x.path.as_str()))
                .collect::<Vec<_>>(),
            [("arn:aws:sns:eu-west-1:111111111111:t", "TopicArn")]
        );
        assert!(aggregated_row(serde_json::json!({"arn": "x"})).is_none());
    }

    #[test]
    fn configuration_is_parsed_and_supplementary_nested() {
        let i = BaseConfigurationItem::builder()
            .resource_type(ResourceType::from("AWS::Lambda::Function"))
            .arn("arn:aws:lambda:us-east-1:111111111111:function:f")
            .resource_name("f")
            .configuration(
                r#"{"environment":{"variables":{"URL":"https://x.eu-west-1.amazonaws.com"}}}"#,
            )
            .supplementary_configuration(
                "Policy",
                r#"{"Statement":[{"Resource":"arn:aws:sqs:us-west-2:111111111111:q"}]}"#,
            )
            .build();
        let r = item(i).expect("complete item");
        assert_eq!(r.resource_type, "AWS::Lambda::Function");
        let refs = r.references.expect("references");
        let found: Vec<(&str, &str)> = refs
            .iter()
            .map(|x| (x.region.as_str(), x.path.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "us-west-2",
                    "supplementaryConfiguration.Policy.Statement[0].Resource"
                ),
                ("eu-west-1", "environment.variables.URL"),
            ]
        );
    }
}
