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
use crate::config::Config;
use crate::expr::budget::Meter;
use crate::expr::Expression;
use crate::inventory::Gap;
use crate::kinds::value::{self, Boxed, Fields, Object};
use crate::kinds::{ResourceKind, ALL, GLOBAL_SERVICES};
use crate::rules::{Rule, RuleSet};
use cel::Context;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// The gaps are regions the account's own SCPs close to the scanner.
    pub blocked_sweep: bool,
}

/// The unknown outcomes of one account's gaps. `gaps` are (index in the
/// inventory's list, gap) for this account only.
/// `scope` is the account's evaluation scope (its variables and budget bound).
pub fn outcomes(
    gaps: &[(usize, &Gap)],
    rules: &RuleSet,
    ctx: &AccountContext,
    config: &Config,
    scope: &Context,
    meter: &Meter,
) -> Vec<GapOutcome> {
    let mut scope = ScopeCheck {
        scope,
        ctx,
        meter,
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
    let mut blocked: BTreeMap<String, (Vec<usize>, BTreeSet<Hidden>)> = BTreeMap::new();
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
                    blocked_sweep: false,
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
                        blocked_sweep: false,
                    });
                }
            }
            continue;
        };
        let mut hidden: BTreeSet<Hidden> = hidden_kinds(gap)
            .into_iter()
            .map(|kind| Hidden { kind, listed: None })
            .collect();
        if hidden.is_empty() {
            continue;
        }
        // A global service is read once per account, from whichever region its API
        // lives in: what it hid is judged under `global`, as its resources are.
        if GLOBAL_SERVICES.contains(&gap.service.as_str()) {
            // What is known of the hidden resources: their type, that they hold no
            // data, carry no tags and are not compute, so rules over every
            // resource that need more are not made unknown by them.
            let hidden: BTreeSet<Hidden> = hidden
                .iter()
                .map(|h| Hidden {
                    kind: h.kind,
                    listed: h.kind.spec().map(|s| (s.resource_type, s.data_store)),
                })
                .collect();
            for (ri, rule) in rules.rules.iter().enumerate() {
                if affects(rule, &hidden) && scope.can_apply(ri, rule, "global", &hidden) {
                    add(GapOutcome {
                        rule_index: ri,
                        arn: format!("arn:{partition}:{}::{account}:*", gap.service),
                        resource_type: "AWS::Region",
                        region: "global".into(),
                        message: format!(
                            "not assessed: {} could not be listed ({detail})",
                            gap.service
                        ),
                        gaps: vec![gi],
                        blocked_sweep: false,
                    });
                }
            }
            continue;
        }
        // Outside the pair the same listings yield plain resources of those types,
        // listed without configuration or tags.
        if !ctx.pair.contains(region) {
            hidden = BTreeSet::from([Hidden {
                kind: ResourceKind::ConfigResource,
                listed: swept_listing(&gap.service),
            }]);
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
                    blocked_sweep: false,
                });
            }
        }
    }
    if !blocked.is_empty() {
        let regions: Vec<&String> = blocked.keys().collect();
        let hidden: BTreeSet<Hidden> = blocked
            .values()
            .flat_map(|(_, k)| k.iter().copied())
            .collect();
        let gap_ids: Vec<usize> = blocked.values().flat_map(|(g, _)| g.clone()).collect();
        let policies = ctx
            .scp_path
            .as_ref()
            .map(|p| p.region_policies())
            .unwrap_or_default();
        let message = blocked_sweep_message(&regions, &policies, &config.organization.role_name);
        for (ri, rule) in rules.rules.iter().enumerate() {
            if affects(rule, &hidden)
                && regions
                    .iter()
                    .any(|r| scope.can_apply(ri, rule, r, &hidden))
            {
                add(GapOutcome {
                    rule_index: ri,
                    arn: ctx.arn.clone(),
                    resource_type: "AWS::Organizations::Account",
                    region: "global".into(),
                    message: message.clone(),
                    gaps: gap_ids.clone(),
                    blocked_sweep: true,
                });
            }
        }
    }
    out.into_values().collect()
}

/// What a gap hid: resources of a kind, and for the cheap listing of regions
/// outside the pair, the one resource type it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Hidden {
    kind: ResourceKind,
    /// `(type, data store)` of the resources a listing outside the pair yields.
    listed: Option<(&'static str, bool)>,
}

/// The resources the listing of `service` yields outside the pair (see
/// `collect::sweep` and `KindSpec::swept`): their type, and whether they hold data.
fn swept_listing(service: &str) -> Option<(&'static str, bool)> {
    ALL.iter()
        .find(|(_, spec)| spec.swept && spec.service == service)
        .map(|(_, spec)| (spec.resource_type, spec.data_store))
}

/// Whether a rule reads resources of one of the hidden kinds.
fn affects(rule: &Rule, hidden: &BTreeSet<Hidden>) -> bool {
    rule.spec.kinds().any(|kind| match kind {
        ResourceKind::Account => false,
        ResourceKind::AnyResource => true,
        kind => hidden.iter().any(|h| h.kind == kind),
    })
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

/// Runs rule scopes and conditions on what is known of hidden resources, per
/// region, once.
struct ScopeCheck<'a, 'p, 'v> {
    scope: &'a Context<'p, 'v>,
    ctx: &'a AccountContext<'a>,
    meter: &'a Meter,
    cache: HashMap<(usize, String, Hidden), bool>,
}

/// What is known of a resource a gap hid (see [`ScopeCheck::can_apply`]).
#[derive(Debug, Clone)]
struct Stub<'a> {
    kind: ResourceKind,
    region: &'a str,
    listed: Option<(&'static str, bool)>,
}

impl Fields for Stub<'_> {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v,
    {
        let listed = self.listed;
        match name {
            "kind" => Some(value::text(self.kind.as_str())),
            "region" => Some(value::text(self.region)),
            "type" | "resource_type" => listed.map(|(t, _)| value::text(t)),
            "compute" | "tags_collected" => listed.map(|_| value::boolean(false)),
            "data_store" => listed.map(|(_, d)| value::boolean(d)),
            _ => None,
        }
    }

    fn names(&self) -> Vec<&'static str> {
        vec![
            "kind",
            "region",
            "type",
            "resource_type",
            "compute",
            "tags_collected",
            "data_store",
        ]
    }
}

impl ScopeCheck<'_, '_, '_> {
    /// False only when the gap cannot change the rule's outcome in that region:
    /// for every resource the gap hid, the rule's scope is false (it does not
    /// apply) or its condition is true (it would pass, so no failure can hide
    /// there). Both run with a resource that has only what is known of such a
    /// resource (its `kind` and `region`; for a listing outside the pair also its
    /// type, that it is not compute and that its tags were not read), so reading
    /// any other field is an error, which counts as "could change". A rule
    /// such as "the region is sanctioned" is settled by the region alone.
    fn can_apply(
        &mut self,
        rule_index: usize,
        rule: &Rule,
        region: &str,
        hidden: &BTreeSet<Hidden>,
    ) -> bool {
        hidden
            .iter()
            .filter(|h| {
                rule.spec.resource == ResourceKind::AnyResource
                    || rule.spec.kinds().any(|k| k == h.kind)
            })
            .any(|h| {
                if let Some(known) = self.cache.get(&(rule_index, region.to_string(), *h)) {
                    return *known;
                }
                let mut c = self.scope.new_inner_scope();
                c.add_variable_as_val("region", value::text(region));
                c.add_variable_as_val(
                    "partner_region",
                    self.ctx
                        .pair
                        .partner(region)
                        .map_or_else(value::null, value::text),
                );
                c.add_variable_as_val(
                    "resource",
                    Box::new(Object(Stub {
                        kind: h.kind,
                        region,
                        listed: h.listed,
                    })),
                );
                let surely = |expression: &Expression, expected: bool| {
                    self.meter.start();
                    matches!(
                        expression.evaluate(&c).map(|v| value::as_bool(v.as_ref())),
                        Ok(Some(b)) if b == expected
                    )
                };
                let out_of_scope = rule.scope.as_ref().is_some_and(|s| surely(s, false));
                // An outcome that rests on an uncertain pair is unknown whatever
                // the condition says: only a certain pair lets a pass settle it.
                let passes = self.ctx.pair_uncertain.is_none() && surely(&rule.condition, true);
                let can = !(out_of_scope || passes);
                self.cache.insert((rule_index, region.to_string(), *h), can);
                can
            })
    }
}
