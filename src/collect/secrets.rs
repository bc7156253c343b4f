//! Secrets Manager metadata: ListSecrets, then DescribeSecret for replication
//! status. Never a secret value: the collector has no call that could read one.

use super::gaps::{classify, pages, Ctx};
use crate::inventory::{Secret, SecretReplica, Tags};
use aws_sdk_secretsmanager::types::Tag;
use aws_sdk_secretsmanager::Client;
use futures_util::future::join_all;

pub(crate) const SERVICE: &str = "secretsmanager";

/// Key Secrets Manager uses when a secret names none.
pub(crate) const DEFAULT_KEY: &str = "alias/aws/secretsmanager";

fn tags(list: Option<Vec<Tag>>) -> Option<Tags> {
    list.map(|l| {
        l.into_iter()
            .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
            .collect()
    })
}

/// Every secret as ListSecrets reports it. `None` (with a gap) when it failed.
pub(crate) async fn list(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Option<Vec<Secret>> {
    match pages!(ctx, client.list_secrets().into_paginator().send()) {
        Ok(pages) => Some(
            pages
                .into_iter()
                .flat_map(|p| p.secret_list.unwrap_or_default())
                .filter_map(|s| {
                    Some(Secret {
                        arn: s.arn?,
                        name: s.name.unwrap_or_default(),
                        kms_key_id: s.kms_key_id,
                        primary_region: s.primary_region,
                        replicas: None,
                        owning_service: s.owning_service,
                        tags: tags(s.tags),
                    })
                })
                .collect(),
        ),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListSecrets");
            None
        }
    }
}

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<Secret> {
    let Some(secrets) = list(ctx, client, account, region).await else {
        return Vec::new();
    };
    let mut out: Vec<Secret> = join_all(
        secrets
            .into_iter()
            .map(|s| describe(ctx, client, account, region, s)),
    )
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out
}

async fn describe(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    mut secret: Secret,
) -> Secret {
    // A replica (listed with the region of its primary) has no replicas of its own
    // and ListSecrets already gave its key and tags: nothing more to ask.
    if secret
        .primary_region
        .as_deref()
        .is_some_and(|p| p != region)
    {
        secret.kms_key_id = Some(secret.kms_key_id.unwrap_or_else(|| DEFAULT_KEY.to_string()));
        secret.replicas = Some(Vec::new());
        secret.tags = Some(secret.tags.unwrap_or_default());
        return secret;
    }
    match ctx
        .send(client.describe_secret().secret_id(&secret.arn).send())
        .await
    {
        Ok(d) => {
            secret.kms_key_id = Some(d.kms_key_id.unwrap_or_else(|| DEFAULT_KEY.to_string()));
            secret.primary_region = d.primary_region.or(secret.primary_region);
            secret.owning_service = d.owning_service.or(secret.owning_service);
            // DescribeSecret succeeded: no ReplicationStatus means no replica. A
            // replica may list itself; only other regions are replicas of it.
            let mut replicas: Vec<SecretReplica> = d
                .replication_status
                .unwrap_or_default()
                .into_iter()
                .filter(|r| r.region.as_deref() != Some(region))
                .filter_map(|r| {
                    Some(SecretReplica {
                        region: r.region?,
                        status: r.status.map(|s| s.as_str().to_string()),
                        status_message: r.status_message,
                        kms_key_id: r.kms_key_id,
                    })
                })
                .collect();
            replicas.sort_by(|a, b| a.region.cmp(&b.region));
            secret.replicas = Some(replicas);
            secret.tags = Some(tags(d.tags).unwrap_or_default());
        }
        Err(e) => ctx.gap(
            account,
            Some(region),
            SERVICE,
            classify(&e),
            &format!("DescribeSecret {}", secret.arn),
        ),
    }
    secret
}
