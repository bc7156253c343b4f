//! ARN parsing, just enough to know the service, region and account of a resource.

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    /// Empty for global resources (IAM, S3 buckets, Aurora global clusters).
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        arn.partition.starts_with("aws").then_some(arn)
    }
}

/// Region of an ARN, or an empty string for global or unparsable ARNs.
pub fn region_of(arn: &str) -> &str {
    Arn::parse(arn).map_or("", |a| a.region)
}

/// Account of an ARN, or an empty string.
pub fn account_of(arn: &str) -> &str {
    Arn::parse(arn).map_or("", |a| a.account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_regional_and_global_arns() {
        let a = Arn::parse("arn:aws:kms:us-east-1:111122223333:key/mrk-1").unwrap();
        assert_eq!(
            (a.service, a.region, a.account, a.resource),
            ("kms", "us-east-1", "111122223333", "key/mrk-1")
        );
        assert_eq!(region_of("arn:aws:rds::111122223333:global-cluster:g1"), "");
        assert_eq!(
            region_of("arn:aws:lambda:eu-west-1:1:function:f:live"),
            "eu-west-1"
        );
        assert_eq!(region_of("not-an-arn"), "");
    }
}
