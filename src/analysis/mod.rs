//! Derived facts the rules read but CEL should not have to compute: where an ARN
//! lives, which SCPs deny which regions, which regions a configuration calls.

pub mod arn;
pub mod image;
pub mod partitions;
pub mod references;
pub mod regions;
pub mod scp;
