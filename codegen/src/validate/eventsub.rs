//! Checks the `eventsub:` section and lowers it into [`crate::eventsub_model`],
//! with the same error places and style as the endpoints' checks.

use super::{fields, rust_field, type_name_check, unsized_cycles, Check};
use crate::eventsub_model::{
    AppTokenRule, ConditionField, EventSub, Status, Subscription, Transport, EVENTSUB_DOC_BASE, MODERATOR_OF,
};
use crate::eventsub_spec::{AppTokenRuleSpec, CnfSpec, EventSubSpec, SubscriptionSpec};
use crate::model::TypeDef;
use crate::typeexpr::{Prim, TypeExpr};
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, BTreeSet};

/// Aspects a subscription's `reference_differs` may name.
const REFERENCE_ASPECTS: &[&str] =
    &["condition", "scopes", "transports", "token_user", "app_token", "event_fields", "status"];
/// Names the generated `eventsub` module uses itself.
const RESERVED_EVENTSUB_NAMES: &[&str] = &["Event", "UnknownEvent"];

/// Checks the section and lowers it; errors go to `c`.
pub(crate) fn eventsub(c: &mut Check, spec: &EventSubSpec) -> EventSub {
    let type_names: BTreeSet<&str> = spec.types.keys().map(String::as_str).collect();
    let mut types = Vec::new();
    for (name, t) in &spec.types {
        let place = format!("eventsub type \"{name}\"");
        type_name_check(c, &place, name);
        if RESERVED_EVENTSUB_NAMES.contains(&name.as_str()) || name.ends_with("Condition") || name.ends_with("Event") {
            c.err(&place, "", "names ending in `Event` or `Condition` (and `Event` itself) are the generated ones");
        }
        let fields = fields(c, &place, &t.fields, &type_names);
        no_value_sets(c, &place, &fields);
        types.push(TypeDef { name: name.clone(), summary: t.summary.clone().unwrap_or_default(), fields });
    }
    for cycle in unsized_cycles(&types) {
        c.err(
            &format!("eventsub type \"{}\"", cycle[0]),
            "fields",
            format!(
                "contains itself without a list in between ({}); make one of these fields a list",
                cycle.join(" -> ")
            ),
        );
    }

    let mut seen: BTreeMap<(String, String), ()> = BTreeMap::new();
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    let mut subscriptions = Vec::new();
    for s in &spec.subscriptions {
        let place = format!("eventsub \"{} v{}\"", s.ty, s.version);
        if seen.insert((s.ty.clone(), s.version.clone()), ()).is_some() {
            c.err(&place, "version", "this type and version are already described");
            continue;
        }
        let Some(sub) = subscription(c, &place, s, &type_names) else { continue };
        if let Some(prev) = rust_names.insert(sub.type_name.clone(), format!("{} v{}", s.ty, s.version)) {
            c.err(&place, "type", format!("becomes the Rust name `{}`, as {prev} does", sub.type_name));
        }
        subscriptions.push(sub);
    }
    // Event structs and the spec's types share the module.
    for s in &subscriptions {
        for generated in [s.event.name.clone(), s.condition_type()] {
            if type_names.contains(generated.as_str()) {
                c.err(&format!("eventsub type \"{generated}\""), "", "is the name of a generated event or condition");
            }
        }
    }
    EventSub { subscriptions, types }
}

/// `channel.chat.message` v1 -> `ChannelChatMessageV1`, `beta` -> `...Beta`.
fn type_name(ty: &str, version: &str) -> String {
    let version =
        if version.starts_with(|c: char| c.is_ascii_digit()) { format!("V{version}") } else { version.into() };
    format!("{}{}", ty.replace('.', "_").to_upper_camel_case(), version.to_upper_camel_case())
}

fn is_type_name(ty: &str) -> bool {
    !ty.is_empty()
        && ty.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase())
                && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

fn is_version(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A scope as Twitch spells them: lowercase words joined by `:` (`moderator:read:chatters`).
fn is_scope(s: &str) -> bool {
    s.contains(':')
        && s.split(':')
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
}

fn subscription(c: &mut Check, place: &str, s: &SubscriptionSpec, type_names: &BTreeSet<&str>) -> Option<Subscription> {
    let before = c.errors.len();
    if !is_type_name(&s.ty) {
        c.err(place, "type", "a type is lowercase words joined by `.` (`channel.chat.message`)");
    }
    if !is_version(&s.version) {
        c.err(place, "version", "a version is letters and digits (`1`, `2`, `beta`)");
    }
    if s.summary.trim().is_empty() || s.summary.contains('\n') {
        c.err(place, "summary", "give a one-line summary");
    }
    let status = match s.status.as_deref().unwrap_or("stable") {
        "stable" => Status::Stable,
        "beta" => Status::Beta,
        "deprecated" => Status::Deprecated,
        other => {
            c.err(
                place,
                "status",
                format!("`{other}` is not stable, beta or deprecated (removed versions are left out)"),
            );
            Status::Stable
        }
    };
    let mut transports = Vec::new();
    match &s.transports {
        None => transports.extend(Transport::ALL),
        Some(list) if list.is_empty() => c.err(place, "transports", "list at least one transport"),
        Some(list) => {
            for name in list {
                match Transport::parse(name) {
                    Some(t) if transports.contains(&t) => {
                        c.err(place, "transports", format!("`{name}` is listed twice"))
                    }
                    Some(t) => transports.push(t),
                    None => c.err(
                        place,
                        "transports",
                        format!("unknown transport `{name}`; use webhook, websocket, conduit"),
                    ),
                }
            }
        }
    }

    let mut condition = Vec::new();
    for (name, f) in &s.condition {
        let key = format!("condition.{name}");
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') || name.is_empty() {
            c.err(place, &key, "condition fields are snake_case");
            continue;
        }
        if TypeExpr::parse(&f.ty) != Ok(TypeExpr::Prim(Prim::String)) {
            c.err(place, format!("{key}.type"), "condition fields are strings");
        }
        if f.max.is_some()
            || f.range.is_some()
            || f.location.is_some()
            || !f.also.is_empty()
            || !f.values.is_empty()
            || f.min_length.is_some()
            || f.max_length.is_some()
            || f.token.is_some()
            || f.deprecated
        {
            c.err(place, &key, "condition fields take only `type`, `required`, `token_user` and `summary`");
        }
        condition.push(ConditionField {
            name: name.clone(),
            field: rust_field(name),
            required: f.required,
            token_user: f.token_user,
            summary: f.summary.clone().unwrap_or_default(),
        });
    }
    if condition.iter().filter(|f| f.token_user).count() > 1 {
        c.err(place, "condition", "at most one field is the token's user");
    }
    if condition.iter().any(|f| f.token_user) && !transports.contains(&Transport::Websocket) {
        c.err(place, "condition", "`token_user` applies to user tokens, i.e. the websocket transport, which it lacks");
    }
    let names: BTreeSet<&str> = condition.iter().map(|f| f.name.as_str()).collect();
    for group in &s.one_of {
        if group.len() < 2 {
            c.err(place, "one_of", "a group names at least two condition fields");
        }
        for name in group {
            match condition.iter().find(|f| &f.name == name) {
                None => c.err(place, "one_of", format!("`{name}` is not a condition field")),
                Some(f) if f.required => {
                    c.err(place, "one_of", format!("`{name}` is required, so it cannot be one of a choice"))
                }
                Some(_) => {}
            }
        }
    }

    let scopes = cnf(c, place, "scopes", &s.scopes, &names, false);
    if !scopes.is_empty() && !transports.contains(&Transport::Websocket) && s.app_token.is_empty() {
        c.err(place, "scopes", "scopes without a websocket transport belong under `app_token` (the granting user's)");
    }
    let mut app_token = Vec::new();
    let app_transport = transports.iter().any(|t| *t != Transport::Websocket);
    if !s.app_token.is_empty() && !app_transport {
        c.err(place, "app_token", "only webhook and conduit subscriptions use an app token");
    }
    for (field, rule) in &s.app_token {
        let key = format!("app_token.{field}");
        if !names.contains(field.as_str()) {
            c.err(place, &key, format!("`{field}` is not a condition field"));
        }
        let rule = match rule {
            AppTokenRuleSpec::Grant(g) => AppTokenRule::Grant(cnf(c, place, &key, g, &names, true)),
            AppTokenRuleSpec::Relation(r) => {
                match r.as_str() {
                    "token_client" => AppTokenRule::TokenClient,
                    "owned_by_token_client" => AppTokenRule::OwnedByTokenClient,
                    "owns_token_client" => AppTokenRule::OwnsTokenClient,
                    other => {
                        c.err(
                        place,
                        &key,
                        format!("`{other}` is not token_client, owned_by_token_client, owns_token_client or a scope list"),
                    );
                        continue;
                    }
                }
            }
        };
        app_token.push((field.clone(), rule));
    }

    let event_name = format!("{}Event", type_name(&s.ty, &s.version));
    let event_fields = fields(c, &format!("{place} event"), &s.event, type_names);
    no_value_sets(c, &format!("{place} event"), &event_fields);
    if s.event.is_empty() {
        c.err(place, "event", "list the event's fields");
    }
    for aspect in s.reference_differs.keys() {
        if !REFERENCE_ASPECTS.contains(&aspect.as_str()) {
            c.err(place, format!("reference_differs.{aspect}"), format!("not one of {}", REFERENCE_ASPECTS.join(", ")));
        }
    }
    if c.errors.len() > before {
        return None;
    }
    Some(Subscription {
        ty: s.ty.clone(),
        version: s.version.clone(),
        type_name: type_name(&s.ty, &s.version),
        summary: s.summary.trim().to_owned(),
        doc_url: format!("{EVENTSUB_DOC_BASE}#{}", s.doc),
        status,
        transports,
        batched: s.batched,
        condition,
        one_of: s.one_of.clone(),
        scopes,
        app_token,
        event: TypeDef { name: event_name, summary: s.summary.trim().to_owned(), fields: event_fields },
        reference_differs: s.reference_differs.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    })
}

/// The `eventsub` module has no value enums yet: a closed set would be checked and then ignored.
fn no_value_sets(c: &mut Check, place: &str, fields: &[crate::model::Field]) {
    for f in fields.iter().filter(|f| !f.values.is_empty()) {
        c.err(
            place,
            format!("fields.{}.values", f.name),
            "event fields take no `values` yet (no enum is emitted for them)",
        );
    }
}

/// Scope groups: each scope well-formed and named once; `moderator(FIELD)` only where allowed.
fn cnf(
    c: &mut Check,
    place: &str,
    key: &str,
    spec: &CnfSpec,
    fields: &BTreeSet<&str>,
    moderator_ok: bool,
) -> Vec<Vec<String>> {
    let groups = spec.groups();
    let mut seen = BTreeSet::new();
    for group in &groups {
        if group.is_empty() {
            c.err(place, key, "a group of alternatives is empty");
        }
        for scope in group {
            if let Some(field) = scope.strip_prefix(&format!("{MODERATOR_OF}(")).and_then(|r| r.strip_suffix(')')) {
                if !moderator_ok {
                    c.err(place, key, format!("`{scope}` is an app-token alternative; it has no place here"));
                } else if !fields.contains(field) {
                    c.err(place, key, format!("`{scope}` names `{field}`, which is not a condition field"));
                }
            } else if !is_scope(scope) {
                c.err(place, key, format!("`{scope}` is not a scope (lowercase words joined by `:`)"));
            }
            if !seen.insert(scope.as_str()) {
                c.err(place, key, format!("`{scope}` is listed twice"));
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_keep_the_version() {
        assert_eq!(type_name("channel.chat.message", "1"), "ChannelChatMessageV1");
        assert_eq!(type_name("channel.guest_star_session.begin", "beta"), "ChannelGuestStarSessionBeginBeta");
    }
}
