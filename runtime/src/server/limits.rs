//! Request body limits: the size limit (`RELEASEGATE_MAX_BODY_BYTES`) and the time limit
//! (`--io-timeout`).

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

/// Default body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Default time allowed for one blocking read or write on a connection, and for a whole body.
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(30);

/// Bytes read from the connection per call.
const CHUNK: usize = 8192;

#[derive(Debug)]
pub enum BodyError {
    TooLarge { limit: usize },
    TimedOut { timeout: Duration },
    Io(std::io::Error),
}

/// Reads at most `limit` bytes of a body before `timeout` has passed. A declared or actual size
/// above the limit is `TooLarge`. A body still incomplete at the deadline is `TimedOut`, and so is
/// a read that waits longer than the connection's own timeout.
pub fn read_body(
    reader: &mut dyn Read,
    declared_length: Option<usize>,
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>, BodyError> {
    if declared_length.is_some_and(|length| length > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let deadline = Instant::now() + timeout;
    let mut body = Vec::with_capacity(declared_length.unwrap_or(0).min(limit));
    let mut chunk = [0u8; CHUNK];
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => return Ok(body),
            Ok(read) => read,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            // A socket read timeout shows as `WouldBlock` on Unix and `TimedOut` on Windows.
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(BodyError::TimedOut { timeout })
            }
            // A decoder can turn a socket timeout into an error of its own kind (the chunked
            // decoder does), so any error at or past the deadline counts as the timeout.
            Err(_) if Instant::now() >= deadline => return Err(BodyError::TimedOut { timeout }),
            Err(error) => return Err(BodyError::Io(error)),
        };
        if body.len() + read > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(chunk.get(..read).unwrap_or_default());
        // Each read is bounded by the socket timeout, and this bounds a body sent in small pieces.
        if Instant::now() > deadline {
            return Err(BodyError::TimedOut { timeout });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A reader that returns one byte per call, sleeping before each.
    struct Drip {
        left: usize,
        pause: Duration,
    }

    impl Read for Drip {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let Some(first) = buffer.first_mut().filter(|_| self.left > 0) else {
                return Ok(0);
            };
            std::thread::sleep(self.pause);
            self.left -= 1;
            *first = b'x';
            Ok(1)
        }
    }

    #[test]
    fn body_within_limits_is_read() {
        let mut reader: &[u8] = b"{\"a\":1}";
        let body = read_body(&mut reader, Some(7), 100, DEFAULT_IO_TIMEOUT).unwrap();
        assert_eq!(body, b"{\"a\":1}");
    }

    #[test]
    fn body_over_limit_is_too_large() {
        let mut declared: &[u8] = b"";
        let result = read_body(&mut declared, Some(101), 100, DEFAULT_IO_TIMEOUT);
        assert!(matches!(result, Err(BodyError::TooLarge { limit: 100 })), "{result:?}");
        let long = vec![b'x'; 20_000];
        let result = read_body(&mut long.as_slice(), None, 100, DEFAULT_IO_TIMEOUT);
        assert!(matches!(result, Err(BodyError::TooLarge { limit: 100 })), "{result:?}");
    }

    #[test]
    fn dripped_body_times_out() {
        let mut drip = Drip {
            left: 1000,
            pause: Duration::from_millis(5),
        };
        let timeout = Duration::from_millis(50);
        let result = read_body(&mut drip, None, 10_000, timeout);
        assert!(matches!(result, Err(BodyError::TimedOut { .. })), "{result:?}");
        assert!(drip.left > 0, "the whole body was read");
    }

    #[test]
    fn socket_timeout_is_timed_out() {
        struct Stalled;
        impl Read for Stalled {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(ErrorKind::WouldBlock.into())
            }
        }
        let result = read_body(&mut Stalled, Some(10), 100, DEFAULT_IO_TIMEOUT);
        assert!(matches!(result, Err(BodyError::TimedOut { .. })), "{result:?}");
    }
}
