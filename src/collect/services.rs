//! Every AWS action the collector calls, declared in one table: per collector file,
//! the service its client speaks (IAM prefix and API model name) and the actions it
//! calls. `docs/iam-policy.json` is generated from this table, and tests hold it
//! equal both ways to the calls written in the collector's source and to the
//! policy, so a new call cannot ship without its permission, nor a permission
//! outlive its call.

/// One collector file and what it calls.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// File under `src/collect/`.
    pub file: &'static str,
    /// IAM service prefix, as in `docs/iam-policy.json` and gaps.
    pub iam: &'static str,
    /// API model name (botocore's), as in `tests/corpus/<model>/`.
    pub model: &'static str,
    /// Every operation the file calls, read-only by construction (the IAM action
    /// that allows it is [`iam_action`]).
    pub actions: &'static [&'static str],
}

/// The collector's calls.
pub const SERVICES: &[Service] = &[
    Service {
        file: "clients.rs",
        iam: "sts",
        model: "sts",
        actions: &["GetCallerIdentity"],
    },
    Service {
        file: "credentials.rs",
        iam: "sts",
        model: "sts",
        actions: &["AssumeRole"],
    },
    Service {
        file: "org.rs",
        iam: "organizations",
        model: "organizations",
        actions: &[
            "DescribeOrganization",
            "DescribePolicy",
            "ListAccounts",
            "ListAccountsForParent",
            "ListOrganizationalUnitsForParent",
            "ListPolicies",
            "ListRoots",
            "ListTagsForResource",
            "ListTargetsForPolicy",
        ],
    },
    Service {
        file: "tagging.rs",
        iam: "tag",
        model: "resourcegroupstaggingapi",
        actions: &["GetResources"],
    },
    Service {
        file: "kms.rs",
        iam: "kms",
        model: "kms",
        actions: &["DescribeKey", "ListAliases", "ListKeys"],
    },
    Service {
        file: "secrets.rs",
        iam: "secretsmanager",
        model: "secretsmanager",
        actions: &["DescribeSecret", "ListSecrets"],
    },
    Service {
        file: "dynamodb.rs",
        iam: "dynamodb",
        model: "dynamodb",
        actions: &[
            "DescribeContinuousBackups",
            "DescribeGlobalTable",
            "DescribeTable",
            "ListGlobalTables",
            "ListTables",
        ],
    },
    Service {
        file: "autoscaling_targets.rs",
        iam: "application-autoscaling",
        model: "application-autoscaling",
        actions: &["DescribeScalableTargets"],
    },
    Service {
        file: "rds.rs",
        iam: "rds",
        model: "rds",
        actions: &[
            "DescribeDBClusters",
            "DescribeDBInstances",
            "DescribeGlobalClusters",
        ],
    },
    Service {
        file: "lambda.rs",
        iam: "lambda",
        model: "lambda",
        actions: &[
            "GetAccountSettings",
            "GetFunctionConcurrency",
            "ListFunctions",
        ],
    },
    Service {
        file: "ecs.rs",
        iam: "ecs",
        model: "ecs",
        actions: &[
            "DescribeServices",
            "DescribeTaskDefinition",
            "ListClusters",
            "ListServices",
        ],
    },
    Service {
        file: "autoscaling.rs",
        iam: "autoscaling",
        model: "autoscaling",
        actions: &["DescribeAutoScalingGroups"],
    },
    Service {
        file: "s3.rs",
        iam: "s3",
        model: "s3",
        actions: &["GetBucketReplication", "GetBucketVersioning", "ListBuckets"],
    },
    Service {
        file: "elasticache.rs",
        iam: "elasticache",
        model: "elasticache",
        actions: &[
            "DescribeGlobalReplicationGroups",
            "DescribeReplicationGroups",
        ],
    },
    Service {
        file: "config_service.rs",
        iam: "config",
        model: "config",
        actions: &[
            "BatchGetResourceConfig",
            "DescribeConfigurationAggregatorSourcesStatus",
            "DescribeConfigurationAggregators",
            "DescribeConfigurationRecorderStatus",
            "DescribeConfigurationRecorders",
            "ListDiscoveredResources",
            "SelectAggregateResourceConfig",
        ],
    },
    Service {
        file: "route53.rs",
        iam: "route53",
        model: "route53",
        actions: &[
            "ListHealthChecks",
            "ListHostedZones",
            "ListResourceRecordSets",
        ],
    },
    Service {
        file: "globalaccelerator.rs",
        iam: "globalaccelerator",
        model: "globalaccelerator",
        actions: &["ListAccelerators", "ListEndpointGroups", "ListListeners"],
    },
    Service {
        file: "cloudfront.rs",
        iam: "cloudfront",
        model: "cloudfront",
        actions: &["ListDistributions"],
    },
    Service {
        file: "cloudwatch.rs",
        iam: "cloudwatch",
        model: "cloudwatch",
        actions: &["DescribeAlarms"],
    },
    Service {
        file: "ecr.rs",
        iam: "ecr",
        model: "ecr",
        actions: &["DescribeRegistry", "DescribeRepositories"],
    },
];

/// Operations whose IAM action has another name (Service Authorization
/// Reference, "Actions defined by Amazon S3"): (IAM prefix, operation, action).
const IAM_NAMES: &[(&str, &str, &str)] = &[
    ("s3", "ListBuckets", "ListAllMyBuckets"),
    ("s3", "GetBucketReplication", "GetReplicationConfiguration"),
];

/// The IAM action (`service:Action`) that allows an operation of a service.
pub fn iam_action(iam: &str, operation: &str) -> String {
    let action = IAM_NAMES
        .iter()
        .find(|(s, op, _)| *s == iam && *op == operation)
        .map_or(operation, |(_, _, action)| action);
    format!("{iam}:{action}")
}

/// The action that enters member accounts: granted on the member role only.
const ENTER: &str = "sts:AssumeRole";

/// Role the scanner enters member accounts with by default.
const MEMBER_ROLE: &str = "OrganizationAccountAccessRole";

/// Every `service:Action` the collector calls, sorted and unique.
pub fn actions() -> Vec<String> {
    let mut all: Vec<String> = SERVICES
        .iter()
        .flat_map(|s| s.actions.iter().map(move |a| iam_action(s.iam, a)))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// `docs/iam-policy.json`: read-only metadata actions on everything, and
/// `sts:AssumeRole` on the member role only.
pub fn iam_policy_json() -> String {
    let read: Vec<String> = actions()
        .into_iter()
        .filter(|a| a != ENTER)
        .map(|a| format!("        \"{a}\""))
        .collect();
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "RegionReadyReadMetadata",
      "Effect": "Allow",
      "Action": [
{}
      ],
      "Resource": "*"
    }},
    {{
      "Sid": "RegionReadyEnterMemberAccounts",
      "Effect": "Allow",
      "Action": ["{ENTER}"],
      "Resource": "arn:*:iam::*:role/{MEMBER_ROLE}"
    }}
  ]
}}
"#,
        read.join(",\n")
    )
}

/// The declaration of the service with IAM prefix `iam` that lists resources.
pub fn service(iam: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .find(|s| s.iam == iam && s.file != "clients.rs")
}
