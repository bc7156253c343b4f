//! Benchmark of a live collection against the AWS emulator (not a timed test).
//!
//! Seeds N accounts (default 10) with about 20 resources each across two regions,
//! then runs `regionready collect` through the counting proxy: once direct (its
//! answers recorded), then with 50 ms added to every request, answered from the
//! recording at concurrency 32 and 4, and once more at 32 through the emulator. Prints wall
//! time, peak RSS of the scanner, requests per resource (the figure that carries
//! over to AWS) with the count of each operation, the most requests in flight at
//! once, and with latency the ratio of wall time to requests x 50 ms / concurrency.
//!
//!     bash .ci/install-moto.sh
//!     cargo bench --bench live_scan            # BENCH_ACCOUNTS=10 by default

#[path = "../tests/support/mod.rs"]
mod support;

use regionready::inventory::Inventory;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::moto::{scanner, Moto};
use support::proxy::{Proxy, Settings, Tape};

/// Peak resident set of a running process, in KiB (VmHWM never decreases).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn measure(
    label: &str,
    moto: &Moto,
    delay: Option<Duration>,
    concurrency: usize,
    tape: (Option<Arc<Tape>>, Option<Arc<Tape>>),
) {
    let proxy = Proxy::start(
        moto.port,
        Settings {
            delay,
            record: tape.0,
            replay: tape.1,
            ..Settings::default()
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("inventory.json");
    let mut cmd = scanner(&proxy.url(), dir.path());
    cmd.args([
        "collect",
        "-q",
        "--sweep-regions",
        "ap-southeast-2",
        "--concurrency",
        &concurrency.to_string(),
        "-o",
    ])
    .arg(&path)
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start regionready");
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak = peak.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("wait for regionready: {e}"),
        }
    };
    let wall = started.elapsed();
    assert!(status.success(), "collect failed");
    let inv = Inventory::load(&path).expect("inventory");
    let resources = inv.resource_count();
    let requests = proxy.requests();
    println!(
        "{label:<28} accounts={} resources={resources} gaps={} wall={:.2}s peak_rss={:.1}MiB requests={requests} requests/resource={:.2} max_in_flight={}",
        inv.accounts.len(),
        inv.gaps.len(),
        wall.as_secs_f64(),
        peak as f64 / 1024.0,
        requests as f64 / resources.max(1) as f64,
        proxy.max_in_flight()
    );
    // With latency, the floor is every request spread evenly over the slots.
    if let Some(delay) = delay {
        let ideal = delay.as_secs_f64() * requests as f64 / concurrency as f64;
        println!(
            "{:<28} requests x {}ms / {concurrency} = {ideal:.2}s; wall / that = {:.2}",
            "",
            delay.as_millis(),
            wall.as_secs_f64() / ideal
        );
    } else {
        let per_operation: Vec<String> = proxy
            .operations()
            .into_iter()
            .map(|(op, n)| format!("{op}={n}"))
            .collect();
        println!("{:<28} {}", "", per_operation.join(" "));
    }
}

fn main() {
    let accounts: usize = std::env::var("BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let moto = Moto::start();
    let started = Instant::now();
    moto.seed(&["bench", &accounts.to_string()]);
    println!(
        "seeded {accounts} accounts in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    // The emulator answers one request at a time (a few hundred a second): with it
    // in the path, wall time measures the emulator. Its answers are recorded once,
    // then replayed with 50 ms added to each request, so the wall time measures how
    // well the scan keeps its requests in flight.
    let tape = Arc::new(Tape::default());
    measure(
        "direct, concurrency 32",
        &moto,
        None,
        32,
        (Some(tape.clone()), None),
    );
    println!("{:<28} {} answers recorded", "", tape.len());
    measure(
        "+50ms/request, conc. 32",
        &moto,
        Some(Duration::from_millis(50)),
        32,
        (None, Some(tape.clone())),
    );
    measure(
        "+50ms/request, conc. 4",
        &moto,
        Some(Duration::from_millis(50)),
        4,
        (None, Some(tape.clone())),
    );
    measure(
        "+50ms, conc. 32, emulator",
        &moto,
        Some(Duration::from_millis(50)),
        32,
        (None, None),
    );
}
