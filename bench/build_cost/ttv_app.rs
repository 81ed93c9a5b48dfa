// The minimal app on ttv-helix: one app token, one lookup, printed.
use ttv_helix::{Config, Helix};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let helix = Helix::app(Config::from_env()?)?;
    let users = helix.get_users().login(["ninja"]).send().await?;
    for user in users.data {
        println!("{} {}", user.id, user.display_name);
    }
    Ok(())
}
