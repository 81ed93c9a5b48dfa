//! Token classes in the type system.
//!
//! `Helix<App>` holds an app access token, `Helix<User>` a user access token,
//! `Helix<Extension>` signs extension JWTs. Each endpoint names the class it
//! accepts and its method carries the bound `T: Permits<Class>`, so calling a
//! user-only endpoint on an app client is a compile error naming the token it needs.

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::App {}
    impl Sealed for super::User {}
    impl Sealed for super::Extension {}
    impl Sealed for super::AppOrUser {}
    impl Sealed for super::NoToken {}
}

/// Marker: a client holding an app access token (client-credentials grant).
#[derive(Debug, Clone, Copy)]
pub enum App {}

/// Marker: a client holding a user access token.
#[derive(Debug, Clone, Copy)]
pub enum User {}

/// Marker: a client that signs extension JWTs with the extension's secret.
#[derive(Debug, Clone, Copy)]
pub enum Extension {}

/// Class of endpoints that accept either an app or a user access token.
#[derive(Debug, Clone, Copy)]
pub enum AppOrUser {}

/// Class of endpoints that need no token (any client may call them).
#[derive(Debug, Clone, Copy)]
pub enum NoToken {}

/// The kind of token a [`Client`](crate::Client) holds.
pub trait TokenKind: sealed::Sealed + Send + Sync + 'static {
    /// `"app"`, `"user"` or `"extension"`, for messages.
    const NAME: &'static str;
}

impl TokenKind for App {
    const NAME: &'static str = "app";
}

impl TokenKind for User {
    const NAME: &'static str = "user";
}

impl TokenKind for Extension {
    const NAME: &'static str = "extension";
}

/// An endpoint's token class, as named in the spec.
pub trait AuthClassMarker: sealed::Sealed + Send + Sync + 'static {}
impl AuthClassMarker for App {}
impl AuthClassMarker for User {}
impl AuthClassMarker for Extension {}
impl AuthClassMarker for AppOrUser {}
impl AuthClassMarker for NoToken {}

/// `T: Permits<C>` holds when a client with token kind `T` may call an endpoint of class `C`.
#[diagnostic::on_unimplemented(
    message = "`Helix<{Self}>` cannot call this endpoint: it needs a `{C}` token",
    label = "needs `Helix<{C}>`",
    note = "user-only endpoints are methods of `Helix<User>` (`Helix::user`, a user access token); app-only endpoints are methods of `Helix<App>` (`Helix::app`, the client-credentials grant); extension endpoints are methods of `Helix<Extension>` (`Helix::extension`)"
)]
pub trait Permits<C: AuthClassMarker>: TokenKind {}

impl Permits<User> for User {}
impl Permits<App> for App {}
impl Permits<Extension> for Extension {}
impl Permits<AppOrUser> for App {}
impl Permits<AppOrUser> for User {}
impl<T: TokenKind> Permits<NoToken> for T {}
