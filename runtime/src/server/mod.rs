//! The HTTP server: tiny_http with a pool of worker threads that all `recv` from one listener,
//! so concurrent clients are served in parallel while the ledger's writer group-commits.

mod audit;
mod auth;
mod limits;
mod query;
mod reply;
mod routes;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use auth::bearer_matches;
pub use limits::{DEFAULT_IO_TIMEOUT, DEFAULT_MAX_BODY_BYTES};
pub use reply::Reply;
pub use routes::RouteConfig;

use limits::{read_body, BodyError};
use routes::{route, Incoming};

use crate::github::WebhookHeaders;
use crate::service::Service;

/// How often an idle worker checks whether the server is stopping.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Server settings; `from_env` fills what the environment sets.
#[derive(Clone)]
pub struct ServerConfig {
    pub addr: String,
    pub workers: usize,
    /// Required as `Authorization: Bearer <token>` on every endpoint except `/healthz`.
    pub api_token: Option<String>,
    pub max_body_bytes: usize,
    pub github_secret: Option<Vec<u8>>,
    /// Time that one blocking read or write on a connection, and the read of a whole request
    /// body, may take. A connection idle for longer is closed.
    pub io_timeout: Duration,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ServerConfig")
            .field("addr", &self.addr)
            .field("workers", &self.workers)
            .field("api_token", &self.api_token.as_ref().map(|_| "<redacted>"))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("io_timeout", &self.io_timeout)
            .field(
                "github_secret",
                &self.github_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: "127.0.0.1:8080".to_string(),
            workers: 32,
            api_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            github_secret: None,
            io_timeout: DEFAULT_IO_TIMEOUT,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: String, message: String },
    #[error("cannot start worker thread: {0}")]
    Spawn(std::io::Error),
}

/// A running server; dropping it does not stop it, call `shutdown`.
pub struct RunningServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting requests and waits for the workers to finish the ones in flight.
    pub fn shutdown(self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wait();
    }

    /// Blocks until every worker has stopped.
    pub fn wait(self) {
        for worker in self.workers {
            let _ = worker.join();
        }
        tracing::info!(addr = %self.addr, "server stopped");
    }
}

struct Shared {
    service: Arc<Service>,
    routes: RouteConfig,
    config: ServerConfig,
}

/// Binds the listener and starts `config.workers` worker threads.
pub fn start(service: Arc<Service>, config: ServerConfig) -> Result<RunningServer, ServerError> {
    let bind_error = |message: String| ServerError::Bind {
        addr: config.addr.clone(),
        message,
    };
    let listener = bind_listener(&config.addr).map_err(|error| bind_error(error.to_string()))?;
    let server = tiny_http::Server::from_listener_with_timeout(listener, None, Some(config.io_timeout))
        .map_err(|error| bind_error(error.to_string()))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| ServerError::Bind {
            addr: config.addr.clone(),
            message: "not an IP listener".to_string(),
        })?;
    let server = Arc::new(server);
    let stopping = Arc::new(AtomicBool::new(false));
    let routes = RouteConfig {
        github_secret: config.github_secret.clone(),
    };
    let shared = Arc::new(Shared {
        service,
        routes,
        config,
    });
    let mut workers = Vec::new();
    for index in 0..shared.config.workers.max(1) {
        let (server, stopping, shared) = (
            Arc::clone(&server),
            Arc::clone(&stopping),
            Arc::clone(&shared),
        );
        let worker = std::thread::Builder::new()
            .name(format!("releasegate-http-{index}"))
            .spawn(move || worker_loop(&server, &stopping, &shared))
            .map_err(ServerError::Spawn)?;
        workers.push(worker);
    }
    tracing::info!(%addr, workers = workers.len(), "server listening");
    Ok(RunningServer {
        addr,
        stopping,
        workers,
    })
}

fn worker_loop(server: &tiny_http::Server, stopping: &AtomicBool, shared: &Shared) {
    while !stopping.load(Ordering::SeqCst) {
        match server.recv_timeout(POLL_INTERVAL) {
            Ok(Some(request)) => handle(shared, request),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "accepting a request failed");
                std::thread::sleep(POLL_INTERVAL);
            }
        }
    }
}

fn handle(shared: &Shared, mut request: tiny_http::Request) {
    let received_at = time::OffsetDateTime::now_utc();
    let (path, query) = query::split_url(request.url());
    let method = request.method().as_str().to_string();
    let reply = match prepare(shared, &mut request, &path) {
        Err(reply) => reply,
        Ok(body) => {
            let header = |name: &str| header_value(&request, name);
            let headers = WebhookHeaders {
                event: header("X-GitHub-Event"),
                signature: header("X-Hub-Signature-256"),
                delivery: header("X-GitHub-Delivery"),
            };
            let incoming = Incoming {
                method: &method,
                path: &path,
                query: &query,
                headers,
                body: &body,
                received_at,
            };
            route(&shared.service, &shared.routes, &incoming)
        }
    };
    respond(request, reply);
}

/// Returns whether a request to `path` must carry the API token when one is set. `/healthz` never
/// does. The GitHub webhook does not when a webhook secret is set, because GitHub cannot send a
/// bearer token and the handler then requires a valid `X-Hub-Signature-256` instead.
fn needs_bearer(config: &ServerConfig, path: &str) -> bool {
    // The router ignores trailing slashes, so the exemptions do too.
    match path.trim_end_matches('/') {
        "/healthz" => false,
        "/webhooks/github" => config.github_secret.is_none(),
        _ => true,
    }
}

/// Checks the token and reads the body within the size limit; an `Err` is the reply to send.
fn prepare(
    shared: &Shared,
    request: &mut tiny_http::Request,
    path: &str,
) -> Result<Vec<u8>, Reply> {
    if let Some(token) = &shared.config.api_token {
        if needs_bearer(&shared.config, path) && !bearer_matches(header_value(request, "Authorization"), token) {
            tracing::warn!(path, "request without a valid bearer token rejected");
            return Err(Reply::error(
                401,
                "unauthorized",
                "missing or invalid bearer token",
                None,
            ));
        }
    }
    let limit = shared.config.max_body_bytes;
    let declared_length = request.body_length();
    let timeout = shared.config.io_timeout;
    // A body declared too large is rejected before `as_reader`, which would first invite the
    // client to send it (`100 Continue`).
    let read = if declared_length.is_some_and(|length| length > limit) {
        Err(BodyError::TooLarge { limit })
    } else {
        read_body(request.as_reader(), declared_length, limit, timeout)
    };
    match read {
        Ok(body) => Ok(body),
        Err(BodyError::TooLarge { limit }) => {
            tracing::warn!(path, limit, "request body over the size limit rejected");
            let message =
                format!("request body exceeds {limit} bytes (RELEASEGATE_MAX_BODY_BYTES)");
            Err(Reply::error(413, "payload_too_large", &message, None))
        }
        Err(BodyError::TimedOut { timeout }) => {
            let seconds = timeout.as_secs_f64();
            tracing::warn!(path, seconds, "request body not received in time; closing the connection");
            let message = format!(
                "request body not received within {seconds} s (--io-timeout); send the whole body at once"
            );
            Err(Reply::error(408, "request_timeout", &message, None))
        }
        Err(BodyError::Io(error)) => {
            tracing::warn!(path, %error, "reading a request body failed");
            Err(Reply::error(
                400,
                "invalid_request",
                &format!("cannot read the body: {error}"),
                Some("body"),
            ))
        }
    }
}

fn header_value<'a>(request: &'a tiny_http::Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|header| header.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|header| header.value.as_str())
}

/// Binds a TCP listener with Nagle's algorithm off.
///
/// tiny_http writes a response in several small writes. With Nagle on, the last one waits for
/// the client's delayed ACK (40 ms on Linux), so every request after the first on a keep-alive
/// connection took over 40 ms. Linux copies TCP_NODELAY from the listener to accepted sockets.
fn bind_listener(addr: &str) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    use std::net::ToSocketAddrs;

    let socket_addr = addr.to_socket_addrs()?.next().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the address resolves to nothing")
    })?;
    let socket = Socket::new(Domain::for_address(socket_addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_nodelay(true)?;
    socket.bind(&socket_addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

fn respond(request: tiny_http::Request, reply: Reply) {
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    if let Ok(header) = tiny_http::Header::from_bytes("Content-Type", reply.content_type) {
        response.add_header(header);
    }
    if let Err(error) = request.respond(response) {
        tracing::warn!(%error, "sending a response failed");
    }
}
