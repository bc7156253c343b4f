//! Region codes in text: whether a label of a hostname or the region field of an
//! ARN is a region of some AWS partition (see [`super::partitions`]).

/// Whether a string is a region code of some partition, known to this build or
/// shaped like one that is newer (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`).
pub fn looks_like_region(text: &str) -> bool {
    super::partitions::is_region(text)
}
