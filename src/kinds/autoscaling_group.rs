//! EC2 Auto Scaling groups: `resource = "autoscaling_group"`.

use super::compute::{self, with_compute_fields, ComputeRecord, Setting, COMPUTE_FIELDS};
use super::config_resource::Reference;
use super::value::{self, Boxed};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place, Record};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An Auto Scaling group as DescribeAutoScalingGroups reports it (its tags come
/// with it: the Tagging API does not list groups).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoscalingGroup {
    pub arn: String,
    pub name: String,
    pub min_size: i64,
    pub max_size: i64,
    pub desired_capacity: i64,
    /// Launch template name (or id when the name is not reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_template: Option<String>,
    /// `$Latest`, `$Default` or a version number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_template_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_configuration: Option<String>,
    /// Instance types of a mixed instances policy's overrides, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "autoscaling_group",
    list: "autoscaling_groups",
    resource_type: "AWS::AutoScaling::AutoScalingGroup",
    service: "autoscaling",
    doc: "An EC2 Auto Scaling group, from DescribeAutoScalingGroups (tags included).",
    data_store: false,
    fields: &FIELDS,
    listings: &["DescribeAutoScalingGroups"],
    swept: false,
};

const OWN: &[FieldDoc] = &[
    field("min_size", "int", "Minimum number of instances."),
    field("max_size", "int", "Maximum number of instances."),
    field("desired_capacity", "int", "Desired number of instances."),
    field("launch_template", "string", "Launch template name (or id)."),
    field(
        "launch_template_version",
        "string",
        "`$Latest`, `$Default` or a version number.",
    ),
    field(
        "launch_configuration",
        "string",
        "Launch configuration name, for a group without a template.",
    ),
    field(
        "instance_types",
        "list(string)",
        "Instance types of a mixed instances policy, sorted; absent without one.",
    ),
];

const FIELDS: [FieldDoc; OWN.len() + COMPUTE_FIELDS.len()] = with_compute_fields(OWN);

impl ComputeRecord for AutoscalingGroup {
    fn match_name(&self) -> String {
        self.name.clone()
    }

    fn compute_tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    /// User data and AMIs are not read: no references.
    fn references(&self) -> Option<&[Reference]> {
        None
    }

    /// Instances run AMIs, not container images.
    fn images(&self) -> Option<&[String]> {
        Some(&[])
    }

    fn environment_variables(&self) -> Option<&[String]> {
        None
    }

    /// Launch templates are named per region as often as not, so only the
    /// template version policy and the instance types are compared.
    fn settings(&self) -> Vec<Setting> {
        let or_none = |v: Option<String>| Some(v.unwrap_or_else(|| "none".to_string()));
        vec![
            (
                "launch_template_version",
                or_none(self.launch_template_version.clone()),
            ),
            (
                "instance_types",
                or_none(self.instance_types.as_ref().map(|t| t.join(","))),
            ),
        ]
    }

    fn serving_capacity(&self) -> Option<i64> {
        Some(self.desired_capacity)
    }

    fn minimum_capacity(&self) -> Option<i64> {
        Some(self.min_size)
    }

    fn capacity_unit(&self) -> &'static str {
        "instances"
    }
}

impl Kind for AutoscalingGroup {
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
        Some(Vec::new())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "min_size" => Some(value::int(self.min_size)),
            "max_size" => Some(value::int(self.max_size)),
            "desired_capacity" => Some(value::int(self.desired_capacity)),
            "launch_template" => value::opt_text(self.launch_template.as_deref()),
            "launch_template_version" => value::opt_text(self.launch_template_version.as_deref()),
            "launch_configuration" => value::opt_text(self.launch_configuration.as_deref()),
            "instance_types" => self
                .instance_types
                .as_ref()
                .map(|t| value::texts(t.iter().map(String::as_str))),
            name if compute::is_compute_field(name) => {
                compute::field_of(Record::AutoscalingGroup(self), self, at, name)
            }
            _ => None,
        }
    }

    fn sample() -> AutoscalingGroup {
        AutoscalingGroup {
            arn: "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f:autoScalingGroupName/api-us-east-1".into(),
            name: "api-us-east-1".into(),
            min_size: 4,
            max_size: 20,
            desired_capacity: 6,
            launch_template: Some("api".into()),
            launch_template_version: Some("$Latest".into()),
            launch_configuration: Some("api-legacy".into()),
            instance_types: Some(vec!["m7g.large".into()]),
            tags: Some(Tags::from([(
                compute::WORKLOAD_TAG.to_string(),
                "api".to_string(),
            )])),
        }
    }
}
