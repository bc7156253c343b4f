//! What a DynamoDB replica can serve without anyone acting, and how that compares
//! with its partner's.
//!
//! A replica's *ceiling* in one dimension (the table's or an index's reads or
//! writes) is the throughput it can reach on its own:
//! - on-demand (`PAY_PER_REQUEST`): the on-demand maximum, the replica's own
//!   override first (`OnDemandThroughputOverride`, reads only), else the table's
//!   `OnDemandThroughput`; -1 or none is no maximum;
//! - provisioned, with an Application Auto Scaling target for the dimension in the
//!   replica's region whose scale-out is not suspended: the target's maximum;
//! - provisioned otherwise: the provisioned units, the replica's own read override
//!   (`ProvisionedThroughputOverride`) first.
//!
//! Write capacity has no replica override: DynamoDB keeps it the same on every
//! replica of a 2019.11.21 global table, and replicates the write auto scaling
//! settings. Read capacity and read auto scaling are per replica.
//!
//! A ceiling is unknown (`None`) when the data it rests on was not read: the
//! table's description, or for a provisioned table the region's scalable targets.

use super::dynamodb_table::{DynamoTable, Throughput};

/// Reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Read,
    Write,
}

impl Dim {
    fn word(self) -> &'static str {
        match self {
            Dim::Read => "reads",
            Dim::Write => "writes",
        }
    }

    fn units(self) -> &'static str {
        match self {
            Dim::Read => "Read",
            Dim::Write => "Write",
        }
    }
}

/// The most a replica can serve in one dimension, and what says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceiling {
    /// Units per second; `None` is no maximum.
    pub units: Option<i64>,
    pub source: &'static str,
}

impl Ceiling {
    /// As rules read it: -1 is no maximum, as AWS writes it for on-demand tables.
    pub fn as_int(self) -> i64 {
        self.units.unwrap_or(-1)
    }

    pub fn text(self) -> String {
        match self.units {
            Some(n) => format!("{n} ({})", self.source),
            None => format!("no maximum ({})", self.source),
        }
    }
}

const AUTOSCALING_MAX: &str = "auto scaling maximum";
const SCALE_OUT_SUSPENDED: &str = "provisioned, auto scaling scale-out suspended";
const PROVISIONED: &str = "provisioned";
const ON_DEMAND_MAX: &str = "on-demand maximum";
const ON_DEMAND: &str = "on-demand";

/// The ceiling of a table (`index` `None`) or one of its global secondary indexes
/// in one dimension. `None` when it cannot be known from what was read.
pub fn ceiling(table: &DynamoTable, index: Option<&str>, dim: Dim) -> Option<Ceiling> {
    let capacity = table.capacity.as_ref()?;
    let throughput: &Throughput = match index {
        None => &capacity.table,
        Some(name) => &capacity.indexes.iter().find(|i| i.name == name)?.throughput,
    };
    let overrides = capacity.replica_overrides.as_ref();
    let (read_override, max_read_override) = match index {
        None => (
            overrides.and_then(|o| o.read_capacity_units),
            overrides.and_then(|o| o.max_read_request_units),
        ),
        Some(name) => {
            let own = overrides.and_then(|o| o.indexes.iter().find(|i| i.name == name));
            (
                own.and_then(|o| o.read_capacity_units),
                own.and_then(|o| o.max_read_request_units),
            )
        }
    };
    match capacity.billing_mode.as_deref()? {
        "PAY_PER_REQUEST" => {
            let max = match dim {
                Dim::Read => max_read_override.or(throughput.max_read_request_units),
                Dim::Write => throughput.max_write_request_units,
            };
            Some(match max {
                Some(n) if n > 0 => Ceiling {
                    units: Some(n),
                    source: ON_DEMAND_MAX,
                },
                _ => Ceiling {
                    units: None,
                    source: ON_DEMAND,
                },
            })
        }
        "PROVISIONED" => {
            let targets = table.autoscaling.as_ref()?;
            let dimension = format!(
                "dynamodb:{}:{}CapacityUnits",
                if index.is_some() { "index" } else { "table" },
                dim.units()
            );
            let target = targets
                .iter()
                .find(|t| t.index.as_deref() == index && t.scalable_dimension == dimension);
            let provisioned = match dim {
                Dim::Read => read_override.or(throughput.read_capacity_units),
                Dim::Write => throughput.write_capacity_units,
            };
            match target {
                Some(t) if !t.scale_out_suspended => Some(Ceiling {
                    units: Some(t.max_capacity),
                    source: AUTOSCALING_MAX,
                }),
                Some(_) => provisioned.map(|n| Ceiling {
                    units: Some(n),
                    source: SCALE_OUT_SUSPENDED,
                }),
                None => provisioned.map(|n| Ceiling {
                    units: Some(n),
                    source: PROVISIONED,
                }),
            }
        }
        _ => None,
    }
}

/// One dimension of a table compared across the pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// `table reads`, `index by-sku writes`, ...
    pub dimension: String,
    pub here: Option<Ceiling>,
    pub partner: Option<Ceiling>,
}

impl Comparison {
    /// Partner ceiling over this replica's: what share of the load this replica is
    /// sized for the partner can take. Infinite when the partner has no maximum, 0
    /// when only this replica has none. `None` when either is unknown.
    pub fn ratio(&self) -> Option<f64> {
        let (here, partner) = (self.here?, self.partner?);
        Some(match (here.units, partner.units) {
            (_, None) => f64::INFINITY,
            (None, Some(_)) => 0.0,
            (Some(h), Some(p)) if h <= 0 => {
                if p > 0 {
                    f64::INFINITY
                } else {
                    1.0
                }
            }
            (Some(h), Some(p)) => p as f64 / h as f64,
        })
    }
}

/// Every dimension of `here` (the table, then each of its indexes; reads, then
/// writes) compared with the same dimension of `partner`, the table's replica in
/// the partner region (`None` when it was not collected).
pub fn compare(here: &DynamoTable, partner: Option<&DynamoTable>) -> Option<Vec<Comparison>> {
    let capacity = here.capacity.as_ref()?;
    let mut dims: Vec<(Option<&str>, String)> = vec![(None, "table".to_string())];
    dims.extend(
        capacity
            .indexes
            .iter()
            .map(|i| (Some(i.name.as_str()), format!("index {}", i.name))),
    );
    let mut out = Vec::with_capacity(dims.len() * 2);
    for (index, label) in dims {
        for dim in [Dim::Read, Dim::Write] {
            out.push(Comparison {
                dimension: format!("{label} {}", dim.word()),
                here: ceiling(here, index, dim),
                partner: partner.and_then(|p| ceiling(p, index, dim)),
            });
        }
    }
    Some(out)
}

/// The lowest ratio of all dimensions; `None` when any is unknown.
pub fn lowest_ratio(comparisons: &[Comparison]) -> Option<f64> {
    comparisons
        .iter()
        .map(Comparison::ratio)
        .try_fold(f64::INFINITY, |low, r| r.map(|r| low.min(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::dynamodb_table::{
        Capacity, IndexOverrides, IndexThroughput, Overrides, ScalingTarget,
    };

    fn provisioned(read: i64, write: i64) -> DynamoTable {
        DynamoTable {
            capacity: Some(Capacity {
                billing_mode: Some("PROVISIONED".into()),
                table: Throughput {
                    read_capacity_units: Some(read),
                    write_capacity_units: Some(write),
                    ..Throughput::default()
                },
                indexes: vec![IndexThroughput {
                    name: "by-sku".into(),
                    throughput: Throughput {
                        read_capacity_units: Some(40),
                        write_capacity_units: Some(20),
                        ..Throughput::default()
                    },
                }],
                replica_overrides: None,
            }),
            autoscaling: Some(Vec::new()),
            ..DynamoTable::default()
        }
    }

    fn target(index: Option<&str>, dimension: &str, max: i64) -> ScalingTarget {
        ScalingTarget {
            index: index.map(str::to_string),
            scalable_dimension: dimension.into(),
            min_capacity: 1,
            max_capacity: max,
            scale_out_suspended: false,
        }
    }

    #[test]
    fn provisioned_ceiling_is_the_autoscaling_maximum_else_the_provisioned_units() {
        let mut t = provisioned(1000, 500);
        assert_eq!(
            ceiling(&t, None, Dim::Read).map(Ceiling::as_int),
            Some(1000)
        );
        t.autoscaling = Some(vec![target(None, "dynamodb:table:ReadCapacityUnits", 8000)]);
        assert_eq!(
            ceiling(&t, None, Dim::Read),
            Some(Ceiling {
                units: Some(8000),
                source: AUTOSCALING_MAX
            })
        );
        assert_eq!(
            ceiling(&t, None, Dim::Write).map(Ceiling::as_int),
            Some(500)
        );
        t.autoscaling.as_mut().unwrap()[0].scale_out_suspended = true;
        assert_eq!(
            ceiling(&t, None, Dim::Read).map(|c| (c.as_int(), c.source)),
            Some((1000, SCALE_OUT_SUSPENDED))
        );
        t.autoscaling = None;
        assert_eq!(ceiling(&t, None, Dim::Read), None, "targets not read");
    }

    #[test]
    fn a_read_override_replaces_the_table_read_capacity_only() {
        let mut t = provisioned(1000, 500);
        t.capacity.as_mut().unwrap().replica_overrides = Some(Overrides {
            read_capacity_units: Some(200),
            max_read_request_units: None,
            indexes: vec![IndexOverrides {
                name: "by-sku".into(),
                read_capacity_units: Some(10),
                max_read_request_units: None,
            }],
        });
        assert_eq!(ceiling(&t, None, Dim::Read).map(Ceiling::as_int), Some(200));
        assert_eq!(
            ceiling(&t, None, Dim::Write).map(Ceiling::as_int),
            Some(500)
        );
        assert_eq!(
            ceiling(&t, Some("by-sku"), Dim::Read).map(Ceiling::as_int),
            Some(10)
        );
        assert_eq!(
            ceiling(&t, Some("by-sku"), Dim::Write).map(Ceiling::as_int),
            Some(20)
        );
        assert_eq!(ceiling(&t, Some("other"), Dim::Read), None);
    }

    #[test]
    fn on_demand_ceiling_is_the_maximum_and_minus_one_is_none() {
        let mut t = DynamoTable {
            capacity: Some(Capacity {
                billing_mode: Some("PAY_PER_REQUEST".into()),
                table: Throughput {
                    read_capacity_units: Some(0),
                    write_capacity_units: Some(0),
                    max_read_request_units: Some(4000),
                    max_write_request_units: Some(-1),
                },
                ..Capacity::default()
            }),
            ..DynamoTable::default()
        };
        assert_eq!(
            ceiling(&t, None, Dim::Read).map(Ceiling::as_int),
            Some(4000)
        );
        assert_eq!(ceiling(&t, None, Dim::Write).map(Ceiling::as_int), Some(-1));
        t.capacity.as_mut().unwrap().replica_overrides = Some(Overrides {
            max_read_request_units: Some(500),
            ..Overrides::default()
        });
        assert_eq!(ceiling(&t, None, Dim::Read).map(Ceiling::as_int), Some(500));
    }

    #[test]
    fn ratios_compare_partner_with_here_and_unknown_stays_unknown() {
        let here = provisioned(1000, 500);
        let mut partner = provisioned(200, 500);
        let rows = compare(&here, Some(&partner)).unwrap();
        let dims: Vec<(&str, Option<f64>)> = rows
            .iter()
            .map(|c| (c.dimension.as_str(), c.ratio()))
            .collect();
        assert_eq!(
            dims,
            [
                ("table reads", Some(0.2)),
                ("table writes", Some(1.0)),
                ("index by-sku reads", Some(1.0)),
                ("index by-sku writes", Some(1.0)),
            ]
        );
        assert_eq!(lowest_ratio(&rows), Some(0.2));
        partner.autoscaling = None;
        let rows = compare(&here, Some(&partner)).unwrap();
        assert_eq!(rows[0].ratio(), None);
        assert_eq!(lowest_ratio(&rows), None);
        assert_eq!(lowest_ratio(&compare(&here, None).unwrap()), None);
    }

    #[test]
    fn no_maximum_on_one_side_decides_the_ratio() {
        let bounded = Ceiling {
            units: Some(500),
            source: ON_DEMAND_MAX,
        };
        let unbounded = Ceiling {
            units: None,
            source: ON_DEMAND,
        };
        let c = |here, partner| Comparison {
            dimension: "table reads".into(),
            here: Some(here),
            partner: Some(partner),
        };
        assert_eq!(c(unbounded, bounded).ratio(), Some(0.0));
        assert_eq!(c(bounded, unbounded).ratio(), Some(f64::INFINITY));
        assert_eq!(c(unbounded, unbounded).ratio(), Some(f64::INFINITY));
    }
}
