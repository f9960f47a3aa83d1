//! Standard output for the verbs. `println!` panics when the reader of a pipe has gone
//! (`releasegate check … | head -1`). Here the rest of the output is dropped instead, and the verb
//! still finishes its work and exits with its own code.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout has failed, after which output is dropped.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text`, and a newline when `newline` is set, unless stdout has failed before.
pub fn write(text: std::fmt::Arguments<'_>, newline: bool) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let mut result = out.write_fmt(text);
    if newline {
        result = result.and_then(|()| out.write_all(b"\n"));
    }
    if let Err(error) = result {
        CLOSED.store(true, Ordering::Relaxed);
        if error.kind() != ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to stdout: {error}; the rest of the output is dropped");
        }
    }
}
