//! HTTP with retries, backoff, gzip, and (for tests) injected faults.

use std::io::Write;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;

use super::{ClientConfig, ClientError};
use crate::v1::{ErrorBody, Mutation, PATH_PREFIX, PullResponse, PushRequest, PushResponse};

/// Bodies at least this large are sent gzip-compressed.
const GZIP_FROM_BYTES: usize = 1024;

/// Faults to inject, each with a probability per request. The request still reaches the real
/// server; only what the client sees is disturbed, as on a link that drops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultPlan {
    /// The server processes the request, but its answer is lost.
    pub drop_response: f64,
    /// The request is sent twice at once (a retry racing the original).
    pub duplicate_request: f64,
    /// Seed of the fault generator, for reproducible runs.
    pub seed: u64,
}

/// A parsed answer: success, or a refusal that retrying will not fix.
pub(super) enum Response<T> {
    Ok(T),
    Refused(u16, ErrorBody),
}

/// One attempt's outcome.
enum Attempt<T> {
    Done(Response<T>),
    /// Retry after at least this long (from `Retry-After`), or after the backoff.
    Retry(Option<Duration>, String),
}

pub(super) struct Transport {
    http: reqwest::Client,
    base: String,
    token: String,
    max_attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
    faults: Option<(FaultPlan, StdRng)>,
    /// How many faults were injected so far.
    pub(super) injected: u64,
    jitter: StdRng,
}

impl Transport {
    pub(super) fn new(config: &ClientConfig) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_mins(1))
            .build()
            .map_err(|e| ClientError::Protocol(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            base: format!("{}{PATH_PREFIX}", config.base_url.trim_end_matches('/')),
            token: config.token.clone(),
            max_attempts: config.max_attempts.max(1),
            backoff: config.backoff,
            max_backoff: config.max_backoff,
            faults: None,
            injected: 0,
            jitter: StdRng::from_os_rng(),
        })
    }

    pub(super) fn set_faults(&mut self, plan: FaultPlan) {
        self.faults = Some((plan, StdRng::seed_from_u64(plan.seed)));
    }

    pub(super) async fn push(
        &mut self,
        request: &PushRequest<Mutation>,
    ) -> Result<Response<PushResponse>, ClientError> {
        let json = serde_json::to_vec(request).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let (body, gzip) = if json.len() >= GZIP_FROM_BYTES {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&json)?;
            (encoder.finish()?, true)
        } else {
            (json, false)
        };
        let url = format!("{}/sync/push", self.base);
        self.with_retries(|t| {
            let mut req = t
                .http
                .post(&url)
                .bearer_auth(&t.token)
                .header(CONTENT_TYPE, "application/json");
            if gzip {
                req = req.header(CONTENT_ENCODING, "gzip");
            }
            req.body(body.clone())
        })
        .await
    }

    pub(super) async fn pull(
        &mut self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Response<PullResponse>, ClientError> {
        let url = format!("{}/sync/pull", self.base);
        let mut query = vec![("limit", limit.to_string())];
        if let Some(c) = cursor {
            query.push(("cursor", c.to_owned()));
        }
        self.with_retries(|t| t.http.get(&url).bearer_auth(&t.token).query(&query))
            .await
    }

    async fn with_retries<T: DeserializeOwned>(
        &mut self,
        build: impl Fn(&Self) -> reqwest::RequestBuilder,
    ) -> Result<Response<T>, ClientError> {
        let mut last = String::new();
        let mut wait = None;
        for attempt in 0..self.max_attempts {
            if let Some(wait) = wait.take() {
                tokio::time::sleep(wait).await;
            }
            match self.attempt(&build).await {
                Attempt::Done(response) => return Ok(response),
                Attempt::Retry(retry_after, why) => {
                    tracing::debug!(attempt, %why, "request failed; will retry");
                    wait = Some(match retry_after {
                        Some(after) => after.min(self.max_backoff),
                        None => self.backoff_for(attempt),
                    });
                    last = why;
                }
            }
        }
        Err(ClientError::Offline {
            attempts: self.max_attempts,
            last,
        })
    }

    /// Exponential backoff with jitter: base × 2^attempt × [0.5, 1), capped.
    fn backoff_for(&mut self, attempt: u32) -> Duration {
        let exp = self
            .backoff
            .saturating_mul(1 << attempt.min(16))
            .min(self.max_backoff);
        exp.mul_f64(self.jitter.random_range(0.5..1.0))
    }

    async fn attempt<T: DeserializeOwned>(
        &mut self,
        build: &impl Fn(&Self) -> reqwest::RequestBuilder,
    ) -> Attempt<T> {
        let (drop_response, duplicate) = match &mut self.faults {
            Some((plan, rng)) => (
                rng.random_bool(plan.drop_response),
                rng.random_bool(plan.duplicate_request),
            ),
            None => (false, false),
        };
        self.injected += u64::from(drop_response) + u64::from(duplicate);
        let sent = if duplicate {
            let (a, b) = tokio::join!(build(self).send(), build(self).send());
            // Keep whichever answer came back as the one the client sees.
            if b.is_ok() { b } else { a }
        } else {
            build(self).send().await
        };
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Attempt::Retry(None, format!("transport: {e}")),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return Attempt::Retry(None, format!("reading answer: {e}")),
        };
        if drop_response {
            return Attempt::Retry(None, "simulated: answer lost".to_owned());
        }
        if status.is_success() {
            return match serde_json::from_slice(&bytes) {
                Ok(v) => Attempt::Done(Response::Ok(v)),
                Err(e) => Attempt::Retry(None, format!("unreadable answer: {e}")),
            };
        }
        if status == StatusCode::SERVICE_UNAVAILABLE
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_server_error()
        {
            return Attempt::Retry(retry_after, format!("server answered {status}"));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => Attempt::Done(Response::Refused(status.as_u16(), body)),
            Err(_) => Attempt::Retry(
                None,
                format!("server answered {status} without an error body"),
            ),
        }
    }
}
