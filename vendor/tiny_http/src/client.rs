use ascii::AsciiString;

use std::io::Error as IoError;
use std::io::Result as IoResult;
use std::io::{BufReader, BufWriter, ErrorKind, Read};

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{HTTPVersion, Method};
use crate::util::RefinedTcpStream;
use crate::util::{SequentialReader, SequentialReaderBuilder, SequentialWriterBuilder};
use crate::Request;

/// A ClientConnection is an object that will store a socket to a client
/// and return Request objects.
pub struct ClientConnection {
    // address of the client
    remote_addr: IoResult<Option<SocketAddr>>,

    // sequence of Readers to the stream, so that the data is not read in
    //  the wrong order
    source: SequentialReaderBuilder<BufReader<RefinedTcpStream>>,

    // sequence of Writers to the stream, to avoid writing response #2 before
    //  response #1
    sink: SequentialWriterBuilder<BufWriter<RefinedTcpStream>>,

    // Reader to read the next header from
    next_header_source: SequentialReader<BufReader<RefinedTcpStream>>,

    // set to true if we know that the previous request is the last one
    no_more_requests: bool,

    // true if the connection goes through SSL
    secure: bool,

    // ReleaseGate patch: time allowed from the first byte of a request head to its end, and the
    // deadline of the head being read
    head_timeout: Option<Duration>,
    head_deadline: Option<Instant>,

    // ReleaseGate patch: whether the body of the previous request was read to its end
    previous_body_finished: Option<Arc<AtomicBool>>,
}

/// Longest request line or header line accepted (ReleaseGate patch). A longer line ends the
/// connection, so that a client cannot grow the line buffer without bound.
const MAX_HEAD_LINE: usize = 8192;

/// Most header lines accepted in one request (ReleaseGate patch). More get a 400.
const MAX_HEADERS: usize = 100;

/// Error that can happen when reading a request.
#[derive(Debug)]
enum ReadError {
    WrongRequestLine,
    /// ReleaseGate patch: the message says what is wrong with the head.
    WrongHeader(HTTPVersion, &'static str),
    /// the client sent an unrecognized `Expect` header
    ExpectationFailed(HTTPVersion),
    ReadIoError(IoError),
    /// ReleaseGate patch: a `Transfer-Encoding` other than `chunked`.
    NotImplemented(HTTPVersion),
}

impl ClientConnection {
    /// Creates a new `ClientConnection` that takes ownership of the `TcpStream`.
    pub fn new(
        write_socket: RefinedTcpStream,
        mut read_socket: RefinedTcpStream,
    ) -> ClientConnection {
        let remote_addr = read_socket.peer_addr();
        let secure = read_socket.secure();

        let mut source = SequentialReaderBuilder::new(BufReader::with_capacity(1024, read_socket));
        let first_header = source.next().unwrap();

        ClientConnection {
            source,
            sink: SequentialWriterBuilder::new(BufWriter::with_capacity(1024, write_socket)),
            remote_addr,
            next_header_source: first_header,
            no_more_requests: false,
            secure,
            head_timeout: None,
            head_deadline: None,
            previous_body_finished: None,
        }
    }

    /// Sets the time allowed from the first byte of each request head to its end (ReleaseGate
    /// patch). A slower head gets a 408 and the connection is closed.
    pub(crate) fn with_head_timeout(mut self, timeout: Option<Duration>) -> ClientConnection {
        self.head_timeout = timeout;
        self
    }

    /// Fails with `TimedOut` once the head deadline has passed, and starts the deadline at the
    /// first byte of a head (ReleaseGate patch).
    fn check_head_deadline(&mut self) -> IoResult<()> {
        let now = Instant::now();
        match (self.head_deadline, self.head_timeout) {
            (Some(deadline), _) if now > deadline => Err(IoError::new(
                ErrorKind::TimedOut,
                "request head not received in time",
            )),
            (None, Some(timeout)) => {
                self.head_deadline = Some(now + timeout);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// true if the connection is HTTPS
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Returns true when the previous request's body was left unread, so the next bytes are the
    /// rest of that body and not a request (ReleaseGate patch).
    fn previous_body_unread(&self) -> bool {
        self.previous_body_finished
            .as_ref()
            .is_some_and(|finished| !finished.load(Ordering::SeqCst))
    }

    /// Reads the next line from self.next_header_source.
    ///
    /// Reads until `CRLF` is reached. The next read will start
    ///  at the first byte of the new line.
    fn read_next_line(&mut self) -> IoResult<AsciiString> {
        let mut buf = Vec::new();
        let mut prev_byte_was_cr = false;

        loop {
            let byte = self.next_header_source.by_ref().bytes().next();

            let byte = match byte {
                Some(Ok(b)) => b,
                // ReleaseGate patch: a read that timed out inside a head is a request timeout
                // (408). Before the first byte of a head it only ends an idle connection.
                Some(Err(e))
                    if e.kind() == ErrorKind::WouldBlock && self.head_deadline.is_some() =>
                {
                    return Err(IoError::new(ErrorKind::TimedOut, e));
                }
                Some(Err(e)) => return Err(e),
                None => return Err(IoError::new(ErrorKind::ConnectionAborted, "Unexpected EOF")),
            };

            // ReleaseGate patch: bound the time that the head takes and the length of a line.
            self.check_head_deadline()?;

            if byte == b'\n' && prev_byte_was_cr {
                buf.pop(); // removing the '\r'
                return AsciiString::from_ascii(buf)
                    .map_err(|_| IoError::new(ErrorKind::InvalidInput, "Header is not in ASCII"));
            }

            prev_byte_was_cr = byte == b'\r';

            buf.push(byte);
            // A line may have MAX_HEAD_LINE bytes, plus the '\r' that precedes its '\n'.
            if buf.len() > MAX_HEAD_LINE + usize::from(prev_byte_was_cr) {
                return Err(IoError::new(ErrorKind::InvalidData, "request head line too long"));
            }
        }
    }

    /// Reads a request from the stream.
    /// Blocks until the header has been read.
    fn read(&mut self) -> Result<Request, ReadError> {
        self.head_deadline = None;
        // ReleaseGate patch: once the previous request is done with the connection, close it
        // at once if that request's body was left unread, instead of waiting for more bytes.
        if !self.next_header_source.wait_turn() || self.previous_body_unread() {
            return Err(ReadError::ReadIoError(IoError::new(
                ErrorKind::ConnectionAborted,
                "the previous request's body was not read",
            )));
        }
        let (method, path, version, headers) = {
            // reading the request line
            let (method, path, version) = {
                let line = self.read_next_line().map_err(ReadError::ReadIoError)?;

                parse_request_line(
                    line.as_str().trim(), // TODO: remove this conversion
                )?
            };

            // getting all headers
            let headers = {
                let mut headers = Vec::new();
                loop {
                    let line = self.read_next_line().map_err(ReadError::ReadIoError)?;

                    if line.is_empty() {
                        break;
                    };
                    if headers.len() >= MAX_HEADERS {
                        return Err(ReadError::WrongHeader(
                            version,
                            "more than 100 header lines",
                        ));
                    }
                    headers.push(match FromStr::from_str(line.as_str().trim()) {
                        // TODO: remove this conversion
                        Ok(h) => h,
                        _ => {
                            return Err(ReadError::WrongHeader(
                                version,
                                "malformed header line; expected `Name: value`",
                            ))
                        }
                    });
                }

                headers
            };

            (method, path, version, headers)
        };

        // building the writer for the request
        let writer = self.sink.next().unwrap();

        // follow-up for next potential request
        let mut data_source = self.source.next().unwrap();
        std::mem::swap(&mut self.next_header_source, &mut data_source);

        // building the next reader
        let request = crate::request::new_request(
            self.secure,
            method,
            path,
            version.clone(),
            headers,
            *self.remote_addr.as_ref().unwrap(),
            data_source,
            writer,
        )
        .map_err(|e| {
            use crate::request;
            match e {
                request::RequestCreationError::CreationIoError(e) => ReadError::ReadIoError(e),
                request::RequestCreationError::BadFraming => ReadError::WrongHeader(
                    version,
                    "ambiguous body length: send one decimal Content-Length, or \
                     Transfer-Encoding: chunked, not both",
                ),
                request::RequestCreationError::UnsupportedTransferEncoding => {
                    ReadError::NotImplemented(version)
                }
                request::RequestCreationError::ExpectationFailed => {
                    ReadError::ExpectationFailed(version)
                }
            }
        })?;

        // return the request
        Ok(request)
    }
}

impl Iterator for ClientConnection {
    type Item = Request;

    /// Blocks until the next Request is available.
    /// Returns None when no new Requests will come from the client.
    fn next(&mut self) -> Option<Request> {
        use crate::{Response, StatusCode};

        // the client sent a "connection: close" header in this previous request
        //  or is using HTTP 1.0, meaning that no new request will come
        if self.no_more_requests {
            return None;
        }

        loop {
            let rq = match self.read() {
                Err(ReadError::WrongRequestLine) => {
                    let writer = self.sink.next().unwrap();
                    let response = error_reply(
                        400,
                        "invalid_request",
                        "malformed request line; expected `METHOD /path HTTP/1.1`",
                    );
                    response
                        .raw_print(writer, HTTPVersion(1, 1), &[], false, None)
                        .ok();
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::WrongHeader(ver, message)) => {
                    let writer = self.sink.next().unwrap();
                    let response = error_reply(400, "invalid_request", message);
                    response.raw_print(writer, ver, &[], false, None).ok();
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::ReadIoError(ref err)) if err.kind() == ErrorKind::TimedOut => {
                    // request timeout
                    let writer = self.sink.next().unwrap();
                    let response = error_reply(
                        408,
                        "request_timeout",
                        "request head not received in time; send the whole head at once",
                    );
                    response
                        .raw_print(writer, HTTPVersion(1, 1), &[], false, None)
                        .ok();
                    return None; // closing the connection
                }

                // ReleaseGate patch: 501 for a transfer coding that is not understood (RFC 9112,
                // section 6.1), then close, because the body's end is unknown.
                Err(ReadError::NotImplemented(ver)) => {
                    let writer = self.sink.next().unwrap();
                    let response = error_reply(
                        501,
                        "not_implemented",
                        "unsupported Transfer-Encoding; only `chunked` is accepted",
                    );
                    response.raw_print(writer, ver, &[], false, None).ok();
                    return None;
                }

                Err(ReadError::ExpectationFailed(ver)) => {
                    let writer = self.sink.next().unwrap();
                    let response = error_reply(
                        417,
                        "expectation_failed",
                        "unsupported Expect header; only `100-continue` is accepted",
                    );
                    response.raw_print(writer, ver, &[], false, None).ok();
                    return None; // TODO: should be recoverable, but needs handling in case of body
                }

                Err(ReadError::ReadIoError(_)) => return None,

                Ok(rq) => rq,
            };

            // checking HTTP version
            // ReleaseGate patch: the published version wrote this reply through a new writer
            // while `rq` still held the previous one, and the new writer waits for the previous
            // one to be dropped, so the thread and its connection hung for good. The reply now
            // goes through `rq` itself, and the connection closes.
            if *rq.http_version() > (1, 1) {
                let response = error_reply(
                    505,
                    "http_version_not_supported",
                    "this server supports HTTP/1.0 and HTTP/1.1 only",
                );
                rq.respond_as_http11(response).ok();
                return None;
            }

            // updating the status of the connection
            let connection_header = rq
                .headers()
                .iter()
                .find(|h| h.field.equiv("Connection"))
                .map(|h| h.value.as_str());

            let lowercase = connection_header.map(|h| h.to_ascii_lowercase());

            match lowercase {
                Some(ref val) if val.contains("close") => self.no_more_requests = true,
                Some(ref val) if val.contains("upgrade") => self.no_more_requests = true,
                Some(ref val)
                    if !val.contains("keep-alive") && *rq.http_version() == HTTPVersion(1, 0) =>
                {
                    self.no_more_requests = true
                }
                None if *rq.http_version() == HTTPVersion(1, 0) => self.no_more_requests = true,
                _ => (),
            };

            // returning the request
            self.previous_body_finished = Some(rq.body_finished());
            return Some(rq);
        }
    }
}

/// Parses a "HTTP/1.1" string.
fn parse_http_version(version: &str) -> Result<HTTPVersion, ReadError> {
    let (major, minor) = match version {
        "HTTP/0.9" => (0, 9),
        "HTTP/1.0" => (1, 0),
        "HTTP/1.1" => (1, 1),
        "HTTP/2.0" => (2, 0),
        "HTTP/3.0" => (3, 0),
        _ => return Err(ReadError::WrongRequestLine),
    };

    Ok(HTTPVersion(major, minor))
}

/// Parses the request line of the request.
/// eg. GET / HTTP/1.1
fn parse_request_line(line: &str) -> Result<(Method, String, HTTPVersion), ReadError> {
    let mut parts = line.split(' ');

    let method = parts.next().and_then(|w| w.parse().ok());
    let path = parts.next().map(ToOwned::to_owned);
    let version = parts.next().and_then(|w| parse_http_version(w).ok());

    method
        .and_then(|method| Some((method, path?, version?)))
        .ok_or(ReadError::WrongRequestLine)
}

#[cfg(test)]
mod test {
    #[test]
    fn test_parse_request_line() {
        let (method, path, ver) = super::parse_request_line("GET /hello HTTP/1.1").unwrap();

        assert!(method == crate::Method::Get);
        assert!(path == "/hello");
        assert!(ver == crate::common::HTTPVersion(1, 1));

        assert!(super::parse_request_line("GET /hello").is_err());
        assert!(super::parse_request_line("qsd qsd qsd").is_err());
    }
}

/// Builds an error reply in the JSON shape of the server's other errors,
/// `{"error": CODE, "message": TEXT}`, that closes the connection (ReleaseGate patch). `code` and
/// `message` are fixed texts without quotes or backslashes, so they need no escaping.
fn error_reply(status: u16, code: &str, message: &str) -> crate::Response<std::io::Cursor<Vec<u8>>> {
    let body = format!("{{\"error\":\"{code}\",\"message\":\"{message}\"}}");
    let mut response = crate::Response::from_data(body)
        .with_status_code(crate::StatusCode(status))
        .with_header(
            crate::Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..]).unwrap(),
        );
    response.add_connection_close();
    response
}
