//! A few endpoints of the spec written out by hand, for the runtime's unit
//! tests: the runtime does not depend on the generated tables. The tests crate
//! runs the same checks against every endpoint of the real spec.

use ttv_meta::*;

const STRINGS: Shape = Shape::List(&Shape::String);
const DATA: ResponseMeta = ResponseMeta::Data { paginated: false, single: false };

static GET_USERS: EndpointMeta =
    EndpointMeta::new("Get Users", "get_users", HttpMethod::Get, "/users", AuthClass::Either, DATA)
        .params(&[ParamMeta::query("id", STRINGS).max(100), ParamMeta::query("login", STRINGS).max(100)])
        .max_total(&["id", "login"], 100)
        .app_token_at_least_one_of(&[&["id", "login"]]);

static GET_CHANNEL_INFORMATION: EndpointMeta = EndpointMeta::new(
    "Get Channel Information",
    "get_channel_information",
    HttpMethod::Get,
    "/channels",
    AuthClass::Either,
    DATA,
)
.params(&[ParamMeta::query("broadcaster_id", STRINGS).required().max(100)]);

static MODIFY_CHANNEL_INFORMATION: EndpointMeta = EndpointMeta::new(
    "Modify Channel Information",
    "modify_channel_information",
    HttpMethod::Patch,
    "/channels",
    AuthClass::User,
    ResponseMeta::NoContent,
)
.params(&[
    ParamMeta::query("broadcaster_id", Shape::String).required().token_user(),
    ParamMeta::body("game_id", Shape::String),
    ParamMeta::body("title", Shape::String),
])
.at_least_one_of(&[&["game_id", "title"]]);

static GET_STREAMS: EndpointMeta = EndpointMeta::new(
    "Get Streams",
    "get_streams",
    HttpMethod::Get,
    "/streams",
    AuthClass::Either,
    ResponseMeta::Data { paginated: true, single: false },
)
.params(&[
    ParamMeta::query("user_login", STRINGS).max(100),
    ParamMeta::query("first", Shape::Integer).range(1, 100),
    ParamMeta::query("after", Shape::String),
]);

static CREATE_EVENTSUB_SUBSCRIPTION: EndpointMeta = EndpointMeta::new(
    "Create EventSub Subscription",
    "create_eventsub_subscription",
    HttpMethod::Post,
    "/eventsub/subscriptions",
    AuthClass::Either,
    DATA,
)
.params(&[
    ParamMeta::body("type", Shape::String).required(),
    ParamMeta::body("version", Shape::String).required(),
    ParamMeta::body("condition", Shape::Json).required(),
    ParamMeta::body("transport", Shape::Json).required(),
])
.token_values(&[TokenValues::new("transport.method", &["webhook", "conduit"], &["websocket"])]);

static END_POLL: EndpointMeta =
    EndpointMeta::new("End Poll", "end_poll", HttpMethod::Patch, "/polls", AuthClass::User, DATA).params(&[
        ParamMeta::body("broadcaster_id", Shape::String).required().token_user(),
        ParamMeta::body("id", Shape::String).required(),
        ParamMeta::body("status", Shape::String).required().values(&["TERMINATED", "ARCHIVED"]),
    ]);

static SEND_CHAT_MESSAGE: EndpointMeta = EndpointMeta::new(
    "Send Chat Message",
    "send_chat_message",
    HttpMethod::Post,
    "/chat/messages",
    AuthClass::Either,
    DATA,
)
.params(&[
    ParamMeta::body("broadcaster_id", Shape::String).required(),
    ParamMeta::body("message", Shape::String).required().max_length(500),
    ParamMeta::body("for_source_only", Shape::Boolean).only_with(AuthClass::App),
]);

static GET_EVENTSUB_SUBSCRIPTIONS: EndpointMeta = EndpointMeta::new(
    "Get EventSub Subscriptions",
    "get_eventsub_subscriptions",
    HttpMethod::Get,
    "/eventsub/subscriptions",
    AuthClass::Either,
    ResponseMeta::Data { paginated: true, single: false },
)
.params(&[
    ParamMeta::query("status", Shape::String).values(&["enabled", "webhook_callback_verification_pending"]),
    ParamMeta::query("type", Shape::String),
    ParamMeta::query("user_id", Shape::String),
])
.at_most_one_of(&[&["status", "type", "user_id"]]);

static POLL_CHOICE_INPUT: TypeMeta =
    TypeMeta::new("PollChoiceInput", &[FieldMeta::new("title", Shape::String).max_length(25)]);

static CREATE_POLL: EndpointMeta =
    EndpointMeta::new("Create Poll", "create_poll", HttpMethod::Post, "/polls", AuthClass::User, DATA).params(&[
        ParamMeta::body("broadcaster_id", Shape::String).required().token_user(),
        ParamMeta::body("title", Shape::String).required().max_length(60),
        ParamMeta::body("choices", Shape::List(&Shape::Object(&POLL_CHOICE_INPUT))).required().max(5),
        ParamMeta::body("duration", Shape::Integer).required().range(15, 1800),
    ]);

static UPDATE_CHAT_SETTINGS: EndpointMeta = EndpointMeta::new(
    "Update Chat Settings",
    "update_chat_settings",
    HttpMethod::Patch,
    "/chat/settings",
    AuthClass::User,
    DATA,
)
.params(&[
    ParamMeta::query("broadcaster_id", Shape::String).required(),
    ParamMeta::body("non_moderator_chat_delay_duration", Shape::Integer).values(&["2", "4", "6"]),
]);

/// The endpoint with this verb (`get-users`), as written above.
pub fn find(verb: &str) -> Option<&'static EndpointMeta> {
    [
        &GET_USERS,
        &GET_CHANNEL_INFORMATION,
        &MODIFY_CHANNEL_INFORMATION,
        &GET_STREAMS,
        &CREATE_EVENTSUB_SUBSCRIPTION,
        &END_POLL,
        &SEND_CHAT_MESSAGE,
        &GET_EVENTSUB_SUBSCRIPTIONS,
        &CREATE_POLL,
        &UPDATE_CHAT_SETTINGS,
    ]
    .into_iter()
    .find(|e| e.method_name.replace('_', "-") == verb)
}
