//! Hand-written endpoint metadata for the unit tests, so they do not depend
//! on what endpoints.yaml holds today.

use ttv_meta::{
    AuthClass, EndpointMeta, FieldMeta, HttpMethod, MockFilter, MockMeta, ParamMeta, ResponseMeta, Shape, TypeMeta,
};

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

const fn data(item: Shape, paginated: bool) -> ResponseMeta {
    ResponseMeta::Data { item, paginated, single: false }
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

pub const GET_USERS: EndpointMeta = endpoint("Get Users", "/users", data(Shape::Object(&USER), false))
    .scopes(&[], &[], &["user:read:email"])
    .params(&[ids("id"), ids("login")])
    .max_total(&["id", "login"], 100)
    .app_token_at_least_one_of(&[&["id", "login"]])
    .mock(MockMeta::new(Some("users"), &[("id", MockFilter::Eq("id")), ("login", MockFilter::Eq("login"))]));

pub const GET_STREAMS: EndpointMeta = endpoint("Get Streams", "/streams", data(Shape::Object(&STREAM), true))
    .params(&[ids("user_id"), ids("user_login"), ids("game_id"), FIRST, AFTER, BEFORE])
    .mock(MockMeta::new(
        Some("streams"),
        &[
            ("user_id", MockFilter::Eq("user_id")),
            ("user_login", MockFilter::Eq("user_login")),
            ("game_id", MockFilter::Eq("game_id")),
        ],
    ));

pub const GET_FOLLOWED_STREAMS: EndpointMeta = EndpointMeta::new(
    "Get Followed Streams",
    "",
    HttpMethod::Get,
    "/streams/followed",
    AuthClass::User,
    data(Shape::Object(&STREAM), true),
)
.params(&[query("user_id", Shape::String).required(), FIRST, AFTER])
.mock(MockMeta::new(Some("streams"), &[("user_id", MockFilter::FollowedBy("user_id"))]));

pub const SEARCH: EndpointMeta = endpoint("Search Channels", "/search/channels", data(Shape::Object(&CHANNEL), true))
    .params(&[query("query", Shape::String).required(), query("live_only", Shape::Boolean), FIRST, AFTER])
    .mock(MockMeta::new(
        Some("channels"),
        &[("query", MockFilter::Contains("display_name")), ("live_only", MockFilter::Flag("is_live"))],
    ));

pub const GET_FOLLOWED: EndpointMeta = EndpointMeta::new(
    "Get Followed Channels",
    "",
    HttpMethod::Get,
    "/channels/followed",
    AuthClass::User,
    data(Shape::Object(&FOLLOWED), true),
)
.scopes(&["user:read:follows"], &[], &[])
.params(&[query("user_id", Shape::String).required(), query("broadcaster_id", Shape::String), FIRST, AFTER])
.mock(MockMeta::new(
    Some("follows"),
    &[("user_id", MockFilter::Eq("user_id")), ("broadcaster_id", MockFilter::Eq("broadcaster_id"))],
));

pub const MODIFY_CHANNEL: EndpointMeta = EndpointMeta::new(
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
])
.mock(MockMeta::new(Some("channels"), &[("broadcaster_id", MockFilter::Eq("broadcaster_id"))]));

pub const CREATE_POLL: EndpointMeta = EndpointMeta::new(
    "Create Poll",
    "",
    HttpMethod::Post,
    "/polls",
    AuthClass::User,
    data(Shape::Object(&POLL), false),
)
.scopes(&[], &["channel:manage:polls", "channel:manage:broadcast"], &[])
.params(&[
    ParamMeta::body("broadcaster_id", Shape::String).required(),
    ParamMeta::body("title", Shape::String).required(),
    ParamMeta::body("choices", Shape::List(&Shape::Object(&CHOICE))).required(),
    ParamMeta::body("duration", Shape::Integer),
]);

pub const GET_CONDUITS: EndpointMeta = EndpointMeta::new(
    "Get Conduits",
    "",
    HttpMethod::Get,
    "/eventsub/conduits",
    AuthClass::App,
    data(Shape::Object(&CONDUIT), false),
);

pub const GET_CLIPS: EndpointMeta = endpoint("Get Clips", "/clips", data(Shape::Object(&CLIP), true))
    .params(&[ids("broadcaster_id"), ids("game_id"), ids("id"), FIRST, AFTER])
    .one_of(&[&["broadcaster_id", "game_id", "id"]]);

pub const DELETE_THING: EndpointMeta = EndpointMeta::new(
    "Delete Thing",
    "",
    HttpMethod::Delete,
    "/things/{thing_id}",
    AuthClass::Either,
    ResponseMeta::NoContent,
)
.params(&[ParamMeta::path("thing_id", Shape::String).required()]);

pub const GET_THING: EndpointMeta = endpoint("Get Thing", "/things/{thing_id}", data(Shape::Object(&THING), false))
    .params(&[ParamMeta::path("thing_id", Shape::String).required()]);

pub const GET_THINGS_LATEST: EndpointMeta =
    endpoint("Get Latest Thing", "/things/latest", data(Shape::Object(&CONDUIT), false));

pub const SMALL_PAGES: EndpointMeta = endpoint("Small Pages", "/small", data(Shape::Object(&CONDUIT), true))
    .params(&[FIRST.range(1, 10), AFTER])
    .mock(MockMeta::new(Some("games"), &[]));

/// Every fixture, as the table a test server serves.
pub static ENDPOINTS: &[&EndpointMeta] = &[
    &GET_USERS,
    &GET_STREAMS,
    &SEARCH,
    &GET_FOLLOWED,
    &MODIFY_CHANNEL,
    &CREATE_POLL,
    &GET_CONDUITS,
    &GET_CLIPS,
    &GET_THINGS_LATEST,
    &GET_THING,
    &DELETE_THING,
    &SMALL_PAGES,
];
