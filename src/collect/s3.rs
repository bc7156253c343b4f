//! S3 buckets of one account: where each is, how it replicates, and whether its
//! replication destinations keep versions. Metadata only: no call here can read
//! an object.
//!
//! ListBuckets is account-wide: one call (per 10,000 buckets) returns every bucket
//! with its `BucketRegion` (returned only when the request names `MaxBuckets`), so
//! it runs once per account, not per region, and also places the buckets of the
//! swept regions. Then, for each bucket in a pair region, one GetBucketReplication
//! (404 `ReplicationConfigurationNotFoundError` is "no replication", not a gap),
//! and, once per distinct destination among the account's own buckets, one
//! GetBucketVersioning. Each request goes to the bucket's own region: another
//! region's endpoint answers 301 `PermanentRedirect`. Cost: ceil(buckets/10,000)
//! per account, plus at most 2 per bucket in the pair (1 when it is no
//! replication destination), plus 1 per destination outside the pair.

use super::clients::{s3_client, Session};
use super::gaps::{classify, pages, Ctx, Failure, MALFORMED};
use crate::inventory::{ConfigResource, S3Bucket, S3ReplicationRule};
use aws_sdk_s3::types::ReplicationRule;
use aws_sdk_s3::Client;
use futures_util::future::join_all;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) const SERVICE: &str = "s3";

/// ListBuckets' largest page (API reference, ListBuckets `MaxBuckets`: 1-10,000).
const MAX_BUCKETS: i32 = 10_000;

/// A bucket of the account and its region.
#[derive(Debug, Clone)]
struct Listed {
    name: String,
    region: String,
}

/// What the account's buckets contribute to each region read: typed buckets in
/// the pair, plain resources in the swept regions.
#[derive(Debug, Default)]
pub(crate) struct Buckets {
    pub pair: BTreeMap<String, Vec<S3Bucket>>,
    pub swept: BTreeMap<String, Vec<ConfigResource>>,
}

pub(crate) fn bucket_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}

/// The bucket name of a bucket ARN (`arn:aws:s3:::name`).
fn name_of(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// Every bucket of the account with its region. `None` when the listing failed:
/// a gap is recorded for each region read, since the buckets of each are unseen.
async fn list(ctx: &Ctx, client: &Client, account: &str, regions: &[&str]) -> Option<Vec<Listed>> {
    let failed = |f: Failure| {
        for region in regions {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f.clone(),
                "ListBuckets (account-wide: this region's buckets are unseen)",
            );
        }
    };
    let pages = match pages!(
        ctx,
        client
            .list_buckets()
            .max_buckets(MAX_BUCKETS)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => pages,
        Err((_, f)) => {
            failed(f);
            return None;
        }
    };
    let mut out = Vec::new();
    for bucket in pages
        .into_iter()
        .flat_map(|p| p.buckets.unwrap_or_default())
    {
        let Some(name) = bucket.name else { continue };
        // AWS names the region of every bucket when the request has `MaxBuckets`;
        // a bucket without one cannot be placed, and guessing would misjudge it.
        let Some(region) = bucket.bucket_region else {
            failed(Failure::new(
                MALFORMED,
                format!("bucket {name} has no BucketRegion although MaxBuckets was sent"),
            ));
            return None;
        };
        out.push(Listed { name, region });
    }
    Some(out)
}

/// The account's buckets in `pair_regions` (with replication and destination
/// versioning) and in `sweep_regions` (listed only). Buckets in other regions are
/// left out, as every service's resources there are.
pub(crate) async fn collect(
    ctx: &Ctx,
    session: &Session,
    partition: &str,
    pair_regions: &[String],
    sweep_regions: &[String],
) -> Buckets {
    let account = session.account.as_str();
    let Some(first) = pair_regions.first().or(sweep_regions.first()) else {
        return Buckets::default();
    };
    let read: Vec<&str> = pair_regions
        .iter()
        .chain(sweep_regions)
        .map(String::as_str)
        .collect();
    let lister = s3_client(session, first);
    let Some(listed) = list(ctx, &lister, account, &read).await else {
        return Buckets::default();
    };
    let region_of: BTreeMap<&str, &str> = listed
        .iter()
        .map(|b| (b.name.as_str(), b.region.as_str()))
        .collect();
    let clients: BTreeMap<&str, Client> =
        read.iter().map(|r| (*r, s3_client(session, r))).collect();
    let in_pair: Vec<&Listed> = listed
        .iter()
        .filter(|b| pair_regions.contains(&b.region))
        .collect();
    let mut buckets: Vec<(String, S3Bucket)> = join_all(in_pair.iter().map(|b| {
        let client = &clients[b.region.as_str()];
        let arn = bucket_arn(partition, &b.name);
        async move {
            let replication_rules =
                replication(ctx, client, account, &b.region, &b.name, &arn).await;
            (
                b.region.clone(),
                S3Bucket {
                    arn,
                    name: b.name.clone(),
                    versioning: None,
                    replication_rules,
                    tags: None,
                },
            )
        }
    }))
    .await;

    // Versioning of every destination the account owns, once each, in its region.
    let destinations: BTreeSet<(&str, &str)> = buckets
        .iter()
        .flat_map(|(_, b)| b.replication_rules.iter().flatten())
        .filter(|r| r.status == "Enabled")
        .filter_map(|r| {
            let name = name_of(&r.destination_bucket);
            region_of.get(name).map(|region| (name, *region))
        })
        .collect();
    let read_versioning = destinations.iter().map(|(name, region)| {
        let client = clients
            .get(region)
            .cloned()
            .unwrap_or_else(|| s3_client(session, region));
        let arn = bucket_arn(partition, name);
        async move {
            let v = versioning(ctx, &client, account, region, name, &arn).await;
            (name.to_string(), v)
        }
    });
    let versioning: BTreeMap<String, Option<String>> =
        join_all(read_versioning).await.into_iter().collect();

    for (_, bucket) in &mut buckets {
        if let Some(v) = versioning.get(&bucket.name) {
            bucket.versioning.clone_from(v);
        }
        for rule in bucket.replication_rules.iter_mut().flatten() {
            let name = name_of(&rule.destination_bucket);
            rule.destination_region = region_of.get(name).map(|r| r.to_string());
            rule.destination_versioning = versioning.get(name).cloned().flatten();
        }
    }
    let mut out = Buckets::default();
    for (region, bucket) in buckets {
        out.pair.entry(region).or_default().push(bucket);
    }
    for b in listed.iter().filter(|b| sweep_regions.contains(&b.region)) {
        out.swept
            .entry(b.region.clone())
            .or_default()
            .push(ConfigResource {
                resource_type: "AWS::S3::Bucket".to_string(),
                arn: bucket_arn(partition, &b.name),
                name: Some(b.name.clone()),
                ..ConfigResource::default()
            });
    }
    for list in out.pair.values_mut() {
        list.sort_by(|a, b| a.arn.cmp(&b.arn));
    }
    out
}

/// The bucket's replication rules: empty when it has no replication
/// configuration, `None` (with a gap) when it could not be read.
async fn replication(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    name: &str,
    arn: &str,
) -> Option<Vec<S3ReplicationRule>> {
    match ctx
        .send(client.get_bucket_replication().bucket(name).send())
        .await
    {
        Ok(out) => Some(
            out.replication_configuration
                .map(|c| c.rules.into_iter().filter_map(rule).collect())
                .unwrap_or_default(),
        ),
        Err(e) => {
            let f = classify(&e);
            // S3's answer for a bucket without replication (S3 API reference,
            // GetBucketReplication, and "Error responses").
            if f.code == "ReplicationConfigurationNotFoundError" {
                return Some(Vec::new());
            }
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                &format!("GetBucketReplication {arn}"),
            );
            None
        }
    }
}

/// One rule, normalized; a rule with no destination replicates nothing.
fn rule(r: ReplicationRule) -> Option<S3ReplicationRule> {
    let destination = r.destination?;
    let filter = r.filter.as_ref();
    let and = filter.and_then(|f| f.and.as_ref());
    let prefix = filter
        .and_then(|f| f.prefix.clone())
        .or_else(|| and.and_then(|a| a.prefix.clone()))
        .or({
            // A V1 rule (no `Filter`) names its prefix here; the SDK marks the
            // member deprecated, but AWS still returns such rules.
            #[allow(deprecated)]
            r.prefix
        });
    let tag_filter = filter.is_some_and(|f| f.tag.is_some())
        || and.is_some_and(|a| a.tags.as_ref().is_some_and(|t| !t.is_empty()));
    Some(S3ReplicationRule {
        id: r.id,
        status: r.status.as_str().to_string(),
        priority: r.priority,
        prefix,
        tag_filter,
        destination_bucket: destination.bucket,
        destination_account: destination.account,
        destination_region: None,
        destination_versioning: None,
        storage_class: destination.storage_class.map(|s| s.as_str().to_string()),
        replication_time: destination
            .replication_time
            .is_some_and(|t| t.status.as_str() == "Enabled"),
        metrics: destination
            .metrics
            .is_some_and(|m| m.status.as_str() == "Enabled"),
        delete_marker_replication: r
            .delete_marker_replication
            .and_then(|d| d.status)
            .is_some_and(|s| s.as_str() == "Enabled"),
        replica_modifications: r
            .source_selection_criteria
            .and_then(|c| c.replica_modifications)
            .is_some_and(|m| m.status.as_str() == "Enabled"),
    })
}

/// A bucket's versioning state: `Enabled`, `Suspended`, or `Unversioned` when it
/// was never enabled (GetBucketVersioning then returns no `Status`: S3 user guide,
/// "Retaining multiple versions of objects with S3 Versioning"). `None` (with a
/// gap) when it could not be read.
async fn versioning(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    name: &str,
    arn: &str,
) -> Option<String> {
    match ctx
        .send(client.get_bucket_versioning().bucket(name).send())
        .await
    {
        Ok(out) => Some(
            out.status
                .map_or_else(|| "Unversioned".to_string(), |s| s.as_str().to_string()),
        ),
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                &format!("GetBucketVersioning {arn}"),
            );
            None
        }
    }
}
