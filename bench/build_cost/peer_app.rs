// The same app on twitch_api + twitch_oauth2, as their documentation shows it.
use twitch_api::HelixClient;
use twitch_oauth2::{AppAccessToken, ClientId, ClientSecret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client: HelixClient<reqwest::Client> = HelixClient::default();
    let id = ClientId::new(std::env::var("TWITCH_CLIENT_ID")?);
    let secret = ClientSecret::new(std::env::var("TWITCH_CLIENT_SECRET")?);
    let token = AppAccessToken::get_app_access_token(&client, id, secret, vec![]).await?;
    if let Some(user) = client.get_user_from_login("ninja", &token).await? {
        println!("{} {}", user.id, user.display_name);
    }
    Ok(())
}
