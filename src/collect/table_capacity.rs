//! A table's capacity from the DescribeTable answer already read: billing mode,
//! provisioned units, on-demand maximums of the table and its global secondary
//! indexes, and the replica-specific overrides of each replica (DynamoDB API
//! reference: TableDescription, ReplicaDescription, ProvisionedThroughputOverride,
//! OnDemandThroughputOverride). No call of its own.

use crate::inventory::{Capacity, IndexOverrides, IndexThroughput, Overrides, Throughput};
use aws_sdk_dynamodb::types::{
    BillingMode, OnDemandThroughput, ProvisionedThroughputDescription, ReplicaDescription,
    TableDescription,
};

/// The capacity of the described table, in the describing region.
pub(crate) fn of(desc: &TableDescription, region: &str) -> Capacity {
    let table = throughput(
        desc.provisioned_throughput.as_ref(),
        desc.on_demand_throughput.as_ref(),
    );
    let billing_mode = match desc
        .billing_mode_summary
        .as_ref()
        .and_then(|s| s.billing_mode.as_ref())
    {
        Some(mode) => Some(mode.as_str().to_string()),
        // A table created provisioned and never switched may carry no summary;
        // provisioned units say what it is (an on-demand table reports 0).
        None if table.read_capacity_units.is_some_and(|n| n > 0) => {
            Some(BillingMode::Provisioned.as_str().to_string())
        }
        None => None,
    };
    let mut indexes: Vec<IndexThroughput> = desc
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| {
            Some(IndexThroughput {
                name: i.index_name.clone()?,
                throughput: throughput(
                    i.provisioned_throughput.as_ref(),
                    i.on_demand_throughput.as_ref(),
                ),
            })
        })
        .collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let replica_overrides = desc
        .replicas()
        .iter()
        .find(|r| r.region_name.as_deref() == Some(region))
        .and_then(overrides);
    Capacity {
        billing_mode,
        table,
        indexes,
        replica_overrides,
    }
}

fn throughput(
    provisioned: Option<&ProvisionedThroughputDescription>,
    on_demand: Option<&OnDemandThroughput>,
) -> Throughput {
    Throughput {
        read_capacity_units: provisioned.and_then(|p| p.read_capacity_units),
        write_capacity_units: provisioned.and_then(|p| p.write_capacity_units),
        max_read_request_units: on_demand.and_then(|o| o.max_read_request_units),
        max_write_request_units: on_demand.and_then(|o| o.max_write_request_units),
    }
}

/// The replica-specific settings of one replica; `None` when it has none.
pub(crate) fn overrides(replica: &ReplicaDescription) -> Option<Overrides> {
    let mut indexes: Vec<IndexOverrides> = replica
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| {
            let o = IndexOverrides {
                name: i.index_name.clone()?,
                read_capacity_units: i
                    .provisioned_throughput_override
                    .as_ref()
                    .and_then(|p| p.read_capacity_units),
                max_read_request_units: i
                    .on_demand_throughput_override
                    .as_ref()
                    .and_then(|o| o.max_read_request_units),
            };
            (o.read_capacity_units.is_some() || o.max_read_request_units.is_some()).then_some(o)
        })
        .collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let out = Overrides {
        read_capacity_units: replica
            .provisioned_throughput_override
            .as_ref()
            .and_then(|p| p.read_capacity_units),
        max_read_request_units: replica
            .on_demand_throughput_override
            .as_ref()
            .and_then(|o| o.max_read_request_units),
        indexes,
    };
    (out != Overrides::default()).then_some(out)
}
