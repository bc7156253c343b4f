//! What the three compute kinds (`lambda_function`, `ecs_service`,
//! `autoscaling_group`) share: the references their configuration makes (for the
//! hot path), the container images they run, and their counterpart in the partner
//! region with the settings and capacity compared against it.
//!
//! Counterparts are matched within one account and kind, by any of:
//! - the name, with the region code in it (if any) replaced by a placeholder, so
//!   `api-us-east-1` and `api-eu-west-1` match, as do two functions both called
//!   `orders-api`; an ECS service's name is `cluster/service`;
//! - the value of the [`WORKLOAD_TAG`] tag, for resources named differently.
//!
//! A lookup in a partner region whose listing of the kind failed (or that was not
//! read) has no answer: the derived fields are absent and rules reading them say
//! `unknown`, never "missing".

use super::config_resource::{reference_list, resolve, Reference, ReferenceRole};
use super::value::{self, Boxed, Fields, Object};
use super::{derived, field, FieldDoc, Place, Record, Tags};

/// The tag naming the workload a resource belongs to, for counterparts named
/// differently in each region.
pub const WORKLOAD_TAG: &str = "regionready:workload";

/// One setting compared across the pair: its name and its value, `None` when it
/// was not read.
pub type Setting = (&'static str, Option<String>);

/// What a compute record provides to the shared fields.
pub trait ComputeRecord {
    /// The name counterparts are matched by (before the region is taken out).
    fn match_name(&self) -> String;
    fn compute_tags(&self) -> Option<&Tags>;
    /// References found in its configuration; `None` when it was not read.
    fn references(&self) -> Option<&[Reference]>;
    /// Container image URIs; `None` when they were not read.
    fn images(&self) -> Option<&[String]>;
    /// Names of its environment variables (never their values).
    fn environment_variables(&self) -> Option<&[String]>;
    /// The settings compared with the counterpart's, in a fixed order.
    fn settings(&self) -> Vec<Setting>;
    /// What it serves with now (instances, tasks, concurrent executions).
    fn serving_capacity(&self) -> Option<i64>;
    /// What it keeps without scaling out: the capacity a failover can count on.
    fn minimum_capacity(&self) -> Option<i64>;
    fn capacity_unit(&self) -> &'static str;
}

/// The compute record behind a record, if it is one.
pub fn as_compute(record: Record<'_>) -> Option<&dyn ComputeRecord> {
    match record {
        Record::LambdaFunction(r) => Some(r),
        Record::EcsService(r) => Some(r),
        Record::AutoscalingGroup(r) => Some(r),
        _ => None,
    }
}

/// The keys a compute record is matched by in `region`: its name with the region
/// code taken out, and its workload tag when it has one.
pub fn match_keys(record: &dyn ComputeRecord, region: &str) -> Vec<String> {
    let name = record.match_name();
    let name = if region.is_empty() {
        name
    } else {
        name.replace(region, "{region}")
    };
    let mut keys = vec![format!("name:{name}")];
    if let Some(workload) = record.compute_tags().and_then(|t| t.get(WORKLOAD_TAG)) {
        keys.push(format!("workload:{workload}"));
    }
    keys
}

/// Needs of the partner-derived fields.
const PARTNER: &str =
    "the partner region's listing of the same kind (and the counterpart's settings)";

/// The view fields every compute kind has, besides its own.
pub const COMPUTE_FIELDS: &[FieldDoc] = &[
    field(
        "resource_type",
        "string",
        "CloudFormation type (as `config_resource`'s), so hot-path rules read compute kinds alike.",
    ),
    field("compute", "bool", "Always true: it makes calls at request time."),
    field(
        "superseded",
        "bool",
        "Always false for a typed record (see `config_resource.superseded`).",
    ),
    derived(
        "references",
        "list(map)",
        "ARNs and endpoints its configuration names (environment values, secrets), as `config_resource.references`.",
        "the resource's configuration (function listing, task definition)",
    ),
    derived(
        "cross_region_references",
        "list(map)",
        "The `call` references into another region (as `references`).",
        "the resource's configuration (function listing, task definition)",
    ),
    derived(
        "images",
        "list(string)",
        "Container image URIs it runs; empty when it runs none (a zip function, an Auto Scaling group).",
        "the container images (an image function's URI is not read: GetFunction is not called)",
    ),
    derived(
        "environment_variables",
        "list(string)",
        "Names of its environment variables (never their values).",
        "the resource's configuration",
    ),
    field(
        "workload",
        "string",
        "Value of its `regionready:workload` tag, which matches counterparts named differently.",
    ),
    derived(
        "partner_present",
        "bool",
        "Whether the partner region runs a counterpart: same name (the region code in it aside), or same `regionready:workload` tag.",
        PARTNER,
    ),
    derived(
        "partner_arn",
        "string",
        "ARN of the counterpart in the partner region (the same-name one first).",
        PARTNER,
    ),
    derived(
        "partner_drift",
        "list(map)",
        "Settings that differ from the counterpart's: `setting`, `value`, `partner_value`. Absent when a setting could not be read on either side and none differs.",
        PARTNER,
    ),
    derived(
        "serving_capacity",
        "int",
        "What it serves with now: desired instances, desired tasks, or its concurrency ceiling (reserved concurrency, else the account's unreserved concurrency).",
        "the capacity settings (GetFunctionConcurrency and GetAccountSettings for functions)",
    ),
    derived(
        "minimum_capacity",
        "int",
        "What it keeps without scaling out: minimum instances, desired tasks, or its concurrency ceiling.",
        "the capacity settings (GetFunctionConcurrency and GetAccountSettings for functions)",
    ),
    derived(
        "partner_minimum_capacity",
        "int",
        "The counterpart's `minimum_capacity`.",
        PARTNER,
    ),
    field(
        "capacity_unit",
        "string",
        "`instances`, `tasks` or `concurrent executions`.",
    ),
];

/// A compute kind's field table: its own fields, then [`COMPUTE_FIELDS`]. `N`
/// must be the sum of both lengths (checked at compile time).
pub const fn with_compute_fields<const N: usize>(own: &[FieldDoc]) -> [FieldDoc; N] {
    assert!(own.len() + COMPUTE_FIELDS.len() == N);
    let mut out = [COMPUTE_FIELDS[0]; N];
    let mut i = 0;
    while i < own.len() {
        out[i] = own[i];
        i += 1;
    }
    let mut j = 0;
    while j < COMPUTE_FIELDS.len() {
        out[i + j] = COMPUTE_FIELDS[j];
        j += 1;
    }
    out
}

/// Whether a field is one of [`COMPUTE_FIELDS`].
pub fn is_compute_field(name: &str) -> bool {
    COMPUTE_FIELDS.iter().any(|f| f.name == name)
}

/// The counterpart in the partner region: `Err` when it cannot be known.
fn counterpart<'a>(
    record: Record<'a>,
    me: &dyn ComputeRecord,
    at: &Place<'a>,
) -> Result<Option<Record<'a>>, ()> {
    let partner = at.partner_region.ok_or(())?;
    // Keys hold `{region}` where the name held its own region, on both sides.
    let keys = match_keys(me, at.region);
    let found = at
        .facts
        .counterparts(at.account_id, partner, record.kind(), &keys)
        .map_err(|_| ())?;
    Ok(found.into_iter().next())
}

/// A setting that differs, as a CEL map.
#[derive(Debug, Clone)]
struct Drift {
    setting: &'static str,
    value: String,
    partner_value: String,
}

impl Fields for Drift {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        match name {
            "setting" => Some(value::text(self.setting)),
            "value" => Some(value::owned_text(self.value.clone())),
            "partner_value" => Some(value::owned_text(self.partner_value.clone())),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["setting", "value", "partner_value"]
    }
}

/// The differing settings; `None` when none differs but one could not be read.
fn drift(mine: Vec<Setting>, theirs: Vec<Setting>) -> Option<Vec<Drift>> {
    let mut out = Vec::new();
    let mut undecided = false;
    for ((setting, a), (_, b)) in mine.into_iter().zip(theirs) {
        match (a, b) {
            (Some(a), Some(b)) if a != b => out.push(Drift {
                setting,
                value: a,
                partner_value: b,
            }),
            (Some(_), Some(_)) => {}
            _ => undecided = true,
        }
    }
    (!out.is_empty() || !undecided).then_some(out)
}

/// A shared compute field of `record`; `None` when absent.
pub fn field_of<'a>(
    record: Record<'a>,
    me: &'a dyn ComputeRecord,
    at: &Place<'a>,
    name: &str,
) -> Option<Boxed<'a>> {
    match name {
        "resource_type" => Some(value::text(record.resource_type())),
        "compute" => Some(value::boolean(true)),
        "superseded" => Some(value::boolean(false)),
        "references" => me
            .references()
            .map(|refs| reference_list(resolve(refs, at).into_iter())),
        "cross_region_references" => me.references().map(|refs| {
            reference_list(resolve(refs, at).into_iter().filter(|x| {
                x.role() == ReferenceRole::Call
                    && !at.region.is_empty()
                    && x.region != at.region
                    && x.target() != record.arn()
            }))
        }),
        "images" => me
            .images()
            .map(|i| value::texts(i.iter().map(String::as_str))),
        "environment_variables" => me
            .environment_variables()
            .map(|v| value::texts(v.iter().map(String::as_str))),
        "workload" => value::opt_text(
            me.compute_tags()
                .and_then(|t| t.get(WORKLOAD_TAG))
                .map(String::as_str),
        ),
        "serving_capacity" => me.serving_capacity().map(value::int),
        "minimum_capacity" => me.minimum_capacity().map(value::int),
        "capacity_unit" => Some(value::text(me.capacity_unit())),
        "partner_present" => counterpart(record, me, at)
            .ok()
            .map(|c| value::boolean(c.is_some())),
        "partner_arn" => counterpart(record, me, at)
            .ok()
            .flatten()
            .map(|c| value::text(c.arn())),
        "partner_drift" => {
            let other = counterpart(record, me, at).ok().flatten()?;
            let theirs = as_compute(other)?.settings();
            drift(me.settings(), theirs).map(|list| {
                value::list(
                    list.into_iter()
                        .map(|d| Box::new(Object(d)) as Boxed<'a>)
                        .collect(),
                )
            })
        }
        "partner_minimum_capacity" => {
            let other = counterpart(record, me, at).ok().flatten()?;
            as_compute(other)?.minimum_capacity().map(value::int)
        }
        _ => None,
    }
}

/// The references of environment variables (or any configuration read at
/// collection time), with the names of the variables, never their values: each
/// value is searched for ARNs and endpoints and then dropped.
pub fn environment_references<'v>(
    resource_type: &str,
    path: &str,
    variables: impl IntoIterator<Item = (&'v str, &'v str)>,
) -> (Vec<String>, Vec<Reference>) {
    let mut names = Vec::new();
    let mut object = serde_json::Map::new();
    for (name, value) in variables {
        names.push(name.to_string());
        object.insert(name.to_string(), serde_json::Value::from(value));
    }
    let mut wrapped = serde_json::Value::Object(object);
    for segment in path.rsplit('.') {
        let mut outer = serde_json::Map::new();
        outer.insert(segment.to_string(), wrapped);
        wrapped = serde_json::Value::Object(outer);
    }
    let refs = crate::analysis::references::extract(resource_type, &wrapped);
    (names, refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_references_and_names_come_out_of_an_environment() {
        let (names, refs) = environment_references(
            "AWS::Lambda::Function",
            "environment.variables",
            [
                (
                    "TABLE",
                    "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
                ),
                ("PASSWORD", "hunter2"),
            ],
        );
        assert_eq!(names, ["TABLE", "PASSWORD"]);
        assert_eq!(refs.len(), 1);
        assert_eq!(
            refs[0].target,
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
        );
        assert_eq!(refs[0].path, "environment.variables.TABLE");
        assert_eq!(refs[0].role, ReferenceRole::Call);
    }

    #[test]
    fn drift_is_decided_by_a_difference_even_when_a_setting_is_unread() {
        let mine = vec![("memory", Some("512".into())), ("runtime", None)];
        let theirs = vec![
            ("memory", Some("256".into())),
            ("runtime", Some("x".into())),
        ];
        assert_eq!(drift(mine, theirs).map(|d| d.len()), Some(1));
        let mine = vec![("memory", Some("512".into())), ("runtime", None)];
        let theirs = vec![
            ("memory", Some("512".into())),
            ("runtime", Some("x".into())),
        ];
        assert!(drift(mine, theirs).is_none(), "undecided, not equal");
    }
}
