//! AWS partitions and their regions, as the AWS SDK knows them.
//!
//! `data/aws-partitions.json` is the partition document the AWS SDK for Rust embeds
//! for endpoint resolution, copied verbatim (a test keeps it equal to the SDK crate
//! this build links). It answers three questions the scanner must not guess at:
//! which regions exist in a partition (what an SCP allow-list leaves open), which
//! partition a region belongs to (`aws`, `aws-us-gov`, `aws-cn`, ...), and whether a
//! region code a user typed is real. A code that matches a partition's region
//! pattern but is not listed is a region newer than this build, not a typo.

use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The partition document, as vendored.
pub const PARTITIONS_JSON: &str = include_str!("../../data/aws-partitions.json");

/// One partition: its id, DNS suffix, region pattern and known regions.
#[derive(Debug)]
pub struct Partition {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...: the second field of every ARN in it.
    pub id: String,
    /// `amazonaws.com`, `amazonaws.com.cn`, ...
    pub dns_suffix: String,
    /// Region codes of this partition, sorted. Pseudo-regions (`aws-global`) are
    /// left out: they are endpoint names, not places.
    pub regions: Vec<String>,
    region_pattern: Regex,
}

/// Partitions are identified by id.
impl PartialEq for Partition {
    fn eq(&self, other: &Partition) -> bool {
        self.id == other.id
    }
}

impl Eq for Partition {}

impl Partition {
    /// Whether `region` has the shape of a region of this partition.
    pub fn matches(&self, region: &str) -> bool {
        self.region_pattern.is_match(region)
    }
}

#[derive(Deserialize)]
struct Document {
    partitions: Vec<RawPartition>,
}

#[derive(Deserialize)]
struct RawPartition {
    id: String,
    outputs: RawOutputs,
    #[serde(rename = "regionRegex")]
    region_regex: String,
    regions: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawOutputs {
    #[serde(rename = "dnsSuffix")]
    dns_suffix: String,
}

static PARTITIONS: LazyLock<Vec<Partition>> = LazyLock::new(|| {
    let document: Document =
        serde_json::from_str(PARTITIONS_JSON).expect("data/aws-partitions.json is valid");
    document
        .partitions
        .into_iter()
        .map(|p| {
            let region_pattern = Regex::new(&p.region_regex).expect("partition regex is valid");
            let regions = p
                .regions
                .into_keys()
                .filter(|r| region_pattern.is_match(r))
                .collect();
            Partition {
                id: p.id,
                dns_suffix: p.outputs.dns_suffix,
                regions,
                region_pattern,
            }
        })
        .collect()
});

/// Every partition, `aws` first (as the SDK lists them).
pub fn all() -> &'static [Partition] {
    &PARTITIONS
}

/// A partition by id.
pub fn by_id(id: &str) -> Option<&'static Partition> {
    all().iter().find(|p| p.id == id)
}

/// The commercial partition.
pub fn aws() -> &'static Partition {
    by_id("aws").expect("the aws partition is in the document")
}

/// What this build knows of a region code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionStatus {
    /// Listed in the partition document.
    Known(&'static Partition),
    /// Shaped like a region of this partition but not listed: a region launched
    /// after this build, most likely.
    Newer(&'static Partition),
    /// No partition has regions of this shape.
    Unknown,
}

/// Looks a region code up in every partition.
pub fn region_status(region: &str) -> RegionStatus {
    if let Some(p) = all().iter().find(|p| p.regions.iter().any(|r| r == region)) {
        return RegionStatus::Known(p);
    }
    match all().iter().find(|p| p.matches(region)) {
        Some(p) => RegionStatus::Newer(p),
        None => RegionStatus::Unknown,
    }
}

/// The partition a region belongs to, known or newer; `None` for anything else.
pub fn partition_of(region: &str) -> Option<&'static Partition> {
    match region_status(region) {
        RegionStatus::Known(p) | RegionStatus::Newer(p) => Some(p),
        RegionStatus::Unknown => None,
    }
}

/// Whether `text` is a region code of some partition (known or newer).
pub fn is_region(text: &str) -> bool {
    partition_of(text).is_some()
}

/// The known region closest to a mistyped code, for "did you mean" messages.
pub fn suggest(region: &str) -> Option<&'static str> {
    all()
        .iter()
        .flat_map(|p| p.regions.iter())
        .map(|r| (edit_distance(region, r), r.as_str()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, r)| r)
}

/// What a region code given by a user is, for input validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionCheck {
    Known,
    /// Accepted with a warning: probably launched after this build.
    Newer(&'static Partition),
    /// Refused, with the known region it most likely means.
    Invalid {
        suggestion: Option<&'static str>,
    },
}

/// Classifies a user-given region code: known, newer (shaped like one of a
/// partition and not a near miss of a known one), or invalid.
pub fn check(code: &str) -> RegionCheck {
    match region_status(code) {
        RegionStatus::Known(_) => RegionCheck::Known,
        RegionStatus::Newer(p) => match typo_of_known(code) {
            Some(known) => RegionCheck::Invalid {
                suggestion: Some(known),
            },
            None => RegionCheck::Newer(p),
        },
        RegionStatus::Unknown => RegionCheck::Invalid {
            suggestion: suggest(code),
        },
    }
}

/// The known region a code shaped like a newer region most likely mistypes: same
/// area prefix and number, a middle word at most two edits away (`eu-wset-1` for
/// `eu-west-1`). A code differing in its number or a whole word (`eu-south-3`,
/// `me-west-1`) may be a region launched after this build, and gets `None`.
pub fn typo_of_known(region: &str) -> Option<&'static str> {
    let (prefix, rest) = region.split_once('-')?;
    let (middle, number) = rest.rsplit_once('-')?;
    all()
        .iter()
        .flat_map(|p| p.regions.iter())
        .filter_map(|known| {
            let (kp, krest) = known.split_once('-')?;
            let (km, kn) = krest.rsplit_once('-')?;
            (kp == prefix && kn == number && km != middle)
                .then(|| (edit_distance(middle, km), known.as_str()))
        })
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, r)| r)
}

/// Levenshtein distance over bytes (region codes are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_of_every_partition_are_known() {
        assert!(matches!(region_status("ap-southeast-6"), RegionStatus::Known(p) if p.id == "aws"));
        assert!(
            matches!(region_status("us-gov-west-1"), RegionStatus::Known(p) if p.id == "aws-us-gov")
        );
        assert!(
            matches!(region_status("cn-northwest-1"), RegionStatus::Known(p) if p.id == "aws-cn")
        );
        assert!(
            matches!(region_status("eusc-de-east-1"), RegionStatus::Known(p) if p.id == "aws-eusc")
        );
    }

    #[test]
    fn a_region_shaped_code_not_listed_is_newer_and_a_typo_is_unknown() {
        assert!(matches!(region_status("me-west-1"), RegionStatus::Newer(p) if p.id == "aws"));
        assert_eq!(region_status("zz-nowhere-1"), RegionStatus::Unknown);
        assert_eq!(region_status("aws-global"), RegionStatus::Unknown);
        assert!(!aws().regions.iter().any(|r| r == "aws-global"));
    }

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(suggest("us-east-l"), Some("us-east-1"));
        assert_eq!(suggest("eu-wset-1"), Some("eu-west-1"));
        assert_eq!(suggest("zz-nowhere-1"), None);
        assert_eq!(typo_of_known("eu-wset-1"), Some("eu-west-1"));
        assert_eq!(typo_of_known("me-west-1"), None);
        assert_eq!(typo_of_known("eu-south-3"), None);
    }
}
