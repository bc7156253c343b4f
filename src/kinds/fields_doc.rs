//! The parts of the rule model that are not resource kinds: the fields of
//! `account` and the variables every rule sees.

use super::{derived, field, FieldDoc, ALL, COMMON_FIELDS};

/// Fields of `account` (and of `resource` for account rules).
pub const ACCOUNT_FIELDS: &[FieldDoc] = &[
    field("id", "string", "12-digit account id."),
    field("arn", "string", "`arn:<partition>:iam::<id>:root`."),
    field("name", "string", "Account name (its id when the organization could not be read)."),
    field(
        "status",
        "string",
        "Lifecycle: `ACTIVE`, `SUSPENDED`, ... (`state`, else the retired `status`).",
    ),
    field(
        "ou_path",
        "list(string)",
        "Names of the OUs from the root down to the account.",
    ),
    derived(
        "tags",
        "map(string)",
        "Account tags from Organizations.",
        "the resource's tags",
    ),
    field(
        "is_management",
        "bool",
        "Whether it is the organization's management account (SCPs never apply to it).",
    ),
    field("pair", "list(string)", "The account's region pair."),
    derived(
        "scp",
        "map",
        "What the SCPs in force say about regions for the account's workload: `policies`, `guardrail_policies`, `denied_regions`, `partially_denied_regions`, `denies_unsanctioned`, `open_unsanctioned`, `open_unsanctioned_actions`, `denied_pair_regions`, `asymmetric_pair_actions`, `conditional_pair_actions` (facts the SCPs leave open for want of data are absent).",
        "the organization's service control policies",
    ),
    field("state", "string", "Lifecycle state as Organizations reports it today."),
];

/// A variable in scope for every rule.
#[derive(Debug, Clone, Copy)]
pub struct VariableDoc {
    pub name: &'static str,
    pub ty: &'static str,
    pub doc: &'static str,
}

/// Variables in scope for every rule.
pub const VARIABLES: &[VariableDoc] = &[
    VariableDoc {
        name: "resource",
        ty: "map",
        doc: "The resource (or, for account rules, the account) being judged.",
    },
    VariableDoc {
        name: "account",
        ty: "map",
        doc: "The account the resource belongs to (fields below).",
    },
    VariableDoc {
        name: "region",
        ty: "string",
        doc: "The region findings are filed under: the resource's, or `global`.",
    },
    VariableDoc {
        name: "partner_region",
        ty: "string or null",
        doc: "The other region of the account's pair; null outside the pair.",
    },
    VariableDoc {
        name: "pair",
        ty: "list(string)",
        doc: "The account's two regions.",
    },
    VariableDoc {
        name: "sanctioned",
        ty: "list(string)",
        doc: "Regions resources may be in (`regions.sanctioned`).",
    },
    VariableDoc {
        name: "capacity",
        ty: "map",
        doc: "`min_ratio` (double) from `[capacity]`: the share of the other region's serving capacity each region must hold.",
    },
    VariableDoc {
        name: "residency",
        ty: "map",
        doc: "`tag_key`, `classes` (class -> regions) and `require_tag` from `[residency]`.",
    },
];

/// What the collector must read for a field to exist, by field name across every
/// kind and `account`: the reason an `unknown` outcome gives when it is absent.
/// A name means the same everywhere (a test holds every declaration to that).
pub fn needs(name: &str) -> Option<&'static str> {
    every_field().find(|f| f.name == name).and_then(|f| f.needs)
}

/// Every field declaration: common, per kind, and of `account`.
pub fn every_field() -> impl Iterator<Item = &'static FieldDoc> {
    COMMON_FIELDS
        .iter()
        .chain(ALL.iter().flat_map(|(_, s)| s.fields.iter()))
        .chain(ACCOUNT_FIELDS.iter())
}
