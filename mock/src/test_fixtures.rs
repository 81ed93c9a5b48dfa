//! Hand-written endpoint metadata for the unit tests, so they do not depend
//! on what endpoints.yaml holds today.

use ttv_meta::{
    AuthClass, EndpointMeta, FieldMeta, HttpMethod, Location, MockFilter, MockMeta, ParamMeta, ResponseMeta, Shape,
    TypeMeta,
};

const PARAM: ParamMeta = ParamMeta {
    name: "",
    location: Location::Query,
    shape: Shape::String,
    required: false,
    max: None,
    range: None,
    summary: "",
    deprecated: false,
    token_user: false,
};

const fn query(name: &'static str, shape: Shape) -> ParamMeta {
    ParamMeta { name, shape, ..PARAM }
}

const fn ids(name: &'static str) -> ParamMeta {
    ParamMeta { name, shape: Shape::List(&Shape::String), max: Some(100), ..PARAM }
}

const FIRST: ParamMeta = ParamMeta { name: "first", shape: Shape::Integer, range: Some((1, 100)), ..PARAM };
const AFTER: ParamMeta = query("after", Shape::String);
const BEFORE: ParamMeta = query("before", Shape::String);

const BASE: EndpointMeta = EndpointMeta {
    name: "",
    method_name: "",
    verb: "",
    aliases: &[],
    summary: "",
    doc_url: "",
    http_method: HttpMethod::Get,
    path: "",
    auth: AuthClass::Either,
    scopes_all: &[],
    scopes_any: &[],
    scopes_optional: &[],
    params: &[],
    one_of: &[],
    at_least_one_of: &[],
    app_token_at_least_one_of: &[],
    max_total: None,
    response: ResponseMeta::NoContent,
    deprecated: false,
    mock: MockMeta { source: None, filters: &[] },
    token_values: &[],
};

const fn f(name: &'static str, shape: Shape) -> FieldMeta {
    FieldMeta { name, shape }
}

pub const USER: TypeMeta = TypeMeta {
    name: "User",
    fields: &[
        f("id", Shape::String),
        f("login", Shape::String),
        f("display_name", Shape::String),
        f("view_count", Shape::Optional(&Shape::Integer)),
        f("created_at", Shape::DateTime),
    ],
};

pub const STREAM: TypeMeta = TypeMeta {
    name: "Stream",
    fields: &[
        f("id", Shape::String),
        f("user_id", Shape::String),
        f("user_login", Shape::String),
        f("game_id", Shape::String),
        f("type", Shape::String),
        f("title", Shape::String),
        f("viewer_count", Shape::Integer),
        f("tags", Shape::List(&Shape::String)),
    ],
};

pub const CHANNEL: TypeMeta = TypeMeta {
    name: "Channel",
    fields: &[
        f("id", Shape::String),
        f("broadcaster_login", Shape::String),
        f("title", Shape::String),
        f("is_live", Shape::Boolean),
        f("started_at", Shape::DateTime),
    ],
};

pub const FOLLOWED: TypeMeta = TypeMeta {
    name: "FollowedChannel",
    fields: &[
        f("broadcaster_id", Shape::String),
        f("broadcaster_login", Shape::String),
        f("followed_at", Shape::DateTime),
    ],
};

pub const CHOICE: TypeMeta = TypeMeta {
    name: "Choice",
    fields: &[f("id", Shape::String), f("title", Shape::String), f("votes", Shape::Integer)],
};

pub const POLL: TypeMeta = TypeMeta {
    name: "Poll",
    fields: &[
        f("id", Shape::String),
        f("broadcaster_id", Shape::String),
        f("broadcaster_login", Shape::String),
        f("title", Shape::String),
        f("choices", Shape::List(&Shape::Object(&CHOICE))),
        f("duration", Shape::Integer),
    ],
};

pub const CONDUIT: TypeMeta =
    TypeMeta { name: "Conduit", fields: &[f("id", Shape::String), f("shard_count", Shape::Integer)] };

pub const CLIP: TypeMeta = TypeMeta { name: "Clip", fields: &[f("id", Shape::String), f("url", Shape::String)] };

pub const THING: TypeMeta = TypeMeta { name: "Thing", fields: &[f("id", Shape::String), f("thing_id", Shape::String)] };

pub const GET_USERS: EndpointMeta = EndpointMeta {
    name: "Get Users",
    path: "/users",
    scopes_optional: &["user:read:email"],
    params: &[ids("id"), ids("login")],
    max_total: Some((&["id", "login"], 100)),
    app_token_at_least_one_of: &[&["id", "login"]],
    response: ResponseMeta::Data { item: Shape::Object(&USER), paginated: false, single: false },
    mock: MockMeta {
        source: Some("users"),
        filters: &[("id", MockFilter::Eq("id")), ("login", MockFilter::Eq("login"))],
    },
    ..BASE
};

pub const GET_STREAMS: EndpointMeta = EndpointMeta {
    name: "Get Streams",
    path: "/streams",
    params: &[ids("user_id"), ids("user_login"), ids("game_id"), FIRST, AFTER, BEFORE],
    response: ResponseMeta::Data { item: Shape::Object(&STREAM), paginated: true, single: false },
    mock: MockMeta {
        source: Some("streams"),
        filters: &[
            ("user_id", MockFilter::Eq("user_id")),
            ("user_login", MockFilter::Eq("user_login")),
            ("game_id", MockFilter::Eq("game_id")),
        ],
    },
    ..BASE
};

pub const GET_FOLLOWED_STREAMS: EndpointMeta = EndpointMeta {
    name: "Get Followed Streams",
    path: "/streams/followed",
    auth: AuthClass::User,
    params: &[ParamMeta { required: true, ..query("user_id", Shape::String) }, FIRST, AFTER],
    response: ResponseMeta::Data { item: Shape::Object(&STREAM), paginated: true, single: false },
    mock: MockMeta { source: Some("streams"), filters: &[("user_id", MockFilter::FollowedBy("user_id"))] },
    ..BASE
};

pub const SEARCH: EndpointMeta = EndpointMeta {
    name: "Search Channels",
    path: "/search/channels",
    params: &[
        ParamMeta { required: true, ..query("query", Shape::String) },
        query("live_only", Shape::Boolean),
        FIRST,
        AFTER,
    ],
    response: ResponseMeta::Data { item: Shape::Object(&CHANNEL), paginated: true, single: false },
    mock: MockMeta {
        source: Some("channels"),
        filters: &[("query", MockFilter::Contains("display_name")), ("live_only", MockFilter::Flag("is_live"))],
    },
    ..BASE
};

pub const GET_FOLLOWED: EndpointMeta = EndpointMeta {
    name: "Get Followed Channels",
    path: "/channels/followed",
    auth: AuthClass::User,
    scopes_all: &["user:read:follows"],
    params: &[
        ParamMeta { required: true, ..query("user_id", Shape::String) },
        query("broadcaster_id", Shape::String),
        FIRST,
        AFTER,
    ],
    response: ResponseMeta::Data { item: Shape::Object(&FOLLOWED), paginated: true, single: false },
    mock: MockMeta {
        source: Some("follows"),
        filters: &[("user_id", MockFilter::Eq("user_id")), ("broadcaster_id", MockFilter::Eq("broadcaster_id"))],
    },
    ..BASE
};

pub const MODIFY_CHANNEL: EndpointMeta = EndpointMeta {
    name: "Modify Channel Information",
    http_method: HttpMethod::Patch,
    path: "/channels",
    auth: AuthClass::User,
    scopes_all: &["channel:manage:broadcast"],
    params: &[
        ParamMeta { required: true, ..query("broadcaster_id", Shape::String) },
        ParamMeta { location: Location::Body, required: true, ..query("title", Shape::String) },
        ParamMeta { location: Location::Body, range: Some((0, 900)), ..query("delay", Shape::Integer) },
        ParamMeta { location: Location::Body, max: Some(2), ..query("tags", Shape::List(&Shape::String)) },
    ],
    mock: MockMeta { source: Some("channels"), filters: &[("broadcaster_id", MockFilter::Eq("broadcaster_id"))] },
    ..BASE
};

pub const CREATE_POLL: EndpointMeta = EndpointMeta {
    name: "Create Poll",
    http_method: HttpMethod::Post,
    path: "/polls",
    auth: AuthClass::User,
    scopes_any: &["channel:manage:polls", "channel:manage:broadcast"],
    params: &[
        ParamMeta { location: Location::Body, required: true, ..query("broadcaster_id", Shape::String) },
        ParamMeta { location: Location::Body, required: true, ..query("title", Shape::String) },
        ParamMeta {
            location: Location::Body,
            required: true,
            ..query("choices", Shape::List(&Shape::Object(&CHOICE)))
        },
        ParamMeta { location: Location::Body, ..query("duration", Shape::Integer) },
    ],
    response: ResponseMeta::Data { item: Shape::Object(&POLL), paginated: false, single: false },
    ..BASE
};

pub const GET_CONDUITS: EndpointMeta = EndpointMeta {
    name: "Get Conduits",
    path: "/eventsub/conduits",
    auth: AuthClass::App,
    response: ResponseMeta::Data { item: Shape::Object(&CONDUIT), paginated: false, single: false },
    ..BASE
};

pub const GET_CLIPS: EndpointMeta = EndpointMeta {
    name: "Get Clips",
    path: "/clips",
    params: &[ids("broadcaster_id"), ids("game_id"), ids("id"), FIRST, AFTER],
    one_of: &[&["broadcaster_id", "game_id", "id"]],
    response: ResponseMeta::Data { item: Shape::Object(&CLIP), paginated: true, single: false },
    ..BASE
};

pub const DELETE_THING: EndpointMeta = EndpointMeta {
    name: "Delete Thing",
    http_method: HttpMethod::Delete,
    path: "/things/{thing_id}",
    params: &[ParamMeta { location: Location::Path, required: true, ..query("thing_id", Shape::String) }],
    ..BASE
};

pub const GET_THING: EndpointMeta = EndpointMeta {
    name: "Get Thing",
    path: "/things/{thing_id}",
    params: &[ParamMeta { location: Location::Path, required: true, ..query("thing_id", Shape::String) }],
    response: ResponseMeta::Data { item: Shape::Object(&THING), paginated: false, single: false },
    ..BASE
};

pub const GET_THINGS_LATEST: EndpointMeta = EndpointMeta {
    name: "Get Latest Thing",
    path: "/things/latest",
    response: ResponseMeta::Data { item: Shape::Object(&CONDUIT), paginated: false, single: false },
    ..BASE
};

pub const SMALL_PAGES: EndpointMeta = EndpointMeta {
    name: "Small Pages",
    path: "/small",
    params: &[ParamMeta { range: Some((1, 10)), ..FIRST }, AFTER],
    response: ResponseMeta::Data { item: Shape::Object(&CONDUIT), paginated: true, single: false },
    mock: MockMeta { source: Some("games"), filters: &[] },
    ..BASE
};

/// Every fixture, as the table a test server serves.
pub static ENDPOINTS: &[EndpointMeta] = &[
    GET_USERS,
    GET_STREAMS,
    SEARCH,
    GET_FOLLOWED,
    MODIFY_CHANNEL,
    CREATE_POLL,
    GET_CONDUITS,
    GET_CLIPS,
    GET_THINGS_LATEST,
    GET_THING,
    DELETE_THING,
    SMALL_PAGES,
];
