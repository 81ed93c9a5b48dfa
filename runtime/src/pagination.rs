//! Following cursors. One call (`Call::send`) returns one page and its
//! cursor ([`Response::cursor`]); `Call::pages` and `Call::items` (in ttv-helix) are lazy
//! streams that ask for the next page only when the previous one has been
//! consumed, so memory holds one page whatever the item count, and stopping
//! early (`.take(n)`) sends no further request. With ttv-helix's generated
//! methods (this crate has no endpoints of its own):
//!
//! ```text
//! use futures_util::TryStreamExt;
//! let mut streams = std::pin::pin!(helix.get_streams().first(100).items());
//! while let Some(stream) = streams.try_next().await? {
//!     println!("{} {}", stream.user_login, stream.viewer_count);
//! }
//! ```
//!
//! A stream ends when an answer has no cursor, an empty page, or the cursor
//! it was sent with (Twitch sometimes sends a cursor with the last, empty
//! page). Each page goes through the same transport as any call: rate limit,
//! retries, timeouts. An error ends the stream after it is yielded.

use crate::client::{Client, Inner};
use crate::input::{prepare, Prepared};
use crate::request::{json_answer, Decode, Endpoint};
use crate::response::Response;
use crate::token::{Permits, TokenKind};
use crate::Error;
use futures_util::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use ttv_meta::EndpointMeta;

/// Request types of endpoints that page with cursors; the generator marks them.
/// Only they have `Call::pages` and `Call::items`.
pub trait Paginated: Endpoint {}

/// Reads one page: the page, its cursor, and whether it held no item.
type Parse<P> = fn(&EndpointMeta, &[u8]) -> Result<(P, Option<String>, bool), Error>;

enum Next {
    First,
    After(String),
    Failed(Error),
    Done,
}

struct Pager<P> {
    inner: Arc<Inner>,
    meta: &'static EndpointMeta,
    prepared: Prepared,
    next: Next,
    parse: Parse<P>,
}

impl<P: Send + 'static> Pager<P> {
    fn stream(self) -> impl Stream<Item = Result<P, Error>> + Send + 'static {
        stream::unfold(self, |mut pager| async move {
            let sent_with = match std::mem::replace(&mut pager.next, Next::Done) {
                Next::Done => return None,
                Next::Failed(e) => return Some((Err(e), pager)),
                Next::First => None,
                Next::After(cursor) => {
                    pager.prepared.set_after(cursor.clone());
                    Some(cursor)
                }
            };
            let page = pager.inner.execute(pager.meta, &pager.prepared).await.and_then(|body| {
                let (page, cursor, empty) = (pager.parse)(pager.meta, &body)?;
                Ok((page, next_cursor(cursor, empty, sent_with.as_deref())))
            });
            match page {
                Ok((page, cursor)) => {
                    if let Some(cursor) = cursor {
                        pager.next = Next::After(cursor);
                    }
                    Some((Ok(page), pager))
                }
                Err(e) => Some((Err(e), pager)),
            }
        })
    }
}

/// The cursor to go on with after a page: none when the answer has none, the
/// page was empty, or it is the cursor the page was asked with (Twitch sends
/// one with the last, empty page now and then).
pub(crate) fn next_cursor(cursor: Option<String>, empty: bool, sent_with: Option<&str>) -> Option<String> {
    cursor.filter(|c| !c.is_empty() && !empty && Some(c.as_str()) != sent_with)
}

fn pager<T: TokenKind, E: Endpoint, P: Send + 'static>(
    client: &Client<T>,
    request: &E,
    parse: Parse<P>,
) -> impl Stream<Item = Result<P, Error>> + Send + 'static {
    let meta = E::meta();
    let (prepared, next) = match prepare(meta, request) {
        Ok(p) => (p, Next::First),
        Err(e) => (Prepared { path: String::new(), query: Vec::new(), body: None }, Next::Failed(e)),
    };
    Pager { inner: client.inner.clone(), meta, prepared, next, parse }.stream()
}

fn parse_typed<I: DeserializeOwned + Send + 'static>(
    meta: &EndpointMeta,
    body: &[u8],
) -> Result<(Response<I>, Option<String>, bool), Error> {
    let page = Response::<I>::decode(meta, body)?;
    let cursor = page.cursor().map(str::to_owned);
    let empty = page.data.is_empty();
    Ok((page, cursor, empty))
}

fn parse_json(meta: &EndpointMeta, body: &[u8]) -> Result<(Value, Option<String>, bool), Error> {
    let page = json_answer(meta, body)?;
    let (cursor, empty) = json_page_facts(&page);
    Ok((page, cursor, empty))
}

/// A JSON answer's cursor (an object's `cursor` or a bare string) and whether
/// its `data` held no item.
pub(crate) fn json_page_facts(page: &Value) -> (Option<String>, bool) {
    let cursor = match page.get("pagination") {
        Some(Value::String(c)) => Some(c.clone()),
        Some(p) => p.get("cursor").and_then(Value::as_str).map(str::to_owned),
        None => None,
    };
    let empty = match page.get("data") {
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Null) | None => true,
        Some(_) => false,
    };
    (cursor, empty)
}

impl<T: TokenKind> Client<T> {
    /// The pages of a paginated request, following cursors lazily. Starts at
    /// the request's own `after` cursor when it has one.
    pub fn pages<E: Paginated>(
        &self,
        request: &E,
    ) -> impl Stream<Item = Result<Response<E::Item>, Error>> + Send + 'static
    where
        T: Permits<E::Auth>,
    {
        pager(self, request, parse_typed::<E::Item>)
    }

    /// The items of every page, one by one.
    pub fn items<E: Paginated>(&self, request: &E) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static
    where
        T: Permits<E::Auth>,
    {
        self.pages(request).map_ok(|page| stream::iter(page.data.into_iter().map(Ok))).try_flatten()
    }

    /// The answers of any request as JSON, following cursors when the
    /// endpoint is paginated (one answer when it is not). For generic callers
    /// such as the CLI that do not know the endpoint's type.
    pub fn json_pages<E: Endpoint>(&self, request: &E) -> impl Stream<Item = Result<Value, Error>> + Send + 'static
    where
        T: Permits<E::Auth>,
    {
        pager(self, request, parse_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_followed_only_by_a_new_cursor_after_items() {
        let c = |s: &str| Some(s.to_owned());
        assert_eq!(next_cursor(c("b"), false, Some("a")), c("b"));
        assert_eq!(next_cursor(c("b"), false, None), c("b"));
        assert_eq!(next_cursor(None, false, Some("a")), None, "no cursor: the end");
        assert_eq!(next_cursor(c(""), false, None), None, "an empty cursor is none");
        assert_eq!(next_cursor(c("b"), true, None), None, "an empty page ends it");
        assert_eq!(next_cursor(c("a"), false, Some("a")), None, "the cursor it was asked with ends it");
    }

    #[test]
    fn set_after_replaces_after_and_before() {
        let mut p = Prepared {
            path: "/streams".into(),
            query: vec![("first".into(), "5".into()), ("before".into(), "x".into()), ("after".into(), "y".into())],
            body: None,
        };
        p.set_after("z".into());
        assert_eq!(p.after(), Some("z"));
        let keys: Vec<&str> = p.query.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["first", "after"]);
    }
}
