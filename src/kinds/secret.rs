//! Secrets Manager secrets: `resource = "secret"`. Metadata only, never a value.

use super::value::{self, Boxed, Fields, Object};
use super::view::{encryption, is_encryption_field};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Secrets Manager secret, from ListSecrets/DescribeSecret. Never its value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub arn: String,
    pub name: String,
    /// Key protecting the secret; absent means the AWS-managed `aws/secretsmanager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Set on a replica: the region of its primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<String>,
    /// Replicas of a primary secret, with their status and key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Vec<SecretReplica>>,
    /// `rds`, `lambda`, ... for secrets a service creates and rotates itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owning_service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretReplica {
    pub region: String,
    /// `InSync`, `Failed`, `InProgress`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

pub static SPEC: KindSpec = KindSpec {
    name: "secret",
    list: "secrets",
    resource_type: "AWS::SecretsManager::Secret",
    service: "secretsmanager",
    doc: "A Secrets Manager secret (its metadata, never its value), from ListSecrets and DescribeSecret.",
    data_store: true,
    fields: FIELDS,
    listings: &["ListSecrets"],
    swept: true,
};

const FIELDS: &[FieldDoc] = &[
    field(
        "kms_key_id",
        "string",
        "Key protecting the secret (`alias/aws/secretsmanager` when it names none).",
    ),
    field(
        "primary_region",
        "string",
        "Set on a replica: the region of its primary.",
    ),
    field(
        "is_replica",
        "bool",
        "Whether this secret is a replica of a secret in another region.",
    ),
    field(
        "replicas",
        "list(map)",
        "Replicas of a primary secret: `region`, `status` (`InSync`, `Failed`, `InProgress`), `status_message`, `kms_key_id`.",
    ),
    field(
        "owning_service",
        "string",
        "`rds`, `lambda`, ... for secrets a service creates and rotates itself.",
    ),
    field(
        "service_owned",
        "bool",
        "Whether a service owns the secret (`owning_service` is set).",
    ),
];

impl Secret {
    fn is_replica(&self, region: &str) -> bool {
        self.primary_region.as_ref().is_some_and(|p| p != region)
    }
}

/// A replica of a secret, as a CEL map.
#[derive(Debug, Clone)]
struct ReplicaView<'a>(&'a SecretReplica);

impl Fields for ReplicaView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let r = self.0;
        match name {
            "region" => Some(value::text(&r.region)),
            "status" => value::opt_text(r.status.as_deref()),
            "status_message" => value::opt_text(r.status_message.as_deref()),
            "kms_key_id" => value::opt_text(r.kms_key_id.as_deref()),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec!["region", "status", "status_message", "kms_key_id"]
    }
}

impl Kind for Secret {
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

    fn replica_regions<'a>(&'a self, at: &Place<'a>) -> Option<Vec<&'a str>> {
        if self.is_replica(at.region) {
            return Some(Vec::new());
        }
        self.replicas
            .as_ref()
            .map(|r| r.iter().map(|x| x.region.as_str()).collect())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        let is_replica = self.is_replica(at.region);
        match name {
            "kms_key_id" => value::opt_text(self.kms_key_id.as_deref()),
            "primary_region" => value::opt_text(self.primary_region.as_deref()),
            "is_replica" => Some(value::boolean(is_replica)),
            "replicas" => self.replicas.as_ref().map(|reps| {
                value::list(
                    reps.iter()
                        .map(|r| Box::new(Object(ReplicaView(r))) as Boxed<'a>)
                        .collect(),
                )
            }),
            "owning_service" => value::opt_text(self.owning_service.as_deref()),
            "service_owned" => Some(value::boolean(
                self.owning_service.as_ref().is_some_and(|o| !o.is_empty()),
            )),
            "replicated" => {
                if is_replica {
                    Some(value::boolean(true))
                } else {
                    value::opt_bool(self.replicas.as_ref().map(|r| !r.is_empty()))
                }
            }
            // Secrets Manager encrypts with aws/secretsmanager when no key is named.
            name if is_encryption_field(name) => {
                let key = self.kms_key_id.as_deref();
                let usable = at.facts.key_use(at.account_id, at.region, key);
                encryption(name, key, &usable)
            }
            _ => None,
        }
    }

    fn replicated_key(&self, region: &str, _: bool) -> Option<&str> {
        let replicated =
            self.replicas.as_ref().is_some_and(|reps| !reps.is_empty()) || self.is_replica(region);
        if replicated {
            self.kms_key_id.as_deref()
        } else {
            None
        }
    }

    fn sample() -> Secret {
        Secret {
            arn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf".into(),
            name: "app/db".into(),
            kms_key_id: Some("alias/app".into()),
            primary_region: Some("us-east-1".into()),
            replicas: Some(vec![SecretReplica {
                region: "eu-west-1".into(),
                status: Some("InSync".into()),
                status_message: Some("Replication succeeded".into()),
                kms_key_id: Some("alias/app".into()),
            }]),
            owning_service: Some("rds".into()),
            tags: Some(Tags::from([("team".to_string(), "payments".to_string())])),
        }
    }
}
