//! Connection handling: many keep-alive connections opened at once are all served while they
//! stay open, and rejected requests with huge or stalled bodies neither crash the server nor hold
//! its workers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod server_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use server_support::{start, Options};

/// More connections than the task pool's four idle threads and the server's workers.
const CONNECTIONS: usize = 24;

/// Long enough for a loaded machine, far shorter than "until another connection closes".
const REPLY_TIMEOUT: Duration = Duration::from_secs(20);

fn open(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
    stream
}

/// Sends a keep-alive `GET /healthz` and reads the status line, headers and body of the reply.
fn healthz(stream: &mut TcpStream, host: &str) -> Result<String, String> {
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).map_err(|e| format!("no reply: {e}"))?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().map_err(|_| format!("bad length in {line:?}"))?;
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(status.trim().to_string())
}

#[test]
fn burst_of_connections_all_served() {
    let server = start(Options { workers: Some(4), ..Options::default() });
    let host = server.base.trim_start_matches("http://").to_string();
    let mut streams: Vec<TcpStream> = (0..CONNECTIONS).map(|_| open(&host)).collect();
    for round in 0..2 {
        for (index, stream) in streams.iter_mut().enumerate() {
            let status = healthz(stream, &host);
            assert_eq!(status.as_deref(), Ok("HTTP/1.1 200 OK"), "round {round}, connection {index}");
        }
    }
}

fn token_server() -> server_support::TestServer {
    start(Options { workers: Some(4), api_token: Some("tok".to_string()), ..Options::default() })
}

/// Sends a request head with the given `Content-Length` and a first body byte, without a token.
fn send_head(host: &str, length: u64) -> TcpStream {
    let mut stream = open(host);
    let head = format!("POST /audit/ledger/verify HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\n\r\n{{");
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

#[test]
fn huge_declared_body_does_not_abort() {
    let server = token_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = send_head(&host, 40_000_000_000);
    let mut status = String::new();
    BufReader::new(&mut stream).read_line(&mut status).unwrap();
    assert_eq!(status.trim(), "HTTP/1.1 401 Unauthorized");
    drop(stream);
    let mut fresh = open(&host);
    assert_eq!(healthz(&mut fresh, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
}

#[test]
fn stalled_rejected_bodies_free_workers() {
    let server = token_server();
    let host = server.base.trim_start_matches("http://").to_string();
    // Ten times the four workers, each declaring 5,000 bytes and sending one.
    let stalled: Vec<TcpStream> = (0..40).map(|_| send_head(&host, 5_000)).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut fresh = open(&host);
    assert_eq!(healthz(&mut fresh, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
    drop(stalled);
}

/// A short I/O timeout, so that the timeout tests take about a second each.
const SHORT_TIMEOUT: Duration = Duration::from_secs(1);

fn short_timeout_server() -> server_support::TestServer {
    start(Options { workers: Some(1), io_timeout: Some(SHORT_TIMEOUT), ..Options::default() })
}

/// Sends the head of a transition check that declares `length` body bytes, and the first `{`.
/// tiny_http reads a body of up to 1,024 bytes itself, before a worker gets the request, and a
/// worker reads a longer one.
fn send_check_head(host: &str, length: usize) -> TcpStream {
    let mut stream = open(host);
    let head = format!(
        "POST /integrations/jira/transition/check HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

fn status_line(stream: &mut TcpStream) -> String {
    let mut status = String::new();
    BufReader::new(stream).read_line(&mut status).unwrap();
    status.trim().to_string()
}

#[test]
fn stalled_body_times_out() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stalled = send_check_head(&host, 5_000);
    assert_eq!(status_line(&mut stalled), "HTTP/1.1 408 Request Timeout");
    // The only worker is free again.
    let mut fresh = open(&host);
    assert_eq!(healthz(&mut fresh, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
}

#[test]
fn dripped_body_times_out() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = send_check_head(&host, 5_000);
    // One byte every 100 ms keeps each read under the timeout. The whole body would take 500 s.
    let drip = drip_into(&stream, b" ", Duration::from_millis(100));
    assert_eq!(status_line(&mut stream), "HTTP/1.1 408 Request Timeout");
    drip.stop();
    let mut fresh = open(&host);
    assert_eq!(healthz(&mut fresh, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
}

/// A thread that writes `byte` to a stream every `interval` until it is stopped or the write
/// fails.
struct Drip {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Drip {
    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().unwrap();
    }
}

fn drip_into(stream: &TcpStream, byte: &'static [u8], interval: Duration) -> Drip {
    let mut writer = stream.try_clone().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = std::sync::Arc::clone(&stop);
    let thread = std::thread::spawn(move || {
        while !stopped.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(interval);
            if writer.write_all(byte).is_err() {
                break;
            }
        }
    });
    Drip { stop, thread }
}

#[test]
fn dripped_head_times_out() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = open(&host);
    stream.write_all(b"GET /healthz HTTP/1.1\r\nX-Slow: ").unwrap();
    // One byte every 400 ms keeps each read under the one-second timeout.
    let drip = drip_into(&stream, b"a", Duration::from_millis(400));
    let started = std::time::Instant::now();
    assert_eq!(status_line(&mut stream), "HTTP/1.1 408 Request Timeout");
    // The head's deadline is one second after its first byte. The bound leaves room for a loaded
    // machine.
    assert!(started.elapsed() < Duration::from_secs(5), "408 after {:?}", started.elapsed());
    drip.stop();
}

#[test]
fn endless_head_line_closes() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = open(&host);
    stream.write_all(b"GET /").unwrap();
    // Without a line limit the server would buffer all 64 MiB and wait for more.
    let chunk = vec![b'a'; 64 * 1024];
    let sent = (0..1024).position(|_| stream.write_all(&chunk).is_err());
    assert!(sent.is_some(), "the server read a 64 MiB request line");
    let mut fresh = open(&host);
    assert_eq!(healthz(&mut fresh, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
}

#[test]
fn too_many_headers_rejected() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = open(&host);
    let headers: String = (0..150).map(|index| format!("X-Extra-{index}: {index}\r\n")).collect();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    assert_eq!(status_line(&mut stream), "HTTP/1.1 400 Bad Request");
}

#[test]
fn idle_connection_is_closed() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut idle = open(&host);
    assert_eq!(healthz(&mut idle, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
    let mut rest = Vec::new();
    // End of stream, well before the client's own 20 s read timeout.
    let started = std::time::Instant::now();
    assert_eq!(idle.read_to_end(&mut rest).unwrap(), 0);
    assert!(started.elapsed() < REPLY_TIMEOUT / 2, "closed after {:?}", started.elapsed());
}

#[test]
fn stalled_small_body_closes() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stalled = send_check_head(&host, 500);
    let mut rest = Vec::new();
    assert_eq!(stalled.read_to_end(&mut rest).unwrap(), 0);
    let mut fresh = open(&host);
    assert_eq!(healthz(&mut fresh, &host).as_deref(), Ok("HTTP/1.1 200 OK"));
}

/// Reads a whole reply head (status line and headers) and returns its lines.
fn reply_head(reader: &mut BufReader<&mut TcpStream>) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            return lines;
        }
        lines.push(line.trim().to_string());
    }
}

/// Sends `request`, reads one reply, and returns its head and whether the server then closed the
/// connection without sending anything more.
fn send_raw(host: &str, request: &[u8]) -> (Vec<String>, bool) {
    let mut stream = open(host);
    // The server may close before it has read everything, which fails the write.
    let _ = stream.write_all(request);
    let mut reader = BufReader::new(&mut stream);
    let head = read_reply(&mut reader);
    let mut rest = Vec::new();
    let closed = matches!(reader.read_to_end(&mut rest), Ok(0));
    (head, closed)
}

#[test]
fn newer_http_version_gets_505() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    for version in ["HTTP/2.0", "HTTP/3.0"] {
        let (head, closed) = send_raw(&host, format!("GET /healthz {version}\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(head.first().map(String::as_str), Some("HTTP/1.1 505 HTTP Version Not Supported"), "{version}");
        assert!(closed, "{version}: the connection stayed open");
    }
}

/// Builds a POST to `path` whose `length`-byte body starts with a whole `GET /healthz` request,
/// which the server must never answer.
fn smuggling_post(host: &str, path: &str, length: usize) -> String {
    let inner = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let body = format!("{inner}{}", "x".repeat(length - inner.len()));
    format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\n\r\n{body}")
}

#[test]
fn unread_body_is_not_a_request() {
    let server = token_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let request = smuggling_post(&host, "/audit/ledger/verify", 2_000);
    let (head, closed) = send_raw(&host, request.as_bytes());
    assert_eq!(head.first().map(String::as_str), Some("HTTP/1.1 401 Unauthorized"));
    assert!(head.iter().any(|line| line.eq_ignore_ascii_case("connection: close")), "{head:?}");
    assert!(closed, "the body was answered as a request");
}

#[test]
fn oversized_body_is_not_a_request() {
    let server = start(Options { workers: Some(2), max_body_bytes: Some(2048), ..Options::default() });
    let host = server.base.trim_start_matches("http://").to_string();
    let request = smuggling_post(&host, "/integrations/jira/transition/check", 4_000);
    let (head, closed) = send_raw(&host, request.as_bytes());
    assert_eq!(head.first().map(String::as_str), Some("HTTP/1.1 413 Payload Too Large"));
    assert!(closed, "the body was answered as a request");
}

#[test]
fn ambiguous_framing_rejected() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let smuggled = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let cases = [
        ("Content-Length: -1\r\n", "HTTP/1.1 400 Bad Request"),
        ("Content-Length: +5\r\n", "HTTP/1.1 400 Bad Request"),
        ("Content-Length: 99999999999999999999999\r\n", "HTTP/1.1 400 Bad Request"),
        ("Content-Length: 0\r\nContent-Length: 40\r\n", "HTTP/1.1 400 Bad Request"),
        ("Content-Length: 40\r\nTransfer-Encoding: chunked\r\n", "HTTP/1.1 400 Bad Request"),
        ("Transfer-Encoding: gzip, chunked\r\n", "HTTP/1.1 501 Not Implemented"),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", "HTTP/1.1 501 Not Implemented"),
    ];
    for (headers, expected) in cases {
        let request = format!("POST /integrations/jira/transition/check HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n{smuggled}");
        let (head, closed) = send_raw(&host, request.as_bytes());
        assert_eq!(head.first().map(String::as_str), Some(expected), "{headers:?}");
        assert!(closed, "{headers:?}: the connection stayed open");
    }
}

#[test]
fn stalled_head_times_out() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = open(&host);
    stream.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n").as_bytes()).unwrap();
    assert_eq!(status_line(&mut stream), "HTTP/1.1 408 Request Timeout");
}

#[test]
fn head_line_limit_is_exact() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    // "GET /" and " HTTP/1.1" take 14 bytes of the line.
    let line = |length: usize| format!("GET /{} HTTP/1.1\r\nHost: {host}\r\n\r\n", "a".repeat(length - 14));
    let (head, _) = send_raw(&host, line(8_192).as_bytes());
    assert_eq!(head.first().map(String::as_str), Some("HTTP/1.1 404 Not Found"));
    let mut stream = open(&host);
    let _ = stream.write_all(line(8_193).as_bytes());
    let mut rest = Vec::new();
    let read = stream.read_to_end(&mut rest);
    assert!(rest.is_empty(), "a reply to an 8,193-byte line: {:?}", String::from_utf8_lossy(&rest));
    assert!(read.is_ok() || read.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset), "{read:?}");
}

#[test]
fn oversized_expect_continue_gets_413() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let request = format!(
        "POST /integrations/jira/transition/check HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"
    );
    let (head, closed) = send_raw(&host, request.as_bytes());
    assert_eq!(head.first().map(String::as_str), Some("HTTP/1.1 413 Payload Too Large"));
    assert!(closed, "the connection stayed open for the body");
}

#[test]
fn head_is_get_without_body() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = open(&host);
    let request = format!("HEAD /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.ends_with("\r\n\r\n"), "a body after the head: {reply}");
}

/// Reads one reply from `reader`, its body included, and returns the lines of its head.
fn read_reply(reader: &mut BufReader<&mut TcpStream>) -> Vec<String> {
    let head = reply_head(reader);
    let length = head
        .iter()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).unwrap();
    head
}

#[test]
fn pipelined_request_after_long_body() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    // Over 1,024 bytes, so a worker reads the body from the connection. The body is valid JSON
    // that misses required fields, so the check is a 400 and the connection stays open.
    let body = format!("{}{{}}", " ".repeat(1_500));
    let next = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let path = "/integrations/jira/transition/check";
    let framings = [
        format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
        format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n", body.len()),
    ];
    for request in &framings {
        // The race this guards against lost the second request in about half of the tries.
        for attempt in 0..20 {
            let mut stream = open(&host);
            stream.write_all(format!("{request}{next}").as_bytes()).unwrap();
            let mut reader = BufReader::new(&mut stream);
            let first = read_reply(&mut reader);
            assert_eq!(first.first().map(String::as_str), Some("HTTP/1.1 400 Bad Request"), "attempt {attempt}");
            let second = read_reply(&mut reader);
            assert_eq!(second.first().map(String::as_str), Some("HTTP/1.1 200 OK"), "attempt {attempt}: {request:.80}");
        }
    }
}

#[test]
fn unread_body_closes_at_once() {
    let server = token_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = send_head(&host, 5_000);
    let started = std::time::Instant::now();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 401"));
    // The server's I/O timeout is 30 s, so a close that waited for it would take that long.
    assert!(started.elapsed() < Duration::from_secs(10), "closed after {:?}", started.elapsed());
}

#[test]
fn stalled_chunked_body_times_out() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut stream = open(&host);
    let head = format!(
        "POST /integrations/jira/transition/check HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{{\"a\":"
    );
    stream.write_all(head.as_bytes()).unwrap();
    assert_eq!(status_line(&mut stream), "HTTP/1.1 408 Request Timeout");
}

/// Sends `request` on a new connection and returns the reply head and body, read to the end of
/// the connection.
fn reply_with_body(host: &str, request: &str) -> (Vec<String>, String) {
    let mut stream = open(host);
    // The server may close before it has read everything, which fails the write.
    let _ = stream.write_all(request.as_bytes());
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((reply.as_str(), ""));
    (head.lines().map(str::to_string).collect(), body.to_string())
}

#[test]
fn http_layer_errors_are_json() {
    let server = short_timeout_server();
    let host = server.base.trim_start_matches("http://").to_string();
    let post = "POST /integrations/jira/transition/check HTTP/1.1";
    let headers: String = (0..150).map(|index| format!("X-Extra-{index}: {index}\r\n")).collect();
    // (request, status line, error code)
    let cases = [
        ("GET\r\n\r\n".to_string(), "HTTP/1.1 400 Bad Request", "invalid_request"),
        (format!("GET /healthz HTTP/1.1\r\n{headers}\r\n"), "HTTP/1.1 400 Bad Request", "invalid_request"),
        (format!("{post}\r\nContent-Length: -1\r\n\r\n"), "HTTP/1.1 400 Bad Request", "invalid_request"),
        (format!("{post}\r\nTransfer-Encoding: gzip\r\n\r\n"), "HTTP/1.1 501 Not Implemented", "not_implemented"),
        (format!("{post}\r\nExpect: magic\r\nContent-Length: 2\r\n\r\n{{}}"), "HTTP/1.1 417 Expectation Failed", "expectation_failed"),
        ("GET /healthz HTTP/2.0\r\n\r\n".to_string(), "HTTP/1.1 505 HTTP Version Not Supported", "http_version_not_supported"),
        ("GET /healthz HTTP/1.1\r\nHost: x\r\n".to_string(), "HTTP/1.1 408 Request Timeout", "request_timeout"),
    ];
    for (request, status, code) in cases {
        let (head, body) = reply_with_body(&host, &request);
        assert_eq!(head.first().map(String::as_str), Some(status), "{request:.60}");
        assert!(head.iter().any(|line| line.eq_ignore_ascii_case("connection: close")), "{request:.60}: {head:?}");
        let reply: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{request:.60}: {e}: {body:?}"));
        assert_eq!(reply["error"], code, "{request:.60}");
        assert!(reply["message"].as_str().is_some_and(|message| !message.is_empty()), "{request:.60}");
    }
}
