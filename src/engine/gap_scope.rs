//! What each collection gap could have changed, and nothing more.
//!
//! A gap turns `unknown` exactly the outcomes the missing data could have decided:
//! - nothing of the account could be read: every rule;
//! - a listing failed in a region (ListKeys, ListSecrets, ...): the rules over the
//!   kinds it lists (and rules over every resource), but only where such a rule can
//!   apply at all. Whether it can is asked of the rule itself: its `scope` is run
//!   with the region, partner region and account bound and no resource, and a rule
//!   whose scope is already false there (a pair-only rule in a swept region) is not
//!   made unknown by that region;
//! - a per-resource call failed (DescribeKey, DescribeContinuousBackups, tags):
//!   nothing here; the resource is in the inventory with those fields absent, and
//!   its own outcomes are already `unknown`.
//!
//! Regions the account's own SCPs close to the scanner's role are different: they
//! are reported once per account as a blocked sweep, with the reason and the fix,
//! instead of once per rule per region.

use super::account::AccountContext;
use super::coverage::{hidden_kinds, is_account_wide};
use super::values::MapBuilder;
use crate::config::Config;
use crate::inventory::Gap;
use crate::rules::{ResourceKind, Rule, RuleSet};
use cel::{Context, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// An `unknown` outcome a gap causes.
#[derive(Debug, Clone)]
pub struct GapOutcome {
    pub rule_index: usize,
    pub arn: String,
    pub resource_type: &'static str,
    pub region: String,
    pub message: String,
    /// Indices (in the inventory's gap list) of the gaps behind it.
    pub gaps: Vec<usize>,
}

/// The unknown outcomes of one account's gaps. `gaps` are (index in the
/// inventory's list, gap) for this account only.
pub fn outcomes(
    gaps: &[(usize, &Gap)],
    rules: &RuleSet,
    ctx: &AccountContext,
    config: &Config,
    root: &Context,
) -> Vec<GapOutcome> {
    let mut scope = ScopeCheck {
        root,
        ctx,
        config,
        cache: HashMap::new(),
    };
    let mut out: BTreeMap<(usize, String), GapOutcome> = BTreeMap::new();
    let mut add = |o: GapOutcome| {
        out.entry((o.rule_index, o.arn.clone()))
            .and_modify(|existing| existing.gaps.extend(o.gaps.iter().copied()))
            .or_insert(o);
    };
    let partition = ctx.partition;
    let account = &*ctx.account_id_shared;
    let mut blocked: BTreeMap<String, (Vec<usize>, BTreeSet<ResourceKind>)> = BTreeMap::new();
    for &(gi, gap) in gaps {
        let detail = format!(
            "{}{}: {}",
            gap.error_code,
            gap.operation
                .as_deref()
                .map(|op| format!(" on {op}"))
                .unwrap_or_default(),
            gap.message
        );
        if is_account_wide(gap) {
            for (ri, rule) in rules.rules.iter().enumerate() {
                let (arn, resource_type) = if rule.spec.resource == ResourceKind::Account {
                    (ctx.arn.clone(), "AWS::Organizations::Account")
                } else {
                    (
                        format!("arn:{partition}:{}::{account}:*", gap.service),
                        "AWS::Region",
                    )
                };
                add(GapOutcome {
                    rule_index: ri,
                    arn,
                    resource_type,
                    region: "global".into(),
                    message: format!("not assessed: the account could not be read ({detail})"),
                    gaps: vec![gi],
                });
            }
            continue;
        }
        let Some(region) = &gap.region else {
            // Organization-level data (SCPs, OU tree): only account rules read it.
            for (ri, rule) in rules.rules.iter().enumerate() {
                if rule.spec.resource == ResourceKind::Account
                    && rule.services().contains(&gap.service.as_str())
                {
                    add(GapOutcome {
                        rule_index: ri,
                        arn: ctx.arn.clone(),
                        resource_type: "AWS::Organizations::Account",
                        region: "global".into(),
                        message: format!(
                            "not assessed: {} could not be read ({detail})",
                            gap.service
                        ),
                        gaps: vec![gi],
                    });
                }
            }
            continue;
        };
        let mut hidden: BTreeSet<ResourceKind> = hidden_kinds(gap).into_iter().collect();
        if hidden.is_empty() {
            continue;
        }
        // Outside the pair the same listings yield plain resources of those types.
        if !ctx.pair.contains(region) {
            hidden = BTreeSet::from([ResourceKind::ConfigResource]);
        }
        if scp_blocked(gap, region, ctx, config) {
            let entry = blocked.entry(region.clone()).or_default();
            entry.0.push(gi);
            entry.1.extend(hidden);
            continue;
        }
        for (ri, rule) in rules.rules.iter().enumerate() {
            if affects(rule, &hidden) && scope.can_apply(ri, rule, region, &hidden) {
                add(GapOutcome {
                    rule_index: ri,
                    arn: format!("arn:{partition}:{}:{region}:{account}:*", gap.service),
                    resource_type: "AWS::Region",
                    region: region.clone(),
                    message: format!(
                        "not assessed: {} in {region} could not be listed ({detail})",
                        gap.service
                    ),
                    gaps: vec![gi],
                });
            }
        }
    }
    if !blocked.is_empty() {
        let regions: Vec<&String> = blocked.keys().collect();
        let hidden: BTreeSet<ResourceKind> =
            blocked.values().flat_map(|(_, k)| k.iter().copied()).collect();
        let gap_ids: Vec<usize> = blocked.values().flat_map(|(g, _)| g.clone()).collect();
        let policies = ctx
            .scp_path
            .as_ref()
            .map(|p| p.region_policies())
            .unwrap_or_default();
        let message = blocked_sweep_message(&regions, &policies, &config.organization.role_name);
        for (ri, rule) in rules.rules.iter().enumerate() {
            if affects(rule, &hidden)
                && regions.iter().any(|r| scope.can_apply(ri, rule, r, &hidden))
            {
                add(GapOutcome {
                    rule_index: ri,
                    arn: ctx.arn.clone(),
                    resource_type: "AWS::Organizations::Account",
                    region: "global".into(),
                    message: message.clone(),
                    gaps: gap_ids.clone(),
                });
            }
        }
    }
    out.into_values().collect()
}

/// Whether a rule reads resources of one of the hidden kinds.
fn affects(rule: &Rule, hidden: &BTreeSet<ResourceKind>) -> bool {
    match rule.spec.resource {
        ResourceKind::Account => false,
        ResourceKind::AnyResource => true,
        kind => hidden.contains(&kind),
    }
}

/// Whether the account's own SCPs explain a failure in a region outside its pair:
/// AWS says so in the message, or the SCPs in force deny that call to the
/// scanner's role there.
fn scp_blocked(gap: &Gap, region: &str, ctx: &AccountContext, config: &Config) -> bool {
    if ctx.pair.contains(region) {
        return false;
    }
    if gap.message.contains("service control polic") {
        return true;
    }
    let denied = gap.error_code.starts_with("AccessDenied")
        || gap.error_code == "UnauthorizedOperation"
        || gap.error_code == "AuthorizationError";
    let action = format!(
        "{}:{}",
        gap.service,
        gap.operation.as_deref().unwrap_or("List")
    );
    denied && ctx.scp_denies_scanner(config, &action, region)
}

fn blocked_sweep_message(regions: &[&String], policies: &[String], role: &str) -> String {
    let list: Vec<&str> = regions.iter().map(|r| r.as_str()).collect();
    format!(
        "blocked sweep: {} region(s) outside the pair could not be read ({}): the account's service control policies{} deny them to the scanner's role {role}. Resources created there before the policy, or by exempted principals, were not checked. To read them, exempt that role in the policy's Deny statement with an aws:PrincipalArn condition (ArnNotLike)",
        list.len(),
        list.join(", "),
        if policies.is_empty() {
            String::new()
        } else {
            format!(" ({})", policies.join(", "))
        }
    )
}

/// Runs rule scopes with no resource bound, per region, once.
struct ScopeCheck<'a, 'b> {
    root: &'a Context<'b>,
    ctx: &'a AccountContext<'a>,
    config: &'a Config,
    cache: HashMap<(usize, String, ResourceKind), bool>,
}

impl ScopeCheck<'_, '_> {
    /// False only when the rule's scope is false in that region for every resource
    /// the gap hid: the scope runs with a resource that has only its `kind` and
    /// `region`, so reading any other field is an error, which counts as "could
    /// apply".
    fn can_apply(
        &mut self,
        rule_index: usize,
        rule: &Rule,
        region: &str,
        hidden: &BTreeSet<ResourceKind>,
    ) -> bool {
        let Some(scope) = &rule.scope else {
            return true;
        };
        let kinds: Vec<ResourceKind> = match rule.spec.resource {
            ResourceKind::AnyResource => hidden.iter().copied().collect(),
            kind => vec![kind],
        };
        kinds.into_iter().any(|kind| {
            if let Some(known) = self.cache.get(&(rule_index, region.to_string(), kind)) {
                return *known;
            }
            let mut c = self.root.new_inner_scope();
            self.ctx.bind(&mut c, self.config);
            c.add_variable_from_value("region", Value::String(Arc::new(region.to_string())));
            c.add_variable_from_value(
                "partner_region",
                self.ctx
                    .pair
                    .partner(region)
                    .map_or(Value::Null, |p| Value::String(Arc::new(p.to_string()))),
            );
            let mut stub = MapBuilder::with_capacity(2);
            stub.shared_str("kind", kind.as_str())
                .shared_str("region", region);
            c.add_variable_from_value("resource", stub.build());
            let can = !matches!(scope.execute(&c), Ok(Value::Bool(false)));
            self.cache
                .insert((rule_index, region.to_string(), kind), can);
            can
        })
    }
}
