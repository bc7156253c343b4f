//! Inventory records -> the CEL views rules read (see [`super::fields`]).
//!
//! Derived fields (`aws_managed`, `is_replica`, `in_global_cluster`,
//! `cross_region_references`, ...) are computed here, in Rust, so rule conditions
//! stay short and every rule reads the same normalized facts.

use super::index::{Index, KeyUse};
use super::values::{self, MapBuilder};
use crate::analysis::arn::{is_global_resource, Arn};
use crate::inventory::{
    ConfigResource, DbInstance, DynamoTable, GlobalCluster, KeyManager, KmsKey, MultiRegionKeyType,
    RdsCluster, Reference, ReferenceRole, RegionInventory, Secret, Tags,
};
use crate::rules::ResourceKind;
use cel::Value;
use std::collections::{BTreeSet, HashSet};

/// One resource ready for evaluation.
pub struct ResourceView {
    pub kind: ResourceKind,
    pub arn: String,
    pub resource_type: &'static str,
    pub region: String,
    /// The kind-specific view; it holds the common fields too, so `any_resource`
    /// rules read the same value.
    pub value: Value,
}

/// Resource types whose configuration makes calls at request time.
const COMPUTE_TYPES: &[&str] = &[
    "AWS::Lambda::Function",
    "AWS::ECS::TaskDefinition",
    "AWS::ECS::Service",
    "AWS::StepFunctions::StateMachine",
    "AWS::Events::Rule",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Integration",
    "AWS::AppSync::GraphQLApi",
    "AWS::Batch::JobDefinition",
    "AWS::Pipes::Pipe",
];

/// Resource types that hold data (for residency).
const DATA_STORE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::GlobalCluster",
    "AWS::SecretsManager::Secret",
    "AWS::EFS::FileSystem",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
    "AWS::Kinesis::Stream",
    "AWS::SQS::Queue",
    "AWS::OpenSearch::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::Backup::BackupVault",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
];

/// The fields shared by every resource view.
struct Common<'a> {
    arn: &'a str,
    resource_type: &'static str,
    kind: ResourceKind,
    region: &'a str,
    account_id: &'a str,
    name: &'a str,
    tags: Option<&'a Tags>,
    /// `None` when replication could not be read.
    replica_regions: Option<Vec<String>>,
}

impl Common<'_> {
    fn fill(&self, b: &mut MapBuilder) {
        b.str("arn", self.arn)
            .shared_str("type", self.resource_type)
            .shared_str("kind", self.kind.as_str())
            .shared_str("region", self.region)
            .shared_str("account_id", self.account_id)
            .str("name", self.name)
            .bool("data_store", DATA_STORE_TYPES.contains(&self.resource_type))
            .bool("tags_collected", self.tags.is_some())
            .opt("tags", self.tags.map(values::tags));
        if let Some(replicas) = &self.replica_regions {
            if values::wanted("stored_regions") {
                let mut stored: BTreeSet<String> = replicas.iter().cloned().collect();
                stored.insert(self.region.to_string());
                b.set("stored_regions", values::strings(&stored));
            }
            if values::wanted("replica_regions") {
                b.set("replica_regions", values::strings(replicas));
            }
        }
    }
}

fn finish(common: Common, specific: impl FnOnce(&mut MapBuilder)) -> ResourceView {
    let mut b = MapBuilder::with_capacity(20);
    common.fill(&mut b);
    specific(&mut b);
    ResourceView {
        kind: common.kind,
        arn: common.arn.to_string(),
        resource_type: common.resource_type,
        // Findings about resources of global services are filed under "global",
        // as findings about accounts are.
        region: if common.region.is_empty() {
            "global".to_string()
        } else {
            common.region.to_string()
        },
        value: b.build(),
    }
}

/// The encryption facts every replicated data store view carries: the key this
/// regional copy is encrypted with and whether it can be used. `usable` is left
/// out when it is not known, so rules reading it say `unknown`.
fn encryption(b: &mut MapBuilder, key: Option<&str>, usable: KeyUse) {
    b.opt_str("encryption_key", key);
    match usable {
        KeyUse::Usable => {
            b.bool("encryption_key_usable", true)
                .shared_str("encryption_key_state", "usable");
        }
        KeyUse::Unusable(state) => {
            b.bool("encryption_key_usable", false)
                .str("encryption_key_state", &state);
        }
        KeyUse::Unknown => {
            b.shared_str("encryption_key_state", "not collected");
        }
    }
}

/// Primary or replica, decided by ARN: some APIs report a primary as REPLICA after
/// its replica has been described, but the primary's ARN never lies.
fn key_type(key: &KmsKey) -> Option<MultiRegionKeyType> {
    match (key.multi_region, &key.primary_arn) {
        (Some(true), Some(primary)) if primary == &key.arn => Some(MultiRegionKeyType::Primary),
        (Some(true), Some(_)) => Some(MultiRegionKeyType::Replica),
        _ => key.multi_region_key_type,
    }
}

fn aws_managed(key: &KmsKey) -> Option<bool> {
    let by_alias = key
        .aliases
        .as_ref()
        .map(|a| a.iter().any(|n| n.starts_with("alias/aws/")));
    match (key.key_manager, by_alias) {
        (Some(KeyManager::Aws), _) | (_, Some(true)) => Some(true),
        (Some(KeyManager::Customer), _) => Some(false),
        (None, _) => None,
    }
}

/// The KMS key view; also used by the `key()` function.
pub fn kms_key(key: &KmsKey, account_id: &str, region: &str) -> ResourceView {
    let name = key
        .aliases
        .as_ref()
        .and_then(|a| a.first())
        .map_or(key.key_id.as_str(), |a| a.as_str());
    let common = Common {
        arn: &key.arn,
        resource_type: "AWS::KMS::Key",
        kind: ResourceKind::KmsKey,
        region,
        account_id,
        name,
        tags: key.tags.as_ref(),
        replica_regions: match key_type(key) {
            Some(MultiRegionKeyType::Primary) => key.replica_regions.clone(),
            _ if key.multi_region == Some(false)
                || key_type(key) == Some(MultiRegionKeyType::Replica) =>
            {
                Some(Vec::new())
            }
            _ => None,
        },
    };
    finish(common, |b| {
        b.str("key_id", &key.key_id)
            .opt_str(
                "key_manager",
                key.key_manager.map(|m| match m {
                    KeyManager::Aws => "AWS",
                    KeyManager::Customer => "CUSTOMER",
                }),
            )
            .opt_bool("aws_managed", aws_managed(key))
            .opt_str("key_state", key.key_state.as_deref())
            .opt_bool("multi_region", key.multi_region)
            .opt_str(
                "multi_region_key_type",
                key_type(key).map(|t| match t {
                    MultiRegionKeyType::Primary => "PRIMARY",
                    MultiRegionKeyType::Replica => "REPLICA",
                }),
            )
            .opt_str("primary_arn", key.primary_arn.as_deref())
            .opt("aliases", key.aliases.as_ref().map(values::strings));
    })
}

pub fn secret(s: &Secret, account_id: &str, region: &str, index: &Index) -> ResourceView {
    let is_replica = s.primary_region.as_ref().is_some_and(|p| p != region);
    let replicated = if is_replica {
        Some(true)
    } else {
        s.replicas.as_ref().map(|r| !r.is_empty())
    };
    // Secrets Manager encrypts with aws/secretsmanager when no key is named.
    let key_use = index.key_use(account_id, region, s.kms_key_id.as_deref());
    let common = Common {
        arn: &s.arn,
        resource_type: "AWS::SecretsManager::Secret",
        kind: ResourceKind::Secret,
        region,
        account_id,
        name: &s.name,
        tags: s.tags.as_ref(),
        replica_regions: if is_replica {
            Some(Vec::new())
        } else {
            s.replicas
                .as_ref()
                .map(|r| r.iter().map(|x| x.region.clone()).collect())
        },
    };
    finish(common, |b| {
        b.opt_str("kms_key_id", s.kms_key_id.as_deref())
            .opt_str("primary_region", s.primary_region.as_deref())
            .bool("is_replica", is_replica)
            .opt(
                "replicas",
                s.replicas.as_ref().map(|reps| {
                    values::list(
                        reps.iter()
                            .map(|r| {
                                let mut m = MapBuilder::with_capacity(4);
                                m.shared_str("region", &r.region)
                                    .opt("status", r.status.as_deref().map(values::shared))
                                    .opt_str("status_message", r.status_message.as_deref())
                                    .opt_str("kms_key_id", r.kms_key_id.as_deref());
                                m.build()
                            })
                            .collect(),
                    )
                }),
            )
            .opt_str("owning_service", s.owning_service.as_deref())
            .bool(
                "service_owned",
                s.owning_service.as_ref().is_some_and(|o| !o.is_empty()),
            )
            .opt_bool("replicated", replicated);
        encryption(b, s.kms_key_id.as_deref(), key_use);
    })
}

pub fn dynamodb_table(
    t: &DynamoTable,
    account_id: &str,
    region: &str,
    index: &Index,
) -> ResourceView {
    // DescribeTable reports a table whose key DynamoDB cannot use as
    // INACCESSIBLE_ENCRYPTION_CREDENTIALS (API reference, TableDescription).
    let key_use = match t.status.as_deref() {
        None => KeyUse::Unknown,
        Some("INACCESSIBLE_ENCRYPTION_CREDENTIALS") => {
            KeyUse::Unusable("INACCESSIBLE_ENCRYPTION_CREDENTIALS".to_string())
        }
        Some(_) => index.key_use(account_id, region, t.sse_kms_key_arn.as_deref()),
    };
    let common = Common {
        arn: &t.arn,
        resource_type: "AWS::DynamoDB::Table",
        kind: ResourceKind::DynamodbTable,
        region,
        account_id,
        name: &t.name,
        tags: t.tags.as_ref(),
        replica_regions: t
            .replicas
            .as_ref()
            .map(|r| r.iter().map(|x| x.region.clone()).collect()),
    };
    finish(common, |b| {
        b.opt_str("status", t.status.as_deref())
            .opt(
                "replicas",
                t.replicas.as_ref().map(|reps| {
                    values::list(
                        reps.iter()
                            .map(|r| {
                                let mut m = MapBuilder::with_capacity(3);
                                m.shared_str("region", &r.region)
                                    .opt("status", r.status.as_deref().map(values::shared))
                                    .opt_str("kms_key_arn", r.kms_key_arn.as_deref());
                                m.build()
                            })
                            .collect(),
                    )
                }),
            )
            .opt_str("global_table_version", t.global_table_version.as_deref())
            .opt_bool("pitr_enabled", t.pitr_enabled)
            .opt_str("sse_kms_key_arn", t.sse_kms_key_arn.as_deref())
            .opt_bool("stream_enabled", t.stream_enabled)
            .opt_bool("replicated", t.replicas.as_ref().map(|r| !r.is_empty()));
        encryption(b, t.sse_kms_key_arn.as_deref(), key_use);
    })
}

pub fn rds_cluster(c: &RdsCluster, account_id: &str, region: &str, index: &Index) -> ResourceView {
    let membership = index.global_membership.get(&c.arn);
    let global_id = c
        .global_cluster_identifier
        .clone()
        .or_else(|| membership.map(|m| m.0.clone()));
    let key_use = match (c.status.as_deref(), c.storage_encrypted) {
        (Some("inaccessible-encryption-credentials"), _) => {
            KeyUse::Unusable("inaccessible-encryption-credentials".to_string())
        }
        (_, Some(false)) => KeyUse::Usable,
        (_, Some(true)) => index.key_use(account_id, region, c.kms_key_id.as_deref()),
        (_, None) => KeyUse::Unknown,
    };
    // Modes a global database cannot take (Aurora user guide, "Limitations of
    // Amazon Aurora global databases"; Limitless Database, "Unsupported features").
    let global_capable = match (c.engine_mode.as_deref(), c.scalability_type.as_deref()) {
        (Some("serverless" | "multimaster"), _) | (_, Some("limitless")) => Some(false),
        (Some(_), _) => Some(true),
        (None, _) => None,
    };
    let common = Common {
        arn: &c.arn,
        resource_type: "AWS::RDS::DBCluster",
        kind: ResourceKind::RdsCluster,
        region,
        account_id,
        name: &c.identifier,
        tags: c.tags.as_ref(),
        replica_regions: Some(
            membership
                .map(|m| {
                    m.1.iter()
                        .filter(|r| r.as_str() != region)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
        ),
    };
    finish(common, |b| {
        b.str("identifier", &c.identifier)
            .str("engine", &c.engine)
            .opt_str("status", c.status.as_deref())
            .opt_str("global_cluster_identifier", global_id.as_deref())
            .bool("in_global_cluster", global_id.is_some())
            .opt_bool("storage_encrypted", c.storage_encrypted)
            .opt_str("kms_key_id", c.kms_key_id.as_deref())
            .opt_str(
                "master_user_secret_arn",
                c.master_user_secret_arn.as_deref(),
            )
            .opt_str("engine_mode", c.engine_mode.as_deref())
            .opt_str("scalability_type", c.scalability_type.as_deref())
            .opt_bool("global_database_capable", global_capable)
            .opt(
                "instance_count",
                c.instance_count.map(|n| Value::Int(i64::from(n))),
            )
            .opt_bool("headless", c.instance_count.map(|n| n == 0))
            .bool("replicated", global_id.is_some());
        encryption(b, c.kms_key_id.as_deref(), key_use);
    })
}

/// A global cluster is seen from every region that holds a member; it is evaluated
/// once, in its writer's region (or where it was described, with no writer).
pub fn rds_global_cluster(g: &GlobalCluster, account_id: &str, described_in: &str) -> ResourceView {
    let writer = g
        .members
        .iter()
        .find(|m| m.is_writer)
        .map(|m| m.region.clone());
    let region = writer.clone().unwrap_or_else(|| described_in.to_string());
    let member_regions: BTreeSet<String> = g.members.iter().map(|m| m.region.clone()).collect();
    let replicas: Vec<String> = member_regions
        .iter()
        .filter(|r| **r != region)
        .cloned()
        .collect();
    let common = Common {
        arn: &g.arn,
        resource_type: "AWS::RDS::GlobalCluster",
        kind: ResourceKind::RdsGlobalCluster,
        region: &region,
        account_id,
        name: &g.identifier,
        tags: g.tags.as_ref(),
        replica_regions: Some(replicas),
    };
    finish(common, |b| {
        b.str("identifier", &g.identifier)
            .opt_str("engine", g.engine.as_deref())
            .opt_bool("storage_encrypted", g.storage_encrypted)
            .set(
                "members",
                values::list(
                    g.members
                        .iter()
                        .map(|m| {
                            let mut mb = MapBuilder::with_capacity(3);
                            mb.str("cluster_arn", &m.cluster_arn)
                                .str("region", &m.region)
                                .bool("is_writer", m.is_writer);
                            mb.build()
                        })
                        .collect(),
                ),
            )
            .set("member_regions", values::strings(&member_regions))
            .opt_str("writer_region", writer.as_deref());
    })
}

pub fn db_instance(i: &DbInstance, account_id: &str, region: &str) -> ResourceView {
    let replica_regions: Vec<String> = i
        .read_replicas
        .iter()
        .map(|r| crate::analysis::arn::region_of(r))
        .filter(|r| !r.is_empty() && *r != region)
        .map(str::to_string)
        .collect();
    let common = Common {
        arn: &i.arn,
        resource_type: "AWS::RDS::DBInstance",
        kind: ResourceKind::DbInstance,
        region,
        account_id,
        name: &i.identifier,
        tags: i.tags.as_ref(),
        replica_regions: Some(replica_regions),
    };
    finish(common, |b| {
        b.str("identifier", &i.identifier)
            .str("engine", &i.engine)
            .opt_str("cluster_identifier", i.cluster_identifier.as_deref())
            .opt_str("read_replica_source", i.read_replica_source.as_deref())
            .set("read_replicas", values::strings(&i.read_replicas))
            .opt_bool("storage_encrypted", i.storage_encrypted);
    })
}

pub fn config_resource(
    r: &ConfigResource,
    account_id: &str,
    listed_in: &str,
    index: &Index,
) -> ResourceView {
    let resource_type: &'static str = leak_type(&r.resource_type);
    // Resources of global services have no region, whichever recorder listed them.
    let region = if is_global_resource(&r.resource_type, &r.arn) {
        ""
    } else {
        listed_in
    };
    // Region-less ARNs (S3 buckets) take the region the inventory lists them in;
    // those it does not know are dropped: their region cannot be claimed.
    let refs: Option<Vec<Reference>> = r.references.as_ref().map(|refs| {
        refs.iter()
            .filter_map(|x| {
                if x.region.is_empty() {
                    let mut resolved = x.clone();
                    resolved.region = index.region_of_regionless(&x.target)?.to_string();
                    Some(resolved)
                } else {
                    Some(x.clone())
                }
            })
            .collect()
    });
    let replication_regions: Vec<String> = refs
        .iter()
        .flatten()
        .filter(|x| x.role == ReferenceRole::Replication && x.region != region)
        .map(|x| x.region.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let name = r.name.clone().unwrap_or_else(|| {
        r.arn
            .rsplit([':', '/'])
            .next()
            .unwrap_or(&r.arn)
            .to_string()
    });
    let common = Common {
        arn: &r.arn,
        resource_type,
        kind: ResourceKind::ConfigResource,
        region,
        account_id,
        name: &name,
        tags: r.tags.as_ref(),
        replica_regions: Some(replication_regions),
    };
    let reference_value = |x: &Reference| {
        let mut m = MapBuilder::with_capacity(6);
        m.str("target", &x.target)
            .str("region", &x.region)
            .str("path", &x.path)
            .shared_str("service", reference_service(&x.target))
            .shared_str(
                "role",
                match x.role {
                    ReferenceRole::Call => "call",
                    ReferenceRole::Inbound => "inbound",
                    ReferenceRole::Permission => "permission",
                    ReferenceRole::Replication => "replication",
                },
            )
            .bool("replication", x.role == ReferenceRole::Replication);
        m.build()
    };
    let remote_value = |k: &&Reference| reference_value(k);
    finish(common, |b| {
        b.str("resource_type", &r.resource_type)
            .bool("compute", COMPUTE_TYPES.contains(&r.resource_type.as_str()))
            .opt_str("references_error", r.references_error.as_deref());
        if let Some(refs) = &refs {
            b.set(
                "references",
                values::list(refs.iter().map(reference_value).collect()),
            )
            .set(
                "cross_region_references",
                values::list(
                    refs.iter()
                        .filter(|x| {
                            x.role == ReferenceRole::Call
                                && !region.is_empty()
                                && x.region != region
                                && x.target != r.arn
                        })
                        .map(reference_value)
                        .collect(),
                ),
            )
            .set(
                "replication_targets",
                values::list(
                    refs.iter()
                        .filter(|x| x.role == ReferenceRole::Replication)
                        .map(reference_value)
                        .collect(),
                ),
            );
            // A list of definite findings stands even when other references could
            // not be decided; an empty one only when every reference was.
            let remote = index.remote_keys(region, refs);
            if !remote.without_local_copy.is_empty() || remote.undecided == 0 {
                b.set(
                    "remote_keys_without_local_copy",
                    values::list(remote.without_local_copy.iter().map(remote_value).collect()),
                );
            }
            if !remote.with_local_copy.is_empty() || remote.undecided == 0 {
                b.set(
                    "remote_keys_with_local_replica",
                    values::list(remote.with_local_copy.iter().map(remote_value).collect()),
                );
            }
        }
    })
}

/// The AWS service a reference points at: the ARN's service, or the first label
/// of an endpoint hostname (`sqs` in `sqs.us-east-1.amazonaws.com`).
fn reference_service(target: &str) -> &str {
    match Arn::parse(target) {
        Some(a) => a.service,
        None => {
            let host = target.split('.').next().unwrap_or_default();
            host.split('-').next().unwrap_or(host)
        }
    }
}

/// Resource types come from data; the handful of distinct ones are interned so views
/// can hold `&'static str` without a copy per resource.
fn leak_type(resource_type: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static TYPES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = TYPES
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = set.get(resource_type) {
        return existing;
    }
    let leaked: &'static str = Box::leak(resource_type.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}

/// The typed resources of one region as views; `seen` dedupes global clusters,
/// which are reported from every region holding a member.
pub fn typed_views(
    account_id: &str,
    region: &RegionInventory,
    index: &Index,
    needed: &HashSet<ResourceKind>,
    seen: &mut HashSet<String>,
    out: &mut Vec<ResourceView>,
) {
    let want = |k: ResourceKind| needed.contains(&k);
    let r = region.region.as_str();
    let mut push = |view: ResourceView, out: &mut Vec<ResourceView>| {
        if seen.insert(view.arn.clone()) {
            out.push(view);
        }
    };
    for k in region
        .kms_keys
        .iter()
        .filter(|_| want(ResourceKind::KmsKey))
    {
        push(kms_key(k, account_id, r), out);
    }
    for s in region.secrets.iter().filter(|_| want(ResourceKind::Secret)) {
        push(secret(s, account_id, r, index), out);
    }
    for t in region
        .dynamodb_tables
        .iter()
        .filter(|_| want(ResourceKind::DynamodbTable))
    {
        push(dynamodb_table(t, account_id, r, index), out);
    }
    for c in region
        .rds_clusters
        .iter()
        .filter(|_| want(ResourceKind::RdsCluster))
    {
        push(rds_cluster(c, account_id, r, index), out);
    }
    for g in region
        .rds_global_clusters
        .iter()
        .filter(|_| want(ResourceKind::RdsGlobalCluster))
    {
        push(rds_global_cluster(g, account_id, r), out);
    }
    for i in region
        .db_instances
        .iter()
        .filter(|_| want(ResourceKind::DbInstance))
    {
        push(db_instance(i, account_id, r), out);
    }
}

/// The AWS Config resources of one region, minus those already seen as typed
/// resources (call after [`typed_views`] for every region of the account).
pub fn config_views(
    account_id: &str,
    region: &RegionInventory,
    index: &Index,
    seen: &mut HashSet<String>,
    out: &mut Vec<ResourceView>,
) {
    for c in &region.resources {
        if seen.insert(c.arn.clone()) {
            out.push(config_resource(c, account_id, &region.region, index));
        }
    }
}
