//! The two types every generated method hangs on: `Helix<T>` (the client) and
//! `Call` (one request being built). Rust lets only the crate that defines a
//! type add inherent methods to it, so they are defined in the generated crate
//! as thin wrappers; everything they do is the runtime's `Client` and its
//! `send` / `pages` / `items`. This part is the same for every spec.

use proc_macro2::TokenStream;
use quote::quote;

/// The `Helix<T>` and `Call` types, the same for every spec.
pub fn client_shell() -> TokenStream {
    quote! {
        /// A Helix client holding an app token (`Helix<App>`), a user token
        /// (`Helix<User>`) or an extension JWT (`Helix<Extension>`).
        ///
        /// Cloning is cheap; clones share the connection pool, the token and the
        /// rate-limit figures. The endpoint methods are generated from the spec,
        /// and one that needs another kind of token does not compile. Everything
        /// else (`validate`, `send`, `pages`, `rate_limit`, ...) is the runtime's
        /// [`Client`], reached through `Deref`.
        pub struct Helix<T: ttv_runtime::TokenKind>(ttv_runtime::Client<T>);

        impl<T: ttv_runtime::TokenKind> Clone for Helix<T> {
            fn clone(&self) -> Self {
                Helix(self.0.clone())
            }
        }

        impl<T: ttv_runtime::TokenKind> std::fmt::Debug for Helix<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<T: ttv_runtime::TokenKind> std::ops::Deref for Helix<T> {
            type Target = ttv_runtime::Client<T>;
            fn deref(&self) -> &ttv_runtime::Client<T> {
                &self.0
            }
        }

        impl<T: ttv_runtime::TokenKind> From<ttv_runtime::Client<T>> for Helix<T> {
            fn from(client: ttv_runtime::Client<T>) -> Self {
                Helix(client)
            }
        }

        impl Helix<ttv_runtime::App> {
            /// A client that gets app tokens with the client-credentials grant
            /// (see [`Client::app`]).
            pub fn app(config: ttv_runtime::Config) -> Result<Self, ttv_runtime::Error> {
                ttv_runtime::Client::app(config).map(Helix)
            }
        }

        impl Helix<ttv_runtime::Extension> {
            /// A client for the extension endpoints (see
            /// [`Client::extension`]).
            pub fn extension(
                config: ttv_runtime::Config,
                jwt: ttv_runtime::ExtensionJwt,
            ) -> Result<Self, ttv_runtime::Error> {
                ttv_runtime::Client::extension(config, jwt).map(Helix)
            }
        }

        impl Helix<ttv_runtime::User> {
            /// A client for a user access token, validated now (see
            /// [`Client::user`]).
            pub async fn user(
                config: ttv_runtime::Config,
                token: ttv_runtime::Secret,
            ) -> Result<Self, ttv_runtime::Error> {
                ttv_runtime::Client::user(config, token).await.map(Helix)
            }

            /// A client for the token stored under `profile`, refreshing itself
            /// (see [`Client::user_from_store`]).
            pub async fn user_from_store(
                config: ttv_runtime::Config,
                store: std::sync::Arc<dyn ttv_runtime::TokenStore>,
                profile: &str,
            ) -> Result<Self, ttv_runtime::Error> {
                ttv_runtime::Client::user_from_store(config, store, profile).await.map(Helix)
            }

            /// A client for any [`UserTokenSource`]
            /// (see [`Client::user_with`]).
            pub async fn user_with(
                config: ttv_runtime::Config,
                source: ttv_runtime::UserTokenSource,
            ) -> Result<Self, ttv_runtime::Error> {
                ttv_runtime::Client::user_with(config, source).await.map(Helix)
            }
        }

        /// A request being built: set optional parameters, then [`send`](Call::send).
        #[must_use = "a call does nothing until it is sent"]
        pub struct Call<'a, T: ttv_runtime::TokenKind, E> {
            client: &'a ttv_runtime::Client<T>,
            request: E,
        }

        impl<'a, T: ttv_runtime::TokenKind, E: ttv_runtime::Endpoint> Call<'a, T, E> {
            fn new(client: &'a ttv_runtime::Client<T>, request: E) -> Self {
                Call { client, request }
            }

            /// The request as it stands.
            pub fn request(&self) -> &E {
                &self.request
            }

            /// The request, to send later with [`Client::send`].
            pub fn into_request(self) -> E {
                self.request
            }

            /// Sends the request and decodes the answer.
            pub async fn send(self) -> Result<E::Output, ttv_runtime::Error>
            where
                T: ttv_runtime::Permits<E::Auth>,
            {
                self.client.send(&self.request).await
            }

            /// Sends the request and returns the whole JSON answer as Twitch sent it.
            pub async fn send_json(self) -> Result<serde_json::Value, ttv_runtime::Error>
            where
                T: ttv_runtime::Permits<E::Auth>,
            {
                self.client.send_json(&self.request).await
            }
        }

        impl<T: ttv_runtime::TokenKind, E: ttv_runtime::Paginated> Call<'_, T, E> {
            /// Every page, following cursors lazily (see [`Client::pages`]).
            pub fn pages(
                self,
            ) -> impl ttv_runtime::Stream<Item = Result<ttv_runtime::Response<E::Item>, ttv_runtime::Error>> + Send + 'static
            where
                T: ttv_runtime::Permits<E::Auth>,
            {
                self.client.pages(&self.request)
            }

            /// Every item of every page, lazily; `.take(n)` caps it (see
            /// [`Client::items`]).
            pub fn items(self) -> impl ttv_runtime::Stream<Item = Result<E::Item, ttv_runtime::Error>> + Send + 'static
            where
                T: ttv_runtime::Permits<E::Auth>,
            {
                self.client.items(&self.request)
            }
        }
    }
}
