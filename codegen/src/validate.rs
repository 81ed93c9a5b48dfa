//! Turns the parsed spec into the model, collecting every mistake with its place.

use crate::error::{SpecError, SpecErrors};
use crate::model::{self, Endpoint, Field, Location, MockFilter, Model, Param, TypeDef};
use crate::spec::{Auth, EndpointSpec, FieldSpec, In, SpecFile};
use crate::typeexpr::{Prim, TypeExpr};
use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};

mod eventsub;

/// The largest page any Helix endpoint documents (Get Chatters, Get Drops Entitlements: 1000).
const FIRST_CEILING: i64 = 1000;
const REFERENCE_ASPECTS: &[&str] = &["method", "path", "auth", "scopes", "required", "token_user"];
const MOCK_SOURCES: &[&str] = &["users", "channels", "streams", "games", "follows"];
/// What Twitch answers for an endpoint it removed.
const GONE_STATUSES: &[u16] = &[404, 410];

/// `2023-07`: four digits, a dash, a month 01 to 12.
fn is_year_month(text: &str) -> bool {
    let Some((year, month)) = text.split_once('-') else { return false };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(year, 4) && digits(month, 2) && matches!(month.parse::<u8>(), Ok(1..=12))
}

/// Parses YAML text and validates it.
pub fn load_str(text: &str) -> Result<Model, SpecErrors> {
    let spec: SpecFile = serde_yaml::from_str(text).map_err(|e| {
        let at = e.location().map(|l| format!(" (line {}, column {})", l.line(), l.column())).unwrap_or_default();
        SpecErrors::single("", "", format!("{e}{at}"))
    })?;
    validate(&spec)
}

pub(crate) struct Check {
    pub(crate) errors: Vec<SpecError>,
}

impl Check {
    pub(crate) fn err(&mut self, place: &str, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError { place: place.to_owned(), key: key.into(), message: message.into() });
    }
}

/// Checks `spec` and lowers it into the model; every mistake found, at once.
pub fn validate(spec: &SpecFile) -> Result<Model, SpecErrors> {
    let mut c = Check { errors: Vec::new() };
    if spec.version != 1 {
        c.err("", "version", format!("version {} is not known; this generator reads version 1", spec.version));
    }
    let type_names: BTreeSet<&str> = spec.types.keys().map(String::as_str).collect();

    let mut types = Vec::new();
    for (name, t) in &spec.types {
        let place = format!("type \"{name}\"");
        type_name_check(&mut c, &place, name);
        let fields = fields(&mut c, &place, &t.fields, &type_names);
        types.push(TypeDef { name: name.clone(), summary: t.summary.clone().unwrap_or_default(), fields });
    }

    let mut seen_names: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_verbs: BTreeMap<String, String> = BTreeMap::new();
    let mut endpoints = Vec::new();
    for e in &spec.endpoints {
        let place = format!("endpoint \"{}\"", e.name);
        if let Err(why) = endpoint_name_problem(&e.name) {
            // Every generated name (method, types, verb) derives from it: nothing more to check.
            c.err(&place, "name", why);
            continue;
        }
        if let Some(prev) = seen_names.insert(method_name(&e.name), e.name.clone()) {
            c.err(&place, "name", format!("duplicate name (same method name as \"{prev}\")"));
        }
        let verb = e.name.to_lowercase().to_kebab_case();
        for alias in &e.aliases {
            if !is_verb(alias) {
                c.err(&place, "aliases", format!("`{alias}` is not a verb: a letter, then letters, digits and `-`"));
            }
        }
        for v in std::iter::once(&verb).chain(&e.aliases) {
            if let Some(prev) = seen_verbs.insert(v.clone(), e.name.clone()) {
                c.err(&place, "aliases", format!("verb `{v}` is already taken by \"{prev}\""));
            }
        }
        if let Some(ep) = endpoint(&mut c, &place, e, verb, &type_names) {
            endpoints.push(ep);
        }
    }
    name_value_enums(&mut c, &mut types);
    for e in &endpoints {
        check_refused(&mut c, e, &types);
    }
    for cycle in unsized_cycles(&types) {
        c.err(
            &format!("type \"{}\"", cycle[0]),
            "fields",
            format!(
                "contains itself without a list in between ({}); a value would be infinitely large: make one of \
                 these fields a list",
                cycle.join(" -> ")
            ),
        );
    }
    let eventsub = eventsub::eventsub(&mut c, &spec.eventsub);
    if c.errors.is_empty() {
        Ok(Model { endpoints, types, eventsub })
    } else {
        Err(SpecErrors(c.errors))
    }
}

/// A type name must be PascalCase and not one Rust (or the generated code) reserves.
pub(crate) fn type_name_check(c: &mut Check, place: &str, name: &str) {
    if TypeExpr::parse(name) != Ok(TypeExpr::Named(name.to_owned())) {
        c.err(place, "", "type names are PascalCase letters and digits");
    } else if RESERVED_TYPE_NAMES.contains(&name) {
        c.err(place, "", format!("`{name}` is reserved in Rust (or in the generated code); rename the type"));
    }
}

/// The fields of a named type (or of an EventSub event), checked and lowered.
pub(crate) fn fields(
    c: &mut Check,
    place: &str,
    specs: &indexmap::IndexMap<String, FieldSpec>,
    type_names: &BTreeSet<&str>,
) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
    for (fname, f) in specs {
        let key = format!("fields.{fname}");
        if !has_word_character(fname) {
            c.err(place, &key, "a field name needs at least one letter or digit");
            continue;
        }
        if let Some(prev) = rust_names.insert(rust_field(fname), fname) {
            c.err(
                place,
                &key,
                format!("becomes the same Rust field as `{prev}`; the type would have two fields of that name"),
            );
        }
        if f.required
            || f.max.is_some()
            || f.range.is_some()
            || f.location.is_some()
            || f.token_user
            || f.token.is_some()
        {
            c.err(
                place,
                &key,
                "type fields take only `type`, `summary`, `deprecated`, `also`, `values`, `min_length` and \
                 `max_length`",
            );
        }
        for other in &f.also {
            if other == fname || specs.contains_key(other) {
                c.err(place, format!("{key}.also"), format!("`{other}` is already the name of a field"));
            }
        }
        let Some(ty) = parse_type(c, place, &key, &f.ty, type_names) else { continue };
        // Twitch answers `""` for "none of these" (a user's `broadcaster_type`).
        check_values(c, place, &key, &f.values, &ty, true);
        check_lengths(c, place, &key, f.min_length, f.max_length, &ty);
        // A deprecated field may vanish: it must decode as absent.
        let ty = if f.deprecated && !ty.is_optional() { TypeExpr::Optional(Box::new(ty)) } else { ty };
        fields.push(Field {
            name: fname.clone(),
            field: rust_field(fname),
            ty,
            summary: f.summary.clone().unwrap_or_default(),
            deprecated: f.deprecated,
            also: f.also.clone(),
            values: f.values.clone(),
            min_length: f.min_length,
            max_length: f.max_length,
            value_enum: None,
        });
    }
    fields
}

fn endpoint(c: &mut Check, place: &str, e: &EndpointSpec, verb: String, types: &BTreeSet<&str>) -> Option<Endpoint> {
    let before = c.errors.len();
    if e.summary.trim().is_empty() || e.summary.contains('\n') {
        c.err(place, "summary", "give a one-line summary");
    }
    if !e.path.starts_with('/') {
        c.err(place, "path", "paths start with `/` (relative to the Helix base URL)");
    }
    let has_scopes = !(e.scopes.all.is_empty() && e.scopes.any.is_empty() && e.scopes.optional.is_empty());
    match e.auth {
        Auth::App if has_scopes => {
            c.err(place, "scopes", "an app-only endpoint cannot require scopes: app access tokens carry none")
        }
        Auth::Extension | Auth::None if has_scopes => {
            c.err(place, "scopes", "only endpoints that take a user token can require scopes")
        }
        _ => {}
    }

    let mut params = Vec::new();
    let mut names = BTreeSet::new();
    for (name, p) in &e.params {
        let location = match p.location.unwrap_or(In::Query) {
            In::Query => Location::Query,
            In::Path => Location::Path,
        };
        if let Some(param) = param(c, place, "params", name, p, location, types) {
            params.push(param);
        }
        names.insert(name.as_str());
    }
    for (section, name, p) in
        e.params.iter().map(|(n, p)| ("params", n, p)).chain(e.body.iter().map(|(n, p)| ("body", n, p)))
    {
        if p.token.is_some() && e.auth != Auth::Either {
            c.err(
                place,
                format!("{section}.{name}.token"),
                "only endpoints that take either token can limit a parameter to one kind",
            );
        }
        if p.token_user && !matches!(e.auth, Auth::User | Auth::Either) {
            c.err(
                place,
                format!("{section}.{name}.token_user"),
                "only endpoints that take a user token have a token's user",
            );
        }
    }
    for (name, p) in &e.body {
        if p.location.is_some() {
            c.err(place, format!("body.{name}.in"), "body fields travel in the body; drop `in`");
        }
        if !names.insert(name.as_str()) {
            c.err(
                place,
                format!("body.{name}"),
                "is also a query parameter; the request type would have two fields of that name",
            );
        }
        if let Some(param) = param(c, place, "body", name, p, Location::Body, types) {
            params.push(param);
        }
    }

    let mut rust_names: BTreeMap<&str, &str> = BTreeMap::new();
    for p in &params {
        if let Some(prev) = rust_names.insert(&p.field, &p.name) {
            let section = if p.location == Location::Body { "body" } else { "params" };
            c.err(
                place,
                format!("{section}.{}", p.name),
                format!("becomes the same Rust field as `{prev}`; the request type would have two fields of that name"),
            );
        }
    }

    // Path placeholders and `in: path` parameters must match one to one.
    let placeholders = placeholders(&e.path);
    for ph in &placeholders {
        match params.iter().find(|p| &p.name == ph) {
            Some(p) if p.location == Location::Path => {}
            Some(_) => c.err(
                place,
                format!("params.{ph}"),
                format!("`{{{ph}}}` is in the path, so declare it with `in: path`"),
            ),
            None => c.err(place, "path", format!("`{{{ph}}}` is not a declared parameter")),
        }
    }
    for p in params.iter().filter(|p| p.location == Location::Path) {
        if !placeholders.contains(&p.name) {
            c.err(place, format!("params.{}", p.name), "declared `in: path` but the path has no such placeholder");
        }
    }

    if !e.app_token_at_least_one_of.is_empty() && e.auth != Auth::Either {
        c.err(place, "app_token_at_least_one_of", "only endpoints that take either token need it");
    }
    for (key, groups) in [
        ("one_of", &e.one_of),
        ("at_least_one_of", &e.at_least_one_of),
        ("at_most_one_of", &e.at_most_one_of),
        ("app_token_at_least_one_of", &e.app_token_at_least_one_of),
    ] {
        for group in groups {
            if group.len() < 2 {
                c.err(place, key, "a group names at least two parameters");
            }
            for name in group {
                if !names.contains(name.as_str()) {
                    c.err(place, key, format!("`{name}` is not a declared parameter"));
                }
            }
        }
    }
    if let Some(mt) = &e.max_total {
        for name in &mt.params {
            match params.iter().find(|p| &p.name == name) {
                Some(p) if p.ty.is_list() => {}
                Some(_) => c.err(place, "max_total", format!("`{name}` is not a list")),
                None => c.err(place, "max_total", format!("`{name}` is not a declared parameter")),
            }
        }
    }

    let r = &e.response;
    let response = match (&r.item, &r.text) {
        (Some(_), Some(_)) => {
            c.err(place, "response.text", "a text answer has no `item`");
            model::Response::NoContent
        }
        (None, Some(content_type)) => {
            if r.paginated || r.single {
                c.err(place, "response", "a text answer is neither paginated nor `single`");
            }
            model::Response::Text { content_type: content_type.clone() }
        }
        (Some(item), None) => {
            let ty = parse_type(c, place, "response.item", item, types);
            if ty.as_ref().is_some_and(|t| t.is_list() || t.is_optional()) {
                c.err(place, "response.item", "give the type of one element of `data`, not a list or optional");
            }
            model::Response::Data {
                item: ty.unwrap_or(TypeExpr::Prim(Prim::Json)),
                paginated: r.paginated,
                single: r.single,
            }
        }
        (None, None) => {
            if r.paginated || r.single {
                c.err(place, "response", "a response with no item is 204 No Content: neither paginated nor `single`");
            }
            model::Response::NoContent
        }
    };

    let mut mock_filters = Vec::new();
    let mut mock_source = None;
    if let Some(m) = &e.mock {
        if let Some(src) = &m.source {
            if !MOCK_SOURCES.contains(&src.as_str()) {
                c.err(place, "mock.source", format!("unknown source `{src}`; use one of {}", MOCK_SOURCES.join(", ")));
            }
            mock_source = Some(src.clone());
        }
        for (pname, rule) in &m.filters {
            if !names.contains(pname.as_str()) {
                c.err(place, format!("mock.filters.{pname}"), "is not a declared parameter");
            }
            let filter = match rule.split_once(' ') {
                Some(("eq", f)) => MockFilter::Eq(f.trim().into()),
                Some(("contains", f)) => MockFilter::Contains(f.trim().into()),
                Some(("flag", f)) => MockFilter::Flag(f.trim().into()),
                Some(("followed_by", f)) => MockFilter::FollowedBy(f.trim().into()),
                _ => {
                    c.err(
                        place,
                        format!("mock.filters.{pname}"),
                        format!("`{rule}` is not `eq FIELD`, `contains FIELD`, `flag FIELD` or `followed_by FIELD`"),
                    );
                    continue;
                }
            };
            mock_filters.push((pname.clone(), filter));
        }
    }

    for (path, values) in &e.token_values {
        let key = format!("token_values.{path}");
        if e.auth != Auth::Either {
            c.err(place, &key, "token-dependent values only make sense on an `either` endpoint");
        }
        let root = path.split('.').next().unwrap_or_default();
        if !names.contains(root) {
            c.err(place, &key, format!("`{root}` is not a declared parameter or body field"));
        }
        if values.app.is_empty() || values.user.is_empty() {
            c.err(place, &key, "list the values allowed with `app` and with `user` tokens");
        }
    }
    if let Some(gone) = &e.gone {
        if !GONE_STATUSES.contains(&gone.status) {
            c.err(place, "gone.status", format!("{} is not a status of a removed endpoint (404 or 410)", gone.status));
        }
        if !is_year_month(&gone.since) {
            c.err(place, "gone.since", format!("`{}` is not a month as `YYYY-MM`", gone.since));
        }
        if e.beta {
            c.err(place, "gone", "a removed endpoint is not also `beta`");
        }
    }
    for aspect in e.reference_differs.keys() {
        if !REFERENCE_ASPECTS.contains(&aspect.as_str()) {
            c.err(place, format!("reference_differs.{aspect}"), format!("not one of {}", REFERENCE_ASPECTS.join(", ")));
        }
    }

    if let Some(date) = &e.since {
        if !is_date(date) {
            c.err(place, "since", format!("`{date}` is not a date (YYYY-MM-DD)"));
        }
    }

    if c.errors.len() > before {
        return None;
    }
    let method_name = method_name(&e.name);
    Some(Endpoint {
        name: e.name.clone(),
        // From the method name, so the two agree (`get_vips` / `GetVips`, not `GetViPs`).
        type_name: method_name.to_upper_camel_case(),
        method_name,
        verb,
        aliases: e.aliases.clone(),
        summary: e.summary.trim().to_owned(),
        doc_url: format!("{}#{}", model::DOC_BASE, e.doc),
        method: e.method,
        path: e.path.clone(),
        auth: e.auth,
        scopes_all: e.scopes.all.clone(),
        scopes_any: e.scopes.any.clone(),
        scopes_optional: e.scopes.optional.clone(),
        params,
        one_of: e.one_of.clone(),
        at_least_one_of: e.at_least_one_of.clone(),
        at_most_one_of: e.at_most_one_of.clone(),
        app_token_at_least_one_of: e.app_token_at_least_one_of.clone(),
        max_total: e.max_total.as_ref().map(|m| (m.params.clone(), m.max)),
        response,
        deprecated: e.deprecated,
        beta: e.beta,
        gone: e.gone.as_ref().map(|g| model::Gone { status: g.status, since: g.since.clone() }),
        refused: e.refused.as_ref().map(|r| (r.when_false.clone(), r.reason.clone())),
        mock_source,
        mock_filters,
        token_values: e.token_values.iter().map(|(k, v)| (k.clone(), v.app.clone(), v.user.clone())).collect(),
        reference_differs: e.reference_differs.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        since: e.since.clone(),
    })
}

/// `YYYY-MM-DD` with a month 01-12 and a day 01-31.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    match parts.as_slice() {
        [y, m, d] => {
            number(y, 4).is_some()
                && number(m, 2).is_some_and(|m| (1..=12).contains(&m))
                && number(d, 2).is_some_and(|d| (1..=31).contains(&d))
        }
        _ => false,
    }
}

fn param(
    c: &mut Check,
    place: &str,
    section: &str,
    name: &str,
    p: &FieldSpec,
    location: Location,
    types: &BTreeSet<&str>,
) -> Option<Param> {
    let key = format!("{section}.{name}");
    if !has_word_character(name) {
        c.err(place, key, "a parameter name needs at least one letter or digit");
        return None;
    }
    let ty = parse_type(c, place, &format!("{key}.type"), &p.ty, types)?;
    if !p.also.is_empty() {
        c.err(place, format!("{key}.also"), "`also` names other spellings of response fields only");
    }
    if p.max.is_some() && !ty.is_list() {
        c.err(place, format!("{key}.max"), "`max` counts list values; this parameter is not a list");
    }
    let range = p.range.map(|[lo, hi]| (lo, hi));
    if let Some((lo, hi)) = range {
        if !matches!(ty.required(), TypeExpr::Prim(Prim::Integer | Prim::Number)) {
            c.err(place, format!("{key}.range"), "`range` applies to integer and number parameters only");
        }
        if lo > hi {
            c.err(place, format!("{key}.range"), format!("min {lo} is above max {hi}"));
        }
        if name == "first" && hi > FIRST_CEILING {
            c.err(
                place,
                format!("{key}.range"),
                format!("`first` max {hi} is above Helix's page ceiling of {FIRST_CEILING}"),
            );
        }
    }
    if location == Location::Path && !p.required {
        c.err(place, format!("{key}.required"), "path parameters are always required; add `required: true`");
    }
    if p.token_user && ty.required() != &TypeExpr::Prim(Prim::String) {
        c.err(place, format!("{key}.token_user"), "`token_user` marks a user id: the type must be `string`");
    }
    check_values(c, place, &key, &p.values, &ty, false);
    check_lengths(c, place, &key, p.min_length, p.max_length, &ty);
    Some(Param {
        name: name.to_owned(),
        field: rust_field(name),
        location,
        ty,
        required: p.required,
        max: p.max,
        range,
        summary: p.summary.clone().unwrap_or_default(),
        deprecated: p.deprecated,
        token_user: p.token_user,
        values: p.values.clone(),
        min_length: p.min_length,
        max_length: p.max_length,
        token: p.token,
    })
}

/// Gives each answer field with a value set its enum: one per distinct set,
/// named after the first type and field listing it (`Poll.status`: `PollStatus`).
pub(crate) fn name_value_enums(c: &mut Check, types: &mut [TypeDef]) {
    let type_names: BTreeSet<String> = types.iter().map(|t| t.name.clone()).collect();
    let mut by_set: BTreeMap<Vec<String>, model::ValueEnum> = BTreeMap::new();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for t in types.iter_mut() {
        for f in t.fields.iter_mut().filter(|f| !f.values.is_empty()) {
            let place = format!("type \"{}\"", t.name);
            let key = format!("fields.{}.values", f.name);
            if let Some(known) = by_set.get(&f.values) {
                f.value_enum = Some(known.clone());
                continue;
            }
            let name = format!("{}{}", t.name, f.name.to_upper_camel_case());
            if type_names.contains(&name) {
                c.err(&place, &key, format!("its enum would be named `{name}`, which is already a type"));
                continue;
            }
            if let Some(prev) = taken.insert(name.clone(), format!("{}.{}", t.name, f.name)) {
                c.err(&place, &key, format!("its enum would be named `{name}`, as the one for {prev}"));
                continue;
            }
            let mut variants: Vec<(String, String)> = Vec::new();
            for v in &f.values {
                let variant = variant_name(v);
                if variant == model::UNKNOWN_VARIANT || variants.iter().any(|(_, w)| w == &variant) {
                    c.err(&place, &key, format!("`{v}` becomes the variant `{variant}`, which is taken"));
                }
                variants.push((v.clone(), variant));
            }
            let e = model::ValueEnum { name, variants };
            by_set.insert(f.values.clone(), e.clone());
            f.value_enum = Some(e);
        }
    }
}

/// `channel.follow` -> `ChannelFollow`, `1.0` -> `V1_0`, `""` -> `Empty`.
fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let cleaned: String = value.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{cleaned}");
    }
    let camel = cleaned.to_upper_camel_case();
    if camel.is_empty() {
        "Empty".into()
    } else {
        camel
    }
}

/// `string`, `[string]` or either of them optional: what value sets and length limits apply to.
fn is_strings(ty: &TypeExpr) -> bool {
    match ty.required() {
        TypeExpr::Prim(Prim::String) => true,
        TypeExpr::List(item) => matches!(item.required(), TypeExpr::Prim(Prim::String)),
        _ => false,
    }
}

/// A value set names distinct strings, on a string (or list of strings); an
/// empty one only in answers (a request's empty value is refused anyway).
/// Character limits: on strings only, the lower not above the upper, and an
/// upper limit that leaves some value to give.
fn check_lengths(c: &mut Check, place: &str, key: &str, min: Option<u32>, max: Option<u32>, ty: &TypeExpr) {
    for (limit, value) in [("min_length", min), ("max_length", max)] {
        if value.is_some() && !is_strings(ty) {
            c.err(place, format!("{key}.{limit}"), "length limits apply to strings and lists of strings only");
        }
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            c.err(place, format!("{key}.min_length"), format!("min_length {lo} is above max_length {hi}"));
        }
    }
    if max == Some(0) {
        c.err(place, format!("{key}.max_length"), "max_length 0 leaves no value to give; drop the parameter");
    }
}

pub(crate) fn check_values(c: &mut Check, place: &str, key: &str, values: &[String], ty: &TypeExpr, allow_empty: bool) {
    if values.is_empty() {
        return;
    }
    let key = format!("{key}.values");
    let integers = matches!(ty.required(), TypeExpr::Prim(Prim::Integer));
    if integers {
        // YAML keeps them as strings ("2"), the wire as numbers.
        if let Some(v) = values.iter().find(|v| v.parse::<i64>().is_err()) {
            c.err(place, &key, format!("`{v}` is not a whole number, as the integer field's values must be"));
        }
    } else if !is_strings(ty) {
        c.err(place, &key, "a value set applies to strings, lists of strings and integers only");
    }
    let mut seen = BTreeSet::new();
    for v in values {
        if v.trim().is_empty() && !(allow_empty && v.is_empty()) {
            c.err(place, &key, "a listed value cannot be empty");
        } else if !seen.insert(v.as_str()) {
            c.err(place, &key, format!("`{v}` is listed twice"));
        }
    }
}

pub(crate) fn parse_type(
    c: &mut Check,
    place: &str,
    key: &str,
    text: &str,
    types: &BTreeSet<&str>,
) -> Option<TypeExpr> {
    match TypeExpr::parse(text) {
        Ok(ty) => {
            let mut ok = true;
            for n in ty.names() {
                if !types.contains(n) {
                    c.err(place, key, format!("unknown type `{n}`; declare it under `types`"));
                    ok = false;
                }
            }
            ok.then_some(ty)
        }
        Err(msg) => {
            c.err(place, key, msg);
            None
        }
    }
}

/// Rust keywords that cannot be raw identifiers, as the generated method or type names would be.
const RESERVED_METHOD_NAMES: &[&str] = &["self", "super", "crate", "extern"];
/// Type names that would not compile as generated structs.
const RESERVED_TYPE_NAMES: &[&str] = &["Self", "Option", "Vec", "String", "Result"];

/// Why an endpoint's reference name cannot name a method, a request type and a verb, if it cannot.
/// `refused` names a boolean field of the answer's item and another field of it.
fn check_refused(c: &mut Check, e: &Endpoint, types: &[TypeDef]) {
    let Some((flag, reason)) = &e.refused else { return };
    let place = format!("endpoint \"{}\"", e.name);
    let item = match &e.response {
        model::Response::Data { item: TypeExpr::Named(n), .. } => types.iter().find(|t| &t.name == n),
        _ => None,
    };
    let Some(item) = item else {
        c.err(&place, "refused", "only an answer whose item is a named type can say it was refused");
        return;
    };
    let field = |name: &str| item.fields.iter().find(|f| f.name == name);
    match field(flag) {
        Some(f) if matches!(f.ty.required(), TypeExpr::Prim(Prim::Boolean)) => {}
        Some(_) => c.err(&place, "refused.when_false", format!("`{flag}` of {} is not a boolean", item.name)),
        None => c.err(&place, "refused.when_false", format!("{} has no field `{flag}`", item.name)),
    }
    if field(reason).is_none() {
        c.err(&place, "refused.reason", format!("{} has no field `{reason}`", item.name));
    }
}

fn endpoint_name_problem(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Err("a name starts with a letter (it becomes a method, a type and a verb)".into());
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == ' ')) {
        return Err(format!("`{bad}` cannot be part of a name: use words of letters and digits separated by spaces"));
    }
    let method = method_name(name);
    if RESERVED_METHOD_NAMES.contains(&method.as_str()) {
        return Err(format!("`{method}` is reserved in Rust and cannot be a method name"));
    }
    Ok(())
}

fn is_verb(alias: &str) -> bool {
    alias.starts_with(|c: char| c.is_ascii_alphabetic()) && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

pub(crate) fn has_word_character(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_alphanumeric())
}

/// Chains of types that hold each other directly (not through a list): such
/// a struct has no finite size. Each cycle is named once, from its smallest type.
pub(crate) fn unsized_cycles(types: &[TypeDef]) -> Vec<Vec<String>> {
    fn direct(ty: &TypeExpr) -> Option<&str> {
        match ty {
            TypeExpr::Named(n) => Some(n),
            TypeExpr::Optional(t) => direct(t),
            TypeExpr::List(_) | TypeExpr::Prim(_) => None,
        }
    }
    let edges: BTreeMap<&str, Vec<&str>> =
        types.iter().map(|t| (t.name.as_str(), t.fields.iter().filter_map(|f| direct(&f.ty)).collect())).collect();
    let mut cycles: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first from `start`, only through types greater than it, so each cycle is found once.
        let mut stack: Vec<(Vec<&str>, usize)> = vec![(vec![start], 0)];
        while let Some((path, next)) = stack.pop() {
            let here = *path.last().unwrap_or(start);
            let Some(targets) = edges.get(here) else { continue };
            let Some(&to) = targets.get(next) else { continue };
            stack.push((path.clone(), next + 1));
            if to == *start {
                let mut cycle: Vec<String> = path.iter().map(|s| s.to_string()).collect();
                cycle.push(start.to_string());
                cycles.insert(cycle);
            } else if to > *start && !path.contains(&to) {
                let mut longer = path.clone();
                longer.push(to);
                stack.push((longer, 0));
            }
        }
    }
    cycles.into_iter().collect()
}

/// Reference names are words separated by spaces; lowercasing first keeps
/// `iCalendar` and `EventSub` whole (`get_channel_icalendar`, `get-eventsub-subscriptions`).
fn method_name(name: &str) -> String {
    name.to_lowercase().to_snake_case()
}

/// `{id}` placeholders in a path, in order.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

/// The Rust field name for an API name (the emitter escapes keywords). Names
/// that are not identifiers (`1.5`, `100x100`) get a leading underscore.
pub(crate) fn rust_field(api_name: &str) -> String {
    let snake: String =
        api_name.to_snake_case().chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else if RESERVED_METHOD_NAMES.contains(&snake.as_str()) {
        // `self` cannot even be a raw identifier; serde keeps the API's name.
        format!("{snake}_")
    } else {
        snake
    }
}
