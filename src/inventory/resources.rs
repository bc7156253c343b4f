//! Regional resources in the normalized shape the rules read. Each kind's record is
//! declared with the kind, in [`crate::kinds`]; they are re-exported here because
//! they are the inventory's shape.
//!
//! The shapes follow the AWS API responses closely but drop what no rule needs, so
//! an inventory of a large estate stays small. Optional fields are `None` when the
//! collector could not read them.

pub use crate::kinds::autoscaling_group::AutoscalingGroup;
pub use crate::kinds::cloudfront_distribution::{
    CacheBehavior, CloudFrontOrigin, Distribution, OriginGroup,
};
pub use crate::kinds::cloudwatch_alarm::{AlarmMetric, CloudwatchAlarm};
pub use crate::kinds::config_resource::{ConfigResource, Reference, ReferenceRole};
pub use crate::kinds::db_instance::DbInstance;
pub use crate::kinds::dynamodb_table::{
    Capacity, DynamoReplica, DynamoTable, IndexOverrides, IndexThroughput, Overrides,
    ScalingTarget, Throughput,
};
pub use crate::kinds::ecr_repository::EcrRepository;
pub use crate::kinds::ecs_service::{EcsService, EcsTask};
pub use crate::kinds::elasticache_replication_group::{
    ElasticacheReplicationGroup, GlobalDatastoreMember,
};
pub use crate::kinds::global_accelerator::{
    Accelerator, AcceleratorEndpoint, AcceleratorListener, EndpointGroup,
};
pub use crate::kinds::kms_key::{KeyManager, KmsKey, MultiRegionKeyType};
pub use crate::kinds::lambda_function::{AccountConcurrency, FunctionConcurrency, LambdaFunction};
pub use crate::kinds::rds_cluster::RdsCluster;
pub use crate::kinds::rds_global_cluster::{GlobalCluster, GlobalClusterMember};
pub use crate::kinds::route53_health_check::HealthCheck;
pub use crate::kinds::route53_record_group::{RecordGroup, RecordMember};
pub use crate::kinds::s3_bucket::{S3Bucket, S3ReplicationRule};
pub use crate::kinds::secret::{Secret, SecretReplica};
