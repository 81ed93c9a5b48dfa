//! `ttv api [METHOD] PATH`: the escape hatch for what the spec does not have
//! yet. Any method and path under the Helix URL, sent with the user token when
//! one is set (or as `--token` says), through the library's transport: rate
//! limits, retries, token renewal and Helix's errors as for every verb.
//!
//! It prints the whole answer (`data` and `pagination`) by default, since no
//! spec says which part matters; `-o ndjson` and `-o table` print `data`.
//! `--all` / `--max-items` follow `pagination.cursor` and print the items of
//! every page as they come, like any paginated verb.

use crate::context::Ctx;
use crate::error::CliError;
use crate::exit;
use crate::outcome::Outcome;
use clap::{Arg, ArgAction, ArgMatches, Command};
use ttv_helix::meta::HttpMethod;
use ttv_helix::{Helix, RawRequest, TokenKind};

pub fn command() -> Command {
    Command::new("api")
        .about("Send any Helix request (an escape hatch for endpoints the spec does not have yet)")
        .long_about(
            "Send any request to a path under the Helix URL and print the whole answer.\n\n\
             METHOD defaults to GET, or POST with --body. The path may carry a query (quote it in the shell): \
             `ttv api '/users?login=ninja&login=pokimane'` is `ttv api /users -q login=ninja -q login=pokimane`. \
             The user token is used when one is set, else the app token; --token app|user forces one. There is no \
             scope check and no input check: Twitch's answer, errors included, is the check. The token is only \
             ever sent to the configured Helix URL: full URLs are refused.",
        )
        .arg(
            Arg::new("request")
                .num_args(1..=2)
                .required(true)
                .value_names(["METHOD", "PATH"])
                .help("GET, POST, PUT, PATCH or DELETE (default GET), then the path, e.g. /users or /chat/color"),
        )
        .arg(
            Arg::new("query")
                .short('q')
                .long("query")
                .action(ArgAction::Append)
                .value_name("KEY=VALUE")
                .help("A query pair, sent as given (repeat a key for a list)"),
        )
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("@FILE|-|JSON")
                .help("The JSON body: @file.json, - for stdin, or inline JSON"),
        )
        .args(crate::verb_command::paging_args())
}

pub async fn run(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let request = request(matches)?;
    if ctx.prefers_user() {
        send(ctx.user().await?, &request, ctx.paging).await
    } else {
        send(ctx.app().await?, &request, ctx.paging).await
    }
}

/// One answer, or every page as it comes with `--all` / `--max-items`.
async fn send<T: TokenKind>(
    client: &Helix<T>,
    request: &RawRequest,
    paging: Option<crate::paging::Paging>,
) -> Result<Outcome, CliError> {
    match paging {
        Some(paging) => crate::paging::follow_pages(client.raw_pages(request), paging, "-q after=").await,
        None => Ok(Outcome::Report(client.send_raw(request).await?, exit::OK)),
    }
}

/// The request the flags describe.
fn request(matches: &ArgMatches) -> Result<RawRequest, CliError> {
    let parts: Vec<&String> = matches.get_many::<String>("request").into_iter().flatten().collect();
    let body = matches.get_one::<String>("body").map(|b| crate::args::read_body(b)).transpose()?;
    let (method, target) = match parts.as_slice() {
        [method, target] => {
            let method = HttpMethod::parse(method).ok_or_else(|| {
                CliError::Usage(format!("`{method}` is not a method: use GET, POST, PUT, PATCH or DELETE"))
            })?;
            (method, target.as_str())
        }
        [target] if body.is_some() => (HttpMethod::Post, target.as_str()),
        [target] => (HttpMethod::Get, target.as_str()),
        _ => return Err(CliError::Usage("give a path, e.g. `ttv api /users -q login=ninja`".into())),
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = RawRequest::new(method, path);
    request.query = ttv_helix::meta::form::parse_pairs(query);
    for pair in matches.get_many::<String>("query").into_iter().flatten() {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("--query {pair}: write it as KEY=VALUE, e.g. -q login=ninja")))?;
        request.query.push((key.to_owned(), value.to_owned()));
    }
    request.body = body;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<RawRequest, CliError> {
        let m = command().try_get_matches_from(std::iter::once("api").chain(args.iter().copied())).unwrap();
        request(&m)
    }

    #[test]
    fn method_path_query_and_body() {
        let r = parse(&["/users?login=ninja&login=a%20b", "-q", "id=1"]).unwrap();
        assert_eq!(r.method, HttpMethod::Get);
        assert_eq!(r.path, "/users");
        let q: Vec<(&str, &str)> = r.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(q, [("login", "ninja"), ("login", "a b"), ("id", "1")]);
        let r = parse(&["patch", "channels", "-q", "broadcaster_id=1", "--body", r#"{"title":"x"}"#]).unwrap();
        assert_eq!((r.method, r.path.as_str()), (HttpMethod::Patch, "channels"));
        assert_eq!(r.body, Some(serde_json::json!({"title": "x"})));
        let r = parse(&["/chat/announcements", "--body", "{}"]).unwrap();
        assert_eq!(r.method, HttpMethod::Post, "a body without a method is a POST");
    }

    #[test]
    fn bad_input_says_what_to_write() {
        let err = |args: &[&str]| parse(args).expect_err("refused").to_string();
        assert!(err(&["FETCH", "/users"]).contains("use GET, POST, PUT, PATCH or DELETE"));
        assert!(err(&["/users", "-q", "login"]).contains("KEY=VALUE"));
        assert!(err(&["/users", "--body", "{"]).contains("not valid JSON"));
    }

    #[cfg(feature = "mock")]
    mod with_mock {
        use super::*;
        use crate::context::TokenChoice;
        use crate::test_support::{credentials, ctx, mock};

        async fn api(ctx: &Ctx, args: &[&str]) -> Result<Outcome, CliError> {
            let m = command().try_get_matches_from(std::iter::once("api").chain(args.iter().copied())).unwrap();
            run(ctx, &m).await
        }

        #[tokio::test]
        async fn a_raw_request_prints_the_whole_answer_sent_with_the_user_token() {
            let mock = mock().await;
            let user_token = mock.issue_user_token("ninja", &[]);
            let ctx = ctx(credentials(&mock, Some(user_token)), TokenChoice::Auto, "default", None);
            let Outcome::Report(answer, code) = api(&ctx, &["/users"]).await.expect("answered") else {
                panic!("api reports the whole answer")
            };
            assert_eq!(code, exit::OK);
            assert_eq!(answer["data"][0]["login"], "ninja", "no query: the user token's user");
            assert_eq!(mock.stats().app_tokens_minted, 0);
            let Outcome::Report(answer, _) =
                api(&ctx, &["GET", "/users?login=pokimane", "-q", "login=ninja"]).await.unwrap()
            else {
                panic!("api reports")
            };
            let mut logins: Vec<&str> =
                answer["data"].as_array().unwrap().iter().filter_map(|u| u["login"].as_str()).collect();
            logins.sort_unstable();
            assert_eq!(logins, ["ninja", "pokimane"]);
        }

        #[tokio::test]
        async fn token_app_sends_the_app_token_and_helix_errors_keep_their_exit_code() {
            let mock = mock().await;
            let user_token = mock.issue_user_token("ninja", &[]);
            let ctx = ctx(credentials(&mock, Some(user_token)), TokenChoice::App, "default", None);
            api(&ctx, &["/users", "-q", "login=ninja"]).await.expect("answered");
            assert_eq!(mock.stats().app_tokens_minted, 1, "--token app");
            mock.faults().push(ttv_mock::Fault::new(ttv_mock::FaultKind::Status(404)).on("/helix/users"));
            let Err(e) = api(&ctx, &["/users", "-q", "login=ninja"]).await else { panic!("a 404 answered") };
            assert_eq!(e.exit_code(), exit::HELIX, "{e}");
        }

        #[tokio::test]
        async fn a_full_url_is_refused_before_any_token_goes_out() {
            let mock = mock().await;
            let ctx = ctx(credentials(&mock, None), TokenChoice::App, "default", None);
            let Err(e) = api(&ctx, &["https://example.com/helix/users"]).await else { panic!("sent to another host") };
            assert_eq!(e.exit_code(), exit::USAGE, "{e}");
            assert_eq!(mock.stats().helix_requests, 0);
        }
    }
}
