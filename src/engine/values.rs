//! Small helpers to build CEL values from Rust data without repeating conversions.

use cel::objects::{Key, Map};
use cel::Value;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

thread_local! {
    /// The field filter in force on this thread (see [`FieldFilter`]).
    static FIELDS: RefCell<Option<Arc<FxHashMap<String, Key>>>> = const { RefCell::new(None) };
}

/// The field names any loaded rule reads. Views built while a filter is installed
/// hold only those fields (with their keys allocated once), which is most of the cost
/// of evaluating a large estate. A field no expression names can never be read, so
/// leaving it out changes no outcome.
#[derive(Clone)]
pub struct FieldFilter(Arc<FxHashMap<String, Key>>);

impl FieldFilter {
    pub fn new(names: impl IntoIterator<Item = String>) -> FieldFilter {
        FieldFilter(Arc::new(
            names
                .into_iter()
                .map(|n| (n.clone(), Key::String(Arc::new(n))))
                .collect(),
        ))
    }

    /// Installs the filter on the current thread until the guard is dropped.
    pub fn install(&self) -> FilterGuard {
        let previous = FIELDS.with(|f| f.replace(Some(Arc::clone(&self.0))));
        FilterGuard { previous }
    }
}

/// Restores the previous filter (usually none) when dropped.
pub struct FilterGuard {
    previous: Option<Arc<FxHashMap<String, Key>>>,
}

impl Drop for FilterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        FIELDS.with(|f| *f.borrow_mut() = previous);
    }
}

/// The key for a field, or `None` when the installed filter leaves it out.
fn field_key(name: &'static str) -> Option<Key> {
    FIELDS.with(|f| match &*f.borrow() {
        Some(fields) => fields.get(name).cloned(),
        None => Some(Key::String(Arc::new(name.to_string()))),
    })
}

thread_local! {
    /// Strings that repeat across resources (regions, types, states, account ids),
    /// allocated once per thread.
    static SHARED: RefCell<FxHashMap<String, Value>> = RefCell::new(FxHashMap::default());
}

/// A CEL string for text that repeats across many resources: cloned from a
/// per-thread table instead of allocated each time.
pub fn shared(text: &str) -> Value {
    SHARED.with(|table| {
        let mut table = table.borrow_mut();
        if let Some(v) = table.get(text) {
            return v.clone();
        }
        // A bound keeps a pathological inventory from growing the table forever.
        if table.len() > 4096 {
            table.clear();
        }
        let v = string(text);
        table.insert(text.to_string(), v.clone());
        v
    })
}

/// Whether a field would be kept: lets callers skip computing costly values.
pub fn wanted(name: &'static str) -> bool {
    FIELDS.with(|f| {
        f.borrow()
            .as_ref()
            .is_none_or(|fields| fields.contains_key(name))
    })
}

pub fn string(s: &str) -> Value {
    Value::String(Arc::new(s.to_string()))
}

pub fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> Value {
    Value::List(Arc::new(items.into_iter().map(|s| string(s)).collect()))
}

pub fn list(items: Vec<Value>) -> Value {
    Value::List(Arc::new(items))
}

pub fn tags(tags: &crate::inventory::Tags) -> Value {
    let map: HashMap<Key, Value> = tags
        .iter()
        .map(|(k, v)| (Key::String(Arc::new(k.clone())), string(v)))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}

/// Builds a CEL map field by field. Optional fields that are `None` are left out,
/// so reading them in a rule raises "no such key", which the engine turns into
/// `unknown`: absent data is never mistaken for `false`.
#[derive(Default)]
pub struct MapBuilder {
    map: HashMap<Key, Value>,
}

impl MapBuilder {
    pub fn with_capacity(n: usize) -> Self {
        MapBuilder {
            map: HashMap::with_capacity(n),
        }
    }

    pub fn set(&mut self, key: &'static str, value: Value) -> &mut Self {
        if let Some(key) = field_key(key) {
            self.map.insert(key, value);
        }
        self
    }

    pub fn str(&mut self, key: &'static str, value: &str) -> &mut Self {
        self.set(key, string(value))
    }

    /// A string field whose values repeat across resources (see [`shared`]).
    pub fn shared_str(&mut self, key: &'static str, value: &str) -> &mut Self {
        self.set(key, shared(value))
    }

    pub fn bool(&mut self, key: &'static str, value: bool) -> &mut Self {
        self.set(key, Value::Bool(value))
    }

    pub fn opt_str(&mut self, key: &'static str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.str(key, v);
        }
        self
    }

    pub fn opt_bool(&mut self, key: &'static str, value: Option<bool>) -> &mut Self {
        if let Some(v) = value {
            self.bool(key, v);
        }
        self
    }

    pub fn opt(&mut self, key: &'static str, value: Option<Value>) -> &mut Self {
        if let Some(v) = value {
            self.set(key, v);
        }
        self
    }

    pub fn build(self) -> Value {
        Value::Map(Map {
            map: Arc::new(self.map),
        })
    }
}
