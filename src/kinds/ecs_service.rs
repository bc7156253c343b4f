//! ECS services with the task definition they run: `resource = "ecs_service"`.

use super::compute::{self, with_compute_fields, ComputeRecord, Setting, COMPUTE_FIELDS};
use super::config_resource::{Reference, ReferenceRole};
use super::value::{self, Boxed};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place, Record};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An ECS service as DescribeServices reports it (tags included), with what
/// DescribeTaskDefinition says of its task definition. Container environment
/// values are never kept: only the variable names and the references in them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsService {
    pub arn: String,
    /// The service name.
    pub name: String,
    /// The cluster name.
    pub cluster: String,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`; absent when the service was only listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<i64>,
    /// `FARGATE`, `EC2`, `EXTERNAL`; absent when a capacity provider strategy is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_providers: Option<Vec<String>>,
    /// ARN of the task definition the service runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<String>,
    /// The task definition as read (absent when DescribeTaskDefinition failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<EcsTask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// What a service's task definition says, values of the environment excepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsTask {
    /// Task-level CPU units (`1024`), as the task definition writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Task-level memory in MiB (`2048`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// Container images, in container order.
    pub images: Vec<String>,
    /// Environment variable names, as `container.NAME`.
    pub environment_variables: Vec<String>,
    /// References in the environment values and in `secrets[].valueFrom`.
    pub references: Vec<Reference>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "ecs_service",
    list: "ecs_services",
    resource_type: "AWS::ECS::Service",
    service: "ecs",
    doc: "An ECS service with the task definition it runs, from ListClusters, ListServices, DescribeServices (tags included) and DescribeTaskDefinition (environment: names and references only).",
    data_store: false,
    fields: &FIELDS,
    listings: &["ListClusters", "ListServices"],
    swept: false,
};

const OWN: &[FieldDoc] = &[
    field("cluster", "string", "The cluster name."),
    field("status", "string", "`ACTIVE`, `DRAINING`, `INACTIVE`."),
    field("desired_count", "int", "Desired number of tasks."),
    field(
        "launch_type",
        "string",
        "`FARGATE`, `EC2`, `EXTERNAL`; absent with a capacity provider strategy.",
    ),
    field(
        "capacity_providers",
        "list(string)",
        "Capacity providers of its strategy.",
    ),
    field(
        "task_definition",
        "string",
        "ARN of the task definition it runs.",
    ),
    field(
        "task_cpu",
        "string",
        "Task-level CPU units, as written (`1024`).",
    ),
    field(
        "task_memory",
        "string",
        "Task-level memory in MiB, as written (`2048`).",
    ),
];

const FIELDS: [FieldDoc; OWN.len() + COMPUTE_FIELDS.len()] = with_compute_fields(OWN);

/// The tag of an image (`v42`, or the digest), without the repository.
fn image_tag(image: &str) -> &str {
    if let Some((_, digest)) = image.split_once('@') {
        return digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map_or("latest", |(_, tag)| tag)
}

impl ComputeRecord for EcsService {
    fn match_name(&self) -> String {
        format!("{}/{}", self.cluster, self.name)
    }

    fn compute_tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn references(&self) -> Option<&[Reference]> {
        self.task.as_ref().map(|t| t.references.as_slice())
    }

    fn images(&self) -> Option<&[String]> {
        self.task.as_ref().map(|t| t.images.as_slice())
    }

    fn environment_variables(&self) -> Option<&[String]> {
        self.task
            .as_ref()
            .map(|t| t.environment_variables.as_slice())
    }

    /// Image tags, not URIs: each region may pull from its own registry replica.
    fn settings(&self) -> Vec<Setting> {
        let task = self.task.as_ref();
        let or_none = |v: Option<&String>| v.cloned().unwrap_or_else(|| "none".to_string());
        vec![
            (
                "image_tags",
                task.map(|t| {
                    t.images
                        .iter()
                        .map(|i| image_tag(i))
                        .collect::<Vec<_>>()
                        .join(",")
                }),
            ),
            ("task_cpu", task.map(|t| or_none(t.cpu.as_ref()))),
            ("task_memory", task.map(|t| or_none(t.memory.as_ref()))),
        ]
    }

    fn serving_capacity(&self) -> Option<i64> {
        self.desired_count
    }

    fn minimum_capacity(&self) -> Option<i64> {
        self.desired_count
    }

    fn capacity_unit(&self) -> &'static str {
        "tasks"
    }
}

impl Kind for EcsService {
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
        let task = self.task.as_ref();
        match name {
            "cluster" => Some(value::text(&self.cluster)),
            "status" => value::opt_text(self.status.as_deref()),
            "desired_count" => self.desired_count.map(value::int),
            "launch_type" => value::opt_text(self.launch_type.as_deref()),
            "capacity_providers" => self
                .capacity_providers
                .as_ref()
                .map(|c| value::texts(c.iter().map(String::as_str))),
            "task_definition" => value::opt_text(self.task_definition.as_deref()),
            "task_cpu" => value::opt_text(task.and_then(|t| t.cpu.as_deref())),
            "task_memory" => value::opt_text(task.and_then(|t| t.memory.as_deref())),
            name if compute::is_compute_field(name) => {
                compute::field_of(Record::EcsService(self), self, at, name)
            }
            _ => None,
        }
    }

    fn sample() -> EcsService {
        EcsService {
            arn: "arn:aws:ecs:us-east-1:111122223333:service/prod/web".into(),
            name: "web".into(),
            cluster: "prod".into(),
            status: Some("ACTIVE".into()),
            desired_count: Some(6),
            launch_type: Some("FARGATE".into()),
            capacity_providers: Some(Vec::new()),
            task_definition: Some(
                "arn:aws:ecs:us-east-1:111122223333:task-definition/web:42".into(),
            ),
            task: Some(EcsTask {
                cpu: Some("1024".into()),
                memory: Some("2048".into()),
                images: vec!["111122223333.dkr.ecr.us-east-1.amazonaws.com/web:v42".into()],
                environment_variables: vec!["web.TABLE_ARN".into()],
                references: vec![Reference {
                    target: "arn:aws:dynamodb:eu-west-1:111122223333:table/orders".into(),
                    region: "eu-west-1".into(),
                    path: "containerDefinitions.web.environment.TABLE_ARN".into(),
                    role: ReferenceRole::Call,
                }],
            }),
            tags: Some(Tags::from([(
                compute::WORKLOAD_TAG.to_string(),
                "web".to_string(),
            )])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::image_tag;

    #[test]
    fn image_tags_ignore_the_registry() {
        assert_eq!(
            image_tag("1.dkr.ecr.us-east-1.amazonaws.com/web:v42"),
            "v42"
        );
        assert_eq!(image_tag("localhost:5000/web"), "latest");
        assert_eq!(image_tag("web@sha256:abc"), "sha256:abc");
    }
}
