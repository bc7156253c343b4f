//! Everything about one account that every rule evaluated in it shares: its pair,
//! its place in the organization, its effective SCPs, and whether it was read at all.

use super::values::{self, MapBuilder};
use crate::analysis::scp::RegionGuardrail;
use crate::config::{Config, RegionPair};
use crate::inventory::Inventory;
use cel::objects::{Key, Map};
use cel::{Context, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub struct AccountContext {
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
}

impl AccountContext {
    pub fn new(account_id: &str, inventory: &Inventory, config: &Config) -> AccountContext {
        let org = inventory.organization.as_ref();
        let member = org.and_then(|o| o.account(account_id));
        let ou_path = org.map(|o| o.ou_path(account_id)).unwrap_or_default();
        let tags = member.and_then(|a| a.tags.as_ref());
        let pair = config.pair_for(account_id, &ou_path, tags).clone();
        let is_management =
            org.and_then(|o| o.management_account_id.as_deref()) == Some(account_id);
        let arn = format!("arn:aws:iam::{account_id}:root");

        let mut b = MapBuilder::with_capacity(10);
        b.str("id", account_id)
            .str("arn", &arn)
            .str("name", member.map_or(account_id, |a| a.name.as_str()))
            .opt_str("status", member.map(|a| a.lifecycle()))
            .set("ou_path", values::strings(&ou_path))
            .opt("tags", tags.map(values::tags))
            .bool("is_management", is_management)
            .set("pair", values::strings([&pair.0, &pair.1]));
        // SCPs are only known when the organization and its policies were read.
        if let Some(policies) = org.and_then(|o| o.effective_policies(account_id)) {
            let guardrail = RegionGuardrail::of(&policies);
            let denied_pair: Vec<String> = [&pair.0, &pair.1]
                .into_iter()
                .filter(|r| guardrail.denied.contains(*r))
                .cloned()
                .collect();
            let mut scp = MapBuilder::with_capacity(6);
            scp.set("policies", values::strings(&guardrail.policies))
                .set(
                    "guardrail_policies",
                    values::strings(&guardrail.guardrail_policies),
                )
                .set("denied_regions", values::strings(&guardrail.denied))
                .bool(
                    "denies_unsanctioned",
                    guardrail.denies_all_except(&config.sanctioned),
                )
                .set(
                    "open_unsanctioned",
                    values::strings(&guardrail.open_unsanctioned(&config.sanctioned)),
                )
                .set("denied_pair_regions", values::strings(&denied_pair));
            b.set("scp", scp.build());
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
        }
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
