//! `releasegate serve`: decide Jira transition checks over HTTP and record every decision.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::parser::ValueSource;
use runtime::server::{self, ServerConfig, DEFAULT_MAX_BODY_BYTES};
use runtime::service::Service;
use runtime::settings::{env_flag, env_usize, map_path, service_config, SourcePaths};

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed on stdout).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Compiled bundle directory (from `releasegate compile`) or bundle.rgb file.
    #[arg(long, conflicts_with = "policies")]
    pub bundle: Option<PathBuf>,
    /// Policy directory compiled at start (with its signals.yaml) when --bundle is not given.
    #[arg(long)]
    pub policies: Option<PathBuf>,
    /// Ledger database file; created when missing.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
    /// Transition map [default: POLICIES/transitions.yaml].
    #[arg(long)]
    pub transition_map: Option<PathBuf>,
    /// Role map [default: POLICIES/roles.yaml].
    #[arg(long)]
    pub role_map: Option<PathBuf>,
    /// Strict mode: never fail open on missing inputs (also RELEASEGATE_STRICT_MODE=true).
    #[arg(long)]
    pub strict: bool,
    /// Worker threads that decide requests, from 1 to 1024. Requests waiting for the ledger's
    /// group commit each hold a worker, so set it to at least the number of concurrent clients.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub workers: u16,
    /// Seconds, from 1 to 3600, that one read or write on a connection may wait, and that a
    /// request head or body may take to arrive. A slower request gets a 408, and a connection
    /// idle for longer is closed, so stalled clients cannot hold workers.
    #[arg(
        long,
        env = IO_TIMEOUT_VARIABLE,
        value_name = "SECONDS",
        default_value = "30"
    )]
    pub io_timeout: String,
    /// Source of the `io_timeout` value (flag, environment or default), set by `cli::parse`.
    /// `serve` checks the value itself so that an error names the flag or the variable it came
    /// from.
    #[arg(skip)]
    pub io_timeout_source: Option<ValueSource>,
}

const IO_TIMEOUT_VARIABLE: &str = "RELEASEGATE_IO_TIMEOUT";
const IO_TIMEOUT_SECONDS: std::ops::RangeInclusive<u64> = 1..=3600;

pub fn run(args: ServeArgs) -> Exit {
    match serve(args) {
        Ok(()) => Exit::Success,
        Err((exit, message)) => {
            tracing::error!(error = %message, "serve stopped");
            eprintln!("error: {message}");
            exit
        }
    }
}

type Failure = (Exit, String);

fn usage(message: String) -> Failure {
    (Exit::Usage, message)
}

/// Settings read from the environment and from `--io-timeout`.
struct Settings {
    strict: bool,
    api_token: Option<String>,
    max_body_bytes: usize,
    github_secret: Option<Vec<u8>>,
    verify_on_startup: bool,
    fail_on_corruption: bool,
    io_timeout: Duration,
}

/// Reads and checks every setting. `serve` calls it before it opens the ledger, so a start
/// that fails on a setting does not create or change the ledger file.
fn read_settings(args: &ServeArgs) -> Result<Settings, String> {
    Ok(Settings {
        strict: args.strict || env_flag("RELEASEGATE_STRICT_MODE", false)?,
        api_token: env_secret("RELEASEGATE_API_TOKEN")?,
        max_body_bytes: env_usize("RELEASEGATE_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)?,
        github_secret: env_secret("RELEASEGATE_GITHUB_WEBHOOK_SECRET")?.map(String::into_bytes),
        verify_on_startup: env_flag("RELEASEGATE_LEDGER_VERIFY_ON_STARTUP", false)?,
        fail_on_corruption: env_flag("RELEASEGATE_LEDGER_FAIL_ON_CORRUPTION", true)?,
        io_timeout: io_timeout(&args.io_timeout, args.io_timeout_source)?,
    })
}

/// Parses the `--io-timeout` value. The error names `RELEASEGATE_IO_TIMEOUT` when the value came
/// from that variable, because the user did not type the flag.
fn io_timeout(text: &str, source: Option<ValueSource>) -> Result<Duration, String> {
    let seconds = text
        .parse::<u64>()
        .ok()
        .filter(|seconds| IO_TIMEOUT_SECONDS.contains(seconds));
    match (seconds, source) {
        (Some(seconds), _) => Ok(Duration::from_secs(seconds)),
        (None, Some(ValueSource::EnvVariable)) => Err(format!(
            "invalid value '{text}' in {IO_TIMEOUT_VARIABLE} (read for --io-timeout): expected a \
             whole number of seconds from {} to {}",
            IO_TIMEOUT_SECONDS.start(),
            IO_TIMEOUT_SECONDS.end()
        )),
        (None, _) => Err(format!(
            "invalid value '{text}' for --io-timeout: expected a whole number of seconds from {} \
             to {}",
            IO_TIMEOUT_SECONDS.start(),
            IO_TIMEOUT_SECONDS.end()
        )),
    }
}

fn serve(args: ServeArgs) -> Result<(), Failure> {
    let settings = read_settings(&args).map_err(usage)?;
    let policies = args
        .policies
        .clone()
        .unwrap_or_else(|| PathBuf::from("policies"));
    let paths = SourcePaths {
        bundle: args.bundle.clone(),
        transition_map: map_path(
            args.transition_map.as_deref(),
            &policies,
            "transitions.yaml",
        ),
        role_map: map_path(args.role_map.as_deref(), &policies, "roles.yaml"),
        strict: settings.strict,
        policies,
    };
    let config = service_config(&paths).map_err(|error| usage(error.to_string()))?;
    let bundle_hash = config.bundle.bundle_hash().to_string();
    let service = Service::open(config, &args.db).map_err(|error| usage(error.to_string()))?;
    tracing::info!(db = %args.db.display(), bundle_hash, strict = paths.strict, "ledger opened, bundle loaded");
    if settings.verify_on_startup {
        verify_on_startup(&service, settings.fail_on_corruption)?;
    }

    let server_config = ServerConfig {
        addr: args.addr.clone(),
        workers: usize::from(args.workers),
        api_token: settings.api_token,
        max_body_bytes: settings.max_body_bytes,
        github_secret: settings.github_secret,
        io_timeout: settings.io_timeout,
    };
    let running = server::start(Arc::new(service), server_config)
        .map_err(|error| usage(error.to_string()))?;
    outln!("listening on http://{}", running.addr());
    let _ = std::io::stdout().flush();
    running.wait();
    Ok(())
}

/// Reads a secret from the environment. A variable that is set but blank is an error, so that a
/// templating mistake cannot turn authentication off without a word.
fn env_secret(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(text) if text.trim().is_empty() => Err(format!(
            "{name} is set but empty; set a value, or unset it to turn this check off"
        )),
        Ok(text) => Ok(Some(text)),
        Err(_) => Ok(None),
    }
}

fn verify_on_startup(service: &Service, fail_on_corruption: bool) -> Result<(), Failure> {
    match service.ledger().verify_at_startup(fail_on_corruption) {
        Ok(verification) if verification.valid => {
            tracing::info!(checked = verification.checked, head_hash = %verification.head_hash, "ledger verified at startup");
            Ok(())
        }
        Ok(verification) => {
            tracing::error!(seq = ?verification.seq, reason = ?verification.reason, "ledger chain is broken; serving anyway (RELEASEGATE_LEDGER_FAIL_ON_CORRUPTION=false)");
            Ok(())
        }
        Err(error) => Err((Exit::Findings, error.to_string())),
    }
}
