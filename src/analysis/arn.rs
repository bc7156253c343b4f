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

/// CloudFormation type prefixes of global services: their resources live in no
/// region, whatever region an AWS Config recorder listed them from.
const GLOBAL_TYPE_PREFIXES: &[&str] = &[
    "AWS::IAM::",
    "AWS::CloudFront::",
    "AWS::Route53::",
    "AWS::Route53RecoveryControl::",
    "AWS::Route53RecoveryReadiness::",
    "AWS::Organizations::",
    "AWS::GlobalAccelerator::",
    "AWS::WAF::",
    "AWS::Shield::",
    "AWS::S3::AccountPublicAccessBlock",
];

/// Whether a resource belongs to a global service (IAM, CloudFront, Route 53,
/// Organizations, Global Accelerator, WAF Classic, Shield) or to the global scope
/// of a regional one (a CloudFront-scope WAFv2 web ACL).
pub fn is_global_resource(resource_type: &str, arn: &str) -> bool {
    GLOBAL_TYPE_PREFIXES
        .iter()
        .any(|p| resource_type.starts_with(p))
        || Arn::parse(arn)
            .is_some_and(|a| a.service == "wafv2" && a.resource.starts_with("global/"))
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
        let gov = Arn::parse("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k").unwrap();
        assert_eq!((gov.partition, gov.region), ("aws-us-gov", "us-gov-west-1"));
    }

    #[test]
    fn global_services_have_no_region() {
        assert!(is_global_resource(
            "AWS::IAM::Role",
            "arn:aws:iam::111122223333:role/app"
        ));
        assert!(is_global_resource(
            "AWS::WAFv2::WebACL",
            "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1"
        ));
        assert!(!is_global_resource(
            "AWS::WAFv2::WebACL",
            "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/1"
        ));
        assert!(!is_global_resource("AWS::S3::Bucket", "arn:aws:s3:::b"));
    }
}
