//! The evaluation's index as a CEL value, bound to [`crate::expr::INDEX`] in every evaluation
//! scope: the rule functions (`crate::expr::functions`) reach it there.

use super::index::Index;
use crate::kinds::value::{self, as_str};
use crate::kinds::ResourceView;
use cel::common::traits::Indexer;
use cel::common::types::{CelList, Type, MAP_TYPE};
use cel::common::value::{CowVal, Val};
use cel::ExecutionError;

/// The evaluation's index as a CEL value, so functions can reach it: indexing it
/// with `["key", account, region, reference]` or `["replicated_users", arn]` asks
/// the question. Only the rule functions do; `@` keeps rules from naming it.
#[derive(Clone, Copy)]
pub struct IndexVal<'a>(pub &'a Index<'a>);

impl std::fmt::Debug for IndexVal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("index")
    }
}

impl Val for IndexVal<'_> {
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

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(*self)
    }
}

impl Indexer for IndexVal<'_> {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let index = self.0;
        let words: Vec<&str> = idx
            .downcast_ref::<CelList>()
            .map(|l| {
                l.inner()
                    .iter()
                    .filter_map(|w| as_str(w.as_ref()))
                    .collect()
            })
            .unwrap_or_default();
        match words.as_slice() {
            ["key", account, region, reference] => Ok(CowVal::Owned(
                match index.resolve_key(account, region, reference) {
                    Some(entry) => ResourceView::new(
                        crate::kinds::Record::KmsKey(entry.key),
                        entry.account,
                        entry.region,
                        index,
                    )
                    .boxed(),
                    None => value::null(),
                },
            )),
            ["replicated_users", key_arn] => match index.replicated_users(key_arn) {
                Ok(users) => Ok(CowVal::Owned(value::texts(users.iter().copied()))),
                Err(why) => Err(ExecutionError::function_error("replicated_users", why)),
            },
            _ => Err(ExecutionError::no_such_key("question")),
        }
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}
