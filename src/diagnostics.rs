//! Stable codes for the problems regionready reports about its inputs: the config,
//! rule files, inventories and baselines. The message a user reads stays the one
//! line `file:line:column: message` it always was; the code names the kind of
//! problem for scripts and documentation, and never changes meaning.
//!
//! Codes are `<input>/<problem>` in kebab-case (`config/region`, `rule/model`): the
//! input says which file to look at, the problem what is wrong with it. A code is
//! never renamed or reused; new problems get new codes. The list, with what each
//! means, is `docs/diagnostics.md`, generated from [`Code::ALL`].

use serde::Serialize;
use std::fmt;

macro_rules! codes {
    ($( $variant:ident = $id:literal : $doc:literal, )+) => {
        /// The kind of an input problem.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $doc] $variant, )+
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable code, such as `config/region`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)+
                }
            }

            /// What the problem is and how to fix it, for `docs/diagnostics.md`.
            pub fn doc(self) -> &'static str {
                match self {
                    $(Code::$variant => $doc,)+
                }
            }
        }
    };
}

codes! {
    ConfigRead = "config/read": "The config file could not be read (missing, unreadable, not UTF-8).",
    ConfigSyntax = "config/syntax": "The config is not valid TOML, has a key regionready does not know, or a value of the wrong type.",
    ConfigRegion = "config/region": "A region code is not an AWS region (the message suggests the closest one).",
    ConfigPair = "config/pair": "A region pair is not two different regions, `regions.pairs` is empty, or `regions.sanctioned` leaves out a region of a pair.",
    ConfigAccount = "config/account": "An account id is not 12 digits.",
    ConfigCapacity = "config/capacity": "`capacity.min_ratio` is not a number above 0 and at most 10.",
    ConfigSeverity = "config/severity": "A severity override names no severity (critical, high, medium, low, info).",
    ConfigWaiver = "config/waiver": "A waiver has no reason, an expiry that is not a date, or an invalid resource glob.",
    ConfigOverride = "config/override": "A pair override does not name exactly one of account, ou, tag, or its tag is not key=value.",
    ConfigUnknownRule = "config/unknown-rule": "The config names a rule id that no loaded rule has (retired ids only warn).",
    RuleRead = "rule/read": "A rules directory or rule file could not be read.",
    RuleSyntax = "rule/syntax": "A rule file is not valid TOML, has an unknown key, or lacks a required one.",
    RuleMetadata = "rule/metadata": "A rule's metadata breaks the format: id shape or file name, kebab-case name, title, rationale, remediation, https help URI, IAM permissions, precision.",
    RuleExpression = "rule/expression": "A rule's `scope`, `condition` or `message` does not compile, or exceeds a size, nesting or depth limit.",
    RuleModel = "rule/model": "A rule's expression names a variable, field or function the model does not have (see docs/fields.md).",
    RuleDuplicateId = "rule/duplicate-id": "Two rule files define the same id.",
    RuleRetiredId = "rule/retired-id": "A user rule takes an id retired from the built-in rules (rules/RETIRED).",
    InventoryRead = "inventory/read": "The inventory file could not be read.",
    InventorySyntax = "inventory/syntax": "The inventory is not valid JSON or does not match the inventory schema (docs/inventory.schema.json).",
    InventoryVersion = "inventory/version": "The inventory's `schema_version` is one this build does not read.",
    InventoryInconsistent = "inventory/inconsistent": "The inventory parses but contradicts itself (a resource listed under the wrong account or region, ...).",
    BaselineRead = "baseline/read": "The baseline file could not be read.",
    BaselineSyntax = "baseline/syntax": "The baseline is not a regionready JSON report.",
    BaselineVersion = "baseline/version": "The baseline is a JSON report of another major version of the report format.",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `docs/diagnostics.md`: every code with what it means.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nGenerated from `src/diagnostics.rs` by \
         `REGIONREADY_UPDATE_DOCS=1 cargo test --test diagnostics`; do not edit by hand.\n\n\
         Every problem with an input (exit code 2) is reported as one line, \
         `file:line:column: message`, and has a stable code of the form \
         `<input>/<problem>`: the input tells which file to look at, the problem what is \
         wrong. The library exposes it as `code()` on `InventoryError`, `BaselineError`, \
         and per line through `ConfigError::diagnostics()` and `RuleError::diagnostics()`. \
         A code is never renamed or given another meaning; new problems get new codes.\n\n\
         | code | meaning |\n|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            code.as_str(),
            code.doc().replace('|', "\\|")
        ));
    }
    out
}
