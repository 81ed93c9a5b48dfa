//! A tour of the library: typed calls, batching, pagination streams, rate-limit
//! figures, user tokens and errors.
//!
//! ```sh
//! cargo run -p ttv-helix --example tour            # against an in-process mock Twitch
//! TWITCH_CLIENT_ID=... TWITCH_CLIENT_SECRET=... TWITCH_USER_TOKEN=... \
//!     cargo run -p ttv-helix --example tour        # against Twitch
//! ```
//!
//! Without `TWITCH_CLIENT_ID` it starts `ttv-mock` on 127.0.0.1 and uses its
//! credentials, so it runs anywhere with no account and no network. It is
//! built by `cargo test`, so it keeps compiling as the API changes.

use futures::{StreamExt, TryStreamExt};
use ttv_helix::{Config, Error, Helix, Secret};

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Keeps the mock (if any) alive until the end.
    let (config, user_token, _mock) = settings().await?;

    // An app token (client credentials): minted on the first call, cached.
    let app = Helix::app(config.clone())?;

    // One call, one typed answer.
    let games = app.get_top_games().first(3).send().await?;
    for game in &games.data {
        println!("top game: {} ({})", game.name, game.id);
    }

    // Any number of logins: split into requests of 100, sent concurrently,
    // answered in input order.
    let logins: Vec<String> = ["ninja", "pokimane", "shroud"].map(String::from).to_vec();
    let users = app.get_users().login(&logins).send().await?;
    for user in &users.data {
        println!("user: {} is {}", user.login, user.id);
    }

    // A lazy stream that follows cursors; stop reading and no request is made.
    let streams: Vec<_> = app.get_streams().first(100).items().take(250).try_collect().await?;
    println!("followed cursors for {} live streams", streams.len());
    if let Some(figures) = app.rate_limit() {
        println!("rate limit: {} of {} points left", figures.remaining, figures.limit);
    }

    // A user token: user-only endpoints exist only on Helix<User>.
    if let Some(token) = user_token {
        let user = Helix::user(config, token).await?;
        let live = user.get_followed_streams(user.user_id()).send().await?;
        println!("{} channels you follow are live", live.data.len());
        // app.get_followed_streams(..) would not compile: it needs a user token.
    }

    // Errors say what happened; input Twitch would refuse is never sent.
    match app.get_top_games().first(500).send().await {
        Err(Error::InvalidInput { endpoint, message }) => println!("refused before sending: {endpoint}: {message}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}

/// Twitch from the environment, or a mock Twitch started here.
async fn settings() -> Result<(Config, Option<Secret>, Option<ttv_mock::MockServer>), Error> {
    if std::env::var_os("TWITCH_CLIENT_ID").is_some() {
        let user_token = std::env::var("TWITCH_USER_TOKEN").ok().map(Secret::new);
        return Ok((Config::from_env()?, user_token, None));
    }
    let mock = ttv_mock::MockServer::start(ttv_mock::MockConfig::default())
        .await
        .map_err(|e| Error::Config(format!("cannot start the mock: {e}")))?;
    println!("no TWITCH_CLIENT_ID: using a mock Twitch at {}", mock.base_url());
    let mut config = Config::new(mock.client_id());
    config.client_secret = Some(Secret::new(mock.client_secret()));
    config.helix_url = mock.helix_url();
    config.oauth2_url = mock.oauth2_url();
    config.cache_dir = None;
    let user_token = Secret::new(mock.issue_user_token("ninja", &["user:read:follows"]));
    Ok((config, Some(user_token), Some(mock)))
}
