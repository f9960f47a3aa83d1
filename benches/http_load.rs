//! Load generator for `POST /integrations/jira/transition/check` on the real `releasegate`
//! binary: it compiles the shipped policies, starts `releasegate serve` on 127.0.0.1 port 0
//! with a fresh ledger in a temporary directory, and runs bounded loads at 1, 4 and 16
//! concurrent keep-alive clients. Every request has its own issue key, so every check is a new
//! decision that the server appends durably to the ledger before it responds.
//!
//! Run with `cargo bench --bench http_load` (add `-- --requests N --max-seconds S` to change
//! the bounds; defaults 4000 requests or 20 seconds per level, whichever ends first). It prints
//! throughput, p50/p99/max latency and the server's resident memory after each level.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHECK_PATH: &str = "/integrations/jira/transition/check";

/// Bounds of one load level.
#[derive(Clone, Copy, Debug)]
struct Bounds {
    requests: u64,
    max_time: Duration,
}

/// One keep-alive HTTP/1.1 connection that sends JSON POSTs and reads whole responses.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    fn open(address: SocketAddr) -> Connection {
        let stream = TcpStream::connect(address).expect("connect to the server");
        stream.set_nodelay(true).expect("set TCP_NODELAY");
        stream.set_read_timeout(Some(Duration::from_secs(30))).expect("set read timeout");
        let writer = stream.try_clone().expect("clone the stream");
        Connection { reader: BufReader::new(stream), writer }
    }

    /// Sends one request and returns the status code and body.
    fn post(&mut self, path: &str, body: &str) -> (u16, String) {
        self.send("POST", path, body)
    }

    fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, String) {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        // One write per request, so Nagle's algorithm cannot hold back a second segment.
        let request = [head.as_bytes(), body.as_bytes()].concat();
        self.writer.write_all(&request).expect("write request");
        self.read_response()
    }

    fn read_response(&mut self) -> (u16, String) {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read status line");
        let status: u16 = line.split_whitespace().nth(1).and_then(|code| code.parse().ok()).expect("status code");
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("read header");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("numeric Content-Length");
                }
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).expect("read body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// Builds a transition check whose issue key is unique to `sequence`, so the server stores a new
/// decision for it.
fn check_body(sequence: u64) -> String {
    serde_json::json!({
        "issue_key": format!("PAY-{}", 100_000 + sequence),
        "transition_id": "31",
        "transition_name": "Release",
        "source_status": "Ready for Release",
        "target_status": "Done",
        "actor_account_id": "5b10ac8d82e05b22cc7d4ef5",
        "actor_email": "dana@example.com",
        "environment": "PRODUCTION",
        "project_key": "PAY",
        "issue_type": "Story",
        "context_overrides": {"repo": "acme-payments/ledger-service", "pr_number": 912, "ref": "3f9c2d1"},
        "releasegate_risk": {
            "releasegate_risk": "HIGH",
            "risk_level": "HIGH",
            "risk_score": 85,
            "metrics": {"changed_files_count": 27, "additions": 1184, "deletions": 203, "total_churn": 1387}
        },
        "signals": {"approvals": {"count": 1, "roles": ["Engineer"]}}
    })
    .to_string()
}

/// Latencies of one client, in microseconds, and the count of non-200 responses.
struct ClientRun {
    latencies_us: Vec<u64>,
    failures: u64,
}

/// Sends checks until the level's request count or time bound is reached. Issue keys count on
/// from `first_sequence`, so no level repeats an earlier level's request.
fn run_client(address: SocketAddr, next: &AtomicU64, first_sequence: u64, bounds: Bounds, start: Instant) -> ClientRun {
    let mut connection = Connection::open(address);
    let mut run = ClientRun { latencies_us: Vec::new(), failures: 0 };
    loop {
        let issued = next.fetch_add(1, Ordering::Relaxed);
        if issued >= bounds.requests || start.elapsed() >= bounds.max_time {
            return run;
        }
        let body = check_body(first_sequence + issued);
        let sent = Instant::now();
        let (status, _) = connection.post(CHECK_PATH, &body);
        run.latencies_us.push(sent.elapsed().as_micros() as u64);
        if status != 200 {
            run.failures += 1;
        }
    }
}

/// The summary of one load level.
struct LevelResult {
    clients: usize,
    completed: usize,
    failures: u64,
    elapsed: Duration,
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
}

fn percentile(sorted: &[u64], fraction: f64) -> u64 {
    let position = ((sorted.len() as f64 * fraction).ceil() as usize).saturating_sub(1);
    sorted.get(position).copied().unwrap_or(0)
}

fn run_level(address: SocketAddr, clients: usize, bounds: Bounds, first_sequence: u64) -> LevelResult {
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || run_client(address, &counter, first_sequence, bounds, start))
        })
        .collect();
    let runs: Vec<ClientRun> = handles.into_iter().map(|handle| handle.join().expect("client thread")).collect();
    let elapsed = start.elapsed();
    let mut latencies: Vec<u64> = runs.iter().flat_map(|run| run.latencies_us.iter().copied()).collect();
    latencies.sort_unstable();
    LevelResult {
        clients,
        completed: latencies.len(),
        failures: runs.iter().map(|run| run.failures).sum(),
        elapsed,
        p50_us: percentile(&latencies, 0.50),
        p99_us: percentile(&latencies, 0.99),
        max_us: latencies.last().copied().unwrap_or(0),
    }
}

/// The running `releasegate serve` child and the address it reported.
struct Server {
    child: Child,
    address: SocketAddr,
    /// Kept open so that the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(ledger: &std::path::Path) -> Server {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .arg("serve")
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--policies")
        .arg(root.join("policies"))
        .arg("--db")
        .arg(ledger)
        .env_remove("RELEASEGATE_API_TOKEN")
        .env_remove("RELEASEGATE_STRICT_MODE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start releasegate serve");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read the listening line");
    let address = line
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("expected `listening on http://ADDR`, got {line:?}"));
    Server { child, address, _stdout: stdout }
}

/// Resident set size now and at its peak, in KiB, from `/proc/PID/status`.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn parse_bounds() -> Bounds {
    let mut bounds = Bounds { requests: 4000, max_time: Duration::from_secs(20) };
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    for pair in arguments.windows(2) {
        match pair[0].as_str() {
            "--requests" => bounds.requests = pair[1].parse().expect("--requests takes a whole number"),
            "--max-seconds" => {
                bounds.max_time = Duration::from_secs(pair[1].parse().expect("--max-seconds takes whole seconds"))
            }
            _ => {}
        }
    }
    bounds
}

fn main() {
    let bounds = parse_bounds();
    let dir = tempfile::tempdir().expect("temporary directory");
    let server = start_server(&dir.path().join("ledger.db"));
    let pid = server.child.id();

    // Warm-up: start the worker threads and the ledger writer, and check that checks succeed.
    let warm_up = run_level(server.address, 4, Bounds { requests: 200, max_time: Duration::from_secs(10) }, 0);
    assert_eq!(warm_up.failures, 0, "warm-up requests failed; is the server healthy?");
    let mut next_sequence = warm_up.completed as u64;

    println!("| clients | requests | failures | time | checks/s | p50 | p99 | max | server RSS | server peak RSS |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut at_sixteen = None;
    for clients in [1usize, 4, 16] {
        let result = run_level(server.address, clients, bounds, next_sequence);
        next_sequence += result.completed as u64;
        let (rss, peak) = memory_kib(pid);
        let per_second = result.completed as f64 / result.elapsed.as_secs_f64();
        println!(
            "| {} | {} | {} | {:.2} s | {:.0} | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} MiB | {:.1} MiB |",
            result.clients,
            result.completed,
            result.failures,
            result.elapsed.as_secs_f64(),
            per_second,
            result.p50_us as f64 / 1000.0,
            result.p99_us as f64 / 1000.0,
            result.max_us as f64 / 1000.0,
            rss as f64 / 1024.0,
            peak as f64 / 1024.0,
        );
        if clients == 16 {
            at_sixteen = Some((per_second, result.p99_us, peak));
        }
    }

    let mut connection = Connection::open(server.address);
    let (status, body) = connection.send("GET", "/audit/ledger/verify", "");
    println!("\nLedger after the run: HTTP {status} {body}");
    println!("Decisions sent (warm-up included): {next_sequence}");
    if let Some((per_second, p99_us, peak_kib)) = at_sixteen {
        let verdict = |met: bool| if met { "met" } else { "MISSED" };
        println!("Target at 16 clients, at least 2,000 checks/s: {per_second:.0}/s, {}", verdict(per_second >= 2000.0));
        println!("Target at 16 clients, p99 under 20 ms: {:.2} ms, {}", p99_us as f64 / 1000.0, verdict(p99_us < 20_000));
        println!("Target, server RSS under 30 MB: peak {:.1} MB, {}", peak_kib as f64 * 1024.0 / 1e6, verdict(peak_kib * 1024 < 30_000_000));
    }
}
