//! Compares the spec with an OpenAPI description of Helix (such as the shared
//! reference): which operations are missing, and where method, path, auth
//! class, scopes, required parameters or the parameters that must name the
//! token's user differ.

use crate::model::Model;
use crate::spec::Auth;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

/// What the comparison found.
#[derive(Debug, Default)]
pub struct Report {
    /// Operations in the OpenAPI file.
    pub total: usize,
    /// Of those, the ones the spec has.
    pub covered: usize,
    /// Operations the spec lacks.
    pub missing: Vec<String>,
    /// Where the spec and the OpenAPI file disagree, with no recorded reason.
    pub differences: Vec<String>,
    /// Differences the spec records as decisions (`reference_differs`), with the reason.
    pub accepted: Vec<String>,
    /// Endpoints in the spec that the OpenAPI file does not have (and that
    /// are not marked `since`).
    pub extra: Vec<String>,
    /// Endpoints Twitch added after the OpenAPI file was taken (`since`), with the date.
    pub newer: Vec<String>,
}

impl Report {
    /// Nothing missing and no unexplained difference.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.differences.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(f, "covered {} of {} operations", self.covered, self.total)?;
        let sections = [
            ("missing", &self.missing),
            ("differences", &self.differences),
            ("decided in the spec (reference_differs)", &self.accepted),
            ("not in the OpenAPI file", &self.extra),
            ("newer than the OpenAPI file (since)", &self.newer),
        ];
        write_sections(f, &sections, self.is_complete())
    }
}

/// The non-empty lists of a coverage report, one item a line, then "no
/// difference" when nothing is missing or unexplained (shared with the
/// EventSub report).
pub(crate) fn write_sections(f: &mut fmt::Formatter, sections: &[(&str, &Vec<String>)], complete: bool) -> fmt::Result {
    for (title, list) in sections {
        if !list.is_empty() {
            writeln!(f, "{title} ({}):", list.len())?;
            for item in *list {
                writeln!(f, "  - {item}")?;
            }
        }
    }
    if complete {
        writeln!(f, "no difference")?;
    }
    Ok(())
}

/// Reads the OpenAPI JSON file at `openapi` and compares `model` with it.
pub fn run(model: &Model, openapi: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(openapi).map_err(|e| format!("cannot read {}: {e}", openapi.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", openapi.display()))?;
    Ok(compare(model, &doc))
}

/// One operation as the OpenAPI file describes it.
struct Operation {
    name: String,
    method: String,
    path: String,
    auth: Auth,
    scopes: BTreeSet<String>,
    required: BTreeSet<String>,
    /// Parameters and body fields whose text says they must be the token's user.
    token_user: BTreeSet<String>,
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return ops };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let name = op
                .pointer("/externalDocs/description")
                .and_then(Value::as_str)
                .or_else(|| op.get("summary").and_then(Value::as_str))
                .unwrap_or(path)
                .to_owned();
            let mut scopes = BTreeSet::new();
            for req in op.get("security").and_then(Value::as_array).into_iter().flatten() {
                for (_, s) in req.as_object().into_iter().flatten() {
                    for scope in s.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        scopes.insert(scope.to_owned());
                    }
                }
            }
            let auth = op.get("description").and_then(Value::as_str).map(auth_from_description).unwrap_or(Auth::None);
            let required = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|p| p.get("required").and_then(Value::as_bool) == Some(true))
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect();
            let description = op.get("description").and_then(Value::as_str).unwrap_or_default();
            let token_user = described_fields(doc, op)
                .filter(|(_, text)| says_token_user(text))
                .map(|(name, _)| name.to_owned())
                .chain(named_token_users(description))
                .collect();
            ops.push(Operation {
                name,
                method: method.to_uppercase(),
                path: path.clone(),
                auth,
                scopes,
                required,
                token_user,
            });
        }
    }
    ops
}

/// Compares `model` with an OpenAPI document already parsed.
pub fn compare(model: &Model, doc: &Value) -> Report {
    let ops = operations(doc);
    let mut report = Report { total: ops.len(), ..Report::default() };
    let mut matched = BTreeSet::new();
    for op in &ops {
        let Some(e) = model.endpoints.iter().find(|e| e.name.eq_ignore_ascii_case(&op.name)) else {
            report.missing.push(format!("{} ({} {})", op.name, op.method, op.path));
            continue;
        };
        matched.insert(e.name.clone());
        report.covered += 1;
        if let Some(date) = &e.since {
            report.differences.push(format!("{}: marked `since: {date}`, but the OpenAPI file has it", e.name));
        }
        let mut diff = |aspect: &str, ours: String, theirs: String| {
            if ours == theirs {
                return;
            }
            let line = format!("{}: {aspect} is {ours} here, {theirs} in the OpenAPI file", e.name);
            match e.reference_differs.iter().find(|(a, _)| a == aspect) {
                Some((_, why)) => report.accepted.push(format!("{line} ({why})")),
                None => report.differences.push(line),
            }
        };
        diff("method", format!("{:?}", e.method), op.method.clone());
        diff("path", e.path.clone(), op.path.clone());
        diff("auth", format!("{:?}", e.auth).to_lowercase(), format!("{:?}", op.auth).to_lowercase());
        let ours: BTreeSet<String> = e.scopes_all.iter().chain(&e.scopes_any).cloned().collect();
        diff("scopes", join(&ours), join(&op.scopes));
        let ours_req: BTreeSet<String> = e
            .params
            .iter()
            .filter(|p| p.required && p.location != crate::model::Location::Body)
            .map(|p| p.name.clone())
            .collect();
        diff("required", join(&ours_req), join(&op.required));
        let ours_user: BTreeSet<String> = e.params.iter().filter(|p| p.token_user).map(|p| p.name.clone()).collect();
        diff("token_user", join(&ours_user), join(&op.token_user));
    }
    for e in &model.endpoints {
        if matched.contains(&e.name) {
            continue;
        }
        match &e.since {
            Some(date) => report.newer.push(format!("{} (since {date})", e.name)),
            None => report.extra.push(e.name.clone()),
        }
    }
    report
}

/// Each query parameter and top-level body field of an operation, with its description.
fn described_fields<'a>(doc: &'a Value, op: &'a Value) -> impl Iterator<Item = (&'a str, &'a str)> {
    let params = op.get("parameters").and_then(Value::as_array).into_iter().flatten().filter_map(|p| {
        Some((p.get("name")?.as_str()?, p.get("description").and_then(Value::as_str).unwrap_or_default()))
    });
    let mut schema = op.pointer("/requestBody/content/application~1json/schema");
    if let Some(name) = schema.and_then(|s| s.get("$ref")).and_then(Value::as_str) {
        schema = doc.pointer(&format!("/components/schemas/{}", name.rsplit('/').next().unwrap_or_default()));
    }
    let fields = schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, field)| (name.as_str(), field.get("description").and_then(Value::as_str).unwrap_or_default()));
    params.chain(fields)
}

/// The reference's ways of saying "this must be the token's user": "must
/// match the user ID in the access token", "... the `user_id` in the auth
/// token". Not when an editor's id is accepted too.
fn says_token_user(description: &str) -> bool {
    let text = description.to_lowercase().replace(['`', '\\'], "");
    let Some(at) = text.find("must match the user") else { return false };
    let tail: String = text[at..].chars().take(120).collect();
    tail.contains("token") && !tail.contains("editor")
}

/// Names an operation's "Authorization" text gives as the token's user:
/// "Query parameter `moderator_id` must match the `user_id` in the token".
fn named_token_users(description: &str) -> Vec<String> {
    let text = description.to_lowercase().replace('\\', "");
    let mut names = Vec::new();
    for (at, _) in text.match_indices("parameter `") {
        let rest = &text[at + "parameter `".len()..];
        let Some((name, after)) = rest.split_once('`') else { continue };
        if says_token_user(after.chars().take(120).collect::<String>().trim_start()) {
            names.push(name.to_owned());
        }
    }
    names
}

/// The OpenAPI file marks every operation with one security scheme, so the
/// token class comes from the reference's "Authorization" text: the sentence
/// that says what it "requires" (an app token, a user token, both, a JWT).
/// Text that names only scopes means a user token; no section means none.
pub fn auth_from_description(description: &str) -> Auth {
    let Some((_, section)) = description.split_once("__Authorization:__") else { return Auth::None };
    let mut text = section.to_lowercase().replace("user-access", "user access").replace("app-access", "app access");
    // Links hold dots and words that would confuse the sentence split.
    while let Some(start) = text.find("](") {
        let Some(len) = text[start..].find(')') else { break };
        text.replace_range(start + 1..start + len + 1, "");
    }
    let requires = text.find("requires").map(|i| {
        let rest = &text[i..];
        let end = [rest.find(". "), rest.find("\n\n")].into_iter().flatten().min().unwrap_or(rest.len());
        &rest[..end]
    });
    let says = |needle: &str| requires.is_some_and(|r| r.contains(needle));
    let (mut jwt, mut app, mut user) = (says("jwt"), says("app access token"), says("user access token"));
    if !(jwt || app || user) {
        jwt = text.contains("jwt");
        app = text.contains("app access token");
        user = text.contains("user access token") || text.contains("scope");
    }
    match (jwt, app, user) {
        (true, _, _) => Auth::Extension,
        (false, true, true) => Auth::Either,
        (false, true, false) => Auth::App,
        (false, false, true) => Auth::User,
        (false, false, false) => Auth::None,
    }
}

fn join(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "(none)".into()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_user_wording_is_recognised() {
        assert!(says_token_user("The moderator. This ID must match the user ID in the user access token."));
        assert!(says_token_user("Provided `broadcaster_id` must match the `user_id` in the auth token."));
        assert!(!says_token_user("Must match the user ID in the token, or the token's user must be an editor."));
        assert!(!says_token_user("The ID of the broadcaster whose list you want."));
        let auth = "__Authorization:__\n* Query parameter `moderator_id` must match the `user_id` in the token\n\
                    * Parameter `first` is optional";
        assert_eq!(named_token_users(auth), ["moderator_id"]);
    }

    /// A spec of `Get Things` (in the OpenAPI file below) and `Pin Thing`
    /// (not in it), each with `extra` spliced in.
    fn model(get_extra: &str, pin_extra: &str) -> Model {
        let endpoint = |name: &str, method: &str, extra: &str| {
            format!("  - name: {name}\n    summary: x\n    doc: x\n    method: {method}\n    path: /things\n    auth: app\n{extra}")
        };
        let text = format!(
            "version: 1\nendpoints:\n{}{}",
            endpoint("Get Things", "GET", get_extra),
            endpoint("Pin Thing", "PUT", pin_extra)
        );
        crate::load_str(&text).expect("the spec loads")
    }

    fn openapi() -> Value {
        serde_json::json!({"paths": {"/things": {"get": {
            "summary": "Get Things",
            "description": "__Authorization:__\n\nRequires an app access token."
        }}}})
    }

    #[test]
    fn endpoints_newer_than_the_file_are_listed_apart() {
        let report = compare(&model("", "    since: 2026-05-29\n"), &openapi());
        assert_eq!((report.covered, report.total), (1, 1));
        assert!(report.is_complete(), "{report}");
        assert_eq!(report.newer, ["Pin Thing (since 2026-05-29)"]);
        assert!(report.extra.is_empty(), "{report}");
        assert!(report.to_string().contains("newer than the OpenAPI file (since) (1):"), "{report}");

        let unmarked = compare(&model("", ""), &openapi());
        assert_eq!(unmarked.extra, ["Pin Thing"]);
        assert!(unmarked.newer.is_empty());
    }

    #[test]
    fn a_since_mark_on_an_endpoint_the_file_has_is_a_difference() {
        let report = compare(&model("    since: 2026-05-29\n", ""), &openapi());
        assert_eq!(report.differences, ["Get Things: marked `since: 2026-05-29`, but the OpenAPI file has it"]);
        assert!(!report.is_complete());
    }
}
