//! Choosing the items of a collection an endpoint answers with, from the
//! `mock.filters` of the spec (the route's [`RouteMeta::filters`]) and the request's parameters.
//!
//! How filters combine: each filter whose parameter was given must match
//! (AND), except that filters which are alternative ways to name the same
//! items match together (OR): filters on one parameter, filters whose
//! parameters share a `max_total` limit (Get Users' `id` + `login`), and `eq`
//! filters on `<x>id` / `<x>login` / `<x>name` of the same prefix (Get Streams'
//! `user_id` + `user_login`). Parameters without a filter do not select.
//!
//! A `followed_by` filter is turned into an `eq` filter first: the users the
//! parameter names become the ids of the channels they follow.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::route_meta::{MockFilter, RouteMeta};
use serde_json::Value;

use crate::entity::Entity;
use crate::follows::Follows;
use crate::index::IndexCache;
use crate::items::Items;
use crate::params::Params;

/// One filter with the values the request gave for it.
struct Active<'a> {
    filter: MockFilter,
    values: Vec<Cow<'a, str>>,
}

/// What a request brings to the selection besides the endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub params: &'a Params,
    pub body: Option<&'a Entity>,
    /// The user of a user token: Get Users with neither ids nor logins answers
    /// for it, as Twitch documents ("the user of the token").
    pub token_user_id: Option<&'a str>,
    /// The data set's users and follows, for `followed_by` filters.
    pub follows: (Items<'a>, &'a Follows),
}

/// Indices of the selected items, in answer order.
#[cfg(test)]
pub fn select(
    route: &RouteMeta,
    source: &str,
    items: Items<'_>,
    params: &Params,
    body: Option<&Entity>,
    token_user_id: Option<&str>,
) -> Result<Vec<usize>, String> {
    select_indexed(
        None,
        route,
        source,
        items,
        Request { params, body, token_user_id, follows: (Items::Stored(&[]), &Follows::default()) },
    )
}

/// [`select`], with the items of the first group of `eq` filters looked up in
/// `index` rather than found by comparing every item.
pub fn select_indexed(
    index: Option<&IndexCache>,
    route: &RouteMeta,
    source: &str,
    items: Items<'_>,
    request: Request<'_>,
) -> Result<Vec<usize>, String> {
    let Request { params, body, token_user_id, follows } = request;
    let groups = active_groups(route, params, body, follows);
    if groups.is_empty() && source == "users" && !route.filters.is_empty() {
        // Endpoints with `app_token_at_least_one_of` refuse an app token
        // before this; without it, there is still no user to answer for.
        let id = token_user_id.ok_or("Must provide an id or login when using an app access token")?;
        return Ok(items.position("id", id, false).into_iter().collect());
    }
    if groups.is_empty() {
        return Ok((0..items.len()).collect());
    }
    let keep = |i: &usize| groups.iter().all(|g| g.iter().any(|a| matches(items, *i, a.filter, &a.values)));
    let selected: Vec<usize> = match index.and_then(|index| candidates(index, source, items, &groups[0])) {
        Some(candidates) => candidates.into_iter().filter(keep).collect(),
        None => (0..items.len()).filter(keep).collect(),
    };
    Ok(match groups.first() {
        Some(first) => in_request_order(selected, items, first),
        None => selected,
    })
}

/// The items the `eq` filters of `group` can match, in data order; `None`
/// when the group has another kind of filter.
fn candidates(index: &IndexCache, source: &str, items: Items<'_>, group: &[Active]) -> Option<Vec<usize>> {
    let mut found = Vec::new();
    for a in group {
        let MockFilter::Eq(field) = a.filter else { return None };
        let index = index.get(source, field, items);
        for v in &a.values {
            found.extend(index.get(&v.to_ascii_lowercase()).into_iter().flatten());
        }
    }
    found.sort_unstable();
    found.dedup();
    Some(found)
}

/// Groups of filters that were given values, grouped as the module doc says.
fn active_groups<'a>(
    route: &RouteMeta,
    params: &'a Params,
    body: Option<&'a Entity>,
    follows: (Items<'_>, &Follows),
) -> Vec<Vec<Active<'a>>> {
    let filters = route.filters;
    // Union-find over filter positions; the lists are a handful long.
    let mut group_of: Vec<usize> = (0..filters.len()).collect();
    for i in 0..filters.len() {
        for j in 0..i {
            if alternatives(route, filters[j], filters[i]) {
                let (from, to) = (group_of[i], group_of[j]);
                group_of.iter_mut().filter(|g| **g == from).for_each(|g| *g = to);
            }
        }
    }
    let mut groups: Vec<(usize, Vec<Active>)> = Vec::new();
    for (i, (param, filter)) in filters.iter().enumerate() {
        let values = crate::params::values_of(param, params, body);
        let active = match filter {
            MockFilter::Flag(_) => values.first().is_some_and(|v| v.eq_ignore_ascii_case("true")),
            _ => !values.is_empty(),
        };
        if !active {
            continue;
        }
        let a = match *filter {
            MockFilter::FollowedBy(field) => {
                Active { filter: MockFilter::Eq(field), values: followed_channels(follows, &values) }
            }
            other => Active { filter: other, values: values.into_iter().map(Cow::Borrowed).collect() },
        };
        match groups.iter_mut().find(|(g, _)| *g == group_of[i]) {
            Some((_, list)) => list.push(a),
            None => groups.push((group_of[i], vec![a])),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// Whether two filters name the same items in different ways.
fn alternatives(route: &RouteMeta, a: (&str, MockFilter), b: (&str, MockFilter)) -> bool {
    if a.0 == b.0 {
        return true;
    }
    let shared_total = route.endpoint.max_total.is_some_and(|(names, _)| names.contains(&a.0) && names.contains(&b.0));
    let same_key = match (a.1, b.1) {
        (MockFilter::Eq(x), MockFilter::Eq(y)) => match (identity_prefix(x), identity_prefix(y)) {
            (Some(px), Some(py)) => px == py,
            _ => false,
        },
        _ => false,
    };
    shared_total || same_key
}

/// `user_login` -> `user_`, `id` -> ``; `None` for fields that name no one.
fn identity_prefix(field: &str) -> Option<&str> {
    ["id", "login", "name"]
        .iter()
        .find_map(|suffix| field.strip_suffix(suffix))
        .filter(|p| p.is_empty() || p.ends_with('_'))
}

/// The ids of the channels any of `followers` follows, in follow order.
fn followed_channels<'a>(follows: (Items<'_>, &Follows), followers: &[&str]) -> Vec<Cow<'a, str>> {
    let (users, follows) = follows;
    follows.followed_ids(users, followers).into_iter().map(Cow::Owned).collect()
}

/// Whether an item passes one filter given these values (any of them).
fn matches(items: Items<'_>, i: usize, filter: MockFilter, values: &[Cow<str>]) -> bool {
    match filter {
        // `followed_by` values are already the followed channels' ids.
        MockFilter::Eq(field) | MockFilter::FollowedBy(field) => {
            let value = items.field(i, field);
            let Some(have) = text(value.as_deref()) else {
                return false;
            };
            values.iter().any(|v| have.eq_ignore_ascii_case(v.as_ref()))
        }
        MockFilter::Contains(field) => {
            let value = items.field(i, field);
            let have = text(value.as_deref()).unwrap_or_default().to_lowercase();
            values.iter().any(|v| have.contains(&v.to_lowercase()))
        }
        MockFilter::Flag(field) => items.field(i, field).as_deref() == Some(&Value::Bool(true)),
    }
}

/// A scalar as text for comparison (ids may be numbers in hand-made data).
fn text(v: Option<&Value>) -> Option<Cow<'_, str>> {
    match v? {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// When the first group's values pick one item each (ids, logins), answer in
/// the order they were asked for, as Twitch does; otherwise keep data order.
fn in_request_order(selected: Vec<usize>, items: Items<'_>, group: &[Active]) -> Vec<usize> {
    if group.iter().any(|a| !matches!(a.filter, MockFilter::Eq(_))) {
        return selected;
    }
    // Where each value was first asked for (values compare ignoring ASCII case).
    let mut first_asked: HashMap<String, usize> = HashMap::new();
    for (position, v) in group.iter().flat_map(|a| a.values.iter()).enumerate() {
        first_asked.entry(v.to_ascii_lowercase()).or_insert(position);
    }
    let rank = |i: usize| -> usize {
        group
            .iter()
            .filter_map(|a| match a.filter {
                MockFilter::Eq(field) => items.field(i, field),
                _ => None,
            })
            .filter_map(|value| first_asked.get(&text(Some(&value))?.to_ascii_lowercase()).copied())
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut ranked: Vec<(usize, usize)> = selected.iter().map(|&i| (rank(i), i)).collect();
    let mut ranks: Vec<usize> = ranked.iter().map(|(r, _)| *r).collect();
    ranks.sort_unstable();
    if ranks.windows(2).any(|w| w[0] == w[1]) {
        return selected;
    }
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MockConfig;
    use crate::dataset::Dataset;
    use crate::entity::str_field;
    use crate::items::Items;
    use crate::test_fixtures::routes::{GET_FOLLOWED, GET_FOLLOWED_STREAMS, GET_STREAMS, GET_USERS, SEARCH};

    fn data() -> Dataset {
        Dataset::build(&MockConfig { users: 40, games: 5, follows_per_user: 5, routes: &[], ..MockConfig::default() })
    }

    /// Every follow of the data set, as a stored collection.
    fn all_follows(d: &Dataset) -> Vec<Entity> {
        d.follows_of(&[], &[])
    }

    fn logins<'a>(d: impl Into<Items<'a>>, idx: &[usize], field: &str) -> Vec<String> {
        let d = d.into();
        idx.iter()
            .map(|&i| d.field(i, field).as_deref().and_then(Value::as_str).unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn ids_and_logins_are_alternatives_in_request_order() {
        let d = data();
        let p = Params::from_query("login=shroud&id=10001&login=XQC&login=nobody");
        let idx = select(&GET_USERS, "users", d.users(), &p, None, None).unwrap();
        // Ranked by the filters' order in the spec (ids, then logins), then by value order.
        assert_eq!(logins(d.users(), &idx, "login"), ["ninja", "shroud", "xqc"]);
    }

    #[test]
    fn users_without_ids_is_the_token_user() {
        let d = data();
        let idx = select(&GET_USERS, "users", d.users(), &Params::default(), None, Some("10002")).unwrap();
        assert_eq!(logins(d.users(), &idx, "login"), ["pokimane"]);
        assert!(select(&GET_USERS, "users", d.users(), &Params::default(), None, None).is_err());
    }

    #[test]
    fn followed_by_keeps_the_streams_of_followed_channels_only() {
        let d = data();
        let follows = |user: &str| -> Vec<String> {
            let p = Params::from_query(&format!("user_id={user}"));
            let follows = all_follows(&d);
            let idx = select(&GET_FOLLOWED, "follows", Items::from(&follows), &p, None, None).unwrap();
            logins(&follows, &idx, "broadcaster_id")
        };
        let followed_streams = |user: &str| -> Vec<String> {
            let p = Params::from_query(&format!("user_id={user}"));
            let idx = select_indexed(
                None,
                &GET_FOLLOWED_STREAMS,
                "streams",
                d.streams(),
                Request { params: &p, body: None, token_user_id: None, follows: (d.users(), &d.follows) },
            );
            logins(d.streams(), &idx.unwrap(), "user_id")
        };
        let user = str_field(&d.users().get(0).unwrap(), "id").unwrap().to_owned();
        let followed = follows(&user);
        let streams = followed_streams(&user);
        assert!(!streams.is_empty() && streams.len() < d.streams().len(), "{streams:?}");
        assert!(streams.iter().all(|s| followed.contains(s)), "only followed channels: {streams:?} vs {followed:?}");
        let live_followed =
            d.streams().iter().filter(|s| followed.iter().any(|f| Some(f.as_str()) == str_field(s, "user_id")));
        assert_eq!(streams.len(), live_followed.count(), "every live followed channel");
        // A user who follows no one sees no streams (not all of them).
        assert!(followed_streams("999999").is_empty());
    }

    #[test]
    fn contains_and_flag() {
        let d = data();
        let p = Params::from_query("query=USER00");
        let all = select(&SEARCH, "channels", d.channels(), &p, None, None).unwrap();
        let live =
            select(&SEARCH, "channels", d.channels(), &Params::from_query("query=user00&live_only=true"), None, None)
                .unwrap();
        let not_flag =
            select(&SEARCH, "channels", d.channels(), &Params::from_query("query=user00&live_only=false"), None, None)
                .unwrap();
        assert_eq!(all.len(), 30);
        assert_eq!(not_flag, all);
        assert!(!live.is_empty() && live.len() < all.len());
        assert!(live.iter().all(|&i| d.channels().field(i, "is_live").as_deref() == Some(&Value::Bool(true))));
        let arc = select(&SEARCH, "channels", d.channels(), &Params::from_query("query=arcomage"), None, None).unwrap();
        assert_eq!(logins(d.channels(), &arc, "broadcaster_login"), ["arcomage"]);
    }

    #[test]
    fn user_id_and_user_login_are_alternatives_but_game_narrows() {
        let d = data();
        let p = Params::from_query("user_id=10001&user_login=user0015");
        let idx = select(&GET_STREAMS, "streams", d.streams(), &p, None, None).unwrap();
        assert_eq!(logins(d.streams(), &idx, "user_login"), ["ninja", "user0015"]);
        let ninja_game = logins(d.streams(), &idx[..1], "game_id").concat();
        let p = Params::from_query(&format!("user_id=10001&user_login=user0015&game_id={ninja_game}"));
        let idx = select(&GET_STREAMS, "streams", d.streams(), &p, None, None).unwrap();
        assert_eq!(logins(d.streams(), &idx, "user_login"), ["ninja"]);
    }

    #[test]
    fn follows_filters_combine_with_and() {
        let d = data();
        let follows = all_follows(&d);
        let p = Params::from_query("user_id=10001");
        let idx = select(&GET_FOLLOWED, "follows", Items::from(&follows), &p, None, None).unwrap();
        assert_eq!(idx.len(), 5);
        let p = Params::from_query("user_id=10001&broadcaster_id=10003");
        let idx = select(&GET_FOLLOWED, "follows", Items::from(&follows), &p, None, None).unwrap();
        assert_eq!(logins(&follows, &idx, "broadcaster_login"), ["shroud"]);
        let p = Params::from_query("user_id=10001&broadcaster_id=10030");
        assert!(select(&GET_FOLLOWED, "follows", Items::from(&follows), &p, None, None).unwrap().is_empty());
    }

    #[test]
    fn identity_prefixes() {
        assert_eq!(identity_prefix("id"), Some(""));
        assert_eq!(identity_prefix("user_login"), Some("user_"));
        assert_eq!(identity_prefix("broadcaster_name"), Some("broadcaster_"));
        assert_eq!(identity_prefix("display_name"), Some("display_"));
        assert_eq!(identity_prefix("title"), None);
        assert_eq!(identity_prefix("igdb_id"), Some("igdb_"));
        assert_eq!(identity_prefix("paid"), None);
    }

    #[test]
    fn an_index_finds_the_same_items_in_the_same_order() {
        let d = data();
        let index = IndexCache::default();
        let follows = all_follows(&d);
        for (ep, source, items, query) in [
            (&GET_USERS, "users", d.users(), "login=shroud&id=10001&login=XQC&login=nobody"),
            (&GET_USERS, "users", d.users(), "id=10005&id=10002"),
            (&GET_STREAMS, "streams", d.streams(), "user_id=10001&user_login=user0015"),
            (&GET_FOLLOWED, "follows", Items::from(&follows), "user_id=10001&broadcaster_id=10003"),
            (&SEARCH, "channels", d.channels(), "query=user00&live_only=true"),
            (&GET_STREAMS, "streams", d.streams(), ""),
        ] {
            let p = Params::from_query(query);
            let plain = select(ep, source, items, &p, None, None).unwrap();
            let request = Request { params: &p, body: None, token_user_id: None, follows: (d.users(), &d.follows) };
            let indexed = select_indexed(Some(&index), ep, source, items, request).unwrap();
            assert_eq!(plain, indexed, "{query}");
        }
    }
}
