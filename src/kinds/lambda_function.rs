//! Lambda functions: `resource = "lambda_function"`, read directly (ListFunctions,
//! GetFunctionConcurrency, GetAccountSettings), so the hot path and the pair's
//! compute are judged without AWS Config.

use super::compute::{self, with_compute_fields, ComputeRecord, Setting, COMPUTE_FIELDS};
use super::config_resource::{Reference, ReferenceRole};
use super::value::{self, Boxed};
use super::Tags;
use super::{field, FieldDoc, Kind, KindSpec, Place, Record};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Lambda function as ListFunctions reports it, with its reserved concurrency
/// and the account's concurrency in its region. Environment values are never
/// kept: only the variable names and the references found in the values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    /// The unqualified function ARN.
    pub arn: String,
    pub name: String,
    /// `python3.12`, `nodejs20.x`, ...; absent for an image function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    /// `Zip` or `Image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_type: Option<String>,
    /// `x86_64` or `arm64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architectures: Option<Vec<String>>,
    /// SHA-256 of the deployment package (of the image, for an image function).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_sha256: Option<String>,
    /// Names of the environment variables, never their values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<Vec<String>>,
    /// ARNs and endpoints found in the environment values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<Reference>>,
    /// GetFunctionConcurrency; absent when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<FunctionConcurrency>,
    /// The account's concurrency in this region (GetAccountSettings); absent when
    /// not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_concurrency: Option<AccountConcurrency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
}

/// A function's reserved concurrency, as GetFunctionConcurrency reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionConcurrency {
    /// Absent: no reservation (the function draws on the account's unreserved pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved: Option<i64>,
}

/// The account's concurrency in one region, from GetAccountSettings `AccountLimit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountConcurrency {
    /// `ConcurrentExecutions`: the regional quota.
    pub limit: i64,
    /// `UnreservedConcurrentExecutions`: what functions without a reservation share.
    pub unreserved: i64,
}

pub static SPEC: KindSpec = KindSpec {
    name: "lambda_function",
    list: "lambda_functions",
    resource_type: "AWS::Lambda::Function",
    service: "lambda",
    doc: "A Lambda function, from ListFunctions (environment: variable names and the references in the values, never the values), GetFunctionConcurrency and GetAccountSettings.",
    data_store: false,
    fields: &FIELDS,
    listings: &["ListFunctions"],
    swept: false,
};

const OWN: &[FieldDoc] = &[
    field("runtime", "string", "`python3.12`, `nodejs20.x`, ...; absent for an image function."),
    field("memory_mb", "int", "Memory in MB."),
    field("timeout_seconds", "int", "Timeout in seconds."),
    field("package_type", "string", "`Zip` or `Image`."),
    field("architectures", "list(string)", "`x86_64` or `arm64`."),
    field("code_sha256", "string", "SHA-256 of the deployment package (of the image, for an image function)."),
    field("reserved_concurrency", "int", "Reserved concurrency; absent when none is reserved or it was not read (see `concurrency_reserved`)."),
    field("concurrency_reserved", "bool", "Whether concurrency is reserved (absent when GetFunctionConcurrency was not read)."),
    field("account_concurrency_limit", "int", "The account's concurrency quota in the region (GetAccountSettings)."),
    field("account_unreserved_concurrency", "int", "The account's unreserved concurrency in the region: what functions without a reservation share."),
];

const FIELDS: [FieldDoc; OWN.len() + COMPUTE_FIELDS.len()] = with_compute_fields(OWN);

impl LambdaFunction {
    /// The most it can run at once: its reservation, else the account's unreserved
    /// pool it shares (Lambda developer guide, "Configuring reserved concurrency").
    fn ceiling(&self) -> Option<i64> {
        match self.concurrency.as_ref()? {
            FunctionConcurrency {
                reserved: Some(reserved),
            } => Some(*reserved),
            FunctionConcurrency { reserved: None } => {
                self.account_concurrency.as_ref().map(|a| a.unreserved)
            }
        }
    }
}

impl ComputeRecord for LambdaFunction {
    fn match_name(&self) -> String {
        self.name.clone()
    }

    fn compute_tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn references(&self) -> Option<&[Reference]> {
        self.references.as_deref()
    }

    /// A zip function runs no image; an image function's URI needs GetFunction,
    /// which is not called (it returns the environment values and a code URL).
    fn images(&self) -> Option<&[String]> {
        match self.package_type.as_deref() {
            Some("Zip") => Some(&[]),
            _ => None,
        }
    }

    fn environment_variables(&self) -> Option<&[String]> {
        self.environment_variables.as_deref()
    }

    fn settings(&self) -> Vec<Setting> {
        let or_none = |v: Option<String>| Some(v.unwrap_or_else(|| "none".to_string()));
        let listed = self.package_type.is_some();
        vec![
            (
                "runtime",
                if listed {
                    or_none(self.runtime.clone())
                } else {
                    None
                },
            ),
            ("memory_mb", self.memory_mb.map(|m| m.to_string())),
            (
                "timeout_seconds",
                self.timeout_seconds.map(|t| t.to_string()),
            ),
            (
                "architectures",
                self.architectures.as_ref().map(|a| a.join(",")),
            ),
            ("package_type", self.package_type.clone()),
        ]
    }

    fn serving_capacity(&self) -> Option<i64> {
        self.ceiling()
    }

    fn minimum_capacity(&self) -> Option<i64> {
        self.ceiling()
    }

    fn capacity_unit(&self) -> &'static str {
        "concurrent executions"
    }
}

impl Kind for LambdaFunction {
    const SPEC: &'static KindSpec = &SPEC;

    fn arn(&self) -> &str {
        &self.arn
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn tags(&self) -> Option<&Tags> {
        self.tags.as_ref()
    }

    fn replica_regions<'a>(&'a self, _: &Place<'a>) -> Option<Vec<&'a str>> {
        Some(Vec::new())
    }

    fn field<'a>(&'a self, at: &Place<'a>, name: &str) -> Option<Boxed<'a>> {
        match name {
            "runtime" => value::opt_text(self.runtime.as_deref()),
            "memory_mb" => self.memory_mb.map(value::int),
            "timeout_seconds" => self.timeout_seconds.map(value::int),
            "package_type" => value::opt_text(self.package_type.as_deref()),
            "architectures" => self
                .architectures
                .as_ref()
                .map(|a| value::texts(a.iter().map(String::as_str))),
            "code_sha256" => value::opt_text(self.code_sha256.as_deref()),
            "reserved_concurrency" => self
                .concurrency
                .as_ref()
                .and_then(|c| c.reserved)
                .map(value::int),
            "concurrency_reserved" => self
                .concurrency
                .as_ref()
                .map(|c| value::boolean(c.reserved.is_some())),
            "account_concurrency_limit" => self
                .account_concurrency
                .as_ref()
                .map(|a| value::int(a.limit)),
            "account_unreserved_concurrency" => self
                .account_concurrency
                .as_ref()
                .map(|a| value::int(a.unreserved)),
            name if compute::is_compute_field(name) => {
                compute::field_of(Record::LambdaFunction(self), self, at, name)
            }
            _ => None,
        }
    }

    fn sample() -> LambdaFunction {
        LambdaFunction {
            arn: "arn:aws:lambda:us-east-1:111122223333:function:orders-api".into(),
            name: "orders-api".into(),
            runtime: Some("python3.12".into()),
            memory_mb: Some(512),
            timeout_seconds: Some(10),
            package_type: Some("Zip".into()),
            architectures: Some(vec!["arm64".into()]),
            code_sha256: Some("3zZbC7Tq0mYlVjG8d2mO7q1b2jR1sY4wQ3p8e5fXk2A=".into()),
            environment_variables: Some(vec!["TABLE_ARN".into(), "LOG_LEVEL".into()]),
            references: Some(vec![Reference {
                target: "arn:aws:dynamodb:eu-west-1:111122223333:table/orders".into(),
                region: "eu-west-1".into(),
                path: "environment.variables.TABLE_ARN".into(),
                role: ReferenceRole::Call,
            }]),
            concurrency: Some(FunctionConcurrency {
                reserved: Some(100),
            }),
            account_concurrency: Some(AccountConcurrency {
                limit: 1000,
                unreserved: 900,
            }),
            tags: Some(Tags::from([(
                compute::WORKLOAD_TAG.to_string(),
                "orders".to_string(),
            )])),
        }
    }
}
