//! Everything about one account that every rule evaluated in it shares: its pair,
//! its place in the organization, its effective SCPs, and whether it was read at all.

use super::scp::{pair_asymmetry, Decision, PolicyPath, Principal, RegionGuardrail};
use crate::analysis::partitions;
use crate::config::{Config, RegionPair};
use crate::inventory::{Inventory, Tags};
use crate::kinds::value::{self, Boxed, Fields, Object, TagsVal};
use cel::Context;
use std::sync::Arc;

pub struct AccountContext<'a> {
    pub account_id_shared: Arc<str>,
    /// `arn:aws:iam::<id>:root`: the ARN findings about the account itself carry.
    pub arn: String,
    pub name: Option<String>,
    pub ou_path: Vec<String>,
    pub pair: RegionPair,
    pub pair_id_shared: Arc<str>,
    /// What the `account` variable shows.
    pub view: AccountFacts<'a>,
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

        // SCPs are only known when the organization and its policies were read.
        let scp = org.and_then(|o| PolicyPath::of(o, account_id)).map(|path| {
            ScpFacts::of(
                &path,
                &pair,
                config,
                partition,
                account_id,
                org_id.as_deref(),
            )
        });
        let view = AccountFacts {
            name: member.map(|a| a.name.clone()),
            status: member.map(|a| a.lifecycle().to_string()),
            state: member.and_then(|a| a.state.clone()),
            tags,
            is_management,
            scp,
        };

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
            view,
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
    pub fn bind<'v>(&'v self, scope: &mut Context<'_, 'v>, config: &'v Config) {
        scope.add_variable_as_val("account", Box::new(Object(AccountView(self))));
        scope.add_variable_as_val("pair", self.pair_value());
        scope.add_variable_as_val(
            "sanctioned",
            value::texts(config.sanctioned.iter().map(String::as_str)),
        );
        scope.add_variable_as_val("residency", residency(config));
        scope.add_variable_as_val(
            "capacity",
            value::map([("min_ratio", value::float(config.capacity.min_ratio))]),
        );
    }

    fn pair_value(&self) -> Boxed<'_> {
        value::texts([self.pair.0.as_str(), self.pair.1.as_str()])
    }
}

/// The `residency` variable: the config's `[residency]` section.
fn residency(config: &Config) -> Boxed<'_> {
    let classes = value::map(config.residency.classes.iter().map(|(class, regions)| {
        (
            class.as_str(),
            value::texts(regions.iter().map(String::as_str)),
        )
    }));
    value::map([
        ("tag_key", value::text(&config.residency.tag_key)),
        ("classes", classes),
        ("require_tag", value::boolean(config.residency.require_tag)),
    ])
}

/// What the `account` view shows besides the context's own fields.
pub struct AccountFacts<'a> {
    name: Option<String>,
    status: Option<String>,
    state: Option<String>,
    tags: Option<&'a Tags>,
    is_management: bool,
    scp: Option<ScpFacts>,
}

/// The `account` variable (and `resource` of account rules).
#[derive(Clone, Copy)]
pub struct AccountView<'a>(pub &'a AccountContext<'a>);

impl std::fmt::Debug for AccountView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "account({})", self.0.account_id_shared)
    }
}

impl Fields for AccountView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let ctx = self.0;
        let facts = &ctx.view;
        match name {
            "id" => Some(value::text(&ctx.account_id_shared)),
            "arn" => Some(value::text(&ctx.arn)),
            "name" => Some(value::text(
                facts.name.as_deref().unwrap_or(&ctx.account_id_shared),
            )),
            "status" => value::opt_text(facts.status.as_deref()),
            "state" => value::opt_text(facts.state.as_deref()),
            "ou_path" => Some(value::texts(ctx.ou_path.iter().map(String::as_str))),
            "tags" => facts.tags.map(TagsVal::boxed),
            "is_management" => Some(value::boolean(facts.is_management)),
            "pair" => Some(ctx.pair_value()),
            "scp" => facts
                .scp
                .as_ref()
                .map(|scp| Box::new(Object(ScpView(scp))) as Boxed<'v>),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        crate::kinds::fields_doc::ACCOUNT_FIELDS
            .iter()
            .map(|f| f.name)
            .collect()
    }
}

/// What the SCPs in force say about regions, for the account's workload.
struct ScpFacts {
    policies: Vec<String>,
    guardrail_policies: Vec<String>,
    denied_regions: Vec<String>,
    partially_denied_regions: Vec<String>,
    conditional_pair_actions: Vec<String>,
    /// `denies_unsanctioned`, `open_unsanctioned`, `open_unsanctioned_actions`,
    /// when they stand.
    open: Option<(bool, Vec<String>, Vec<String>)>,
    denied_pair_regions: Option<Vec<String>>,
    asymmetric_pair_actions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy)]
struct ScpView<'a>(&'a ScpFacts);

impl std::fmt::Debug for ScpFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scp")
    }
}

fn strings(list: &[String]) -> Boxed<'_> {
    value::texts(list.iter().map(String::as_str))
}

impl Fields for ScpView<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let scp = self.0;
        match name {
            "policies" => Some(strings(&scp.policies)),
            "guardrail_policies" => Some(strings(&scp.guardrail_policies)),
            "denied_regions" => Some(strings(&scp.denied_regions)),
            "partially_denied_regions" => Some(strings(&scp.partially_denied_regions)),
            "conditional_pair_actions" => Some(strings(&scp.conditional_pair_actions)),
            "denies_unsanctioned" => scp.open.as_ref().map(|o| value::boolean(o.0)),
            "open_unsanctioned" => scp.open.as_ref().map(|o| strings(&o.1)),
            "open_unsanctioned_actions" => scp.open.as_ref().map(|o| strings(&o.2)),
            "denied_pair_regions" => scp.denied_pair_regions.as_deref().map(strings),
            "asymmetric_pair_actions" => scp.asymmetric_pair_actions.as_deref().map(strings),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "policies",
            "guardrail_policies",
            "denied_regions",
            "partially_denied_regions",
            "conditional_pair_actions",
            "denies_unsanctioned",
            "open_unsanctioned",
            "open_unsanctioned_actions",
            "denied_pair_regions",
            "asymmetric_pair_actions",
        ]
    }
}

impl ScpFacts {
    /// The `account.scp` view: what the SCPs in force say about regions, for the
    /// account's workload (see [`super::scp`]). Facts the SCPs leave
    /// open because a level's policies were not collected are left out, so rules
    /// reading them say `unknown`.
    fn of(
        path: &PolicyPath,
        pair: &RegionPair,
        config: &Config,
        partition: &str,
        account_id: &str,
        org_id: Option<&str>,
    ) -> ScpFacts {
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
        // A definite answer stands whatever was not collected; an answer that rests on
        // "nothing else denies it" does not when a level's policies are missing.
        let open_stands = open.is_empty() || !guardrail.incomplete;
        let denied_pair_stands = !denied_pair.is_empty() || !guardrail.incomplete;
        let asymmetric_stands = !asymmetric.is_empty() || conditional.is_empty();
        ScpFacts {
            policies: guardrail.policies.clone(),
            guardrail_policies: guardrail.guardrail_policies.clone(),
            denied_regions: guardrail.denied.iter().cloned().collect(),
            partially_denied_regions: guardrail.partial.iter().cloned().collect(),
            conditional_pair_actions: conditional,
            open: open_stands.then_some((open.is_empty(), open, open_actions)),
            denied_pair_regions: denied_pair_stands.then_some(denied_pair),
            asymmetric_pair_actions: asymmetric_stands.then_some(asymmetric),
        }
    }
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
    let mut actions: Vec<String> = super::scp::WORKLOAD_ACTIONS
        .iter()
        .filter(|action| {
            open.iter()
                .filter(|r| guardrail.partial.contains(*r))
                .any(|r| path.decide(action, r, workload) != Decision::Denied)
        })
        .map(|a| a.to_string())
        .collect();
    // Only worth saying when something is denied there at all.
    if actions.len() == super::scp::WORKLOAD_ACTIONS.len() {
        actions.clear();
    }
    actions
}
