//! An inventory is either consistent or rejected, never merged silently.
//!
//! Every later stage looks resources up by account, region and ARN. Two entries for
//! the same account would make one of them vanish from the scan (and with it its
//! failures, which can flip the gate), two different records for one ARN would make
//! the outcome depend on which one was read last, and a resource filed under an
//! account or region its own ARN contradicts would be judged against the wrong pair.
//! Each problem is reported with its place in the file.

use super::{AccountInventory, Inventory, RegionInventory};
use crate::analysis::arn::Arn;
use crate::sanitize::visible;
use std::collections::HashMap;

/// At most this many problems are listed; the rest are counted.
const MAX_PROBLEMS: usize = 20;

/// Every consistency problem of an inventory, each as `location: message`.
pub fn problems(inventory: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    duplicate_ids(
        inventory.accounts.iter().map(|a| a.account_id.as_str()),
        "accounts",
        "account_id",
        &mut out,
    );
    if let Some(org) = &inventory.organization {
        duplicate_ids(
            org.accounts.iter().map(|a| a.id.as_str()),
            "organization.accounts",
            "id",
            &mut out,
        );
    }
    for (ai, account) in inventory.accounts.iter().enumerate() {
        duplicate_ids(
            account.regions.iter().map(|r| r.region.as_str()),
            &format!("accounts[{ai}].regions"),
            "region",
            &mut out,
        );
        for (ri, region) in account.regions.iter().enumerate() {
            check_region(
                account,
                region,
                &format!("accounts[{ai}].regions[{ri}]"),
                &mut out,
            );
        }
    }
    // Problems quote the file: control and bidi characters are shown, not obeyed.
    let mut out: Vec<String> = out.iter().map(|p| visible(p)).collect();
    if out.len() > MAX_PROBLEMS {
        let more = out.len() - MAX_PROBLEMS;
        out.truncate(MAX_PROBLEMS);
        out.push(format!("... and {more} more problems"));
    }
    out
}

fn duplicate_ids<'a>(
    ids: impl Iterator<Item = &'a str>,
    list: &str,
    field: &str,
    out: &mut Vec<String>,
) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(earlier) = first.get(id) {
            out.push(format!(
                "{list}[{i}].{field}: {id:?} appears twice (first at {list}[{earlier}]); list it once"
            ));
        } else {
            first.insert(id, i);
        }
    }
}

/// Duplicate ARNs with different records, and ARNs that name another account or
/// region than the entry they are filed under.
fn check_region<'a>(
    account: &AccountInventory,
    region: &'a RegionInventory,
    at: &str,
    out: &mut Vec<String>,
) {
    // Per list: a configuration item may describe a resource a typed list holds too.
    let mut records: HashMap<(&str, &str), (String, String)> = HashMap::new();
    let mut check = |list: &'static str, i: usize, arn: &'a str, record: String| {
        let place = format!("{at}.{list}[{i}]");
        if let Some(a) = Arn::parse(arn) {
            if !a.account.is_empty() && a.account != account.account_id {
                out.push(format!(
                    "{place}.arn: {arn:?} belongs to account {}, but is filed under account {}",
                    a.account, account.account_id
                ));
            }
            if !a.region.is_empty() && a.region != region.region {
                out.push(format!(
                    "{place}.arn: {arn:?} is in region {}, but is filed under region {}",
                    a.region, region.region
                ));
            }
        }
        match records.get(&(list, arn)) {
            Some((earlier, existing)) if *existing != record => out.push(format!(
                "{place}.arn: {arn:?} is listed twice with different contents (first at {earlier})"
            )),
            Some(_) => {}
            None => {
                records.insert((list, arn), (place, record));
            }
        }
    };
    // Every list of every kind, so a new kind is checked without a line here.
    for (list, i, record) in region.every_record() {
        check(list, i, record.arn(), record.to_json());
    }
}
