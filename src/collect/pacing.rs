//! Pacing for the operations AWS limits to a few calls per second per account.
//!
//! DynamoDB documents ListTagsOfResource and DescribeContinuousBackups at about 10
//! calls per second per account. With dozens of requests in flight, an account
//! with hundreds of tables would otherwise spend its retries within a second and
//! turn every table after that into an unknown. Each (account, operation) gets
//! evenly spaced slots below the limit; everything else runs at full concurrency.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Calls per second per account of the operations below, with headroom under
/// AWS's documented 10 so retries and clock jitter stay inside the limit.
pub(crate) const PACED_PER_SECOND: u32 = 8;

#[derive(Default)]
pub(crate) struct Pacer {
    /// Next free turn per (account, operation), handed out in order.
    next_slot: Mutex<HashMap<(String, &'static str), Instant>>,
    /// When a request of (account, operation) last went out.
    last_sent: Mutex<HashMap<(String, &'static str), Instant>>,
}

fn interval() -> Duration {
    Duration::from_secs(1) / PACED_PER_SECOND
}

impl Pacer {
    /// Waits until this call's slot for (account, operation).
    pub(crate) async fn wait(&self, account: &str, operation: &'static str) {
        let interval = interval();
        let slot = {
            let mut slots = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let next = slots.entry((account.to_string(), operation)).or_insert(now);
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Whether a request may go out now (a full interval since the last one); if
    /// so, it is recorded as sent.
    pub(crate) fn take(&self, account: &str, operation: &'static str) -> bool {
        let mut sent = self.last_sent.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let key = (account.to_string(), operation);
        match sent.get(&key) {
            Some(last) if now.duration_since(*last) < interval() => false,
            _ => {
                sent.insert(key, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slots_are_spaced_per_account_and_operation() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for _ in 0..=PACED_PER_SECOND {
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
    fn two_requests_never_go_out_within_one_interval() {
        let pacer = Pacer::default();
        assert!(pacer.take("111111111111", "ListTagsOfResource"));
        assert!(!pacer.take("111111111111", "ListTagsOfResource"));
        assert!(pacer.take("111111111111", "DescribeContinuousBackups"));
        assert!(pacer.take("222222222222", "ListTagsOfResource"));
    }
}
