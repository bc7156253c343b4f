//! The AWS commercial regions, for SCP analysis (what a region condition leaves open)
//! and for reading region codes out of hostnames.

/// Commercial regions as of late 2026. Used to decide whether an SCP's allow-list
/// leaves any unsanctioned region open; a region missing here is still checked by
/// RR-REG-001 when resources appear in it.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Whether a string has the shape of a region code (`us-east-1`, `us-gov-west-1`).
pub fn looks_like_region(text: &str) -> bool {
    crate::config::is_region_code(text)
}
