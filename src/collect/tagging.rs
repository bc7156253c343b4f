//! Tags of a region's resources from the Resource Groups Tagging API, in one paged
//! read instead of one tag call per resource.
//!
//! `GetResources` returns up to 100 resources per page, restricted here to the
//! resource types the collector reads tags for. AWS lists tagged and previously
//! tagged resources only, so a resource absent from pages that were all read has no
//! tags; when a page fails, every resource's tags in the region are unknown (a gap),
//! never "no tags". Auto Scaling groups and IAM are not served by this API: their
//! tags come with their own describe calls.

use super::gaps::{pages, Ctx};
use crate::inventory::Tags;
use aws_sdk_resourcegroupstagging::Client;
use std::collections::HashMap;

pub(crate) const SERVICE: &str = "tag";

/// Resource types whose tags are read here (`service[:resourceType]`, as the API's
/// `ResourceTypeFilters` takes them). A collector that reads tags from this source
/// adds its type here; the filter keeps the pages to the resources the scan judges.
pub(crate) const RESOURCE_TYPES: &[&str] = &[
    "dynamodb:table",
    "kms:key",
    "s3:bucket",
    "lambda:function",
    "ecs:service",
    "elasticache:replicationgroup",
    "ecr:repository",
];

/// Page size AWS allows at most.
const PAGE: i32 = 100;

/// The tags of one account's resources in one region.
#[derive(Debug, Clone, Default)]
pub(crate) struct RegionTags {
    /// `None` when the read failed: every resource's tags are unknown.
    by_arn: Option<HashMap<String, Tags>>,
}

impl RegionTags {
    /// Tags known for every resource (tests, and regions with nothing to tag).
    pub(crate) fn from_map(by_arn: HashMap<String, Tags>) -> RegionTags {
        RegionTags {
            by_arn: Some(by_arn),
        }
    }

    /// Tags that could not be read.
    pub(crate) fn unknown() -> RegionTags {
        RegionTags { by_arn: None }
    }

    /// The tags of the resource with this ARN: empty when the region was read and
    /// the resource is not listed, `None` when the region's tags are unknown.
    pub(crate) fn get(&self, arn: &str) -> Option<Tags> {
        self.by_arn
            .as_ref()
            .map(|m| m.get(arn).cloned().unwrap_or_default())
    }
}

/// Reads the tags of the region's resources of [`RESOURCE_TYPES`]. A failed page
/// is a gap and leaves every tag of the region unknown.
pub(crate) async fn read(ctx: &Ctx, client: &Client, account: &str, region: &str) -> RegionTags {
    let request = client
        .get_resources()
        .resources_per_page(PAGE)
        .set_resource_type_filters(Some(RESOURCE_TYPES.iter().map(|t| t.to_string()).collect()))
        .into_paginator()
        .send();
    match pages!(ctx, request) {
        Ok(pages) => {
            let mut by_arn = HashMap::new();
            for mapping in pages
                .into_iter()
                .flat_map(|p| p.resource_tag_mapping_list.unwrap_or_default())
            {
                let Some(arn) = mapping.resource_arn else {
                    continue;
                };
                let tags: Tags = mapping
                    .tags
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| (t.key, t.value))
                    .collect();
                by_arn.insert(arn, tags);
            }
            RegionTags::from_map(by_arn)
        }
        Err((_, failure)) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                failure,
                "GetResources (tags of the region's resources unknown)",
            );
            RegionTags::unknown()
        }
    }
}

/// The region's tags, read once and shared by the collectors that attach them.
/// The read starts with the region's other reads (see `pair_region`) instead of
/// before them, so it adds no round trip to any collector's chain of calls: a
/// collector waits for it only when it attaches tags, at its end, and only if it
/// is still in flight.
pub(crate) struct SharedTags<'a> {
    cell: tokio::sync::OnceCell<RegionTags>,
    ctx: &'a Ctx,
    client: &'a Client,
    account: &'a str,
    region: &'a str,
}

impl<'a> SharedTags<'a> {
    pub(crate) fn new(
        ctx: &'a Ctx,
        client: &'a Client,
        account: &'a str,
        region: &'a str,
    ) -> SharedTags<'a> {
        SharedTags {
            cell: tokio::sync::OnceCell::new(),
            ctx,
            client,
            account,
            region,
        }
    }

    /// The tags: read by the first caller, awaited by the others.
    pub(crate) async fn get(&self) -> &RegionTags {
        self.cell
            .get_or_init(|| read(self.ctx, self.client, self.account, self.region))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unlisted_resource_has_no_tags_only_when_the_region_was_read() {
        let mut map = HashMap::new();
        let mut tags = Tags::new();
        tags.insert("team".into(), "core".into());
        map.insert("arn:a".to_string(), tags.clone());
        let read = RegionTags::from_map(map);
        assert_eq!(read.get("arn:a"), Some(tags));
        assert_eq!(read.get("arn:b"), Some(Tags::new()));
        assert_eq!(RegionTags::unknown().get("arn:a"), None);
    }
}
