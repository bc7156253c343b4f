//! Configuration items kept as the JSON text they arrived as.
//!
//! An estate holds hundreds of thousands of configuration items and almost none of
//! them is ever read field by field: the hot-path check scans their text for ARNs
//! and endpoints and parses one only when it names another region. Keeping the text
//! instead of a parsed tree cuts the memory of a large inventory several times over.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A JSON value stored as text. Compares by text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// Serializes a parsed value (compactly).
    pub fn from_value(value: &serde_json::Value) -> RawJson {
        RawJson(serde_json::value::to_raw_value(value).expect("a JSON value always serializes"))
    }

    /// The JSON text.
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// The parsed value. The text was valid JSON when it was read, so this only
    /// fails on values built by hand from invalid text.
    pub fn parse(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.0.get()).ok()
    }
}

impl From<serde_json::Value> for RawJson {
    fn from(value: serde_json::Value) -> RawJson {
        RawJson::from_value(&value)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &RawJson) -> bool {
        self.text() == other.text()
    }
}

impl JsonSchema for RawJson {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawJson".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        serde_json::Value::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}
