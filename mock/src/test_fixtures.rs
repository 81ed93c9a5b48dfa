//! Hand-written endpoint metadata for the unit tests, so they do not depend
//! on what endpoints.yaml holds today.

use ttv_meta::{AuthClass, EndpointMeta, FieldMeta, HttpMethod, ParamMeta, ResponseMeta, Shape, TypeMeta};

const fn query(name: &'static str, shape: Shape) -> ParamMeta {
    ParamMeta::query(name, shape)
}

const fn ids(name: &'static str) -> ParamMeta {
    ParamMeta::query(name, Shape::List(&Shape::String)).max(100)
}

const FIRST: ParamMeta = ParamMeta::query("first", Shape::Integer).range(1, 100);
const AFTER: ParamMeta = query("after", Shape::String);
const BEFORE: ParamMeta = query("before", Shape::String);

/// An endpoint with the fixtures' defaults: `GET`, either kind of token.
const fn endpoint(name: &'static str, path: &'static str, response: ResponseMeta) -> EndpointMeta {
    EndpointMeta::new(name, "", HttpMethod::Get, path, AuthClass::Either, response)
}

const fn data(paginated: bool) -> ResponseMeta {
    ResponseMeta::Data { paginated, single: false }
}

const fn f(name: &'static str, shape: Shape) -> FieldMeta {
    FieldMeta::new(name, shape)
}

pub const USER: TypeMeta = TypeMeta::new(
    "User",
    &[
        f("id", Shape::String),
        f("login", Shape::String),
        f("display_name", Shape::String),
        f("view_count", Shape::Optional(&Shape::Integer)),
        f("created_at", Shape::DateTime),
    ],
);

pub const STREAM: TypeMeta = TypeMeta::new(
    "Stream",
    &[
        f("id", Shape::String),
        f("user_id", Shape::String),
        f("user_login", Shape::String),
        f("game_id", Shape::String),
        f("type", Shape::String),
        f("title", Shape::String),
        f("viewer_count", Shape::Integer),
        f("tags", Shape::List(&Shape::String)),
    ],
);

pub const CHANNEL: TypeMeta = TypeMeta::new(
    "Channel",
    &[
        f("id", Shape::String),
        f("broadcaster_login", Shape::String),
        f("title", Shape::String),
        f("is_live", Shape::Boolean),
        f("started_at", Shape::DateTime),
    ],
);

pub const FOLLOWED: TypeMeta = TypeMeta::new(
    "FollowedChannel",
    &[f("broadcaster_id", Shape::String), f("broadcaster_login", Shape::String), f("followed_at", Shape::DateTime)],
);

pub const CHOICE: TypeMeta =
    TypeMeta::new("Choice", &[f("id", Shape::String), f("title", Shape::String), f("votes", Shape::Integer)]);

pub const POLL: TypeMeta = TypeMeta::new(
    "Poll",
    &[
        f("id", Shape::String),
        f("broadcaster_id", Shape::String),
        f("broadcaster_login", Shape::String),
        f("title", Shape::String),
        f("choices", Shape::List(&Shape::Object(&CHOICE))),
        f("duration", Shape::Integer),
    ],
);

pub const CONDUIT: TypeMeta = TypeMeta::new("Conduit", &[f("id", Shape::String), f("shard_count", Shape::Integer)]);

pub const CLIP: TypeMeta = TypeMeta::new("Clip", &[f("id", Shape::String), f("url", Shape::String)]);

pub const THING: TypeMeta = TypeMeta::new("Thing", &[f("id", Shape::String), f("thing_id", Shape::String)]);

pub static GET_USERS: EndpointMeta = endpoint("Get Users", "/users", data(false))
    .scopes(&[], &[], &["user:read:email"])
    .params(&[ids("id"), ids("login")])
    .max_total(&["id", "login"], 100)
    .app_token_at_least_one_of(&[&["id", "login"]]);

pub static GET_STREAMS: EndpointMeta = endpoint("Get Streams", "/streams", data(true)).params(&[
    ids("user_id"),
    ids("user_login"),
    ids("game_id"),
    FIRST,
    AFTER,
    BEFORE,
]);

pub static GET_FOLLOWED_STREAMS: EndpointMeta =
    EndpointMeta::new("Get Followed Streams", "", HttpMethod::Get, "/streams/followed", AuthClass::User, data(true))
        .params(&[query("user_id", Shape::String).required(), FIRST, AFTER]);

pub static SEARCH: EndpointMeta = endpoint("Search Channels", "/search/channels", data(true)).params(&[
    query("query", Shape::String).required(),
    query("live_only", Shape::Boolean),
    FIRST,
    AFTER,
]);

pub static GET_FOLLOWED: EndpointMeta =
    EndpointMeta::new("Get Followed Channels", "", HttpMethod::Get, "/channels/followed", AuthClass::User, data(true))
        .scopes(&["user:read:follows"], &[], &[])
        .params(&[query("user_id", Shape::String).required(), query("broadcaster_id", Shape::String), FIRST, AFTER]);

pub static MODIFY_CHANNEL: EndpointMeta = EndpointMeta::new(
    "Modify Channel Information",
    "",
    HttpMethod::Patch,
    "/channels",
    AuthClass::User,
    ResponseMeta::NoContent,
)
.scopes(&["channel:manage:broadcast"], &[], &[])
.params(&[
    query("broadcaster_id", Shape::String).required(),
    ParamMeta::body("title", Shape::String).required(),
    ParamMeta::body("delay", Shape::Integer).range(0, 900),
    ParamMeta::body("tags", Shape::List(&Shape::String)).max(2),
]);

pub static CREATE_POLL: EndpointMeta =
    EndpointMeta::new("Create Poll", "", HttpMethod::Post, "/polls", AuthClass::User, data(false))
        .scopes(&[], &["channel:manage:polls", "channel:manage:broadcast"], &[])
        .params(&[
            ParamMeta::body("broadcaster_id", Shape::String).required(),
            ParamMeta::body("title", Shape::String).required(),
            ParamMeta::body("choices", Shape::List(&Shape::Object(&CHOICE))).required(),
            ParamMeta::body("duration", Shape::Integer),
        ]);

pub static GET_CONDUITS: EndpointMeta =
    EndpointMeta::new("Get Conduits", "", HttpMethod::Get, "/eventsub/conduits", AuthClass::App, data(false));

pub static GET_CLIPS: EndpointMeta = endpoint("Get Clips", "/clips", data(true))
    .params(&[ids("broadcaster_id"), ids("game_id"), ids("id"), FIRST, AFTER])
    .one_of(&[&["broadcaster_id", "game_id", "id"]]);

pub static DELETE_THING: EndpointMeta = EndpointMeta::new(
    "Delete Thing",
    "",
    HttpMethod::Delete,
    "/things/{thing_id}",
    AuthClass::Either,
    ResponseMeta::NoContent,
)
.params(&[ParamMeta::path("thing_id", Shape::String).required()]);

pub static GET_THING: EndpointMeta = endpoint("Get Thing", "/things/{thing_id}", data(false))
    .params(&[ParamMeta::path("thing_id", Shape::String).required()]);

pub static GET_THINGS_LATEST: EndpointMeta = endpoint("Get Latest Thing", "/things/latest", data(false));

pub static SMALL_PAGES: EndpointMeta =
    endpoint("Small Pages", "/small", data(true)).params(&[FIRST.range(1, 10), AFTER]);

/// The fixtures as the mock serves them: data sources, filters and item shapes.
pub mod routes {
    use crate::route_meta::{MockFilter, RouteMeta};
    use crate::test_fixtures::*;

    pub const GET_USERS: RouteMeta = RouteMeta::new(&crate::test_fixtures::GET_USERS)
        .source("users")
        .filters(&[("id", MockFilter::Eq("id")), ("login", MockFilter::Eq("login"))])
        .item(Shape::Object(&USER));
    pub const GET_STREAMS: RouteMeta = RouteMeta::new(&crate::test_fixtures::GET_STREAMS)
        .source("streams")
        .filters(&[
            ("user_id", MockFilter::Eq("user_id")),
            ("user_login", MockFilter::Eq("user_login")),
            ("game_id", MockFilter::Eq("game_id")),
        ])
        .item(Shape::Object(&STREAM));
    pub const GET_FOLLOWED_STREAMS: RouteMeta = RouteMeta::new(&crate::test_fixtures::GET_FOLLOWED_STREAMS)
        .source("streams")
        .filters(&[("user_id", MockFilter::FollowedBy("user_id"))])
        .item(Shape::Object(&STREAM));
    pub const SEARCH: RouteMeta = RouteMeta::new(&crate::test_fixtures::SEARCH)
        .source("channels")
        .filters(&[("query", MockFilter::Contains("display_name")), ("live_only", MockFilter::Flag("is_live"))])
        .item(Shape::Object(&CHANNEL));
    pub const GET_FOLLOWED: RouteMeta = RouteMeta::new(&crate::test_fixtures::GET_FOLLOWED)
        .source("follows")
        .filters(&[("user_id", MockFilter::Eq("user_id")), ("broadcaster_id", MockFilter::Eq("broadcaster_id"))])
        .item(Shape::Object(&FOLLOWED));
    pub const MODIFY_CHANNEL: RouteMeta = RouteMeta::new(&crate::test_fixtures::MODIFY_CHANNEL)
        .source("channels")
        .filters(&[("broadcaster_id", MockFilter::Eq("broadcaster_id"))]);
    pub const CREATE_POLL: RouteMeta = RouteMeta::new(&crate::test_fixtures::CREATE_POLL).item(Shape::Object(&POLL));
    pub const GET_CONDUITS: RouteMeta =
        RouteMeta::new(&crate::test_fixtures::GET_CONDUITS).item(Shape::Object(&CONDUIT));
    pub const GET_CLIPS: RouteMeta = RouteMeta::new(&crate::test_fixtures::GET_CLIPS).item(Shape::Object(&CLIP));
    pub const GET_THINGS_LATEST: RouteMeta =
        RouteMeta::new(&crate::test_fixtures::GET_THINGS_LATEST).item(Shape::Object(&CONDUIT));
    pub const GET_THING: RouteMeta = RouteMeta::new(&crate::test_fixtures::GET_THING).item(Shape::Object(&THING));
    pub const DELETE_THING: RouteMeta = RouteMeta::new(&crate::test_fixtures::DELETE_THING);
    pub const SMALL_PAGES: RouteMeta =
        RouteMeta::new(&crate::test_fixtures::SMALL_PAGES).source("games").item(Shape::Object(&CONDUIT));
}

/// Every fixture, as the table a test server serves.
pub static ROUTES: &[crate::route_meta::RouteMeta] = &[
    routes::GET_USERS,
    routes::GET_STREAMS,
    routes::SEARCH,
    routes::GET_FOLLOWED,
    routes::MODIFY_CHANNEL,
    routes::CREATE_POLL,
    routes::GET_CONDUITS,
    routes::GET_CLIPS,
    routes::GET_THINGS_LATEST,
    routes::GET_THING,
    routes::DELETE_THING,
    routes::SMALL_PAGES,
];
