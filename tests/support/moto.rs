//! Runs the AWS emulator (moto server, installed by `.ci/install-moto.sh`) on
//! 127.0.0.1 and a free port, seeds it, and runs the scanner against it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn venv_bin(name: &str) -> PathBuf {
    let path = root().join(".venv/bin").join(name);
    assert!(
        path.is_file(),
        "{} not found: the live-collection tests need the AWS emulator. Run `bash .ci/install-moto.sh` first.",
        path.display()
    );
    path
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// A running emulator; killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = venv_bin("moto_server");
        let port = free_port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on 127.0.0.1:{port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs `tests/seed_moto.py` and returns what it printed (names -> ids/ARNs).
    pub fn seed(&self, args: &[&str]) -> serde_json::Value {
        let out = Command::new(venv_bin("python"))
            .arg(root().join("tests/seed_moto.py"))
            .arg(self.url())
            .args(args)
            .output()
            .expect("run seed_moto.py");
        assert!(
            out.status.success(),
            "seeding failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed prints JSON")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scanner binary with an environment that can only reach `endpoint`: test
/// credentials, no profile, no shared config files, no instance metadata.
pub fn scanner(endpoint: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_regionready"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(dir)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .stdin(Stdio::null());
    cmd
}

pub fn run(mut cmd: Command) -> Output {
    cmd.output().expect("run regionready")
}

/// Runs `regionready collect` against `endpoint` (the pair, and ap-southeast-2
/// swept), writing `dir/inventory.json`, and reads the inventory back.
pub fn collect_inventory(endpoint: &str, dir: &Path) -> regionready::inventory::Inventory {
    let path = dir.join("inventory.json");
    let mut cmd = scanner(endpoint, dir);
    cmd.args(["collect", "-q", "-o"])
        .arg(&path)
        .args(["--sweep-regions", "ap-southeast-2"]);
    let out = run(cmd);
    assert!(
        out.status.success(),
        "collect failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    regionready::inventory::Inventory::load(&path).expect("inventory written")
}

/// `rule status arn` of every outcome but skips of a scan of `dir/inventory.json`,
/// sorted. The scan reaches no endpoint: it reads the inventory only.
pub fn scan_outcomes(dir: &Path) -> Vec<String> {
    let mut cmd = scanner("http://127.0.0.1:9", dir);
    cmd.args([
        "scan",
        "-q",
        "--include-passes",
        "--format",
        "json",
        "--inventory",
    ])
    .arg(dir.join("inventory.json"));
    let out = run(cmd);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut got: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule_id"].as_str().unwrap_or("-"),
                f["status"].as_str().unwrap_or("-"),
                f["resource_arn"].as_str().unwrap_or("-")
            )
        })
        .collect();
    got.sort();
    got
}
