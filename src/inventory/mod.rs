//! The inventory: everything regionready knows about an estate, as plain data.
//!
//! It is the only thing the evaluator reads, so a live scan and a scan of a saved
//! inventory file give the same findings. Every field that a collector may fail to
//! read is an `Option`: absent means "not collected", never `false` or empty, so a
//! rule can tell an unknown from a pass.

mod organization;
mod resources;
mod validate;

pub use crate::kinds::raw_json::RawJson;
pub use crate::kinds::{RegionInventory, Tags};
pub use organization::{
    Account, OrgPolicy, Organization, OrganizationalUnit, PolicyTarget, TargetType,
};
pub use resources::{
    Accelerator, AcceleratorEndpoint, AcceleratorListener, AccountConcurrency, AlarmMetric,
    AutoscalingGroup, CacheBehavior, Capacity, CloudFrontOrigin, CloudwatchAlarm, ConfigResource,
    DbInstance, Distribution, DynamoReplica, DynamoTable, EcrRepository, EcsService, EcsTask,
    ElasticacheReplicationGroup, EndpointGroup, FunctionConcurrency, GlobalCluster,
    GlobalClusterMember, GlobalDatastoreMember, HealthCheck, IndexOverrides, IndexThroughput,
    KeyManager, KmsKey, LambdaFunction, MultiRegionKeyType, OriginGroup, Overrides, RdsCluster,
    RecordGroup, RecordMember, Reference, ReferenceRole, S3Bucket, S3ReplicationRule,
    ScalingTarget, Secret, SecretReplica, Throughput,
};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the inventory file format written by this build. The major number is
/// bumped on any incompatible change.
pub const SCHEMA_VERSION: &str = "2.0";

/// Major versions this build reads. 1.x kept whole configuration items; they are
/// reduced to their references at load (see [`ConfigResource::configuration`]).
pub const READABLE_MAJOR_VERSIONS: &[&str] = &["1", "2"];

/// A whole estate: the organization, what each account holds per region, and what
/// could not be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Format version; see [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// When the inventory was collected (RFC 3339), for evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    /// How the inventory was produced (live collection, demo, synthetic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CollectionSource>,
    /// The AWS Organization, when it could be read. Absent when the scan ran
    /// without Organizations access: SCP rules then report `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// What was collected per account.
    #[serde(default)]
    pub accounts: Vec<AccountInventory>,
    /// Everything that could not be read: the reason a rule is `unknown`.
    #[serde(default)]
    pub gaps: Vec<Gap>,
}

/// Provenance of an inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionSource {
    /// `live`, `demo` or `synthetic`.
    pub kind: String,
    /// Tool version that produced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
    /// Where resources outside the region pairs came from: `aws-config-aggregator`,
    /// `aws-config`, or `service-listing` (the fallback when AWS Config is absent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outside_pair_sources: Vec<String>,
}

/// What one account holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInventory {
    /// 12-digit account id.
    pub account_id: String,
    /// Regions that were read for this account (pair regions and any others).
    #[serde(default)]
    pub regions: Vec<RegionInventory>,
}

/// Something the collector could not read. A gap turns the rules that needed that
/// data into `unknown` outcomes; it never becomes a pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    pub account_id: String,
    /// Absent for an account-wide gap (the role could not be assumed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Service prefix as in IAM actions (`kms`, `secretsmanager`, `dynamodb`, `rds`,
    /// `config`, `organizations`, `sts`), or `*` for everything.
    pub service: String,
    /// The API operation that failed (`ListSecrets`, `AssumeRole`, ...), when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// AWS error code (`AccessDenied`, `ThrottlingException`, `Timeout`, ...).
    pub error_code: String,
    pub message: String,
}

/// Reading or parsing an inventory file failed.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("{path}: cannot read inventory: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: invalid inventory: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}", .problems.iter().map(|p| format!("{path}: {p}")).collect::<Vec<_>>().join("\n"))]
    Inconsistent { path: String, problems: Vec<String> },
    #[error("{path}: unsupported inventory schema_version {found:?} (this build reads 1.x and 2.x, writes {SCHEMA_VERSION:?})")]
    Version { path: String, found: String },
}

impl InventoryError {
    /// The stable code of the problem (see `docs/diagnostics.md`).
    pub fn code(&self) -> crate::diagnostics::Code {
        use crate::diagnostics::Code;
        match self {
            InventoryError::Io { .. } => Code::InventoryRead,
            InventoryError::Parse { .. } => Code::InventorySyntax,
            InventoryError::Inconsistent { .. } => Code::InventoryInconsistent,
            InventoryError::Version { .. } => Code::InventoryVersion,
        }
    }
}

impl Inventory {
    /// Parses an inventory from JSON text; `path` only labels errors.
    pub fn from_json(text: &[u8], path: &str) -> Result<Self, InventoryError> {
        let inventory: Inventory =
            serde_json::from_slice(text).map_err(|e| InventoryError::Parse {
                path: path.to_string(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })?;
        let readable = version_major(&inventory.schema_version)
            .is_some_and(|major| READABLE_MAJOR_VERSIONS.contains(&major));
        if !readable {
            return Err(InventoryError::Version {
                path: path.to_string(),
                found: inventory.schema_version,
            });
        }
        let problems = validate::problems(&inventory);
        if !problems.is_empty() {
            return Err(InventoryError::Inconsistent {
                path: path.to_string(),
                problems,
            });
        }
        let mut inventory = inventory;
        inventory.reduce_legacy_configurations();
        Ok(inventory)
    }

    /// Schema 1.x kept whole configuration items: keep only their references, as a
    /// live collection does, so no configuration value outlives the load.
    fn reduce_legacy_configurations(&mut self) {
        for resource in self
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.iter_mut())
            .flat_map(|r| r.resources.iter_mut())
        {
            if let Some(raw) = resource.configuration.take() {
                if resource.references.is_none() {
                    match crate::analysis::references::extract_from_text(
                        &resource.resource_type,
                        raw.text(),
                    ) {
                        Ok(found) => resource.references = Some(found),
                        Err(reason) => resource.references_error = Some(reason),
                    }
                }
            }
        }
    }

    /// Reads and parses an inventory file.
    pub fn load(path: &Path) -> Result<Self, InventoryError> {
        let label = path.display().to_string();
        let text = std::fs::read(path).map_err(|source| InventoryError::Io {
            path: label.clone(),
            source,
        })?;
        Self::from_json(&text, &label)
    }

    /// Every account id the inventory speaks of: organization members, accounts with
    /// resources and accounts with gaps, in a stable order.
    pub fn account_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        if let Some(org) = &self.organization {
            ids.extend(
                org.accounts
                    .iter()
                    .filter(|a| a.is_active())
                    .map(|a| a.id.clone()),
            );
        }
        ids.extend(self.accounts.iter().map(|a| a.account_id.clone()));
        ids.extend(self.gaps.iter().map(|g| g.account_id.clone()));
        ids.sort();
        ids.dedup();
        ids
    }

    /// Total number of resources of every kind, for summaries and benchmarks.
    pub fn resource_count(&self) -> usize {
        self.accounts
            .iter()
            .flat_map(|a| a.regions.iter())
            .map(RegionInventory::resource_count)
            .sum()
    }
}

/// The major number of a `MAJOR.MINOR` version; `None` for anything else
/// (`"2"`, `"2.x"`, `" 2.0"`), which no build of regionready ever wrote.
pub fn version_major(version: &str) -> Option<&str> {
    let (major, minor) = version.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then_some(major)
}

/// serde_json appends " at line L column C"; the error already carries them.
/// Quoted input is made visible: the message stays one harmless line.
fn strip_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    };
    crate::sanitize::visible(message)
}

/// The JSON Schema of the inventory file, as shipped in `docs/inventory.schema.json`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Inventory)).expect("schema serializes")
}
