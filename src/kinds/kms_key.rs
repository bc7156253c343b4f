//! KMS keys: `resource = "kms_key"`.

use super::value::{self, Boxed};
use super::Tags;
use super::{derived, field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KeyManager {
    Aws,
    Customer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MultiRegionKeyType {
    Primary,
    Replica,
}

/// A KMS key as DescribeKey and ListAliases report it, with its tags from the
/// Tagging API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub arn: String,
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_manager: Option<KeyManager>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region_key_type: Option<MultiRegionKeyType>,
    /// ARN of the primary key of a multi-Region key (itself, for the primary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_arn: Option<String>,
    /// Regions holding replicas of this multi-Region key (as the primary reports them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_regions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "kms_key",
    list: "kms_keys",
    resource_type: "AWS::KMS::Key",
    service: "kms",
    doc: "A KMS key (customer managed or AWS managed), from ListKeys, DescribeKey, ListAliases, with tags from the Tagging API (GetResources).",
    data_store: false,
    fields: FIELDS,
    listings: &["ListKeys", "ListAliases"],
    swept: true,
};

const FIELDS: &[FieldDoc] = &[
    field(
        "key_id",
        "string",
        "The key id (`mrk-...` for a multi-Region key).",
    ),
    field("key_manager", "string", "`AWS` or `CUSTOMER`."),
    derived(
        "aws_managed",
        "bool",
        "Whether AWS manages the key (by its key manager or an `alias/aws/` alias).",
        "the key manager from kms:DescribeKey or the aliases from kms:ListAliases",
    ),
    field(
        "key_state",
        "string",
        "`Enabled`, `Disabled`, `PendingDeletion`, ...",
    ),
    field("multi_region", "bool", "Whether the key is multi-Region."),
    field(
        "multi_region_key_type",
        "string",
        "`PRIMARY` or `REPLICA`, decided by comparing the key's ARN with its primary's.",
    ),
    field(
        "primary_arn",
        "string",
        "ARN of the primary key of a multi-Region key (itself, for the primary).",
    ),
    field("aliases", "list(string)", "Alias names (`alias/...`)."),
];

/// Primary or replica, decided by ARN: some APIs report a primary as REPLICA after
/// its replica has been described, but the primary's ARN never lies.
pub fn key_type(key: &KmsKey) -> Option<MultiRegionKeyType> {
    match (key.multi_region, &key.primary_arn) {
        (Some(true), Some(primary)) if primary == &key.arn => Some(MultiRegionKeyType::Primary),
        (Some(true), Some(_)) => Some(MultiRegionKeyType::Replica),
        _ => key.multi_region_key_type,
    }
}

/// Whether AWS manages the key; `None` when neither its manager nor an AWS alias
/// says so.
pub fn aws_managed(key: &KmsKey) -> Option<bool> {
    let by_alias = key
        .aliases
        .as_ref()
        .map(|a| a.iter().any(|n| n.starts_with("alias/aws/")));
    match (key.key_manager, by_alias) {
        (Some(KeyManager::Aws), _) | (_, Some(true)) => Some(true),
        (Some(KeyManager::Customer), _) => Some(false),
        (None, _) => None,
    }
}

impl Kind for KmsKey {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        self.aliases
            .as_ref()
            .and_then(|a| a.first())
            .map_or(self.key_id.as_str(), |a| a.as_str())
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn replica_regions<'a>(&'a self, _: &Place<'a>) -> Option<Vec<&'a str>> {
        match key_type(self) {
            Some(MultiRegionKeyType::Primary) => self
                .replica_regions
                .as_ref()
                .map(|r| r.iter().map(String::as_str).collect()),
            Some(MultiRegionKeyType::Replica) => Some(Vec::new()),
            _ if self.multi_region == Some(false) => Some(Vec::new()),
            _ => None,
        }
    }

    fn field<'a>(&'a self, _: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "key_id" => Some(value::text(&self.key_id)),
            "key_manager" => self.key_manager.map(|m| {
                value::text(match m {
                    KeyManager::Aws => "AWS",
                    KeyManager::Customer => "CUSTOMER",
                })
            }),
            "aws_managed" => value::opt_bool(aws_managed(self)),
            "key_state" => value::opt_text(self.key_state.as_deref()),
            "multi_region" => value::opt_bool(self.multi_region),
            "multi_region_key_type" => key_type(self).map(|t| {
                value::text(match t {
                    MultiRegionKeyType::Primary => "PRIMARY",
                    MultiRegionKeyType::Replica => "REPLICA",
                })
            }),
            "primary_arn" => value::opt_text(self.primary_arn.as_deref()),
            "aliases" => self
                .aliases
                .as_ref()
                .map(|a| value::texts(a.iter().map(String::as_str))),
            _ => None,
        }
    }

    fn sample() -> KmsKey {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd";
        KmsKey {
            arn: arn.into(),
            key_id: "mrk-1234abcd".into(),
            key_manager: Some(KeyManager::Customer),
            key_state: Some("Enabled".into()),
            multi_region: Some(true),
            multi_region_key_type: Some(MultiRegionKeyType::Primary),
            primary_arn: Some(arn.into()),
            replica_regions: Some(vec!["eu-west-1".into()]),
            aliases: Some(vec!["alias/payments".into()]),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
