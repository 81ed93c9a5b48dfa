//! What the mock knows about a route beyond the client's facts about its
//! endpoint: the data set it answers from, how parameters select items, and
//! the shape of an answer's items. The mock's emitter (ttv-codegen's
//! `emit::mock`) writes one [`RouteMeta`] per endpoint into `routes.rs`.

use ttv_meta::{EndpointMeta, Shape};

/// How the mock selects items for a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockFilter {
    /// The item's field equals one of the parameter's values.
    Eq(&'static str),
    /// The item's field contains the value, ignoring case.
    Contains(&'static str),
    /// When the parameter is `true`, the item's field must be `true`.
    Flag(&'static str),
    /// The parameter names a user; the item's field must be a channel that
    /// user follows (Get Followed Streams: `user_id: followed_by user_id`).
    FollowedBy(&'static str),
}

/// One endpoint as the mock serves it.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct RouteMeta {
    /// The endpoint's rules: path, token class, scopes, parameters, answer kind.
    pub endpoint: &'static EndpointMeta,
    /// The data set it draws from (`users`, `channels`, `streams`, `games`, `follows`), if any.
    pub source: Option<&'static str>,
    /// Query (or body) parameter name and how it selects items.
    pub filters: &'static [(&'static str, MockFilter)],
    /// The shape of each element of `data`; `None` for answers without `data`.
    pub item: Option<Shape>,
    /// Twitch removed the endpoint and answers every request with this status (410).
    pub gone: Option<u16>,
}

/// Const builders, so that generated tables state only what a route has.
impl RouteMeta {
    /// A route for `endpoint` with no data set, no filters and no `data` items.
    pub const fn new(endpoint: &'static EndpointMeta) -> RouteMeta {
        RouteMeta { endpoint, source: None, filters: &[], item: None, gone: None }
    }
    /// The data set it answers from.
    pub const fn source(mut self, source: &'static str) -> RouteMeta {
        self.source = Some(source);
        self
    }
    /// How its parameters select items.
    pub const fn filters(mut self, filters: &'static [(&'static str, MockFilter)]) -> RouteMeta {
        self.filters = filters;
        self
    }
    /// The shape of each element of `data`.
    pub const fn item(mut self, item: Shape) -> RouteMeta {
        self.item = Some(item);
        self
    }
    /// Twitch removed it: every request is answered with `status`.
    pub const fn gone(mut self, status: u16) -> RouteMeta {
        self.gone = Some(status);
        self
    }

    /// The shape of each element of `data`; any JSON when the spec names none.
    pub fn item_shape(&self) -> &Shape {
        self.item.as_ref().unwrap_or(&Shape::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttv_meta::{AuthClass, HttpMethod, ResponseMeta};

    static GET_THINGS: EndpointMeta = EndpointMeta::new(
        "Get Things",
        "get_things",
        HttpMethod::Get,
        "/things",
        AuthClass::Either,
        ResponseMeta::Data { paginated: true, single: false },
    );

    #[test]
    fn builders_state_only_what_a_route_has() {
        let bare = RouteMeta::new(&GET_THINGS);
        assert_eq!((bare.source, bare.filters, bare.item, bare.gone), (None, &[][..], None, None));
        assert_eq!(RouteMeta::new(&GET_THINGS).gone(410).gone, Some(410));
        assert_eq!(bare.item_shape(), &Shape::Json, "an answer the spec gives no item type takes any JSON");
        let full = RouteMeta::new(&GET_THINGS)
            .source("games")
            .filters(&[("id", MockFilter::Eq("id"))])
            .item(Shape::List(&Shape::String));
        assert_eq!(full.source, Some("games"));
        assert_eq!(full.filters, [("id", MockFilter::Eq("id"))]);
        assert_eq!(full.item_shape(), &Shape::List(&Shape::String));
        assert!(std::ptr::eq(full.endpoint, &GET_THINGS));
    }
}
