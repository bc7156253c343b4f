//! AWS Config: the compute configurations (functions, task definitions, state
//! machines, rules, topics, APIs) that hot-path rules search for cross-region
//! references. Config being off or denied is a gap, never a failure of the scan.
//!
//! "Config answered with nothing" must not read as "there is nothing": an
//! aggregator is trusted only for the accounts and regions its sources name and
//! whose last update succeeded (the rest are read account by account); a recorder
//! that is stopped, or that does not record a type, is a gap for that type; keys
//! BatchGetResourceConfig leaves unprocessed are asked again.

use super::gaps::{classify, pages, Ctx, Failure};
use crate::analysis::references;
use crate::inventory::{ConfigResource, Tags};
use crate::kinds::config_resource::collected_compute_types;
use aws_sdk_config::types::{
    AggregatedSourceStatusType, BaseConfigurationItem, RecordingGroup, RecordingStrategyType,
    ResourceKey, ResourceType,
};
use aws_sdk_config::Client;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Compute configurations of the whole organization from a Config aggregator, and
/// which (account, region) pairs the aggregator really covers.
pub(crate) struct Aggregated {
    resources: HashMap<(String, String), Vec<ConfigResource>>,
    /// Accounts the aggregator sources name; `None` = every account (organization).
    accounts: Option<BTreeSet<String>>,
    /// Regions the aggregator sources name; `None` = every region.
    regions: Option<BTreeSet<String>>,
    /// (source id, region) whose last update did not succeed; the source id is an
    /// account or, for an organization source, the organization.
    failed: BTreeSet<(String, String)>,
    /// Organization id, to match organization sources in `failed`.
    organization: Option<String>,
}

impl Aggregated {
    /// The organization id, to match organization sources whose update failed.
    pub(crate) fn set_organization(&mut self, id: Option<String>) {
        self.organization = id;
    }

    /// The aggregator's resources of an account and region when it covers them
    /// (its sources name them and their last update succeeded); `None` otherwise,
    /// and that account and region are read on their own instead.
    pub(crate) fn covered(&self, account: &str, region: &str) -> Option<Vec<ConfigResource>> {
        let named = self.accounts.as_ref().is_none_or(|a| a.contains(account))
            && self.regions.as_ref().is_none_or(|r| r.contains(region));
        let failed = |id: &str| self.failed.contains(&(id.to_string(), region.to_string()));
        let stale = failed(account) || self.organization.as_deref().is_some_and(failed);
        (named && !stale).then(|| {
            self.resources
                .get(&(account.to_string(), region.to_string()))
                .cloned()
                .unwrap_or_default()
        })
    }
}

/// Value of `Inventory.source.outside_pair_sources` when the aggregator answered.
pub const AGGREGATOR_SOURCE: &str = "aws-config-aggregator";

pub(crate) const SERVICE: &str = "config";

/// BatchGetResourceConfig takes at most 100 keys.
const BATCH: usize = 100;

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<ConfigResource> {
    let gap = |f: Failure, what: &str| ctx.gap(account, Some(region), SERVICE, f, what);
    let recorders = match ctx
        .send(client.describe_configuration_recorders().send())
        .await
    {
        Ok(out) => out.configuration_recorders.unwrap_or_default(),
        Err(e) => {
            gap(classify(&e), "DescribeConfigurationRecorders");
            return Vec::new();
        }
    };
    if recorders.is_empty() {
        gap(
            Failure::new(
                "NoConfigurationRecorder",
                "AWS Config is not recording here: compute configurations not read",
            ),
            "DescribeConfigurationRecorders",
        );
        return Vec::new();
    }
    match ctx
        .send(client.describe_configuration_recorder_status().send())
        .await
    {
        Ok(out) => {
            let statuses = out.configuration_recorders_status.unwrap_or_default();
            if !statuses.iter().any(|s| s.recording) {
                gap(
                    Failure::new(
                        "ConfigurationRecorderStopped",
                        "a configuration recorder exists but is not recording: what it holds may be out of date, compute configurations not read",
                    ),
                    "DescribeConfigurationRecorderStatus",
                );
                return Vec::new();
            }
        }
        Err(e) => {
            gap(classify(&e), "DescribeConfigurationRecorderStatus");
            return Vec::new();
        }
    }
    let (recorded, missing): (Vec<&str>, Vec<&str>) = collected_compute_types().partition(|t| {
        recorders
            .iter()
            .any(|r| records(r.recording_group.as_ref(), t))
    });
    if !missing.is_empty() {
        gap(
            Failure::new(
                "ResourceTypeNotRecorded",
                format!(
                    "the configuration recorder does not record {}: their hot-path references are not known",
                    missing.join(", ")
                ),
            ),
            "DescribeConfigurationRecorders",
        );
    }
    let mut out = Vec::new();
    for resource_type in recorded {
        let listed = pages!(
            ctx,
            client
                .list_discovered_resources()
                .resource_type(ResourceType::from(resource_type))
                .into_paginator()
                .send()
        );
        let ids = match listed {
            Ok(pages) => pages
                .into_iter()
                .flat_map(|p| p.resource_identifiers.unwrap_or_default())
                .collect::<Vec<_>>(),
            Err((_, f)) => {
                gap(f, &format!("ListDiscoveredResources {resource_type}"));
                continue;
            }
        };
        let keys: Vec<ResourceKey> = ids
            .into_iter()
            .filter_map(|id| {
                ResourceKey::builder()
                    .resource_type(ResourceType::from(resource_type))
                    .resource_id(id.resource_id?)
                    .build()
                    .ok()
            })
            .collect();
        for chunk in keys.chunks(BATCH) {
            out.extend(batch(ctx, client, account, region, resource_type, chunk.to_vec()).await);
        }
    }
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

/// Whether a recording group records a resource type. No group at all is AWS's
/// default: every supported type.
fn records(group: Option<&RecordingGroup>, resource_type: &str) -> bool {
    let Some(group) = group else {
        return true;
    };
    let listed = |list: Option<&Vec<ResourceType>>| {
        list.is_some_and(|l| l.iter().any(|t| t.as_str() == resource_type))
    };
    let excluded = || {
        listed(
            group
                .exclusion_by_resource_types
                .as_ref()
                .and_then(|e| e.resource_types.as_ref()),
        )
    };
    match group
        .recording_strategy
        .as_ref()
        .and_then(|s| s.use_only.as_ref())
    {
        Some(RecordingStrategyType::ExclusionByResourceTypes) => !excluded(),
        Some(RecordingStrategyType::InclusionByResourceTypes) => {
            listed(group.resource_types.as_ref())
        }
        _ if group.all_supported => true,
        _ => listed(group.resource_types.as_ref()),
    }
}

/// Rounds of BatchGetResourceConfig for keys AWS left unprocessed.
const UNPROCESSED_ROUNDS: usize = 3;

/// Configuration items of up to [`BATCH`] keys. Keys AWS returns as unprocessed are
/// asked again; those still unprocessed after that are a gap.
async fn batch(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    resource_type: &str,
    mut keys: Vec<ResourceKey>,
) -> Vec<ConfigResource> {
    let mut out = Vec::new();
    for _ in 0..UNPROCESSED_ROUNDS {
        match ctx
            .send(
                client
                    .batch_get_resource_config()
                    .set_resource_keys(Some(keys.clone()))
                    .send(),
            )
            .await
        {
            Ok(batch) => {
                out.extend(
                    batch
                        .base_configuration_items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(item),
                );
                keys = batch.unprocessed_resource_keys.unwrap_or_default();
                if keys.is_empty() {
                    return out;
                }
            }
            Err(e) => {
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    classify(&e),
                    &format!("BatchGetResourceConfig {resource_type}"),
                );
                return out;
            }
        }
    }
    ctx.gap(
        account,
        Some(region),
        SERVICE,
        Failure::new(
            "UnprocessedResourceKeys",
            format!(
                "{} configuration items still unprocessed after {UNPROCESSED_ROUNDS} attempts",
                keys.len()
            ),
        ),
        &format!("BatchGetResourceConfig {resource_type}"),
    );
    out
}

/// One advanced query over the caller's aggregator (an organization aggregator
/// when there is one) instead of two calls per type per account and region.
/// `None` when there is no usable aggregator: each account is then read on its
/// own. An aggregator that exists but fails is a gap (in the caller's account and
/// region), and the accounts are read on their own too.
pub(crate) async fn aggregated(
    ctx: &Ctx,
    client: &Client,
    caller: &str,
    region: &str,
) -> Option<Aggregated> {
    let gap = |f: Failure, what: &str| {
        ctx.gap(
            caller,
            Some(region),
            SERVICE,
            f,
            &format!("{what} (each account's AWS Config is read instead)"),
        );
    };
    let aggregators = match pages!(
        ctx,
        client
            .describe_configuration_aggregators()
            .into_paginator()
            .send()
    ) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.configuration_aggregators.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => {
            gap(f, "DescribeConfigurationAggregators");
            return None;
        }
    };
    let aggregator = aggregators
        .iter()
        .find(|a| a.organization_aggregation_source.is_some())
        .or(aggregators.first())?;
    let name = aggregator.configuration_aggregator_name.clone()?;
    let (accounts, regions) = sources(aggregator);
    let failed = match pages!(
        ctx,
        client
            .describe_configuration_aggregator_sources_status()
            .configuration_aggregator_name(&name)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.aggregated_source_status_list.unwrap_or_default())
            .filter(|s| {
                s.last_update_status.as_ref() != Some(&AggregatedSourceStatusType::Succeeded)
            })
            .filter_map(|s| Some((s.source_id?, s.aws_region?)))
            .collect::<BTreeSet<_>>(),
        Err((_, f)) => {
            gap(
                f,
                &format!("DescribeConfigurationAggregatorSourcesStatus {name}"),
            );
            return None;
        }
    };
    let types: Vec<String> = collected_compute_types()
        .map(|t| format!("'{t}'"))
        .collect();
    let expression = format!(
        "SELECT accountId, awsRegion, resourceType, arn, resourceName, tags, configuration, supplementaryConfiguration WHERE resourceType IN ({})",
        types.join(", ")
    );
    let pages = match pages!(
        ctx,
        client
            .select_aggregate_resource_config()
            .configuration_aggregator_name(&name)
            .expression(expression)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => pages,
        Err((_, f)) => {
            gap(f, &format!("SelectAggregateResourceConfig {name}"));
            return None;
        }
    };
    let mut resources: HashMap<(String, String), Vec<ConfigResource>> = HashMap::new();
    for row in pages
        .into_iter()
        .flat_map(|p| p.results.unwrap_or_default())
    {
        let Ok(row) = serde_json::from_str::<Value>(&row) else {
            continue;
        };
        if let Some((account, region, resource)) = aggregated_row(row) {
            resources
                .entry((account, region))
                .or_default()
                .push(resource);
        }
    }
    for list in resources.values_mut() {
        list.sort_by(|a, b| a.arn.cmp(&b.arn));
    }
    Some(Aggregated {
        resources,
        accounts,
        regions,
        failed,
        organization: None,
    })
}

/// Accounts and regions an aggregator's sources name (`None` = all).
fn sources(
    aggregator: &aws_sdk_config::types::ConfigurationAggregator,
) -> (Option<BTreeSet<String>>, Option<BTreeSet<String>>) {
    if let Some(org) = &aggregator.organization_aggregation_source {
        let regions =
            (!org.all_aws_regions).then(|| org.aws_regions.iter().flatten().cloned().collect());
        return (None, regions);
    }
    let list = aggregator
        .account_aggregation_sources
        .as_deref()
        .unwrap_or_default();
    let accounts = list.iter().flat_map(|s| s.account_ids.clone()).collect();
    let regions = (!list.iter().any(|s| s.all_aws_regions)).then(|| {
        list.iter()
            .flat_map(|s| s.aws_regions.iter().flatten().cloned())
            .collect()
    });
    (Some(accounts), regions)
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
