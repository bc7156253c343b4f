//! The view of one resource: a CEL map over its record whose fields are computed
//! when a rule reads them. Nothing is built per resource but this small struct;
//! strings are borrowed from the inventory.

use super::value::{self, Boxed, Fields, Object, TagsVal};
use super::{derived, field, Facts, FieldDoc, KeyUse, Record};
use std::collections::BTreeSet;
use std::fmt;

/// Fields every resource view has (optional ones may be absent: "not collected").
pub const COMMON_FIELDS: &[FieldDoc] = &[
    field("arn", "string", "The resource's ARN."),
    field(
        "type",
        "string",
        "CloudFormation type, such as `AWS::DynamoDB::Table`.",
    ),
    field("kind", "string", "The view kind, such as `dynamodb_table`."),
    field(
        "region",
        "string",
        "Region the resource is judged in; empty for resources of global services.",
    ),
    field("account_id", "string", "12-digit id of the owning account."),
    field(
        "name",
        "string",
        "A readable name: alias, identifier or name, else the last part of the ARN.",
    ),
    derived(
        "tags",
        "map(string)",
        "Tags as AWS reports them.",
        "the resource's tags",
    ),
    field(
        "tags_collected",
        "bool",
        "Whether the tags could be read (`tags` is absent when not).",
    ),
    derived(
        "replica_regions",
        "list(string)",
        "Other regions holding a copy of the resource (replicas, global members, read replicas, replication destinations).",
        "the resource's replica list",
    ),
    derived(
        "stored_regions",
        "list(string)",
        "Every region holding its data: its own region and `replica_regions`, sorted.",
        "the resource's replica list",
    ),
    field(
        "data_store",
        "bool",
        "Whether the resource type holds data (for residency).",
    ),
    derived(
        "replicated",
        "bool",
        "Replicated data stores (DynamoDB tables, secrets, Aurora clusters) only: whether this copy is one of several.",
        "the resource's replica list",
    ),
    field(
        "encryption_key",
        "string",
        "Replicated data stores only: the key this regional copy is encrypted with, as named.",
    ),
    field(
        "encryption_key_state",
        "string",
        "Replicated data stores only: `usable`, the unusable key state, or `not collected`.",
    ),
    derived(
        "encryption_key_usable",
        "bool",
        "Replicated data stores only: whether the key that encrypts this copy can be used.",
        "the state of the key that encrypts this copy (kms:DescribeKey in the copy's region)",
    ),
];

/// Where a resource is judged: its account, its region, and the facts of the rest
/// of the inventory.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub account_id: &'a str,
    /// The view's region (see [`super::Kind::view_region`]): empty for a global service.
    pub region: &'a str,
    /// The other region of the account's pair, when the view's region is in it.
    pub partner_region: Option<&'a str>,
    pub facts: &'a dyn Facts,
}

/// One resource ready for evaluation.
#[derive(Clone, Copy)]
pub struct ResourceView<'a> {
    pub record: Record<'a>,
    pub place: Place<'a>,
}

impl fmt::Debug for ResourceView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.record.kind().as_str(), self.record.arn())
    }
}

impl<'a> ResourceView<'a> {
    /// A view of `record`, listed in region `listed_in` of `account_id`.
    pub fn new(
        record: Record<'a>,
        account_id: &'a str,
        listed_in: &'a str,
        facts: &'a dyn Facts,
    ) -> ResourceView<'a> {
        ResourceView {
            record,
            place: Place {
                account_id,
                region: record.view_region(listed_in),
                partner_region: None,
                facts,
            },
        }
    }

    /// The same view, knowing the partner of its region (for counterparts).
    pub fn with_partner(mut self, partner_region: Option<&'a str>) -> ResourceView<'a> {
        self.place.partner_region = partner_region;
        self
    }

    /// The view as a CEL value.
    pub fn boxed(self) -> Boxed<'a> {
        Box::new(Object(self))
    }

    /// The region findings about it are filed under: "global" for global services,
    /// as for accounts.
    pub fn finding_region(&self) -> &'a str {
        if self.place.region.is_empty() {
            "global"
        } else {
            self.place.region
        }
    }

    /// A field of the view; `None` when absent.
    pub fn get(&self, name: &str) -> Option<Boxed<'a>> {
        let r = self.record;
        let at = &self.place;
        match name {
            "arn" => Some(value::text(r.arn())),
            "type" => Some(value::text(r.resource_type())),
            "kind" => Some(value::text(r.kind().as_str())),
            "region" => Some(value::text(at.region)),
            "account_id" => Some(value::text(at.account_id)),
            "name" => Some(value::text(r.name())),
            "data_store" => Some(value::boolean(r.data_store())),
            "tags_collected" => Some(value::boolean(r.tags().is_some())),
            "tags" => r.tags().map(TagsVal::boxed),
            "replica_regions" => r.replica_regions(at).map(value::texts),
            "stored_regions" => r.replica_regions(at).map(|replicas| {
                let mut stored: BTreeSet<&str> = replicas.into_iter().collect();
                stored.insert(at.region);
                value::texts(stored)
            }),
            _ => r.field(at, name),
        }
    }
}

impl Fields for ResourceView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        self.get(name)
    }

    fn names(&self) -> Vec<&'static str> {
        self.record.kind().fields().iter().map(|f| f.name).collect()
    }
}

/// The encryption fields every replicated data store view carries: the key this
/// regional copy is encrypted with and whether it can be used. `usable` is left
/// out when it is not known, so rules reading it say `unknown`.
pub fn encryption<'a>(name: &str, key: Option<&'a str>, usable: &KeyUse) -> Option<Boxed<'a>> {
    match name {
        "encryption_key" => value::opt_text(key),
        "encryption_key_usable" => match usable {
            KeyUse::Usable => Some(value::boolean(true)),
            KeyUse::Unusable(_) => Some(value::boolean(false)),
            KeyUse::Unknown => None,
        },
        "encryption_key_state" => Some(match usable {
            KeyUse::Usable => value::text("usable"),
            KeyUse::Unusable(state) => value::owned_text(state.clone()),
            KeyUse::Unknown => value::text("not collected"),
        }),
        _ => None,
    }
}

/// Whether a field name is one of the encryption fields (see [`encryption`]).
pub fn is_encryption_field(name: &str) -> bool {
    matches!(
        name,
        "encryption_key" | "encryption_key_usable" | "encryption_key_state"
    )
}
