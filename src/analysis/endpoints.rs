//! The region an AWS endpoint hostname serves from, for traffic targets: the DNS
//! name of a Route 53 alias target or record value, or a CloudFront origin.
//!
//! Only hostnames under AWS's own domains are read, and only the label AWS puts
//! the region in: `name-123.us-east-1.elb.amazonaws.com` (Application and Classic
//! Load Balancers, with or without `dualstack.`), `name-abc.elb.eu-west-1.amazonaws.com`
//! (Network Load Balancers), `id.execute-api.eu-west-1.amazonaws.com` (API Gateway),
//! `bucket.s3.eu-west-1.amazonaws.com`, `s3-website-us-east-1.amazonaws.com` and
//! `s3-website.eu-central-1.amazonaws.com` (S3 and its website endpoints),
//! `env.eu-west-1.elasticbeanstalk.com`. A customer's own hostname
//! (`pay-use1.example.com`), an IP address, a CloudFront or Global Accelerator
//! name (global) and the legacy `s3.amazonaws.com` / `s3-external-1` names say no
//! region: `None`, which rules read as unknown, never as a region.

use super::partitions;

/// Domains whose hostnames carry a region label.
const AWS_DOMAINS: &[&str] = &[
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".api.aws",
    ".elasticbeanstalk.com",
    ".c2s.ic.gov",
    ".sc2s.sgov.gov",
];

/// Label prefixes of S3 website endpoints that glue the region to the service
/// (`s3-website-us-east-1`), and of the old dash-style S3 endpoints (`s3-eu-west-1`).
const GLUED_PREFIXES: &[&str] = &["s3-website-", "s3-"];

/// The region a hostname under an AWS domain names; `None` when it names none.
pub fn region_of_host(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let under_aws = AWS_DOMAINS
        .iter()
        .any(|d| host.ends_with(d) && host.len() > d.len());
    if !under_aws {
        return None;
    }
    host.split('.').find_map(|label| {
        if partitions::is_region(label) {
            return Some(label.to_string());
        }
        GLUED_PREFIXES
            .iter()
            .filter_map(|p| label.strip_prefix(p))
            .find(|rest| partitions::is_region(rest))
            .map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::region_of_host;

    #[test]
    fn regional_endpoints_name_their_region() {
        for (host, region) in [
            (
                "dualstack.web-use1-1234567890.us-east-1.elb.amazonaws.com.",
                "us-east-1",
            ),
            (
                "web-euw1-0987654321.eu-west-1.elb.amazonaws.com",
                "eu-west-1",
            ),
            (
                "api-nlb-0a1b2c3d.elb.ap-southeast-2.amazonaws.com",
                "ap-southeast-2",
            ),
            (
                "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
                "eu-west-1",
            ),
            ("d-abc123.execute-api.us-east-1.amazonaws.com.", "us-east-1"),
            ("s3-website-us-east-1.amazonaws.com.", "us-east-1"),
            ("s3-website.eu-central-1.amazonaws.com", "eu-central-1"),
            ("assets.s3.eu-west-1.amazonaws.com", "eu-west-1"),
            ("assets.s3-eu-west-1.amazonaws.com", "eu-west-1"),
            (
                "shop.eba-abc123.eu-west-1.elasticbeanstalk.com",
                "eu-west-1",
            ),
            ("www.cn-north-1.elb.amazonaws.com.cn", "cn-north-1"),
        ] {
            assert_eq!(region_of_host(host).as_deref(), Some(region), "{host}");
        }
    }

    #[test]
    fn customer_and_global_names_name_no_region() {
        for host in [
            "pay-use1.example.com",
            "us-east-1.example.com",
            "192.0.2.10",
            "d111111abcdef8.cloudfront.net",
            "a1234567890abcdef.awsglobalaccelerator.com",
            "assets.s3.amazonaws.com",
            "amazonaws.com",
            "",
        ] {
            assert_eq!(region_of_host(host), None, "{host}");
        }
    }
}
