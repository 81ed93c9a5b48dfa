//! Getting one prepared request answered: the rate-limit bucket of its token,
//! the HTTP exchange (with the connect and total timeouts of the one
//! HTTP client, http_client.rs), and the retries `retry` allows. Each exchange is logged
//! at debug level (`ttv -v`): method, path, status, rate-limit figures and
//! retry decisions, with the token and any secret-looking query value redacted.
//! Every call has a total deadline ([`crate::Config::deadline`]) over all of it.

pub(crate) mod ratelimit;
pub(crate) mod retry;

use crate::client::Inner;
use crate::config::{Wait, WaitHook, WaitReason};
use crate::http_client::Outgoing;
use crate::input::Prepared;
use crate::request::Target;
use crate::response::RateLimit;
use crate::Error;
use retry::Reason;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ttv_meta::HttpMethod;

/// The longest URL (path and query) sent: servers refuse longer request
/// lines (8 KiB is the common bound), and a request that long is a mistake
/// in the input, not something to send and retry.
const MAX_URL_LEN: usize = 8 * 1024;

/// One answer as it came: status, rate-limit figures, body.
struct Answer {
    status: u16,
    figures: Option<RateLimit>,
    body: Vec<u8>,
}

/// The pauses of one call, for the message of [`Error::Deadline`].
#[derive(Default)]
struct Waits {
    total_ms: AtomicU64,
    last: Mutex<String>,
}

impl Waits {
    /// Counts a pause about to be taken and tells [`crate::Config::on_wait`].
    fn note(&self, hook: Option<&WaitHook>, target: &Target<'_>, duration: Duration, reason: WaitReason) {
        self.total_ms.fetch_add(duration.as_millis() as u64, Ordering::Relaxed);
        let described = match &reason {
            WaitReason::RateLimited => "rate limited".to_owned(),
            WaitReason::Retry(why) => format!("retrying after {why}"),
        };
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = described;
        WaitHook::notify(hook, &Wait { endpoint: target.short().into_owned(), duration, reason });
    }

    fn last(&self) -> String {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if last.is_empty() {
            "waiting for an answer".into()
        } else {
            last
        }
    }
}

impl Inner {
    /// Sends `prepared`, waiting for the token's rate-limit bucket and retrying
    /// what may be retried, all within [`crate::Config::deadline`]. Returns the
    /// final status and body; statuses that were retried until the budget ran
    /// out come back as they were (a 5xx becomes [`Error::Helix`] upstream),
    /// except 429, which is [`Error::RateLimited`].
    pub(crate) async fn transport(
        &self,
        target: &Target<'_>,
        prepared: &Prepared,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let waits = Waits::default();
        let started = Instant::now();
        match tokio::time::timeout(self.config.deadline, self.attempts(target, prepared, token, &waits)).await {
            Ok(result) => result,
            Err(_) => {
                let waited = Duration::from_millis(waits.total_ms.load(Ordering::Relaxed)).min(started.elapsed());
                Err(Error::Deadline {
                    endpoint: target.label(),
                    deadline: self.config.deadline.as_secs(),
                    waited: waited.as_secs(),
                    reason: waits.last(),
                })
            }
        }
    }

    /// The attempts of [`Inner::transport`], without the deadline.
    ///
    /// Two budgets: [`crate::Config::max_retries`] bounds retries after 5xx,
    /// network errors, timeouts and 429s that name no reset; a 429 with
    /// `Ratelimit-*` figures of an empty bucket (another process drained the
    /// shared bucket) is waited out and sent again without using it, bounded
    /// by the deadline. A 429 while the bucket still has points is a limit of
    /// the endpoint itself (EventSub's subscription cost, ...): not retried.
    async fn attempts(
        &self,
        target: &Target<'_>,
        prepared: &Prepared,
        token: Option<&str>,
        waits: &Waits,
    ) -> Result<(u16, Vec<u8>), Error> {
        let key = ratelimit::bucket_key(token);
        let idempotent = target.method.is_idempotent();
        let max = self.config.max_retries;
        let hook = self.config.on_wait.as_ref();
        let short = target.short();
        let on_reset_wait = |wait: Duration| waits.note(hook, target, wait, WaitReason::RateLimited);
        let mut retries = 0u32;
        let mut rate_limited = 0u32;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let permit = self.limiter.acquire(key, &short, &on_reset_wait).await;
            let (reason, wait) = match self.exchange(target, prepared, token, attempt).await {
                Ok(answer) => {
                    permit.answered(answer.figures);
                    let Some(reason) = retry::retry_status(answer.status, idempotent) else {
                        return Ok((answer.status, answer.body));
                    };
                    match answer.figures.filter(|_| answer.status == 429) {
                        // Points left: not the bucket but a limit of the
                        // endpoint (EventSub's cost or count, ...); waiting
                        // changes nothing, so Twitch's answer is the error.
                        Some(figures) if figures.remaining > 0 => return Ok((answer.status, answer.body)),
                        Some(figures) => {
                            rate_limited += 1;
                            // The limiter holds the next attempt until a reset
                            // that lies ahead (at most one window away); a reset
                            // already past gets a backoff, never an instant resend.
                            let reset_ahead = figures.remaining == 0 && figures.reset > ratelimit::unix_now().as_secs();
                            let wait =
                                if reset_ahead { Duration::ZERO } else { retry::backoff(&self.config, rate_limited) };
                            (reason, wait)
                        }
                        None => {
                            if retries >= max {
                                tracing::debug!(method = target.method.as_str(), path = %prepared.path, %reason, retries, "helix giving up");
                                if answer.status == 429 {
                                    return Err(Error::RateLimited { endpoint: target.label(), retries });
                                }
                                return Ok((answer.status, answer.body));
                            }
                            retries += 1;
                            (reason, retry::backoff(&self.config, retries))
                        }
                    }
                }
                Err(e) => {
                    drop(permit);
                    match retry::retry_error(&e, idempotent) {
                        Some(reason) if retries < max => {
                            retries += 1;
                            (reason, retry::backoff(&self.config, retries))
                        }
                        _ => return Err(e),
                    }
                }
            };
            log_retry(target, prepared, &reason, attempt, max, wait);
            if !wait.is_zero() {
                let why = match reason {
                    Reason::TooManyRequests => WaitReason::RateLimited,
                    other => WaitReason::Retry(other.to_string()),
                };
                waits.note(hook, target, wait, why);
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// One HTTP exchange, logged.
    async fn exchange(
        &self,
        target: &Target<'_>,
        prepared: &Prepared,
        token: Option<&str>,
        attempt: u32,
    ) -> Result<Answer, Error> {
        let url = format!("{}{}{}", self.config.helix_url, prepared.path, query_string(&prepared.query));
        let method = match target.method {
            HttpMethod::Get => http::Method::GET,
            HttpMethod::Post => http::Method::POST,
            HttpMethod::Put => http::Method::PUT,
            HttpMethod::Patch => http::Method::PATCH,
            HttpMethod::Delete => http::Method::DELETE,
        };
        let mut req = Outgoing::new(method, &url).header("client-id", &self.config.client_id);
        if let Some(token) = token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if let Some(body) = &prepared.body {
            req = req.body("application/json", serde_json::to_vec(body).expect("a JSON value serializes"));
        }
        let started = Instant::now();
        let sent_len = url.len().saturating_sub(self.config.helix_url.len());
        if sent_len > MAX_URL_LEN {
            return Err(Error::InvalidInput {
                endpoint: if target.name.is_empty() { "Raw request" } else { target.name },
                message: format!(
                    "the request's path and query would be {sent_len} bytes long, over the {MAX_URL_LEN} bytes \
                     servers accept; send fewer or shorter values"
                ),
            });
        }
        tracing::debug!(
            method = target.method.as_str(),
            target = %redacted_target(prepared),
            authorization = if token.is_some() { "Bearer [redacted]" } else { "none" },
            attempt,
            "helix send"
        );
        let answer = match self.http.send(&target.short(), &self.config, req).await {
            Ok(answer) => answer,
            Err(e) => return Err(self.transport_error(target, prepared, started, e)),
        };
        let status = answer.status;
        let figures = ratelimit::figures(&answer.headers);
        let now = ratelimit::unix_now().as_secs();
        tracing::debug!(
            method = target.method.as_str(),
            path = %prepared.path,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            ratelimit = %figures.map(|f| format!("{}/{}", f.remaining, f.limit)).unwrap_or_else(|| "-".into()),
            reset_in_s = figures.map(|f| f.reset.saturating_sub(now)).unwrap_or(0),
            "helix request"
        );
        Ok(Answer { status, figures, body: answer.body })
    }

    fn transport_error(&self, target: &Target<'_>, prepared: &Prepared, started: Instant, error: Error) -> Error {
        tracing::debug!(
            method = target.method.as_str(),
            path = %prepared.path,
            elapsed_ms = started.elapsed().as_millis() as u64,
            error = %error,
            "helix request failed"
        );
        error
    }
}

fn log_retry(target: &Target<'_>, prepared: &Prepared, reason: &Reason, attempt: u32, max: u32, wait: Duration) {
    tracing::debug!(
        method = target.method.as_str(),
        path = %prepared.path,
        %reason,
        attempt,
        max,
        wait_ms = wait.as_millis() as u64,
        until_reset = wait.is_zero(),
        "helix retry"
    );
}

/// `?k=v&k2=v2`, every key and value percent-encoded; empty without pairs.
fn query_string(query: &[(std::borrow::Cow<'static, str>, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&ttv_meta::form::encode(k));
        out.push('=');
        out.push_str(&ttv_meta::form::encode(v));
    }
    out
}

/// Query keys whose values are never logged.
const SECRET_KEYS: [&str; 6] = ["token", "secret", "code", "password", "jwt", "key"];

/// The path and query as logged: values of secret-looking keys are replaced.
fn redacted_target(prepared: &Prepared) -> String {
    let mut out = prepared.path.clone();
    for (i, (k, v)) in prepared.query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        let lower = k.to_ascii_lowercase();
        if SECRET_KEYS.iter().any(|s| lower.contains(s)) {
            out.push_str("[redacted]");
        } else {
            out.push_str(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_targets_hide_secret_looking_values() {
        let p = Prepared {
            path: "/users".into(),
            query: vec![
                ("login".into(), "ninja".into()),
                ("refresh_token".into(), "abc".into()),
                ("code".into(), "xyz".into()),
            ],
            body: None,
        };
        assert_eq!(redacted_target(&p), "/users?login=ninja&refresh_token=[redacted]&code=[redacted]");
    }
}
