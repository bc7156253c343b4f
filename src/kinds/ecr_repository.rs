//! Private ECR repositories: `resource = "ecr_repository"`.
//!
//! Where a repository's images are copied to is the registry's business, not the
//! repository's: DescribeRegistry returns the region's replication rules, and the
//! collector keeps, per repository, the regions the rules whose filters match its
//! name send it to. Whether compute pulls from it is asked of the rest of the
//! inventory ([`super::Facts::image_in_use`]).

use super::value::{self, Boxed};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A repository from DescribeRepositories, with the registry's replication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcrRepository {
    pub arn: String,
    pub name: String,
    /// `<account>.dkr.ecr.<region>.amazonaws.com/<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The registry (account) holding it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    /// Regions of the same registry the region's replication rules copy it to,
    /// sorted. Absent when DescribeRegistry could not be read; empty when no rule
    /// matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicated_to: Option<Vec<String>>,
    /// Destinations in other accounts' registries, as `<registry id>:<region>`:
    /// a copy compute of this account does not pull by this registry's URI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicated_cross_account: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "ecr_repository",
    list: "ecr_repositories",
    resource_type: "AWS::ECR::Repository",
    service: "ecr",
    doc: "A private ECR repository, from DescribeRepositories, with the regions its registry's replication rules (DescribeRegistry) copy it to.",
    data_store: false,
    fields: FIELDS,
    listings: &["DescribeRepositories"],
    swept: false,
};

const FIELDS: &[FieldDoc] = &[
    field(
        "uri",
        "string",
        "`<account>.dkr.ecr.<region>.amazonaws.com/<name>`.",
    ),
    field("registry_id", "string", "The registry (account) holding it."),
    derived(
        "replicated_to",
        "list(string)",
        "Regions of its own registry that the region's replication rules (no filter, or a `PREFIX_MATCH` filter its name starts with) copy its images to, sorted.",
        "the region's registry replication configuration (ecr:DescribeRegistry)",
    ),
    field(
        "replicated_cross_account",
        "list(string)",
        "Replication destinations in other accounts' registries, as `<registry id>:<region>`.",
    ),
    derived(
        "used_by_compute",
        "bool",
        "Whether a collected resource's `images` names this repository. Only compute of the inventory is seen: a pull from an account or region that was not read is not known.",
        "the compute of the repository's account and region (every kind with an `images` field, listed completely)",
    ),
];

impl Kind for EcrRepository {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn replica_regions<'a>(&'a self, _: &Place<'a>) -> Option<Vec<&'a str>> {
        self.replicated_to
            .as_ref()
            .map(|r| r.iter().map(String::as_str).collect())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "uri" => value::opt_text(self.uri.as_deref()),
            "registry_id" => value::opt_text(self.registry_id.as_deref()),
            "replicated_to" => self
                .replicated_to
                .as_ref()
                .map(|r| value::texts(r.iter().map(String::as_str))),
            "replicated_cross_account" => Some(value::texts(
                self.replicated_cross_account.iter().map(String::as_str),
            )),
            "used_by_compute" => {
                let registry = self.registry_id.as_deref().unwrap_or(at.account_id);
                at.facts
                    .image_in_use(registry, at.region, &self.name)
                    .map(value::boolean)
            }
            _ => None,
        }
    }

    fn sample() -> EcrRepository {
        EcrRepository {
            arn: "arn:aws:ecr:us-east-1:111122223333:repository/payments/api".into(),
            name: "payments/api".into(),
            uri: Some("111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/api".into()),
            registry_id: Some("111122223333".into()),
            replicated_to: Some(vec!["eu-west-1".into()]),
            replicated_cross_account: vec!["444455556666:eu-west-1".into()],
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
