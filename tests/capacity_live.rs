//! DynamoDB capacity collected from the emulator, which serves it itself:
//! DescribeTable's provisioned units of a table and its global secondary index,
//! and DescribeScalableTargets (`ServiceNamespace` `dynamodb`) per region.
//!
//! What the emulator cannot serve is covered on recorded bodies in
//! `tests/aws_shapes.rs`: global table replicas and their
//! `ProvisionedThroughputOverride` / `OnDemandThroughputOverride` (it has no
//! replicas), on-demand maximums (it drops `OnDemandThroughput`), and with them
//! RR-CAP-001's comparison across replicas. Here the two `stock` tables are
//! separate tables, so the rule has nothing to compare and skips them.

mod support;

use regionready::inventory::{DynamoTable, Inventory};
use support::moto::{collect_inventory, scan_outcomes, Moto};

fn table<'a>(inv: &'a Inventory, region: &str, name: &str) -> &'a DynamoTable {
    inv.accounts
        .iter()
        .flat_map(|a| a.regions.iter())
        .find(|r| r.region == region)
        .and_then(|r| r.dynamodb_tables.iter().find(|t| t.name == name))
        .unwrap_or_else(|| panic!("{name} in {region}"))
}

/// `(index, dimension, min, max)` of a table's scalable targets.
fn targets(t: &DynamoTable) -> Vec<(Option<String>, String, i64, i64)> {
    t.autoscaling
        .as_ref()
        .expect("scalable targets read")
        .iter()
        .map(|x| {
            (
                x.index.clone(),
                x.scalable_dimension.clone(),
                x.min_capacity,
                x.max_capacity,
            )
        })
        .collect()
}

#[test]
fn emulated_tables_carry_their_capacity_and_their_regions_scalable_targets() {
    let moto = Moto::start();
    let seed = moto.seed(&["stack"]);
    assert_eq!(seed["capacity_table"], "stock");
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = collect_inventory(&moto.url(), dir.path());
    assert!(
        !inv.gaps
            .iter()
            .any(|g| g.service == "application-autoscaling"),
        "{:?}",
        inv.gaps
    );
    let east = table(&inv, "us-east-1", "stock");
    let capacity = east.capacity.as_ref().expect("capacity");
    assert_eq!(capacity.billing_mode.as_deref(), Some("PROVISIONED"));
    assert_eq!(
        (
            capacity.table.read_capacity_units,
            capacity.table.write_capacity_units
        ),
        (Some(100), Some(50))
    );
    let indexes: Vec<(&str, Option<i64>, Option<i64>)> = capacity
        .indexes
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.throughput.read_capacity_units,
                i.throughput.write_capacity_units,
            )
        })
        .collect();
    assert_eq!(indexes, [("by-sku", Some(40), Some(20))]);
    let read = "dynamodb:table:ReadCapacityUnits".to_string();
    let index_read = "dynamodb:index:ReadCapacityUnits".to_string();
    assert_eq!(
        targets(east),
        [
            (None, read.clone(), 100, 4000),
            (Some("by-sku".to_string()), index_read.clone(), 10, 400),
        ]
    );
    assert_eq!(
        targets(table(&inv, "eu-west-1", "stock")),
        [
            (None, read, 100, 1000),
            (Some("by-sku".to_string()), index_read, 10, 400),
        ],
        "each region's own targets, from its own call"
    );
    // An on-demand table of the same region: its mode, and no target.
    let orders = table(&inv, "us-east-1", "orders");
    assert_eq!(
        orders
            .capacity
            .as_ref()
            .and_then(|c| c.billing_mode.as_deref()),
        Some("PAY_PER_REQUEST")
    );
    assert_eq!(targets(orders), []);

    let capacity_findings: Vec<String> = scan_outcomes(dir.path())
        .into_iter()
        .filter(|l| l.starts_with("RR-CAP-001 "))
        .collect();
    assert!(
        capacity_findings.is_empty(),
        "no replicas in the emulator, nothing to compare: {capacity_findings:?}"
    );
}
