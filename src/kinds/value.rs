//! The CEL values views hand out: strings that borrow the inventory instead of
//! copying it, lists built on access, and objects whose fields are computed only
//! when an expression reads them.
//!
//! A field that was not collected is not there at all: reading it raises CEL's
//! "no such key", which the engine turns into `unknown`. Absent data is never
//! mistaken for `false` or an empty list.

use super::Tags;
use cel::common::traits::{Container, Indexer, Iterable, Sizer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, Type, MAP_TYPE,
};
use cel::common::value::{CowVal, Val};
use cel::ExecutionError;
use std::collections::HashMap;
use std::fmt;

/// A CEL value that may borrow inventory data for `'a`.
pub type Boxed<'a> = Box<dyn Val + 'a>;

/// A string borrowed from the inventory: no copy per access.
pub fn text(value: &str) -> Boxed<'_> {
    Box::new(CelString::from(value))
}

/// A string computed on access.
pub fn owned_text<'a>(value: String) -> Boxed<'a> {
    Box::new(CelString::from(value))
}

pub fn boolean<'a>(value: bool) -> Boxed<'a> {
    Box::new(CelBool::from(value))
}

pub fn int<'a>(value: i64) -> Boxed<'a> {
    Box::new(CelInt::from(value))
}

pub fn float<'a>(value: f64) -> Boxed<'a> {
    Box::new(CelDouble::from(value))
}

pub fn null<'a>() -> Boxed<'a> {
    Box::new(CelNull)
}

/// A list of borrowed strings.
pub fn texts<'a>(items: impl IntoIterator<Item = &'a str>) -> Boxed<'a> {
    Box::new(CelList::from(
        items.into_iter().map(text).collect::<Vec<_>>(),
    ))
}

pub fn list<'a>(items: Vec<Boxed<'a>>) -> Boxed<'a> {
    Box::new(CelList::from(items))
}

/// A map of borrowed strings to values, for the few maps a rule reads whole
/// (residency classes).
pub fn map<'a>(entries: impl IntoIterator<Item = (&'a str, Boxed<'a>)>) -> Boxed<'a> {
    let map: HashMap<CelMapKey<'a>, Boxed<'a>> = entries
        .into_iter()
        .map(|(k, v)| (CelMapKey::from(k), v))
        .collect();
    Box::new(CelMap::from(map))
}

/// `Some(value)` when present: the shape every optional field takes.
pub fn opt_text(value: Option<&str>) -> Option<Boxed<'_>> {
    value.map(text)
}

pub fn opt_bool<'a>(value: Option<bool>) -> Option<Boxed<'a>> {
    value.map(boolean)
}

/// Something with named fields computed on access: a resource view, a replica,
/// a reference. Implementations return `None` for a field that is absent (not
/// collected, or not a field of this object).
pub trait Fields: fmt::Debug + Send + Sync + Clone {
    fn field<'v>(&self, name: &str) -> Option<Boxed<'v>>
    where
        Self: 'v;

    /// Every field name the object may have, for `size()`.
    fn names(&self) -> Vec<&'static str>;
}

/// A CEL map whose values are computed when read (see [`Fields`]).
#[derive(Clone)]
pub struct Object<T>(pub T);

/// The fields present, in declaration order: what a snapshot of a view shows.
impl<T: Fields> fmt::Debug for Object<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for name in self.0.names() {
            if let Some(value) = self.0.field(name) {
                map.entry(&name, &value);
            }
        }
        map.finish()
    }
}

fn field_name(key: &dyn Val) -> Option<&str> {
    key.downcast_ref::<CelString>().map(CelString::inner)
}

impl<T: Fields> Val for Object<T> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(self.clone())
    }
}

impl<T: Fields> Indexer for Object<T> {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let name = field_name(idx).ok_or_else(|| missing(idx))?;
        self.0
            .field(name)
            .map(CowVal::Owned)
            .ok_or_else(|| ExecutionError::no_such_key(name))
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

impl<T: Fields> Container for Object<T> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(field_name(key).is_some_and(|name| self.0.field(name).is_some()))
    }
}

impl<T: Fields> Sizer for Object<T> {
    fn size(&self) -> CelInt {
        let present = self
            .0
            .names()
            .into_iter()
            .filter(|n| self.0.field(n).is_some())
            .count();
        CelInt::from(present as i64)
    }
}

/// The error for a key of another type than string.
fn missing(idx: &dyn Val) -> ExecutionError {
    ExecutionError::no_such_key(&format!("{idx:?}"))
}

/// A resource's tags as a CEL map, read in place.
#[derive(Clone)]
pub struct TagsVal<'a> {
    tags: &'a Tags,
    keys: Vec<CelString<'a>>,
}

impl<'a> TagsVal<'a> {
    pub fn boxed(tags: &'a Tags) -> Boxed<'a> {
        Box::new(TagsVal {
            tags,
            keys: tags.keys().map(|k| CelString::from(k.as_str())).collect(),
        })
    }
}

impl fmt::Debug for TagsVal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.tags.iter()).finish()
    }
}

impl Val for TagsVal<'_> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn as_iterable<'b, 'v>(&'b self) -> Option<&'b (dyn Iterable + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn equals(&self, other: &dyn Val) -> bool {
        let Some(other) = other.downcast_ref::<CelMap>() else {
            return false;
        };
        other.inner().len() == self.tags.len()
            && self.tags.iter().all(|(k, v)| {
                other
                    .inner()
                    .iter()
                    .any(|(ok, ov)| CelMapKey::from(k.as_str()) == *ok && text(v).equals(&**ov))
            })
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(self.clone())
    }
}

impl Indexer for TagsVal<'_> {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let key = field_name(idx).ok_or_else(|| missing(idx))?;
        match self.tags.get(key) {
            Some(value) => Ok(CowVal::Owned(text(value))),
            None => Err(ExecutionError::no_such_key(key)),
        }
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

impl Container for TagsVal<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(field_name(key).is_some_and(|k| self.tags.contains_key(k)))
    }
}

impl Sizer for TagsVal<'_> {
    fn size(&self) -> CelInt {
        CelInt::from(self.tags.len() as i64)
    }
}

impl<'a> Iterable for TagsVal<'a> {
    fn iter<'b, 'v>(&'b self) -> Box<dyn cel::common::traits::Iterator<'b, 'v> + 'b>
    where
        Self: 'v,
    {
        Box::new(Keys {
            keys: self.keys.iter(),
        })
    }
}

struct Keys<'b, 'a> {
    keys: std::slice::Iter<'b, CelString<'a>>,
}

impl<'b, 'a: 'v, 'v> cel::common::traits::Iterator<'b, 'v> for Keys<'b, 'a> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'v)> {
        self.keys.next().map(|k| k as &(dyn Val + 'v))
    }
}

/// The strings of a list value, for functions such as `join`. `None` when the
/// value is not a list of strings.
pub fn string_items(value: &dyn Val) -> Option<Vec<String>> {
    let iterable = value.as_iterable()?;
    let mut iter = iterable.iter();
    let mut out = Vec::new();
    while let Some(item) = iter.next() {
        match item.downcast_ref::<CelString>() {
            Some(s) => out.push(s.inner().to_string()),
            None => out.push(format!("{item:?}")),
        }
    }
    Some(out)
}

/// A value as a string, when it is one.
pub fn as_str(value: &dyn Val) -> Option<&str> {
    value.downcast_ref::<CelString>().map(CelString::inner)
}

/// A value as a boolean, when it is one.
pub fn as_bool(value: &dyn Val) -> Option<bool> {
    value.downcast_ref::<CelBool>().map(|b| *b.inner())
}
