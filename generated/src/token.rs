//! Token classes in the type system.
//!
//! `Helix<App>` holds an app access token, `Helix<User>` a user access token.
//! Each endpoint names the class it accepts (`User`, `App` or `AppOrUser`) and
//! its method carries the bound `T: Permits<Class>`, so calling a user-only
//! endpoint on an app client is a compile error that says which token it needs.

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::App {}
    impl Sealed for super::User {}
    impl Sealed for super::AppOrUser {}
}

/// Marker: a client holding an app access token (client-credentials grant).
#[derive(Debug, Clone, Copy)]
pub enum App {}

/// Marker: a client holding a user access token.
#[derive(Debug, Clone, Copy)]
pub enum User {}

/// Marker for endpoints that accept either kind of token.
#[derive(Debug, Clone, Copy)]
pub enum AppOrUser {}

/// The kind of token a [`Helix`](crate::Helix) client holds: [`App`] or [`User`].
pub trait TokenKind: sealed::Sealed + Send + Sync + 'static {
    /// `"app"` or `"user"`, for messages.
    const NAME: &'static str;
}

impl TokenKind for App {
    const NAME: &'static str = "app";
}

impl TokenKind for User {
    const NAME: &'static str = "user";
}

/// An endpoint's token class, as named in the spec.
pub trait AuthClassMarker: sealed::Sealed + Send + Sync + 'static {}
impl AuthClassMarker for App {}
impl AuthClassMarker for User {}
impl AuthClassMarker for AppOrUser {}

/// `T: Permits<C>` holds when a client with token kind `T` may call an endpoint of class `C`.
#[diagnostic::on_unimplemented(
    message = "`Helix<{Self}>` cannot call this endpoint: it needs a `{C}` access token",
    label = "needs `Helix<{C}>`",
    note = "user-only endpoints are methods of `Helix<User>` (`Helix::user`, a user access token); \
            app-only endpoints are methods of `Helix<App>` (`Helix::app`, the client-credentials grant)"
)]
pub trait Permits<C: AuthClassMarker>: TokenKind {}

impl Permits<User> for User {}
impl Permits<App> for App {}
impl Permits<AppOrUser> for App {}
impl Permits<AppOrUser> for User {}
