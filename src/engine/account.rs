//! Everything about one account that every rule evaluated in it shares: its pair,
//! its place in the organization, its effective SCPs, and whether it was read at all.

use super::values::{self, MapBuilder};
use crate::analysis::partitions;
use crate::analysis::scp::{pair_asymmetry, Decision, PolicyPath, Principal, RegionGuardrail};
use crate::config::{Config, RegionPair};
use crate::inventory::Inventory;
use cel::objects::{Key, Map};
use cel::{Context, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub struct AccountContext<'a> {
    pub account_id_shared: Arc<str>,
    /// `arn:aws:iam::<id>:root`: the ARN findings about the account itself carry.
    pub arn: String,
    pub name: Option<String>,
    pub ou_path: Vec<String>,
    pub pair: RegionPair,
    pub pair_id_shared: Arc<str>,
    pub view: Value,
    /// Set when nothing of the account could be read.
    pub not_assessed_reason: Option<String>,
    /// The SCPs in force, level by level, when the organization's policies were
    /// read and the account is subject to them (not the management account).
    pub scp_path: Option<PolicyPath<'a>>,
    /// `aws`, `aws-us-gov`, `aws-cn`, ...: the partition of the account's pair.
    pub partition: &'static str,
    pub org_id: Option<String>,
    /// Set when the account's pair depends on data that could not be read: OU or
    /// tag overrides in the config, and no organization or no account tags.
    pub pair_uncertain: Option<String>,
}

impl<'a> AccountContext<'a> {
    pub fn new(account_id: &str, inventory: &'a Inventory, config: &Config) -> AccountContext<'a> {
        let org = inventory.organization.as_ref();
        let member = org.and_then(|o| o.account(account_id));
        let ou_path = org.map(|o| o.ou_path(account_id)).unwrap_or_default();
        let tags = member.and_then(|a| a.tags.as_ref());
        let pair = config.pair_for(account_id, &ou_path, tags).clone();
        let pair_uncertain = pair_uncertainty(config, account_id, org.is_some(), member, tags);
        let is_management =
            org.and_then(|o| o.management_account_id.as_deref()) == Some(account_id);
        let partition = partitions::partition_of(&pair.0).map_or("aws", |p| p.id.as_str());
        let arn = format!("arn:{partition}:iam::{account_id}:root");
        let org_id = org.and_then(|o| o.id.clone());
        let scp_path = org
            .filter(|_| !is_management)
            .and_then(|o| PolicyPath::of(o, account_id));

        let mut b = MapBuilder::with_capacity(10);
        b.str("id", account_id)
            .str("arn", &arn)
            .str("name", member.map_or(account_id, |a| a.name.as_str()))
            .opt_str("status", member.map(|a| a.lifecycle()))
            .opt_str("state", member.and_then(|a| a.state.as_deref()))
            .set("ou_path", values::strings(&ou_path))
            .opt("tags", tags.map(values::tags))
            .bool("is_management", is_management)
            .set("pair", values::strings([&pair.0, &pair.1]));
        // SCPs are only known when the organization and its policies were read.
        if let Some(path) = org.and_then(|o| PolicyPath::of(o, account_id)) {
            b.set(
                "scp",
                scp_view(
                    &path,
                    &pair,
                    config,
                    partition,
                    account_id,
                    org_id.as_deref(),
                ),
            );
        }

        let account_wide_gap = inventory.gaps.iter().find(|g| {
            g.account_id == account_id
                && g.region.is_none()
                && (g.service == "*" || g.service == "sts")
        });
        let has_inventory = inventory
            .accounts
            .iter()
            .any(|a| a.account_id == account_id);
        let not_assessed_reason = match (account_wide_gap, has_inventory) {
            (Some(g), _) => Some(format!("{}: {}", g.error_code, g.message)),
            (None, false) => Some("no inventory was collected for this account".to_string()),
            (None, true) => None,
        };

        AccountContext {
            account_id_shared: Arc::from(account_id),
            arn,
            name: member.map(|a| a.name.clone()),
            ou_path,
            pair_id_shared: Arc::from(pair.id().as_str()),
            pair,
            view: b.build(),
            not_assessed_reason,
            scp_path,
            partition,
            org_id,
            pair_uncertain,
        }
    }

    /// Whether the account's SCPs deny `action` in `region` to the scanner's role:
    /// the reason a region could not be read, when they do.
    pub fn scp_denies_scanner(&self, config: &Config, action: &str, region: &str) -> bool {
        let Some(path) = &self.scp_path else {
            return false;
        };
        let scanner = Principal::role(
            self.partition,
            &self.account_id_shared,
            &config.organization.role_name,
            self.org_id.as_deref(),
        );
        path.decide(action, region, &scanner) == Decision::Denied
    }

    /// Binds the account-level variables every rule sees.
    pub fn bind(&self, scope: &mut Context, config: &Config) {
        scope.add_variable_from_value("account", self.view.clone());
        scope.add_variable_from_value("pair", values::strings([&self.pair.0, &self.pair.1]));
        scope.add_variable_from_value("sanctioned", values::strings(&config.sanctioned));
        let classes: HashMap<Key, Value> = config
            .residency
            .classes
            .iter()
            .map(|(class, regions)| {
                (
                    Key::String(Arc::new(class.clone())),
                    values::strings(regions),
                )
            })
            .collect();
        let mut residency = MapBuilder::with_capacity(3);
        residency
            .str("tag_key", &config.residency.tag_key)
            .set(
                "classes",
                Value::Map(Map {
                    map: Arc::new(classes),
                }),
            )
            .bool("require_tag", config.residency.require_tag);
        scope.add_variable_from_value("residency", residency.build());
    }
}

/// The `account.scp` view: what the SCPs in force say about regions, for the
/// account's workload (see [`crate::analysis::scp`]). Facts the SCPs leave open
/// because a level's policies were not collected are left out, so rules reading
/// them say `unknown`.
fn scp_view(
    path: &PolicyPath,
    pair: &RegionPair,
    config: &Config,
    partition: &str,
    account_id: &str,
    org_id: Option<&str>,
) -> cel::Value {
    let workload = Principal::workload(partition, account_id, org_id);
    let guardrail = RegionGuardrail::of(path, &workload, partition);
    let all_regions: Vec<String> = partitions::by_id(partition)
        .map(|p| p.regions.clone())
        .unwrap_or_default();
    let open = guardrail.open_unsanctioned(&all_regions, &config.sanctioned);
    let denied_pair: Vec<String> = [&pair.0, &pair.1]
        .into_iter()
        .filter(|r| guardrail.denied.contains(*r))
        .cloned()
        .collect();
    // A pair region closed altogether is RR-REG-003's finding; listing every action
    // as "treated differently" would say the same thing again.
    let (asymmetric, conditional) = if denied_pair.is_empty() {
        pair_asymmetry(path, &workload, (&pair.0, &pair.1))
    } else {
        (Vec::new(), Vec::new())
    };
    let open_actions = open_workload_actions(path, &workload, &open, &guardrail);
    let mut scp = MapBuilder::with_capacity(9);
    scp.set("policies", values::strings(&guardrail.policies))
        .set(
            "guardrail_policies",
            values::strings(&guardrail.guardrail_policies),
        )
        .set("denied_regions", values::strings(&guardrail.denied))
        .set(
            "partially_denied_regions",
            values::strings(&guardrail.partial),
        )
        .set("conditional_pair_actions", values::strings(&conditional));
    // A definite answer stands whatever was not collected; an answer that rests on
    // "nothing else denies it" does not when a level's policies are missing.
    if open.is_empty() || !guardrail.incomplete {
        scp.bool("denies_unsanctioned", open.is_empty())
            .set("open_unsanctioned", values::strings(&open))
            .set("open_unsanctioned_actions", values::strings(&open_actions));
    }
    if !denied_pair.is_empty() || !guardrail.incomplete {
        scp.set("denied_pair_regions", values::strings(&denied_pair));
    }
    if !asymmetric.is_empty() || conditional.is_empty() {
        scp.set("asymmetric_pair_actions", values::strings(&asymmetric));
    }
    scp.build()
}

/// Why the pair chosen for an account may be wrong: the config picks pairs by OU or
/// account tag, and the organization (or that account's tags) could not be read,
/// so the default pair was used for want of data. An account override settles it.
fn pair_uncertainty(
    config: &Config,
    account_id: &str,
    org_read: bool,
    member: Option<&crate::inventory::Account>,
    tags: Option<&crate::inventory::Tags>,
) -> Option<String> {
    use crate::config::AccountSelector;
    let selectors = || config.pair_overrides.iter().map(|o| &o.selector);
    if selectors().any(|s| matches!(s, AccountSelector::Account(id) if id == account_id)) {
        return None;
    }
    let by_ou = selectors().any(|s| matches!(s, AccountSelector::OrganizationalUnit(_)));
    let by_tag = selectors().any(|s| matches!(s, AccountSelector::Tag(..)));
    if by_ou && member.is_some_and(|m| m.parent_id.is_empty()) {
        return Some(
            "unknown: the account's region pair depends on its OU ([[regions.overrides]] ou = ...), and its place in the organization could not be read".to_string(),
        );
    }
    if (by_ou || by_tag) && (!org_read || member.is_none()) {
        return Some(
            "unknown: the account's region pair depends on its OU or tags ([[regions.overrides]]), and the organization could not be read".to_string(),
        );
    }
    if by_tag && tags.is_none() {
        return Some(
            "unknown: the account's region pair depends on its tags ([[regions.overrides]] tag = ...), which could not be read".to_string(),
        );
    }
    None
}

/// Workload actions the SCPs leave allowed in some unsanctioned region that is only
/// partly denied: what a half-guardrail still lets through.
fn open_workload_actions(
    path: &PolicyPath,
    workload: &Principal,
    open: &[String],
    guardrail: &RegionGuardrail,
) -> Vec<String> {
    let mut actions: Vec<String> = crate::analysis::scp::WORKLOAD_ACTIONS
        .iter()
        .filter(|action| {
            open.iter()
                .filter(|r| guardrail.partial.contains(*r))
                .any(|r| path.decide(action, r, workload) != Decision::Denied)
        })
        .map(|a| a.to_string())
        .collect();
    // Only worth saying when something is denied there at all.
    if actions.len() == crate::analysis::scp::WORKLOAD_ACTIONS.len() {
        actions.clear();
    }
    actions
}
