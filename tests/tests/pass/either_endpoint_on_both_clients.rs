// `either` endpoints work with both kinds of client, and each one-class
// endpoint works with its own kind, through the method and the generic path.
use ttv_helix::requests::{GetConduits, GetFollowedStreams, GetUsers};
use ttv_helix::{App, Error, Helix, User};

async fn as_app(helix: &Helix<App>) -> Result<(), Error> {
    helix.get_users().login(["ninja"]).send().await?;
    helix.send(&GetUsers::default()).await?;
    helix.get_conduits().send().await?;
    helix.send(&GetConduits::default()).await?;
    Ok(())
}

async fn as_user(helix: &Helix<User>) -> Result<(), Error> {
    helix.get_users().login(["ninja"]).send().await?;
    helix.send(&GetUsers::default()).await?;
    helix.get_followed_streams(helix.user_id()).send().await?;
    helix.send(&GetFollowedStreams::new("123")).await?;
    Ok(())
}

fn main() {
    let _ = as_app;
    let _ = as_user;
}
