//! Shared state of one collection run: the request semaphore, counters and the gaps.
//!
//! Every AWS request goes through [`Ctx::permit`], so `--concurrency` bounds the
//! requests in flight across all accounts, regions and services, and the counters
//! feed the progress display. Every failure becomes a [`Gap`]: collection goes on
//! and the evaluator turns the rules that needed the data into `unknown`.

use super::progress::Progress;
use crate::inventory::Gap;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tokio::sync::{Semaphore, SemaphorePermit};

pub(crate) struct Ctx {
    semaphore: Semaphore,
    pacer: super::pacing::Pacer,
    requests: AtomicU64,
    errors: AtomicU64,
    gaps: Mutex<Vec<Gap>>,
    pub(crate) progress: Progress,
}

impl Ctx {
    pub(crate) fn new(concurrency: usize, progress: Progress) -> Ctx {
        Ctx {
            semaphore: Semaphore::new(concurrency.max(1)),
            pacer: super::pacing::Pacer::default(),
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            gaps: Mutex::new(Vec::new()),
            progress,
        }
    }

    /// Waits for a free request slot; hold the permit while the request runs.
    pub(crate) async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        let permit = self.semaphore.acquire().await.ok();
        self.count_request();
        permit
    }

    fn count_request(&self) {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress
            .requests(n, self.errors.load(Ordering::Relaxed));
    }

    /// Runs one request under a permit.
    pub(crate) async fn send<F: std::future::Future>(&self, request: F) -> F::Output {
        let _permit = self.permit().await;
        request.await
    }

    /// Runs one request of an operation AWS rate-limits per account, waiting for
    /// its turn first (without holding a request slot, so other reads go on).
    pub(crate) async fn send_paced<F: std::future::Future>(
        &self,
        account: &str,
        operation: &'static str,
        request: F,
    ) -> F::Output {
        // The turn is checked again once a request slot is free: waiting for the
        // slot may have let several turns pass, and they must not go out at once.
        self.pacer.wait(account, operation).await;
        loop {
            let permit = self.semaphore.acquire().await.ok();
            match self.pacer.take(account, operation) {
                Ok(()) => {
                    self.count_request();
                    let out = request.await;
                    drop(permit);
                    return out;
                }
                Err(at) => {
                    drop(permit);
                    tokio::time::sleep_until(at).await;
                }
            }
        }
    }

    /// Records what could not be read. `what` names the operation (and resource).
    pub(crate) fn gap(
        &self,
        account_id: &str,
        region: Option<&str>,
        service: &str,
        failure: Failure,
        what: &str,
    ) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        // `what` starts with the operation name (`DescribeKey arn:...`).
        let operation = what
            .split_whitespace()
            .next()
            .filter(|op| op.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(str::to_string);
        let gap = Gap {
            account_id: account_id.to_string(),
            region: region.map(str::to_string),
            service: service.to_string(),
            operation,
            error_code: failure.code,
            message: format!("{what}: {}", failure.message),
        };
        self.gaps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(gap);
    }

    pub(crate) fn take_gaps(&self) -> Vec<Gap> {
        std::mem::take(&mut *self.gaps.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// An AWS error reduced to what a report needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The AWS error code, or `Timeout`, `ConnectionError`, `HTTP<status>`, ...
    pub code: String,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Failure {
        Failure {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Error code of a response that could not be parsed (garbage, HTML or truncated
/// body with a success status): not "operation not available", a broken answer.
pub(crate) const MALFORMED: &str = "MalformedResponse";

/// Classifies an SDK error by its AWS error code; transport failures get codes of
/// their own so a report can tell "denied" from "unreachable".
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::TimeoutError(_) => Failure::new("Timeout", "the request timed out"),
        SdkError::DispatchFailure(d) => {
            let code = if d.is_timeout() {
                "Timeout"
            } else {
                "ConnectionError"
            };
            Failure::new(code, one_line(&DisplayErrorContext(err).to_string()))
        }
        SdkError::ConstructionFailure(_) => Failure::new(
            "ConstructionFailure",
            one_line(&DisplayErrorContext(err).to_string()),
        ),
        // A success status whose body could not be parsed at all: garbage, HTML,
        // truncated. (An error status with such a body is `HTTP<status>` below.)
        SdkError::ResponseError(_)
            if err
                .raw_response()
                .is_none_or(|r| (200..300).contains(&r.status().as_u16())) =>
        {
            Failure::new(
                MALFORMED,
                format!(
                    "the response could not be parsed as this operation's AWS shape: {}",
                    one_line(&DisplayErrorContext(err).to_string())
                ),
            )
        }
        _ => {
            let status = err.raw_response().map(|r| r.status().as_u16());
            let code = match (err.code(), status) {
                (Some(code), _) if !code.is_empty() => code.to_string(),
                // A success status with a body the SDK could not read is not an
                // operation that is missing: it is a broken answer.
                (_, Some(status)) if (200..300).contains(&status) => MALFORMED.to_string(),
                (_, Some(status)) => format!("HTTP{status}"),
                _ => "ResponseError".to_string(),
            };
            let message = match err.message() {
                Some(m) if !m.is_empty() => m.to_string(),
                _ if code == MALFORMED => format!(
                    "HTTP {} with a body that is not this operation's AWS shape: {}",
                    status.unwrap_or_default(),
                    one_line(&DisplayErrorContext(err).to_string())
                ),
                _ => match status {
                    Some(s) => format!("HTTP {s} with no AWS error code (operation not available at this endpoint?)"),
                    None => one_line(&DisplayErrorContext(err).to_string()),
                },
            };
            Failure {
                code,
                message: one_line(&message),
            }
        }
    }
}

/// Reports are line-oriented: keep messages on one line and of bounded length.
fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 400 {
        flat.chars().take(400).collect::<String>() + "..."
    } else {
        flat
    }
}

/// Pages of a paginator, each fetched under a request permit. Stops at the first
/// error and returns it with the pages read so far.
macro_rules! pages {
    ($ctx:expr, $stream:expr) => {{
        let mut stream = $stream;
        let mut out = Vec::new();
        let mut failed = None;
        loop {
            let next = {
                let _permit = $ctx.permit().await;
                stream.next().await
            };
            match next {
                None => break,
                Some(Ok(page)) => out.push(page),
                Some(Err(e)) => {
                    failed = Some($crate::collect::gaps::classify(&e));
                    break;
                }
            }
        }
        match failed {
            Some(f) => Err((out, f)),
            None => Ok(out),
        }
    }};
}
pub(crate) use pages;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_flattened_and_bounded() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        assert_eq!(one_line(&"x".repeat(500)).len(), 403);
    }
}
