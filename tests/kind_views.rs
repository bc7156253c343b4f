//! Each resource kind's view, checked against its declaration. For every kind in
//! `kinds::ALL`, its sample record (`Kind::sample`, which sets every field):
//!
//! - yields every field the kind documents: a plain field always, a derived one
//!   (which may be absent for want of data) once every cross-resource fact is known;
//! - answers no name it does not document: no documented name of another kind, and
//!   no `"name" =>` arm of its `fn field` in `src/kinds/<kind>.rs` is undocumented;
//! - renders to `tests/snapshots/kinds/<kind>.txt`, so a change to any view field
//!   shows in review.
//!
//! The common fields apply to every kind, except the ones that describe a copy of
//! replicated data ([`REPLICATED_COPY_FIELDS`]): a kind has all of them or none.
//!
//! New kinds are covered by walking `ALL`: one without `sample()` data, field docs or
//! a snapshot fails here. Regenerate the snapshots with
//! `REGIONREADY_UPDATE_DOCS=1 cargo test --test kind_views`.

use cel::common::types::{CelInt, CelNull, MAP_TYPE};
use cel::common::value::Val;
use regionready::analysis::arn;
use regionready::inventory::DynamoTable;
use regionready::kinds::cloudwatch_alarm::MetricWatch;
use regionready::kinds::facts::NoFacts;
use regionready::kinds::fields_doc::every_field;
use regionready::kinds::value::{as_bool, as_str};
use regionready::kinds::{
    Facts, FieldDoc, KeyUse, Record, RemoteKeys, ResolvedRef, ResourceKind, ResourceView, ALL,
    COMMON_FIELDS,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Common fields that describe one regional copy of replicated data: present on the
/// views of replicated data stores, absent on every other kind. Their docs say so.
const REPLICATED_COPY_FIELDS: &[&str] = &[
    "replicated",
    "encryption_key",
    "encryption_key_state",
    "encryption_key_usable",
];

/// Shared compute fields a kind documents but whose source the collector does not
/// read for it, so they are always absent (rules reading them say unknown):
/// Auto Scaling groups' user data and AMIs are not read, so they have no
/// configuration references or environment; the tags of the global traffic and
/// edge resources (Route 53, Global Accelerator, CloudFront) are not read, since no
/// rule judges them by tag and they hold no data (residency).
const NEVER_READ: &[(&str, &str)] = &[
    ("route53_record_group", "tags"),
    ("route53_health_check", "tags"),
    ("global_accelerator", "tags"),
    ("cloudfront_distribution", "tags"),
    ("autoscaling_group", "references"),
    ("autoscaling_group", "cross_region_references"),
    ("autoscaling_group", "environment_variables"),
];

/// Every cross-resource fact known: keys usable, the cluster a member of a global
/// database (a secondary: the writer is another cluster), region-less ARNs located,
/// every remote key decided, every metric alarmed, every repository pulled.
struct Known;

impl Facts for Known {
    fn key_use(&self, _: &str, _: &str, _: Option<&str>) -> KeyUse {
        KeyUse::Usable
    }

    fn global_membership(&self, _: &str) -> Option<(&str, &[&str])> {
        Some((
            "arn:aws:rds::111122223333:global-cluster:ledger-global",
            &["eu-west-1", "us-east-1"],
        ))
    }

    fn region_of_regionless(&self, _: &str) -> Option<&str> {
        Some("us-west-2")
    }

    fn remote_keys<'r>(&self, region: &str, refs: &[ResolvedRef<'r>]) -> RemoteKeys<'r> {
        RemoteKeys {
            without_local_copy: refs
                .iter()
                .copied()
                .filter(|r| r.target().contains(":kms:") && r.region != region)
                .collect(),
            ..RemoteKeys::default()
        }
    }

    fn dynamodb_table(&self, _: &str, _: &str, _: &str) -> Option<&DynamoTable> {
        Some(&PARTNER_TABLE)
    }

    fn counterparts(
        &self,
        _: &str,
        _: &str,
        kind: ResourceKind,
        _: &[String],
    ) -> Result<Vec<Record<'_>>, String> {
        // The counterpart in the partner region: the kind's own sample.
        Ok(match kind {
            ResourceKind::LambdaFunction => vec![Record::LambdaFunction(&PARTNER_FUNCTION)],
            ResourceKind::EcsService => vec![Record::EcsService(&PARTNER_SERVICE)],
            ResourceKind::AutoscalingGroup => vec![Record::AutoscalingGroup(&PARTNER_GROUP)],
            _ => Vec::new(),
        })
    }

    fn superseded(&self, _: &str) -> bool {
        false
    }

    fn global_writer(&self, _: &str) -> Option<&str> {
        Some("arn:aws:rds:eu-west-1:111122223333:cluster:ledger-writer")
    }

    fn alarm_watching(&self, _: &str, _: &str, _: &MetricWatch<'_>) -> Option<bool> {
        Some(true)
    }

    fn image_in_use(&self, _: &str, _: &str, _: &str) -> Option<bool> {
        Some(true)
    }
}

static PARTNER_FUNCTION: std::sync::LazyLock<regionready::inventory::LambdaFunction> =
    std::sync::LazyLock::new(
        <regionready::inventory::LambdaFunction as regionready::kinds::Kind>::sample,
    );
static PARTNER_SERVICE: std::sync::LazyLock<regionready::inventory::EcsService> =
    std::sync::LazyLock::new(
        <regionready::inventory::EcsService as regionready::kinds::Kind>::sample,
    );
static PARTNER_GROUP: std::sync::LazyLock<regionready::inventory::AutoscalingGroup> =
    std::sync::LazyLock::new(
        <regionready::inventory::AutoscalingGroup as regionready::kinds::Kind>::sample,
    );

/// The partner replica every table sample is compared with.
static PARTNER_TABLE: std::sync::LazyLock<DynamoTable> =
    std::sync::LazyLock::new(<DynamoTable as regionready::kinds::Kind>::sample);

const ACCOUNT: &str = "111122223333";

/// The region a sample is listed in: its ARN's, else `us-east-1`.
fn listed_in(record: Record<'_>) -> &str {
    match arn::region_of(record.arn()) {
        "" => "us-east-1",
        region => region,
    }
}

/// The view of a sample in the pair us-east-1 + eu-west-1: its partner is the
/// other region of that pair (none for a region outside it).
fn view<'a>(record: Record<'a>, facts: &'a dyn Facts) -> ResourceView<'a> {
    let region = listed_in(record);
    let partner = match region {
        "us-east-1" => Some("eu-west-1"),
        "eu-west-1" => Some("us-east-1"),
        _ => None,
    };
    ResourceView::new(record, ACCOUNT, region, facts).with_partner(partner)
}

fn kind_name(kind: ResourceKind) -> &'static str {
    kind.as_str()
}

/// The fields a kind's view must have with every fact known.
fn expected(kind: ResourceKind, replicated_copy: bool) -> Vec<&'static FieldDoc> {
    kind.fields()
        .into_iter()
        .filter(|f| replicated_copy || !REPLICATED_COPY_FIELDS.contains(&f.name))
        .collect()
}

/// Whether the kind's sample is a replicated data store's copy: it has the
/// replicated-copy fields, all of them or none (checked below).
fn is_replicated_copy(v: &ResourceView<'_>) -> bool {
    v.get("replicated").is_some()
}

#[test]
fn every_kind_has_a_sample() {
    Record::with_samples(|records| {
        let sampled: Vec<ResourceKind> = records.iter().map(|r| r.kind()).collect();
        let declared: Vec<ResourceKind> = ALL.iter().map(|(k, _)| *k).collect();
        assert_eq!(sampled, declared);
    });
}

#[test]
fn replicated_copy_fields_are_common_and_documented_as_such() {
    for name in REPLICATED_COPY_FIELDS {
        let f = COMMON_FIELDS
            .iter()
            .find(|f| f.name == *name)
            .unwrap_or_else(|| panic!("`{name}` is not a common field"));
        assert!(
            f.doc.starts_with("Replicated data stores"),
            "the doc of `{name}` says it applies to replicated data stores only: {}",
            f.doc
        );
    }
    for f in COMMON_FIELDS {
        if !REPLICATED_COPY_FIELDS.contains(&f.name) {
            assert!(
                !f.doc.starts_with("Replicated data stores"),
                "`{}` is documented as for replicated data stores only; list it in REPLICATED_COPY_FIELDS",
                f.name
            );
        }
    }
}

#[test]
fn every_documented_field_is_present_on_the_sample() {
    Record::with_samples(|records| {
        let mut problems = Vec::new();
        for &record in records {
            let kind = record.kind();
            let known = view(record, &Known);
            let unknown = view(record, &NoFacts);
            let replicated_copy = is_replicated_copy(&known);
            let copy_fields: Vec<bool> = REPLICATED_COPY_FIELDS
                .iter()
                .map(|n| known.get(n).is_some())
                .collect();
            if copy_fields.iter().any(|p| *p != replicated_copy) {
                problems.push(format!(
                    "{}: has some of the replicated-copy fields {REPLICATED_COPY_FIELDS:?} but not all: {copy_fields:?}",
                    kind_name(kind)
                ));
            }
            if replicated_copy && !record.data_store() {
                problems.push(format!(
                    "{}: has the replicated-copy fields but is not a data store",
                    kind_name(kind)
                ));
            }
            for f in expected(kind, replicated_copy) {
                if NEVER_READ.contains(&(kind_name(kind), f.name)) {
                    if known.get(f.name).is_some() {
                        problems.push(format!(
                            "{}: `{}` is listed in NEVER_READ but present",
                            kind_name(kind),
                            f.name
                        ));
                    }
                    continue;
                }
                if known.get(f.name).is_none() {
                    problems.push(format!(
                        "{}: `{}` is absent from the sample with every fact known",
                        kind_name(kind),
                        f.name
                    ));
                }
                if f.needs.is_none() && unknown.get(f.name).is_none() {
                    problems.push(format!(
                        "{}: `{}` is absent without cross-resource facts but is not declared `derived` (with what it needs)",
                        kind_name(kind),
                        f.name
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    });
}

#[test]
fn a_kind_answers_only_the_names_it_documents() {
    let everywhere: BTreeSet<&str> = every_field()
        .map(|f| f.name)
        .chain(["", "configuration", "undocumented", "ARN"])
        .collect();
    Record::with_samples(|records| {
        let mut problems = Vec::new();
        for &record in records {
            let kind = record.kind();
            let own: BTreeSet<&str> = kind.fields().iter().map(|f| f.name).collect();
            for facts in [&Known as &dyn Facts, &NoFacts] {
                let v = view(record, facts);
                for name in &everywhere {
                    if !own.contains(name) && v.get(name).is_some() {
                        problems.push(format!(
                            "{}: answers `{name}`, which it does not document",
                            kind_name(kind)
                        ));
                    }
                }
            }
            for name in field_arms(kind) {
                if !own.contains(name.as_str()) {
                    problems.push(format!(
                        "{}: `fn field` matches `\"{name}\"`, which it does not document",
                        kind_name(kind)
                    ));
                }
            }
        }
        problems.dedup();
        assert!(problems.is_empty(), "{problems:#?}");
    });
}

/// The kind's source file: `src/kinds/<kind>.rs`.
fn source_of(kind: ResourceKind) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/kinds")
        .join(format!("{}.rs", kind_name(kind)))
}

/// The string literals of the match arms of the kind's `fn field` (the `Kind`
/// method, which takes a `Place`).
fn field_arms(kind: ResourceKind) -> Vec<String> {
    let path = source_of(kind);
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: the kind's file {}: {e}",
            kind_name(kind),
            path.display()
        )
    });
    let start = source
        .find("fn field<'a>(&'a self,")
        .unwrap_or_else(|| panic!("{}: no `fn field` in {}", kind_name(kind), path.display()));
    let body = &source[start..];
    let open = body.find('{').expect("a function body");
    let mut depth = 0usize;
    let mut end = body.len();
    for (i, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = open + i;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut names = Vec::new();
    for line in body[open..end].lines() {
        let line = line.trim();
        if !line.starts_with('"') {
            continue;
        }
        let Some((pattern, _)) = line.split_once("=>") else {
            continue;
        };
        for alternative in pattern.split('|') {
            let name = alternative.trim().trim_matches('"');
            if !name.is_empty() {
                names.push(name.to_string());
            }
        }
    }
    assert!(
        !names.is_empty() || kind.spec().is_some_and(|s| s.fields.is_empty()),
        "{}: no `\"name\" =>` arm found in `fn field` of {}",
        kind_name(kind),
        path.display()
    );
    names
}

/// A CEL value as one line of text.
fn render(value: &dyn Val) -> String {
    if let Some(s) = as_str(value) {
        return format!("{s:?}");
    }
    if let Some(b) = as_bool(value) {
        return b.to_string();
    }
    if let Some(i) = value.downcast_ref::<CelInt>() {
        return i.inner().to_string();
    }
    if value.downcast_ref::<CelNull>().is_some() {
        return "null".to_string();
    }
    if value.get_type() != &MAP_TYPE {
        if let Some(items) = value.as_iterable() {
            let mut iter = items.iter();
            let mut out = Vec::new();
            while let Some(item) = iter.next() {
                out.push(render(item));
            }
            return format!("[{}]", out.join(", "));
        }
    }
    format!("{value:?}")
}

/// The snapshot of a kind's sample: `name: type = value` for every documented
/// field, with the value read without cross-resource facts and, where that differs,
/// the value once every fact is known.
fn snapshot(record: Record<'_>) -> String {
    let kind = record.kind();
    let spec = kind.spec().expect("a resource kind");
    let mut out = format!(
        "# {} ({}), sample listed in {} of {ACCOUNT}\n",
        kind_name(kind),
        if spec.resource_type.is_empty() {
            record.resource_type()
        } else {
            spec.resource_type
        },
        listed_in(record)
    );
    let unknown = view(record, &NoFacts);
    let known = view(record, &Known);
    for f in kind.fields() {
        let without = unknown.get(f.name).map(|v| render(&*v));
        let with = known.get(f.name).map(|v| render(&*v));
        let shown = match without.clone() {
            Some(value) => value,
            None if REPLICATED_COPY_FIELDS.contains(&f.name) && !is_replicated_copy(&known) => {
                "(absent: not a replicated copy)".to_string()
            }
            None => "(absent)".to_string(),
        };
        out.push_str(&format!("{}: {} = {shown}", f.name, f.ty));
        if with != without {
            out.push_str(&format!(
                "  [facts known: {}]",
                with.unwrap_or_else(|| "(absent)".to_string())
            ));
        }
        out.push('\n');
    }
    out
}

#[test]
fn view_snapshots_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/kinds");
    let update = std::env::var_os("REGIONREADY_UPDATE_DOCS").is_some();
    Record::with_samples(|records| {
        let mut stale = Vec::new();
        let mut expected_files = BTreeSet::new();
        for &record in records {
            let file = format!("{}.txt", kind_name(record.kind()));
            let path = dir.join(&file);
            let generated = snapshot(record);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &generated).unwrap();
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != generated {
                stale.push(file.clone());
            }
            expected_files.insert(file);
        }
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        let orphans: Vec<&String> = on_disk.difference(&expected_files).collect();
        assert!(
            stale.is_empty() && orphans.is_empty(),
            "view snapshots out of date {stale:?}, without a kind {orphans:?}; run REGIONREADY_UPDATE_DOCS=1 cargo test --test kind_views"
        );
    });
}
