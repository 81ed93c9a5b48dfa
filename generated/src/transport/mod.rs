//! Getting one prepared request answered: the rate-limit bucket of its token,
//! the HTTP exchange (with the connect and total timeouts of the one
//! `reqwest` client), and the retries `retry` allows. Each exchange is logged
//! at debug level (`ttv -v`): method, path, status, rate-limit figures and
//! retry decisions, with the token and any secret-looking query value redacted.

pub(crate) mod ratelimit;
pub(crate) mod retry;

use crate::client::Inner;
use crate::input::Prepared;
use crate::meta::HttpMethod;
use crate::request::Target;
use crate::response::RateLimit;
use crate::Error;
use retry::Reason;
use std::time::{Duration, Instant};

/// One answer as it came: status, rate-limit figures, body.
struct Answer {
    status: u16,
    figures: Option<RateLimit>,
    body: Vec<u8>,
}

impl Inner {
    /// Sends `prepared`, waiting for the token's rate-limit bucket and retrying
    /// what may be retried. Returns the final status and body; statuses that
    /// were retried until the budget ran out come back as they were (a 5xx
    /// becomes [`Error::Helix`] upstream), except 429, which is
    /// [`Error::RateLimited`].
    pub(crate) async fn transport(
        &self,
        target: &Target<'_>,
        prepared: &Prepared,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let key = ratelimit::bucket_key(token);
        let idempotent = target.method.is_idempotent();
        let max = self.config.max_retries;
        let mut retries = 0u32;
        loop {
            let permit = self.limiter.acquire(key, &target.short()).await;
            let (reason, limiter_waits) = match self.exchange(target, prepared, token, retries + 1).await {
                Ok(answer) => {
                    permit.answered(answer.figures);
                    let Some(reason) = retry::retry_status(answer.status, idempotent) else {
                        return Ok((answer.status, answer.body));
                    };
                    if retries >= max {
                        tracing::debug!(method = target.method.as_str(), path = %prepared.path, %reason, retries, "helix giving up");
                        if answer.status == 429 {
                            return Err(Error::RateLimited {
                                endpoint: target.label(),
                                retries,
                                reset: answer.figures.map(|f| f.reset),
                            });
                        }
                        return Ok((answer.status, answer.body));
                    }
                    // A 429 that says the bucket is empty: the limiter holds the
                    // next attempt until the reset it named.
                    let limiter_waits = answer.status == 429 && answer.figures.is_some_and(|f| f.remaining == 0);
                    (reason, limiter_waits)
                }
                Err(e) => {
                    drop(permit);
                    match retry::retry_error(&e, idempotent) {
                        Some(reason) if retries < max => (reason, false),
                        _ => return Err(e),
                    }
                }
            };
            retries += 1;
            let wait = if limiter_waits { Duration::ZERO } else { retry::backoff(&self.config, retries) };
            log_retry(target, prepared, &reason, retries, max, wait, limiter_waits);
            if !wait.is_zero() {
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
        let url = format!("{}{}", self.config.helix_url, prepared.path);
        let method = match target.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let mut req =
            self.http.request(method, &url).query(&prepared.query).header("Client-Id", &self.config.client_id);
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(body) = &prepared.body {
            req = req.json(body);
        }
        tracing::debug!(
            method = target.method.as_str(),
            target = %redacted_target(prepared),
            authorization = if token.is_some() { "Bearer [redacted]" } else { "none" },
            attempt,
            "helix send"
        );
        let started = Instant::now();
        let resp = req.send().await.map_err(|e| self.transport_error(target, prepared, started, e))?;
        let status = resp.status().as_u16();
        let figures = ratelimit::figures(resp.headers());
        let body = resp.bytes().await.map_err(|e| self.transport_error(target, prepared, started, e))?;
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
        Ok(Answer { status, figures, body: body.to_vec() })
    }

    fn transport_error(&self, target: &Target<'_>, prepared: &Prepared, started: Instant, e: reqwest::Error) -> Error {
        let error = Error::from_reqwest(&target.short(), self.config.timeout, e);
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

fn log_retry(
    target: &Target<'_>,
    prepared: &Prepared,
    reason: &Reason,
    retry: u32,
    max: u32,
    wait: Duration,
    limiter_waits: bool,
) {
    tracing::debug!(
        method = target.method.as_str(),
        path = %prepared.path,
        %reason,
        retry,
        max,
        wait_ms = wait.as_millis() as u64,
        until_reset = limiter_waits,
        "helix retry"
    );
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
