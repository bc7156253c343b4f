//! Pacing for the operations AWS limits to a few calls per second per account.
//!
//! DynamoDB documents DescribeContinuousBackups (and ListTagsOfResource, which the
//! scan no longer calls: tags come from the Tagging API) at about 10
//! calls per second per account. With dozens of requests in flight, an account
//! with hundreds of tables would otherwise spend its retries within a second and
//! turn every table after that into an unknown. Each (account, operation) gets a
//! small burst, then evenly spaced turns below the limit (a generic cell rate
//! algorithm: a burst of [`PACED_BURST`], then [`PACED_PER_SECOND`] a second);
//! everything else runs at full concurrency.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Calls per second per account of the paced operations, with headroom under
/// AWS's documented 10 so retries and clock jitter stay inside the limit.
pub(crate) const PACED_PER_SECOND: u32 = 8;

/// Calls that may go out at once before the spacing starts. AWS meters calls with
/// token buckets (a full bucket of about a second's worth of calls, refilled at the
/// limit): this burst plus the steady rate never empties a 10-call bucket refilled
/// at 10 a second, and leaves two calls of it for retries.
pub(crate) const PACED_BURST: u32 = 8;

type Key = (String, &'static str);

#[derive(Default)]
pub(crate) struct Pacer {
    /// Theoretical arrival time of the next turn handed out, per key.
    turns: Mutex<HashMap<Key, Instant>>,
    /// The same for requests that really went out.
    sent: Mutex<HashMap<Key, Instant>>,
}

fn interval() -> Duration {
    Duration::from_secs(1) / PACED_PER_SECOND
}

/// How far ahead of its theoretical time a call may go: the burst.
fn tolerance() -> Duration {
    interval() * (PACED_BURST - 1)
}

/// One step of the cell rate algorithm: when a call arriving `now` may go, and
/// the key's next theoretical time once it has.
fn schedule(tat: Option<Instant>, now: Instant) -> (Instant, Instant) {
    let tat = tat.unwrap_or(now).max(now);
    let at = tat.checked_sub(tolerance()).unwrap_or(now).max(now);
    (at, tat + interval())
}

impl Pacer {
    /// Waits until this call's turn for (account, operation).
    pub(crate) async fn wait(&self, account: &str, operation: &'static str) {
        let at = {
            let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
            let key = (account.to_string(), operation);
            let (at, next) = schedule(turns.get(&key).copied(), Instant::now());
            turns.insert(key, next);
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// Whether a request may go out now, counting only the requests that did: if
    /// so it is recorded as sent, else the instant it may go is returned. Checked
    /// once a request slot is free, since waiting for the slot may have let several
    /// turns bunch up.
    pub(crate) fn take(&self, account: &str, operation: &'static str) -> Result<(), Instant> {
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        let key = (account.to_string(), operation);
        let now = Instant::now();
        let (at, next) = schedule(sent.get(&key).copied(), now);
        if at > now {
            return Err(at);
        }
        sent.insert(key, next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_are_spaced_per_account_and_operation_after_a_burst() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for _ in 0..PACED_BURST {
            pacer.wait("111111111111", "ListTagsOfResource").await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(50),
            "the burst waits for nothing"
        );
        for _ in 0..PACED_PER_SECOND {
            pacer.wait("111111111111", "ListTagsOfResource").await;
        }
        let one_account = start.elapsed();
        assert!(one_account >= Duration::from_millis(990), "{one_account:?}");
        // Another account and another operation start at once.
        let t = Instant::now();
        pacer.wait("222222222222", "ListTagsOfResource").await;
        pacer
            .wait("111111111111", "DescribeContinuousBackups")
            .await;
        assert!(t.elapsed() < Duration::from_millis(50));
    }

    #[test]
    fn no_more_than_the_burst_goes_out_at_once() {
        let pacer = Pacer::default();
        for _ in 0..PACED_BURST {
            assert!(pacer.take("111111111111", "ListTagsOfResource").is_ok());
        }
        let later = pacer
            .take("111111111111", "ListTagsOfResource")
            .expect_err("beyond the burst");
        assert!(later > Instant::now() && later <= Instant::now() + interval());
        assert!(pacer
            .take("111111111111", "DescribeContinuousBackups")
            .is_ok());
        assert!(pacer.take("222222222222", "ListTagsOfResource").is_ok());
    }
}
