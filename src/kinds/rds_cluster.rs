//! RDS and Aurora DB clusters: `resource = "rds_cluster"`.

use super::cloudwatch_alarm::MetricWatch;
use super::value::{self, Boxed};
use super::view::{encryption, is_encryption_field};
use super::Tags;
use super::{derived, field, FieldDoc, KeyUse, Kind, KindSpec, Place};
use crate::analysis::arn::Arn;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

pub static SPEC: KindSpec = KindSpec {
    name: "rds_cluster",
    list: "rds_clusters",
    resource_type: "AWS::RDS::DBCluster",
    service: "rds",
    doc: "An RDS or Aurora DB cluster, from DescribeDBClusters (and DescribeGlobalClusters for global membership).",
    data_store: true,
    fields: FIELDS,
    listings: &["DescribeDBClusters"],
    swept: true,
};

const INSTANCES: &str = "the cluster's DB instances (DBClusterMembers)";

const FIELDS: &[FieldDoc] = &[
    field("identifier", "string", "The cluster identifier."),
    field(
        "engine",
        "string",
        "`aurora-postgresql`, `aurora-mysql`, `postgres`, ...",
    ),
    field("status", "string", "`available`, `inaccessible-encryption-credentials`, ..."),
    field(
        "global_cluster_identifier",
        "string",
        "The Aurora global database it belongs to, if any.",
    ),
    field(
        "in_global_cluster",
        "bool",
        "Whether it is a member of an Aurora global database.",
    ),
    field("storage_encrypted", "bool", "Whether storage is encrypted."),
    field("kms_key_id", "string", "The key encrypting its storage."),
    field(
        "master_user_secret_arn",
        "string",
        "The secret RDS manages for the master user, if any.",
    ),
    field(
        "engine_mode",
        "string",
        "`provisioned`, `serverless` (Serverless v1), `parallelquery`, `multimaster`, `global`.",
    ),
    field(
        "scalability_type",
        "string",
        "`standard` or `limitless` (Aurora PostgreSQL Limitless Database).",
    ),
    derived(
        "global_database_capable",
        "bool",
        "Whether its mode can join a global database (not Serverless v1, multi-master or Limitless).",
        "the cluster's engine mode (rds:DescribeDBClusters)",
    ),
    derived(
        "global_secondary",
        "bool",
        "Whether it is a secondary (not the writer) of an Aurora global database; false when it is in none.",
        "the global database's members (rds:DescribeGlobalClusters)",
    ),
    derived(
        "global_lag_alarmed",
        "bool",
        "Secondary clusters of a global database: whether an alarm in its region reads `AuroraGlobalDBReplicationLag` or `AuroraGlobalDBRPOLag` for it (namespace `AWS/RDS`, dimension `DBClusterIdentifier`, alone or with `SourceRegion` = the writer's region, or `SourceRegion` alone), with actions enabled and an alarm action (its own or a composite's). Absent for other clusters.",
        "the CloudWatch alarms of the cluster's region (cloudwatch:DescribeAlarms)",
    ),
    derived(
        "instance_count",
        "int",
        "Number of DB instances in the cluster.",
        INSTANCES,
    ),
    derived(
        "headless",
        "bool",
        "Whether it has no DB instance: it stores data but serves no query.",
        INSTANCES,
    ),
];

impl RdsCluster {
    fn global_id<'a>(&'a self, at: &Place<'a>) -> Option<&'a str> {
        self.global_cluster_identifier
            .as_deref()
            .or_else(|| at.facts.global_membership(&self.arn).map(|m| m.0))
    }

    /// Whether it is a secondary of a global database: `None` when it is a member
    /// whose global database's members were not read.
    fn global_secondary(&self, at: &Place<'_>) -> Option<bool> {
        self.global_id(at)?;
        at.facts.global_membership(&self.arn)?;
        Some(at.facts.global_writer(&self.arn) != Some(self.arn.as_str()))
    }

    /// Whether a secondary's lag is watched. Aurora publishes the global database
    /// lag metrics in the secondary's region, per secondary cluster (Aurora user
    /// guide, "Amazon CloudWatch metrics for Amazon Aurora", cluster-level
    /// metrics); the console also groups them by `SourceRegion`.
    fn global_lag_alarmed(&self, at: &Place<'_>) -> Option<bool> {
        if !self.global_secondary(at)? {
            return None;
        }
        let writer_region = at
            .facts
            .global_writer(&self.arn)
            .and_then(Arn::parse)
            .map(|a| a.region);
        let id = self.identifier.as_str();
        let mut sets = vec![vec![("DBClusterIdentifier", id)]];
        if let Some(source) = writer_region {
            sets.push(vec![("DBClusterIdentifier", id), ("SourceRegion", source)]);
            sets.push(vec![("SourceRegion", source)]);
        }
        let watch = MetricWatch {
            namespace: "AWS/RDS",
            metric_names: &["AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"],
            dimension_sets: sets,
        };
        at.facts.alarm_watching(at.account_id, at.region, &watch)
    }
}

impl Kind for RdsCluster {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.identifier
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        Some(
            at.facts
                .global_membership(&self.arn)
                .map(|m| m.1.iter().copied().filter(|r| *r != at.region).collect())
                .unwrap_or_default(),
        )
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "identifier" => Some(value::text(&self.identifier)),
            "engine" => Some(value::text(&self.engine)),
            "status" => value::opt_text(self.status.as_deref()),
            "global_cluster_identifier" => value::opt_text(self.global_id(at)),
            "in_global_cluster" | "replicated" => {
                Some(value::boolean(self.global_id(at).is_some()))
            }
            "storage_encrypted" => value::opt_bool(self.storage_encrypted),
            "kms_key_id" => value::opt_text(self.kms_key_id.as_deref()),
            "master_user_secret_arn" => value::opt_text(self.master_user_secret_arn.as_deref()),
            "engine_mode" => value::opt_text(self.engine_mode.as_deref()),
            "scalability_type" => value::opt_text(self.scalability_type.as_deref()),
            // Modes a global database cannot take (Aurora user guide, "Limitations of
            // Amazon Aurora global databases"; Limitless Database, "Unsupported features").
            "global_database_capable" => {
                match (
                    self.engine_mode.as_deref(),
                    self.scalability_type.as_deref(),
                ) {
                    (Some("serverless" | "multimaster"), _) | (_, Some("limitless")) => {
                        Some(value::boolean(false))
                    }
                    (Some(_), _) => Some(value::boolean(true)),
                    (None, _) => None,
                }
            }
            "global_secondary" => self.global_secondary(at).map(value::boolean),
            "global_lag_alarmed" => self.global_lag_alarmed(at).map(value::boolean),
            "instance_count" => self.instance_count.map(|n| value::int(i64::from(n))),
            "headless" => self.instance_count.map(|n| value::boolean(n == 0)),
            name if is_encryption_field(name) => {
                let key = self.kms_key_id.as_deref();
                let usable = match (self.status.as_deref(), self.storage_encrypted) {
                    (Some("inaccessible-encryption-credentials"), _) => {
                        KeyUse::Unusable("inaccessible-encryption-credentials".to_string())
                    }
                    (_, Some(false)) => KeyUse::Usable,
                    (_, Some(true)) => at.facts.key_use(at.account_id, at.region, key),
                    (_, None) => KeyUse::Unknown,
                };
                encryption(name, key, &usable)
            }
            _ => None,
        }
    }

    fn replicated_key(&self, _: &str, global_member: bool) -> Option<&str> {
        let replicated = self.global_cluster_identifier.is_some() || global_member;
        match (replicated, self.storage_encrypted) {
            (true, Some(true)) => self.kms_key_id.as_deref(),
            _ => None,
        }
    }

    fn sample() -> RdsCluster {
        RdsCluster {
            arn: "arn:aws:rds:us-east-1:111122223333:cluster:ledger".into(),
            identifier: "ledger".into(),
            engine: "aurora-postgresql".into(),
            status: Some("available".into()),
            global_cluster_identifier: Some("ledger-global".into()),
            storage_encrypted: Some(true),
            kms_key_id: Some("arn:aws:kms:us-east-1:111122223333:key/mrk-1".into()),
            master_user_secret_arn: Some(
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!cluster-1".into(),
            ),
            engine_mode: Some("provisioned".into()),
            scalability_type: Some("standard".into()),
            instance_count: Some(2),
            replication_source: Some("arn:aws:rds:eu-west-1:111122223333:cluster:src".into()),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
