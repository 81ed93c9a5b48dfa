//! Lookup tables for `eq` filters, so that asking for 100 logins out of
//! 100,000 users costs 100 lookups, not 100,000 comparisons. Built on first
//! use for each collection and field, and dropped when the data changes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::items::Items;

/// Field value (ASCII-lowercased, as `eq` filters compare) to item indices.
pub type Index = HashMap<String, Vec<usize>>;

/// The indices of one data set.
#[derive(Default)]
pub struct IndexCache {
    built: RwLock<HashMap<(String, String), Arc<Index>>>,
}

impl IndexCache {
    /// The index of `field` over `items` (the collection `source`).
    pub fn get(&self, source: &str, field: &str, items: Items<'_>) -> Arc<Index> {
        let key = (source.to_owned(), field.to_owned());
        if let Some(index) = self.built.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return index.clone();
        }
        let index = Arc::new(build(field, items));
        self.built.write().unwrap_or_else(|e| e.into_inner()).insert(key, index.clone());
        index
    }

    /// Forgets every index (the data changed).
    pub fn clear(&self) {
        self.built.write().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

fn build(field: &str, items: Items<'_>) -> Index {
    let mut index = Index::new();
    for i in 0..items.len() {
        let key = match items.field(i, field).as_deref() {
            Some(Value::String(s)) => s.to_ascii_lowercase(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => continue,
        };
        index.entry(key).or_default().push(i);
    }
    index
}

/// A copy of a data set starts with no index.
impl Clone for IndexCache {
    fn clone(&self) -> Self {
        IndexCache::default()
    }
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.built.read().map(|b| b.len()).unwrap_or(0);
        f.debug_struct("IndexCache").field("indices", &n).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Entity;
    use serde_json::json;

    #[test]
    fn indices_are_case_insensitive_and_rebuilt_after_clear() {
        let items: Vec<Entity> =
            [json!({"login": "Ninja"}), json!({"login": "x"}), json!({"login": "ninja"}), json!({})]
                .into_iter()
                .map(|v| v.as_object().cloned().unwrap())
                .collect();
        let cache = IndexCache::default();
        let index = cache.get("users", "login", Items::from(&items));
        assert_eq!(index.get("ninja"), Some(&vec![0, 2]));
        assert_eq!(index.len(), 2);
        assert!(Arc::ptr_eq(&index, &cache.get("users", "login", Items::from(&items))));
        cache.clear();
        assert!(!Arc::ptr_eq(&index, &cache.get("users", "login", Items::from(&items))));
    }
}
