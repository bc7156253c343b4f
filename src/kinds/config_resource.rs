//! Every other resource, as AWS Config (or the cheap listing outside the pair)
//! reports it: `resource = "config_resource"`.

use super::facts::ResolvedRef;
use super::raw_json::RawJson;
use super::value::{self, Boxed, Fields, Object};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use crate::analysis::arn::{is_global_resource, Arn};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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
    pub configuration: Option<RawJson>,
}

pub use crate::analysis::references::{Reference, ReferenceRole};

/// Resource types whose configuration makes calls at request time (the view's
/// `compute`), and whether the collector asks AWS Config for them: the hot-path
/// rules read the configurations of those.
pub const COMPUTE_TYPES: &[(&str, bool)] = &[
    ("AWS::Lambda::Function", true),
    ("AWS::ECS::TaskDefinition", true),
    ("AWS::ECS::Service", false),
    ("AWS::StepFunctions::StateMachine", true),
    ("AWS::Events::Rule", true),
    ("AWS::SNS::Topic", true),
    ("AWS::SNS::Subscription", false),
    ("AWS::ApiGateway::RestApi", true),
    ("AWS::ApiGateway::Stage", false),
    ("AWS::ApiGatewayV2::Api", true),
    ("AWS::ApiGatewayV2::Integration", false),
    ("AWS::AppSync::GraphQLApi", false),
    ("AWS::Batch::JobDefinition", false),
    ("AWS::Pipes::Pipe", false),
];

/// The compute types whose configurations the collector reads from AWS Config.
pub fn collected_compute_types() -> impl Iterator<Item = &'static str> {
    COMPUTE_TYPES
        .iter()
        .filter(|(_, collected)| *collected)
        .map(|(t, _)| *t)
}

pub fn is_compute_type(resource_type: &str) -> bool {
    COMPUTE_TYPES.iter().any(|(t, _)| *t == resource_type)
}

pub static SPEC: KindSpec = KindSpec {
    name: "config_resource",
    list: "resources",
    resource_type: "",
    service: "config",
    doc: "Any other resource, as AWS Config reports it (compute configurations with the references found in them), or as the cheap listing outside the pair reports it (no configuration, no tags).",
    data_store: false,
    fields: FIELDS,
    listings: &[],
    swept: false,
};

const CONFIGURATION_ITEM: &str = "the resource's AWS Config configuration item";
const REMOTE_KEYS: &str = "the KMS keys of the region the resource runs in and of the key's region (a region whose keys could not be listed, or a key of an account not scanned)";

const FIELDS: &[FieldDoc] = &[
    field(
        "resource_type",
        "string",
        "CloudFormation-style type, such as `AWS::Lambda::Function`.",
    ),
    field(
        "compute",
        "bool",
        "Whether the type makes calls at request time (functions, task definitions, state machines, rules, topics, APIs, ...).",
    ),
    derived(
        "references",
        "list(map)",
        "ARNs and endpoints its configuration names: `target`, `region`, `path`, `service`, `role` (`call`, `inbound`, `permission`, `replication`), `replication`.",
        CONFIGURATION_ITEM,
    ),
    derived(
        "cross_region_references",
        "list(map)",
        "The `call` references into another region (as `references`).",
        CONFIGURATION_ITEM,
    ),
    derived(
        "replication_targets",
        "list(map)",
        "The `replication` references (as `references`).",
        CONFIGURATION_ITEM,
    ),
    field(
        "references_error",
        "string",
        "Why the references of a configuration item that was read could not be extracted.",
    ),
    derived(
        "remote_keys_without_local_copy",
        "list(map)",
        "Calls to KMS keys of another region that have no copy in the resource's region (as `references`).",
        REMOTE_KEYS,
    ),
    derived(
        "remote_keys_with_local_replica",
        "list(map)",
        "Calls to the copy in another region of multi-Region keys that have a replica in the resource's region (as `references`).",
        REMOTE_KEYS,
    ),
];

/// Fields built from a configuration item's references: when they are absent
/// because the references could not be extracted, the unknown outcome says why.
pub const REFERENCE_FIELDS: &[&str] = &[
    "references",
    "cross_region_references",
    "replication_targets",
];

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

/// A reference as a CEL map.
#[derive(Debug, Clone)]
struct ReferenceView<'a>(ResolvedRef<'a>);

impl Fields for ReferenceView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let x = self.0;
        match name {
            "target" => Some(value::text(&x.reference.target)),
            "region" => Some(value::text(x.region)),
            "path" => Some(value::text(&x.reference.path)),
            "service" => Some(value::text(reference_service(&x.reference.target))),
            "role" => Some(value::text(x.reference.role.as_str())),
            "replication" => Some(value::boolean(
                x.reference.role == ReferenceRole::Replication,
            )),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["target", "region", "path", "service", "role", "replication"]
    }
}

fn reference_list<'a>(refs: impl Iterator<Item = ResolvedRef<'a>>) -> Boxed<'a> {
    value::list(
        refs.map(|x| Box::new(Object(ReferenceView(x))) as Boxed<'a>)
            .collect(),
    )
}

impl ConfigResource {
    /// The references with their regions resolved. Region-less ARNs (S3 buckets)
    /// take the region the inventory lists them in; those it does not know are
    /// dropped: their region cannot be claimed.
    fn resolved<'a>(&'a self, at: &Place<'a>) -> Option<Vec<ResolvedRef<'a>>> {
        self.references.as_ref().map(|refs| {
            refs.iter()
                .filter_map(|x| {
                    let region = if x.region.is_empty() {
                        at.facts.region_of_regionless(&x.target)?
                    } else {
                        x.region.as_str()
                    };
                    Some(ResolvedRef {
                        reference: x,
                        region,
                    })
                })
                .collect()
        })
    }
}

impl Kind for ConfigResource {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        match &self.name {
            Some(name) => name,
            None => self.arn.rsplit([':', '/']).next().unwrap_or(&self.arn),
        }
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// Resources of global services have no region, whichever recorder listed them.
    fn view_region<'a>(&'a self, listed_in: &'a str) -> &'a str {
        if is_global_resource(&self.resource_type, &self.arn) {
            ""
        } else {
            listed_in
        }
    }

    fn data_store(&self) -> bool {
        super::is_data_store_type(&self.resource_type)
    }

    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        let regions: BTreeSet<&str> = self
            .resolved(at)
            .iter()
            .flatten()
            .filter(|x| x.role() == ReferenceRole::Replication && x.region != at.region)
            .map(|x| x.region)
            .collect();
        Some(regions.into_iter().collect())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "resource_type" => Some(value::text(&self.resource_type)),
            "compute" => Some(value::boolean(is_compute_type(&self.resource_type))),
            "references_error" => value::opt_text(self.references_error.as_deref()),
            "references" => self
                .resolved(at)
                .map(|refs| reference_list(refs.into_iter())),
            "cross_region_references" => self.resolved(at).map(|refs| {
                reference_list(refs.into_iter().filter(|x| {
                    x.role() == ReferenceRole::Call
                        && !at.region.is_empty()
                        && x.region != at.region
                        && x.target() != self.arn
                }))
            }),
            "replication_targets" => self.resolved(at).map(|refs| {
                reference_list(
                    refs.into_iter()
                        .filter(|x| x.role() == ReferenceRole::Replication),
                )
            }),
            // A list of definite findings stands even when other references could
            // not be decided; an empty one only when every reference was.
            "remote_keys_without_local_copy" => {
                let refs = self.resolved(at)?;
                let remote = at.facts.remote_keys(at.region, &refs);
                (!remote.without_local_copy.is_empty() || remote.undecided == 0)
                    .then(|| reference_list(remote.without_local_copy.into_iter()))
            }
            "remote_keys_with_local_replica" => {
                let refs = self.resolved(at)?;
                let remote = at.facts.remote_keys(at.region, &refs);
                (!remote.with_local_copy.is_empty() || remote.undecided == 0)
                    .then(|| reference_list(remote.with_local_copy.into_iter()))
            }
            _ => None,
        }
    }

    fn sample() -> ConfigResource {
        ConfigResource {
            resource_type: "AWS::Lambda::Function".into(),
            arn: "arn:aws:lambda:eu-west-1:111122223333:function:notifier".into(),
            name: Some("notifier".into()),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
            references: Some(vec![
                Reference {
                    target: "arn:aws:dynamodb:us-east-1:111122223333:table/payments".into(),
                    region: "us-east-1".into(),
                    path: "environment.variables.TABLE_ARN".into(),
                    role: ReferenceRole::Call,
                },
                Reference {
                    target: "arn:aws:kms:us-east-1:111122223333:key/1234".into(),
                    region: "us-east-1".into(),
                    path: "environment.variables.KEY_ARN".into(),
                    role: ReferenceRole::Call,
                },
                Reference {
                    target: "arn:aws:s3:::replica-bucket".into(),
                    region: "us-west-2".into(),
                    path: "ReplicationConfiguration.Rules[0].Destination.Bucket".into(),
                    role: ReferenceRole::Replication,
                },
            ]),
            references_error: Some("nested too deeply".into()),
            configuration: None,
        }
    }
}
