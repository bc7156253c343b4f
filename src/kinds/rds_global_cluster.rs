//! Aurora global databases: `resource = "rds_global_cluster"`.
//!
//! A global cluster is seen from every region that holds a member; it is evaluated
//! once, in its writer's region (or where it was described, with no writer).

use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

pub static SPEC: KindSpec = KindSpec {
    name: "rds_global_cluster",
    list: "rds_global_clusters",
    resource_type: "AWS::RDS::GlobalCluster",
    service: "rds",
    doc: "An Aurora global database, from DescribeGlobalClusters; evaluated once, in its writer's region.",
    data_store: true,
    fields: FIELDS,
    listings: &["DescribeGlobalClusters"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field("identifier", "string", "The global cluster identifier."),
    field(
        "engine",
        "string",
        "`aurora-postgresql`, `aurora-mysql`, ...",
    ),
    field("storage_encrypted", "bool", "Whether storage is encrypted."),
    field(
        "members",
        "list(map)",
        "Member clusters: `cluster_arn`, `region`, `is_writer`.",
    ),
    field(
        "member_regions",
        "list(string)",
        "Regions holding a member, sorted.",
    ),
    field(
        "writer_region",
        "string",
        "Region of the writer cluster; absent when there is none.",
    ),
];

impl GlobalCluster {
    fn writer_region(&self) -> Option<&str> {
        self.members
            .iter()
            .find(|m| m.is_writer)
            .map(|m| m.region.as_str())
    }

    fn member_regions(&self) -> BTreeSet<&str> {
        self.members.iter().map(|m| m.region.as_str()).collect()
    }
}

/// A member of a global cluster, as a CEL map.
#[derive(Debug, Clone)]
struct MemberView<'a>(&'a GlobalClusterMember);

impl Fields for MemberView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let m = self.0;
        match name {
            "cluster_arn" => Some(value::text(&m.cluster_arn)),
            "region" => Some(value::text(&m.region)),
            "is_writer" => Some(value::boolean(m.is_writer)),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["cluster_arn", "region", "is_writer"]
    }
}

impl Kind for GlobalCluster {
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

    fn view_region<'a>(&'a self, listed_in: &'a str) -> &'a str {
        self.writer_region().unwrap_or(listed_in)
    }

    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        Some(
            self.member_regions()
                .into_iter()
                .filter(|r| *r != at.region)
                .collect(),
        )
    }

    fn field<'a>(&'a self, _: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "identifier" => Some(value::text(&self.identifier)),
            "engine" => value::opt_text(self.engine.as_deref()),
            "storage_encrypted" => value::opt_bool(self.storage_encrypted),
            "members" => Some(value::list(
                self.members
                    .iter()
                    .map(|m| Box::new(Object(MemberView(m))) as Boxed<'a>)
                    .collect(),
            )),
            "member_regions" => Some(value::texts(self.member_regions())),
            "writer_region" => value::opt_text(self.writer_region()),
            _ => None,
        }
    }

    fn sample() -> GlobalCluster {
        GlobalCluster {
            arn: "arn:aws:rds::111122223333:global-cluster:ledger-global".into(),
            identifier: "ledger-global".into(),
            engine: Some("aurora-postgresql".into()),
            storage_encrypted: Some(true),
            members: vec![
                GlobalClusterMember {
                    cluster_arn: "arn:aws:rds:us-east-1:111122223333:cluster:ledger".into(),
                    region: "us-east-1".into(),
                    is_writer: true,
                },
                GlobalClusterMember {
                    cluster_arn: "arn:aws:rds:eu-west-1:111122223333:cluster:ledger".into(),
                    region: "eu-west-1".into(),
                    is_writer: false,
                },
            ],
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
