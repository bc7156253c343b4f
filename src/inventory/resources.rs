//! Regional resources in the normalized shape the rules read.
//!
//! The shapes follow the AWS API responses closely but drop what no rule needs, so
//! an inventory of a large estate stays small. Optional fields are `None` when the
//! collector could not read them.

use super::Tags;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KeyManager {
    Aws,
    Customer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MultiRegionKeyType {
    Primary,
    Replica,
}

/// A KMS key as DescribeKey, ListAliases and ListResourceTags report it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub arn: String,
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_manager: Option<KeyManager>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region_key_type: Option<MultiRegionKeyType>,
    /// ARN of the primary key of a multi-Region key (itself, for the primary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_arn: Option<String>,
    /// Regions holding replicas of this multi-Region key (as the primary reports them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_regions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// A Secrets Manager secret, from ListSecrets/DescribeSecret. Never its value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub arn: String,
    pub name: String,
    /// Key protecting the secret; absent means the AWS-managed `aws/secretsmanager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Set on a replica: the region of its primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<String>,
    /// Replicas of a primary secret, with their status and key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Vec<SecretReplica>>,
    /// `rds`, `lambda`, ... for secrets a service creates and rotates itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owning_service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretReplica {
    pub region: String,
    /// `InSync`, `Failed`, `InProgress`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

/// A DynamoDB table as DescribeTable and DescribeContinuousBackups report it in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamoTable {
    pub arn: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Other regions holding replicas of this table. Absent when not collected; an
    /// empty list means "not a global table".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Vec<DynamoReplica>>,
    /// `2019.11.21` (current) or `2017.11.29` (legacy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_table_version: Option<String>,
    /// Point-in-time recovery of this regional replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitr_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_kms_key_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamoReplica {
    pub region: String,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
}

/// An RDS/Aurora DB cluster from DescribeDBClusters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RdsCluster {
    pub arn: String,
    pub identifier: String,
    pub engine: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Identifier of the Aurora global cluster it belongs to, if any (from
    /// DescribeGlobalClusters membership when the cluster itself does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_cluster_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_user_secret_arn: Option<String>,
    /// `provisioned`, `serverless` (Aurora Serverless v1), `parallelquery`,
    /// `multimaster`, `global`: some modes cannot join a global database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_mode: Option<String>,
    /// `standard` or `limitless` (Aurora PostgreSQL Limitless Database).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scalability_type: Option<String>,
    /// Number of DB instances in the cluster (DBClusterMembers): zero for a
    /// headless cluster, which stores data but serves no query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_count: Option<u32>,
    /// Source of a cross-region read replica cluster (ReplicationSourceIdentifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// An Aurora global database from DescribeGlobalClusters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalCluster {
    pub arn: String,
    pub identifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    #[serde(default)]
    pub members: Vec<GlobalClusterMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalClusterMember {
    pub cluster_arn: String,
    /// Region of the member, from its ARN.
    pub region: String,
    pub is_writer: bool,
}

/// A DB instance from DescribeDBInstances (cluster members and read replicas).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    pub arn: String,
    pub identifier: String,
    pub engine: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_identifier: Option<String>,
    /// Source of a read replica (an identifier or, cross-region, an ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_replica_source: Option<String>,
    #[serde(default)]
    pub read_replicas: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// Any other resource, as AWS Config describes it (or as the fallback listing does,
/// with no configuration): Lambda functions, ECS task definitions, state machines,
/// EventBridge targets, SNS subscriptions, API Gateway integrations, S3 buckets, ...
///
/// Only the references found in the configuration item are kept, never the item
/// itself: configurations carry environment variable values and other free-form
/// text that may be secret, and no rule needs them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigResource {
    /// CloudFormation-style type, such as `AWS::Lambda::Function`.
    pub resource_type: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    /// ARNs and regional AWS endpoints named by the configuration item, with the
    /// path where each was found and the role that place gives it. Absent when no
    /// configuration item was read (the resource was only listed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<Reference>>,
    /// Set when a configuration item was read but its references could not be
    /// extracted (for example, nested too deeply): the reason rules that need them
    /// are `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references_error: Option<String>,
    /// Inventories of schema 1.x kept the configuration item itself. It is still
    /// read, turned into `references` at load, and never written again.
    #[serde(default, skip_serializing)]
    #[schemars(
        description = "Schema 1.x only: the configuration item. Read, reduced to `references` at load, never written."
    )]
    pub configuration: Option<super::RawJson>,
}

/// What the place a reference was found at says about it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceRole {
    /// Something the resource calls or reads at run time (an environment variable,
    /// a target, an integration): a dependency.
    Call,
    /// Something allowed to call the resource (a resource-based policy, a
    /// `SourceArn` condition, a principal): not a dependency of the resource.
    Inbound,
    /// Something an identity policy lets a role call: a permission, not a call.
    Permission,
    /// A declared replication destination (S3 replication rules, replica lists).
    Replication,
}

/// One reference found in a configuration item.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The ARN or hostname as written.
    pub target: String,
    /// Region named by the ARN or hostname; empty for a region-less ARN (an S3
    /// bucket), which the evaluator resolves from the inventory when it can.
    pub region: String,
    /// Path in the configuration item (`environment.variables.TABLE_ARN`).
    pub path: String,
    pub role: ReferenceRole,
}
