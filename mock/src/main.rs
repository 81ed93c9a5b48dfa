//! `ttv-mock`: runs the mock server until Ctrl-C and prints what a shell
//! needs to point ttv (or any Twitch client) at it.

use std::collections::BTreeSet;
use std::process::ExitCode;

use clap::Parser;
use ttv_mock::{MockConfig, MockServer};

/// A local mock of Twitch's OAuth service and Helix API, for trying ttv
/// without a Twitch account.
#[derive(Debug, Parser)]
#[command(name = "ttv-mock", version)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Number of users (and channels) in the data set.
    #[arg(long, default_value_t = 500)]
    users: usize,
    /// Number of games in the data set.
    #[arg(long, default_value_t = 100)]
    games: usize,
    /// Every Nth channel is live.
    #[arg(long, default_value_t = 3)]
    live_every: usize,
    /// How many channels each user follows.
    #[arg(long, default_value_t = 20)]
    follows_per_user: usize,
    /// Points in each token's rate-limit bucket (Twitch: 800).
    #[arg(long, default_value_t = ttv_mock::RATE_LIMIT)]
    bucket_size: u32,
    /// How often the bucket refills, in milliseconds (Twitch: a minute).
    #[arg(long, default_value_t = 60_000)]
    bucket_window_ms: u64,
    /// Answer every Helix request this many milliseconds late, like a server
    /// across a network (0: at once).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Client id the mock accepts.
    #[arg(long, default_value = ttv_mock::DEFAULT_CLIENT_ID)]
    client_id: String,
    /// Client secret the mock accepts.
    #[arg(long, default_value = ttv_mock::DEFAULT_CLIENT_SECRET)]
    client_secret: String,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. Clients
    /// trust it through SSL_CERT_FILE (its authority's PEM file).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match (std::fs::read(cert), std::fs::read(key)) {
            (Ok(cert_chain_pem), Ok(key_pem)) => Some(ttv_mock::MockTls { cert_chain_pem, key_pem }),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("ttv-mock: cannot read the TLS certificate or key: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => None,
    };
    let config = MockConfig {
        tls,
        port: Some(args.port),
        users: args.users,
        games: args.games,
        live_every: args.live_every,
        follows_per_user: args.follows_per_user,
        bucket_size: args.bucket_size,
        bucket_window: std::time::Duration::from_millis(args.bucket_window_ms.max(1)),
        client_id: args.client_id,
        client_secret: args.client_secret,
        ..MockConfig::default()
    };
    let server = match MockServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ttv-mock: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    if args.latency_ms > 0 {
        let delay = ttv_mock::FaultKind::Delay(std::time::Duration::from_millis(args.latency_ms));
        server.faults().push(ttv_mock::Fault::new(delay).always());
    }
    print_banner(&server, args.users > 0);
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("ttv-mock: cannot wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn print_banner(server: &MockServer, has_users: bool) {
    println!("ttv-mock listening on {}", server.base_url());
    println!("  helix:  {}", server.helix_url());
    println!("  oauth2: {}", server.oauth2_url());
    println!("  eventsub websocket: {}", server.eventsub_url());
    println!("  client id:     {}", server.client_id());
    println!("  client secret: {}", server.client_secret());
    // One token with every scope, so it works on every endpoint and subscription type.
    let token = has_users.then(|| server.issue_user_token("ninja", &all_scopes()));
    if let Some(token) = &token {
        println!("  user token for ninja (all scopes): {token}");
    }
    println!();
    println!("export TWITCH_HELIX_URL={}", server.helix_url());
    println!("export TWITCH_OAUTH2_URL={}", server.oauth2_url());
    println!("export TWITCH_EVENTSUB_WEBSOCKET_URL={}", server.eventsub_url());
    println!("export TWITCH_CLIENT_ID={}", server.client_id());
    println!("export TWITCH_CLIENT_SECRET={}", server.client_secret());
    if let Some(token) = &token {
        println!("export TWITCH_USER_TOKEN={token}");
    }
    println!();
    println!("Press Ctrl-C to stop.");
}

/// Every scope any endpoint or EventSub subscription type mentions.
fn all_scopes() -> Vec<&'static str> {
    let endpoints = ttv_mock::ROUTES
        .iter()
        .map(|r| r.endpoint)
        .flat_map(|e| e.scopes_all.iter().chain(e.scopes_any).chain(e.scopes_optional))
        .copied();
    let eventsub = ttv_mock::SUBSCRIPTION_TYPES.iter().flat_map(|s| s.scopes.iter().flat_map(|g| g.iter())).copied();
    let scopes: BTreeSet<&str> = endpoints.chain(eventsub).collect();
    scopes.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_token_has_every_eventsub_scope_too() {
        let scopes = all_scopes();
        assert!(scopes.contains(&"user:read:chat") && scopes.contains(&"moderator:read:followers"), "{scopes:?}");
        assert!(scopes.contains(&"user:write:chat"), "and the endpoints' scopes");
        for s in ttv_mock::SUBSCRIPTION_TYPES {
            assert!(s.scopes.iter().flat_map(|g| g.iter()).all(|x| scopes.contains(x)), "{}", s.type_name);
        }
    }
}
