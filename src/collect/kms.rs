//! KMS keys of one account in one region: DescribeKey for each key, aliases once
//! per region, tags for customer keys from the region's Tagging API read.
//!
//! AWS-managed keys are recognised by their `alias/aws/*` alias as well as by
//! `KeyManager`, and primary versus replica is decided by comparing the key's ARN
//! with the primary ARN of its multi-Region configuration: both are what the key
//! itself says, and they stay right where the `KeyManager`/`MultiRegionKeyType`
//! fields are missing or stale.

use super::gaps::{classify, pages, Ctx};
use super::tagging::SharedTags;
use crate::inventory::{KeyManager, KmsKey, MultiRegionKeyType};
use aws_sdk_kms::types::{KeyManagerType, KeyMetadata};
use aws_sdk_kms::Client;
use futures_util::future::join_all;
use std::collections::BTreeMap;

pub(crate) const SERVICE: &str = "kms";

/// Key id -> alias names, from one ListAliases walk. `None` when it failed.
pub(crate) async fn aliases(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<BTreeMap<String, Vec<String>>> {
    match pages!(ctx, client.list_aliases().into_paginator().send()) {
        Ok(pages) => {
            let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for a in pages
                .into_iter()
                .flat_map(|p| p.aliases.unwrap_or_default())
            {
                if let (Some(key), Some(name)) = (a.target_key_id, a.alias_name) {
                    by_key.entry(key).or_default().push(name);
                }
            }
            Some(by_key)
        }
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListAliases");
            None
        }
    }
}

/// Every key as (key id, key ARN). `None` (with a gap) when ListKeys failed.
pub(crate) async fn list(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<Vec<(String, String)>> {
    match pages!(ctx, client.list_keys().into_paginator().send()) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.keys.unwrap_or_default())
                .filter_map(|k| Some((k.key_id?, k.key_arn?)))
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListKeys");
            None
        }
    }
}

/// Whether a key is AWS-managed by its aliases (`alias/aws/...`).
pub(crate) fn has_aws_alias(aliases: Option<&Vec<String>>) -> bool {
    aliases.is_some_and(|a| a.iter().any(|n| n.starts_with("alias/aws/")))
}

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    tags: &SharedTags<'_>,
) -> Vec<KmsKey> {
    let Some(keys) = list(ctx, client, account, region).await else {
        return Vec::new();
    };
    if keys.is_empty() {
        return Vec::new();
    }
    // Aliases and key descriptions are independent: read them at once.
    let (aliases, described) = tokio::join!(
        aliases(ctx, client, account, region),
        join_all(
            keys.into_iter()
                .map(|(key_id, arn)| describe(ctx, client, account, region, key_id, arn))
        )
    );
    let tags = tags.get().await;
    let mut out: Vec<KmsKey> = described
        .into_iter()
        .map(|(mut key, meta)| {
            key.aliases = aliases
                .as_ref()
                .map(|a| a.get(&key.key_id).cloned().unwrap_or_default());
            let aws_alias = has_aws_alias(key.aliases.as_ref());
            if aws_alias {
                key.key_manager = Some(KeyManager::Aws);
            }
            if let Some(meta) = &meta {
                apply_metadata(&mut key, meta, aws_alias);
            }
            if key.key_manager == Some(KeyManager::Customer) {
                key.tags = tags.get(&key.arn);
            }
            key
        })
        .collect();
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

/// A key and its DescribeKey metadata (`None`, with a gap, when that failed).
async fn describe(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    key_id: String,
    arn: String,
) -> (KmsKey, Option<KeyMetadata>) {
    let key = KmsKey {
        arn: arn.clone(),
        key_id,
        ..KmsKey::default()
    };
    match ctx.send(client.describe_key().key_id(&arn).send()).await {
        Ok(out) => (key, out.key_metadata),
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                &format!("DescribeKey {arn}"),
            );
            (key, None)
        }
    }
}

/// Fills a key from its DescribeKey metadata.
pub(crate) fn apply_metadata(key: &mut KmsKey, meta: &KeyMetadata, aws_alias: bool) {
    key.key_manager = Some(match (&meta.key_manager, aws_alias) {
        (_, true) | (Some(KeyManagerType::Aws), _) => KeyManager::Aws,
        _ => KeyManager::Customer,
    });
    key.key_state = meta.key_state.as_ref().map(|s| s.as_str().to_string());
    let config = meta.multi_region_configuration.as_ref();
    // The API reference: a key with no multi-Region configuration is single-Region.
    key.multi_region = meta.multi_region.or(Some(config.is_some()));
    if let Some(config) = config {
        let primary = config.primary_key.as_ref().and_then(|p| p.arn.clone());
        key.multi_region_key_type = match &primary {
            Some(p) if *p == key.arn => Some(MultiRegionKeyType::Primary),
            Some(_) => Some(MultiRegionKeyType::Replica),
            None => config
                .multi_region_key_type
                .as_ref()
                .and_then(|t| match t.as_str() {
                    "PRIMARY" => Some(MultiRegionKeyType::Primary),
                    "REPLICA" => Some(MultiRegionKeyType::Replica),
                    _ => None,
                }),
        };
        key.primary_arn = primary;
        let mut regions: Vec<String> = config
            .replica_keys
            .iter()
            .flatten()
            .filter_map(|r| r.region.clone())
            .collect();
        regions.sort();
        regions.dedup();
        key.replica_regions = Some(regions);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kms::types::{
        MultiRegionConfiguration, MultiRegionKey, MultiRegionKeyType as SdkType,
    };

    fn key(arn: &str) -> KmsKey {
        KmsKey {
            arn: arn.into(),
            key_id: "k".into(),
            ..KmsKey::default()
        }
    }

    fn mrk(primary: &str, stated: SdkType) -> KeyMetadata {
        KeyMetadata::builder()
            .key_id("k")
            .key_manager(KeyManagerType::Customer)
            .multi_region(true)
            .multi_region_configuration(
                MultiRegionConfiguration::builder()
                    .multi_region_key_type(stated)
                    .primary_key(
                        MultiRegionKey::builder()
                            .arn(primary)
                            .region("us-east-1")
                            .build(),
                    )
                    .replica_keys(
                        MultiRegionKey::builder()
                            .arn("arn:r")
                            .region("eu-west-1")
                            .build(),
                    )
                    .build(),
            )
            .build()
            .expect("key id set")
    }

    #[test]
    fn primary_is_decided_by_arn_not_by_the_stated_type() {
        let mut k = key("arn:p");
        apply_metadata(&mut k, &mrk("arn:p", SdkType::Replica), false);
        assert_eq!(k.multi_region_key_type, Some(MultiRegionKeyType::Primary));
        assert_eq!(k.replica_regions, Some(vec!["eu-west-1".to_string()]));
        let mut r = key("arn:r");
        apply_metadata(&mut r, &mrk("arn:p", SdkType::Primary), false);
        assert_eq!(r.multi_region_key_type, Some(MultiRegionKeyType::Replica));
        assert_eq!(r.primary_arn.as_deref(), Some("arn:p"));
    }

    #[test]
    fn aws_alias_wins_over_stated_customer() {
        let mut k = key("arn:a");
        let meta = KeyMetadata::builder()
            .key_id("k")
            .key_manager(KeyManagerType::Customer)
            .build()
            .expect("id");
        apply_metadata(&mut k, &meta, true);
        assert_eq!(k.key_manager, Some(KeyManager::Aws));
        assert_eq!(k.multi_region, Some(false));
        assert_eq!(k.multi_region_key_type, None);
    }
}
