//! Derived facts the rules read but CEL should not have to compute: where an ARN
//! lives, which partition and regions exist, which regions a configuration calls.
//! It reads no inventory: the kinds and the inventory build on it (SCPs, which read
//! the organization, are judged in `engine::scp`).

pub mod arn;
pub mod endpoints;
pub mod image;
pub mod partitions;
pub mod references;
pub mod regions;
