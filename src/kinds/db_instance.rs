//! RDS DB instances: `resource = "db_instance"` (cluster members and read replicas).

use super::value::{self, Boxed};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

pub static SPEC: KindSpec = KindSpec {
    name: "db_instance",
    list: "db_instances",
    resource_type: "AWS::RDS::DBInstance",
    service: "rds",
    doc: "An RDS DB instance (a cluster member or a standalone database with its read replicas), from DescribeDBInstances.",
    data_store: true,
    fields: FIELDS,
    listings: &["DescribeDBInstances"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field("identifier", "string", "The instance identifier."),
    field("engine", "string", "`postgres`, `aurora-postgresql`, ..."),
    field(
        "cluster_identifier",
        "string",
        "The cluster it belongs to, if any.",
    ),
    field(
        "read_replica_source",
        "string",
        "Source of a read replica (an identifier or, cross-region, an ARN).",
    ),
    field(
        "read_replicas",
        "list(string)",
        "Its read replicas (identifiers or, cross-region, ARNs).",
    ),
    field("storage_encrypted", "bool", "Whether storage is encrypted."),
];

impl Kind for DbInstance {
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
            self.read_replicas
                .iter()
                .map(|r| crate::analysis::arn::region_of(r))
                .filter(|r| !r.is_empty() && *r != at.region)
                .collect(),
        )
    }

    fn field<'a>(&'a self, _: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "identifier" => Some(value::text(&self.identifier)),
            "engine" => Some(value::text(&self.engine)),
            "cluster_identifier" => value::opt_text(self.cluster_identifier.as_deref()),
            "read_replica_source" => value::opt_text(self.read_replica_source.as_deref()),
            "read_replicas" => Some(value::texts(self.read_replicas.iter().map(String::as_str))),
            "storage_encrypted" => value::opt_bool(self.storage_encrypted),
            _ => None,
        }
    }

    fn sample() -> DbInstance {
        DbInstance {
            arn: "arn:aws:rds:us-east-1:111122223333:db:ledger-1".into(),
            identifier: "ledger-1".into(),
            engine: "postgres".into(),
            cluster_identifier: Some("ledger".into()),
            read_replica_source: Some("ledger-0".into()),
            read_replicas: vec!["arn:aws:rds:eu-west-1:111122223333:db:ledger-1-euw1".into()],
            storage_encrypted: Some(true),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
