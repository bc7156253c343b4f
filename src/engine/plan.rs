//! Which rules run on what, decided once per evaluation from the rules alone.

use crate::kinds::ResourceKind;
use crate::rules::RuleSet;
use std::collections::HashMap;

/// Which rules run on what.
pub struct Plan {
    /// Rule indices per resource kind.
    by_kind: HashMap<ResourceKind, Vec<usize>>,
    /// `any_resource` rules: run on every view.
    pub any: Vec<usize>,
    /// Account rules: run once per account.
    pub account: Vec<usize>,
    /// Kinds whose views must be built (every kind when an `any_resource` rule exists).
    needed: Vec<ResourceKind>,
    /// Per rule: whether its outcome depends on the account's region pair.
    pub reads_pair: Vec<bool>,
}

impl Plan {
    pub fn of(rules: &RuleSet) -> Plan {
        let mut plan = Plan {
            by_kind: HashMap::new(),
            any: Vec::new(),
            account: Vec::new(),
            needed: Vec::new(),
            reads_pair: Vec::new(),
        };
        for (i, rule) in rules.rules.iter().enumerate() {
            match rule.spec.resource {
                ResourceKind::Account => plan.account.push(i),
                ResourceKind::AnyResource => plan.any.push(i),
                kind => plan.by_kind.entry(kind).or_default().push(i),
            }
            plan.reads_pair.push(
                crate::expr::reads_pair(&rule.condition)
                    || crate::expr::reads_pair(&rule.message)
                    || rule.scope.as_ref().is_some_and(crate::expr::reads_pair),
            );
        }
        plan.needed = ResourceKind::RESOURCES
            .iter()
            .copied()
            .filter(|k| !plan.any.is_empty() || plan.by_kind.contains_key(k))
            .collect();
        plan
    }

    /// The rules that run on a resource of `kind`, its own first.
    pub fn for_kind(&self, kind: ResourceKind) -> impl Iterator<Item = usize> + '_ {
        self.by_kind
            .get(&kind)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .chain(&self.any)
            .copied()
    }

    /// Whether views of `kind` are needed at all.
    pub fn needs(&self, kind: ResourceKind) -> bool {
        self.needed.contains(&kind)
    }
}
