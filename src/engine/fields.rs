//! The documented model rules are written against: the fields of `resource` for each
//! kind, the fields of `account`, and the variables and functions in scope. The load
//! check rejects a rule that names anything else, so a typo fails at load, not as a
//! silent `unknown` on every resource.

use crate::rules::ResourceKind;

/// Fields every resource view has (optional ones may be absent: "not collected").
pub const COMMON_FIELDS: &[&str] = &[
    "arn",
    "type",
    "kind",
    "region",
    "account_id",
    "name",
    "tags",
    "tags_collected",
    "replica_regions",
    "stored_regions",
    "data_store",
    // Replicated data stores (DynamoDB tables, secrets, Aurora clusters) only:
    "replicated",
    "encryption_key",
    "encryption_key_state",
    "encryption_key_usable",
];

pub const KMS_KEY_FIELDS: &[&str] = &[
    "key_id",
    "key_manager",
    "aws_managed",
    "key_state",
    "multi_region",
    "multi_region_key_type",
    "primary_arn",
    "aliases",
];

pub const SECRET_FIELDS: &[&str] = &[
    "kms_key_id",
    "primary_region",
    "is_replica",
    "replicas",
    "owning_service",
    "service_owned",
];

pub const DYNAMODB_TABLE_FIELDS: &[&str] = &[
    "status",
    "replicas",
    "global_table_version",
    "pitr_enabled",
    "sse_kms_key_arn",
    "stream_enabled",
];

pub const RDS_CLUSTER_FIELDS: &[&str] = &[
    "identifier",
    "engine",
    "status",
    "global_cluster_identifier",
    "in_global_cluster",
    "storage_encrypted",
    "kms_key_id",
    "master_user_secret_arn",
    "engine_mode",
    "scalability_type",
    "global_database_capable",
    "instance_count",
    "headless",
];

pub const RDS_GLOBAL_CLUSTER_FIELDS: &[&str] = &[
    "identifier",
    "engine",
    "storage_encrypted",
    "members",
    "member_regions",
    "writer_region",
];

pub const DB_INSTANCE_FIELDS: &[&str] = &[
    "identifier",
    "engine",
    "cluster_identifier",
    "read_replica_source",
    "read_replicas",
    "storage_encrypted",
];

pub const CONFIG_RESOURCE_FIELDS: &[&str] = &[
    "resource_type",
    "compute",
    "references",
    "cross_region_references",
    "replication_targets",
    "references_error",
    "remote_keys_without_local_copy",
    "remote_keys_with_local_replica",
];

/// Fields of `account` (and of `resource` for account rules).
pub const ACCOUNT_FIELDS: &[&str] = &[
    "id",
    "arn",
    "name",
    "status",
    "ou_path",
    "tags",
    "is_management",
    "pair",
    "scp",
    "state",
];

/// Variables in scope for every rule.
pub const VARIABLES: &[&str] = &[
    "resource",
    "account",
    "region",
    "partner_region",
    "pair",
    "sanctioned",
    "residency",
];

/// Functions a rule may call: CEL's standard ones and regionready's lookups.
pub const FUNCTIONS: &[&str] = &[
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "max",
    "min",
    "string",
    "int",
    "uint",
    "double",
    "bytes",
    // regionready
    "key",
    "replicated_users",
    "region_of",
    "join",
];

/// The fields `resource` has for a kind.
pub fn resource_fields(kind: ResourceKind) -> Vec<&'static str> {
    let specific: &[&str] = match kind {
        ResourceKind::KmsKey => KMS_KEY_FIELDS,
        ResourceKind::Secret => SECRET_FIELDS,
        ResourceKind::DynamodbTable => DYNAMODB_TABLE_FIELDS,
        ResourceKind::RdsCluster => RDS_CLUSTER_FIELDS,
        ResourceKind::RdsGlobalCluster => RDS_GLOBAL_CLUSTER_FIELDS,
        ResourceKind::DbInstance => DB_INSTANCE_FIELDS,
        ResourceKind::ConfigResource => CONFIG_RESOURCE_FIELDS,
        ResourceKind::AnyResource => &[],
        ResourceKind::Account => return ACCOUNT_FIELDS.to_vec(),
    };
    COMMON_FIELDS.iter().chain(specific).copied().collect()
}
