//! Sentences about an endpoint that the library's docs and the CLI's `--help`
//! both show, worded once here: its status at Twitch (beta, removed) and its
//! parameter groups. Each caller says how a parameter is spelled (`` `id` ``
//! in docs, `--id` in help).

use crate::model::Endpoint;

/// "Beta at Twitch ..." and "Removed by Twitch ...", when they apply.
pub fn status(e: &Endpoint) -> Vec<String> {
    let mut notes = Vec::new();
    if e.beta {
        notes.push("Beta at Twitch: it may change or go away without notice.".to_owned());
    }
    if let Some(gone) = &e.gone {
        notes.push(format!(
            "Removed by Twitch in {}: every request is answered {} {}.",
            gone.since,
            gone.status,
            gone.reason()
        ));
    }
    notes
}

/// One sentence per parameter group (`one_of`, `at_least_one_of`,
/// `at_most_one_of`, `app_token_at_least_one_of`), parameters spelled by `name`.
pub fn groups(e: &Endpoint, name: impl Fn(&str) -> String) -> Vec<String> {
    let list = |group: &[String]| group.iter().map(|p| name(p)).collect::<Vec<_>>().join(", ");
    let kinds: [(&[Vec<String>], &str); 4] = [
        (&e.one_of, "Give exactly one of"),
        (&e.at_least_one_of, "Give at least one of"),
        (&e.at_most_one_of, "Give at most one of"),
        (&e.app_token_at_least_one_of, "With an app token, give at least one of"),
    ];
    kinds.iter().flat_map(|(groups, words)| groups.iter().map(move |g| format!("{words} {}.", list(g)))).collect()
}
