//! The documented model rules are written against, as `docs/fields.md`: the
//! fields of `resource` for each kind, the fields of `account`, and the variables
//! and functions in scope. Generated from the kind declarations and the function
//! table, which the load-time check reads too: a typo fails at load, not as a
//! silent `unknown` on every resource.

use super::functions::{FUNCTIONS, STANDARD};
use crate::kinds::fields_doc::{ACCOUNT_FIELDS, VARIABLES};
use crate::kinds::{FieldDoc, ALL, COMMON_FIELDS};

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

fn table(out: &mut String, fields: &[FieldDoc]) {
    out.push_str("| field | type | meaning | absent when not read |\n|---|---|---|---|\n");
    for f in fields {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            f.name,
            f.ty,
            escape(f.doc),
            f.needs
                .map_or(String::new(), |n| format!("needs {}", escape(n)))
        ));
    }
}

/// `docs/fields.md`: the field reference for rule authors.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Field reference\n\nWhat a rule's CEL may read. Generated from the resource kinds in \
         [`src/kinds/`](../src/kinds/) by `REGIONREADY_UPDATE_DOCS=1 cargo test --test readme`; \
         do not edit by hand.\n\nA field that was not collected is absent: reading it makes the \
         outcome `unknown` (with the reason in the last column), never a pass. Use \
         `has(resource.field)` to test for it. Rules naming a field, variable or function not \
         listed here are refused at load.\n",
    );
    out.push_str("\n## Variables\n\n| variable | type | meaning |\n|---|---|---|\n");
    for v in VARIABLES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            v.name,
            v.ty,
            escape(v.doc)
        ));
    }
    out.push_str("\n## Functions\n\n| function | meaning |\n|---|---|\n");
    for f in FUNCTIONS {
        out.push_str(&format!("| `{}` | {} |\n", f.signature, escape(f.doc)));
    }
    out.push_str(&format!(
        "\nCEL's standard functions and macros: {}.\n",
        STANDARD
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str("\n## Every resource (`any_resource`)\n\nEvery kind's view has these fields.\n\n");
    table(&mut out, COMMON_FIELDS);
    for (kind, spec) in ALL {
        out.push_str(&format!(
            "\n## `{}`\n\n{}\n\nType: {}. Service: `{}`. Data store: {}.\n\n",
            kind.as_str(),
            spec.doc,
            if spec.resource_type.is_empty() {
                "as each resource says (`resource_type`)".to_string()
            } else {
                format!("`{}`", spec.resource_type)
            },
            spec.service,
            if spec.resource_type.is_empty() {
                "by type"
            } else if spec.data_store {
                "yes"
            } else {
                "no"
            }
        ));
        table(&mut out, spec.fields);
    }
    out.push_str("\n## `account`\n\nThe `account` variable, and `resource` of account rules.\n\n");
    table(&mut out, ACCOUNT_FIELDS);
    out
}
