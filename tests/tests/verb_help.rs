//! What `ttv VERB --help` says beyond the flags, from the spec: the fields of
//! the answer with their summaries, the parameter groups, and the endpoint's
//! status at Twitch (beta, removed); and what a removed endpoint answers.

use ttv_tests::{mock, Cli};

fn help(cli: &Cli, verb: &str) -> String {
    let out = cli.run([verb, "--help"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// The help line of answer field `name`, its words squeezed to single spaces.
fn field_line(help: &str, name: &str) -> Option<String> {
    help.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|l| l.starts_with(&format!("{name} ")))
}

#[test]
fn help_lists_the_answer_fields_with_their_types_and_summaries() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let users = help(&cli, "get-users");
    assert!(users.contains("Answer: a list of User:"), "{users}");
    assert_eq!(field_line(&users, "id").as_deref(), Some("id string The user's id, stable for life."), "{users}");
    let email = field_line(&users, "email").unwrap_or_default();
    assert!(email.starts_with("email string? Verified e-mail"), "{users}");
    let created = field_line(&users, "created_at").unwrap_or_default();
    assert!(created.starts_with("created_at datetime"), "{users}");
    let commercial = help(&cli, "start-commercial");
    assert!(commercial.contains("Answer: a list of Commercial"), "{commercial}");
    let ban = help(&cli, "unban-user");
    assert!(ban.contains("Answer: 204 No Content."), "{ban}");
}

#[test]
fn help_states_the_parameter_groups_with_flag_names() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let clips = help(&cli, "get-clips");
    assert!(clips.contains("Give exactly one of --broadcaster-id, --game-id, --id."), "{clips}");
    let subscriptions = help(&cli, "get-eventsub-subscriptions");
    let group = "Give at most one of --status, --type, --user-id, --subscription-id, --conduit-id.";
    assert!(subscriptions.contains(group), "{subscriptions}");
    let users = help(&cli, "get-users");
    assert!(users.contains("With an app token, give at least one of --id, --login."), "{users}");
}

#[test]
fn guest_star_verbs_say_they_are_beta() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let session = help(&cli, "get-guest-star-session");
    assert!(session.contains("Beta at Twitch: it may change or go away without notice."), "{session}");
    let out = cli.run(["--help"]);
    let listed = out.stdout.lines().skip_while(|l| !l.contains("get-guest-star-session")).nth(1).unwrap_or_default();
    assert!(listed.contains("[beta]"), "the verb list marks it too:\n{}", out.stdout);
    assert!(!help(&cli, "get-users").contains("Beta at Twitch"));
}

#[test]
fn the_stream_tags_verbs_say_and_get_what_twitch_answers() {
    let mock = mock();
    let cli = Cli::new(&mock);
    for verb in ["get-all-stream-tags", "get-stream-tags"] {
        let text = help(&cli, verb);
        assert!(text.contains("Removed by Twitch in 2023-07: every request is answered 410 Gone."), "{text}");
        assert!(!text.contains("Answer:"), "nothing but the error comes back: {text}");
    }
    let out = cli.run(["get-stream-tags", "--broadcaster-id", "10001"]);
    assert_eq!(out.code, 5, "a Helix error: {}", out.stderr);
    assert!(out.stderr.contains("410"), "{}", out.stderr);
    let out = cli.run(["get-all-stream-tags"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("410"), "{}", out.stderr);
}
