//! ECS services: ListClusters, ListServices per cluster, DescribeServices ten at a
//! time with their tags, and DescribeTaskDefinition once per task definition in
//! use (services of one release share it).
//!
//! Container environment values are searched for references and dropped here;
//! only variable names, references and `secrets[].valueFrom` ARNs are kept.

use super::gaps::{classify, pages, Ctx};
use crate::inventory::{EcsService, EcsTask, Tags};
use aws_sdk_ecs::types::{ServiceField, TaskDefinition};
use aws_sdk_ecs::Client;
use futures_util::future::join_all;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(crate) const SERVICE: &str = "ecs";

/// DescribeServices takes at most 10 services per call (API reference).
const DESCRIBE_BATCH: usize = 10;

/// The last part of an ECS ARN (`cluster/prod` -> `prod`, `service/prod/web` -> `web`).
fn last_part(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

pub(crate) async fn collect(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
) -> Vec<EcsService> {
    let clusters = match pages!(ctx, client.list_clusters().into_paginator().send()) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.cluster_arns.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => {
            ctx.gap(account, Some(region), SERVICE, f, "ListClusters");
            return Vec::new();
        }
    };
    let per_cluster = join_all(
        clusters
            .iter()
            .map(|c| cluster_services(ctx, client, account, region, c)),
    )
    .await;
    let mut services: Vec<EcsService> = per_cluster.into_iter().flatten().collect();
    let mut tasks: BTreeMap<String, Option<EcsTask>> = services
        .iter()
        .filter_map(|s| s.task_definition.clone())
        .map(|t| (t, None))
        .collect();
    let described = join_all(
        tasks
            .keys()
            .map(|arn| task_definition(ctx, client, account, region, arn)),
    )
    .await;
    for (slot, task) in tasks.values_mut().zip(described) {
        *slot = task;
    }
    for s in &mut services {
        s.task = s
            .task_definition
            .as_ref()
            .and_then(|t| tasks.get(t).cloned().flatten());
    }
    services.sort_by(|a, b| a.arn.cmp(&b.arn));
    services
}

/// The services of one cluster, described. A failed ListServices is a gap that
/// leaves the region's services unseen; a failed DescribeServices keeps the
/// listed services with only their names.
async fn cluster_services(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    cluster_arn: &str,
) -> Vec<EcsService> {
    let cluster = last_part(cluster_arn).to_string();
    let arns = match pages!(
        ctx,
        client
            .list_services()
            .cluster(cluster_arn)
            .into_paginator()
            .send()
    ) {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.service_arns.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err((_, f)) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                f,
                &format!("ListServices {cluster_arn}"),
            );
            return Vec::new();
        }
    };
    let batches = join_all(arns.chunks(DESCRIBE_BATCH).map(|batch| {
        describe_services(ctx, client, account, region, cluster_arn, &cluster, batch)
    }))
    .await;
    batches.into_iter().flatten().collect()
}

async fn describe_services(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    cluster_arn: &str,
    cluster: &str,
    batch: &[String],
) -> Vec<EcsService> {
    let listed = |arn: &String| EcsService {
        arn: arn.clone(),
        name: last_part(arn).to_string(),
        cluster: cluster.to_string(),
        ..EcsService::default()
    };
    let request = client
        .describe_services()
        .cluster(cluster_arn)
        .set_services(Some(batch.to_vec()))
        .include(ServiceField::Tags);
    match ctx.send(request.send()).await {
        Ok(out) => {
            let mut found: Vec<EcsService> = out
                .services
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| {
                    let arn = s.service_arn?;
                    Some(EcsService {
                        name: s
                            .service_name
                            .unwrap_or_else(|| last_part(&arn).to_string()),
                        arn,
                        cluster: cluster.to_string(),
                        status: s.status,
                        desired_count: Some(i64::from(s.desired_count)),
                        launch_type: s.launch_type.map(|l| l.as_str().to_string()),
                        capacity_providers: Some(
                            s.capacity_provider_strategy
                                .unwrap_or_default()
                                .into_iter()
                                .map(|c| c.capacity_provider)
                                .collect(),
                        ),
                        task_definition: s.task_definition,
                        task: None,
                        tags: Some(
                            s.tags
                                .unwrap_or_default()
                                .into_iter()
                                .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
                                .collect::<Tags>(),
                        ),
                    })
                })
                .collect();
            // A service deleted since it was listed is reported MISSING: gone, not
            // unseen. Any other failure keeps the service with its name only, as
            // does a listed service the answer leaves out altogether.
            let failures = out.failures.unwrap_or_default();
            for arn in batch {
                let answered = found.iter().any(|s| &s.arn == arn)
                    || failures.iter().any(|f| f.arn.as_ref() == Some(arn));
                if !answered {
                    found.push(listed(arn));
                }
            }
            for failure in failures {
                let Some(arn) = failure.arn else { continue };
                if failure.reason.as_deref() == Some("MISSING") {
                    continue;
                }
                ctx.gap(
                    account,
                    Some(region),
                    SERVICE,
                    super::gaps::Failure::new(
                        failure.reason.as_deref().unwrap_or("Failure"),
                        failure.detail.unwrap_or_default(),
                    ),
                    &format!("DescribeServices {arn}"),
                );
                found.push(listed(&arn));
            }
            found
        }
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                &format!("DescribeServices {} (in {cluster_arn})", batch.join(", ")),
            );
            batch.iter().map(listed).collect()
        }
    }
}

/// A task definition reduced to what rules read. `None` (with a gap) when unreadable.
async fn task_definition(
    ctx: &Ctx,
    client: &Client,
    account: &str,
    region: &str,
    arn: &str,
) -> Option<EcsTask> {
    match ctx
        .send(
            client
                .describe_task_definition()
                .task_definition(arn)
                .send(),
        )
        .await
    {
        Ok(out) => out.task_definition.map(|t| reduce(&t)),
        Err(e) => {
            ctx.gap(
                account,
                Some(region),
                SERVICE,
                classify(&e),
                &format!("DescribeTaskDefinition {arn}"),
            );
            None
        }
    }
}

/// Images, sizes, variable names and references of a task definition; every
/// environment value is dropped once searched.
pub(crate) fn reduce(t: &TaskDefinition) -> EcsTask {
    let mut images = Vec::new();
    let mut names = Vec::new();
    let mut containers = Map::new();
    for c in t.container_definitions() {
        let container = c.name().unwrap_or_default();
        if let Some(image) = c.image() {
            images.push(image.to_string());
        }
        let mut environment = Map::new();
        for kv in c.environment() {
            if let Some(name) = kv.name() {
                names.push(format!("{container}.{name}"));
                environment.insert(
                    name.to_string(),
                    Value::from(kv.value().unwrap_or_default()),
                );
            }
        }
        let mut secrets = Map::new();
        for s in c.secrets() {
            names.push(format!("{container}.{}", s.name()));
            secrets.insert(s.name().to_string(), Value::from(s.value_from()));
        }
        let mut entry = Map::new();
        entry.insert("environment".into(), Value::Object(environment));
        entry.insert("secrets".into(), Value::Object(secrets));
        if let Some(credentials) = c.repository_credentials() {
            entry.insert(
                "repositoryCredentials".into(),
                Value::from(credentials.credentials_parameter()),
            );
        }
        containers.insert(container.to_string(), Value::Object(entry));
    }
    let mut root = Map::new();
    root.insert("containerDefinitions".into(), Value::Object(containers));
    let references =
        crate::analysis::references::extract("AWS::ECS::TaskDefinition", &Value::Object(root));
    EcsTask {
        cpu: t.cpu().map(str::to_string),
        memory: t.memory().map(str::to_string),
        images,
        environment_variables: names,
        references,
    }
}
