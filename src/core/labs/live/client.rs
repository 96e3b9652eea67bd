//! The HTTP/1.1 client `probe` and `load` share: one parsed target (plain `http://` only, the
//! one host the user named), keep-alive connections that count the bytes they write, and
//! bounded response reading. Nothing here follows a redirect: a 3xx is a status like any other,
//! and no request ever goes to a host other than the target's.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, Response, Uri};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// How long one connect or one request (send, status and body) may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The most response body bytes read per response: the figures need the status and, for a
/// login, a small JSON object; a huge body is an error, not memory spent.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A parsed `http://HOST[:PORT][/PATH]` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The URL as given.
    pub url: String,
    /// The host (a name or an IP literal, without brackets).
    pub host: String,
    /// The port (80 when the URL names none).
    pub port: u16,
    /// `HOST[:PORT]` as written in the URL: the `Host` header.
    pub authority: String,
    /// The path and query as given (`/` when empty).
    pub path_and_query: String,
}

impl Target {
    /// Parses `url`; `flag` names the argument in the error (e.g. "URL").
    ///
    /// # Errors
    /// A message naming the argument and what is wrong: not a URL, a scheme other than `http`,
    /// no host, or user info (credentials in a URL would be sent nowhere and are refused).
    pub fn parse(url: &str, flag: &str) -> Result<Self, String> {
        if !url.contains("://") {
            return Err(format!("{flag} {url:?} has no scheme; write it as http://HOST:PORT/PATH"));
        }
        let uri: Uri = url.parse().map_err(|e| format!("{flag} {url:?} is not a URL: {e}"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => {
                return Err(format!(
                    "{flag} {url:?} has the scheme {other:?}; only plain http:// is spoken (e.g. http://127.0.0.1:8080)"
                ));
            }
            None => return Err(format!("{flag} {url:?} has no scheme; write it as http://HOST:PORT/PATH")),
        }
        let authority = uri.authority().ok_or_else(|| format!("{flag} {url:?} has no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!("{flag} {url:?} holds user info before the host; give only http://HOST:PORT/PATH"));
        }
        let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
        if host.is_empty() {
            return Err(format!("{flag} {url:?} has an empty host"));
        }
        let port = match authority.port_u16() {
            Some(0) => return Err(format!("{flag} {url:?} names port 0, which nothing listens on")),
            Some(p) => p,
            None if authority.as_str().ends_with(':') => {
                return Err(format!("{flag} {url:?} has an empty port after the colon"));
            }
            None => 80,
        };
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let path_and_query = if path_and_query.is_empty() { "/".to_owned() } else { path_and_query };
        Ok(Self { url: url.to_owned(), host, port, authority: authority.as_str().to_owned(), path_and_query })
    }

    /// The target's path with `/suffix` appended (its query dropped): `/login`, `/me` under a
    /// base URL that may itself have a path.
    #[must_use]
    pub fn join(&self, suffix: &str) -> String {
        let path = self.path_and_query.split('?').next().unwrap_or("/").trim_end_matches('/');
        format!("{path}/{}", suffix.trim_start_matches('/'))
    }
}

/// A byte counter shared by the connections of one run.
pub type ByteCounter = Arc<AtomicU64>;

/// A TCP stream that adds every byte it writes to a counter: `bytes_sent` is what went on the
/// wire (request lines, headers and bodies as hyper wrote them), not an estimate.
#[derive(Debug)]
pub struct CountingStream {
    inner: TcpStream,
    sent: ByteCounter,
}

impl AsyncRead for CountingStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountingStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &polled {
            self.sent.fetch_add(*n as u64, Ordering::Relaxed);
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &polled {
            self.sent.fetch_add(*n as u64, Ordering::Relaxed);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// One keep-alive HTTP/1.1 connection to the target.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").finish_non_exhaustive()
    }
}

impl Connection {
    /// Connects to the target (within [`REQUEST_TIMEOUT`]); every byte written is added to
    /// `sent`. The connection's driver runs as a task on the current runtime.
    ///
    /// # Errors
    /// A message naming the host and port and the system's reason.
    pub async fn open(target: &Target, sent: ByteCounter) -> Result<Self, String> {
        let where_ = format!("{}:{}", target.host, target.port);
        let stream = tokio::time::timeout(REQUEST_TIMEOUT, TcpStream::connect((target.host.as_str(), target.port)))
            .await
            .map_err(|_| format!("cannot connect to {where_}: no answer within {} s", REQUEST_TIMEOUT.as_secs()))?
            .map_err(|e| format!("cannot connect to {where_}: {e}"))?;
        // Small requests, one at a time per connection: Nagle would only add delay.
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(CountingStream { inner: stream, sent });
        let (sender, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| format!("HTTP handshake with {where_} failed: {e}"))?;
        tokio::spawn(async move {
            // The connection ends when its sender is dropped or the peer closes: nothing to report.
            let _ = conn.await;
        });
        Ok(Self { sender })
    }

    /// True when the connection can take another request (the server has not closed it).
    #[must_use]
    pub fn is_open(&self) -> bool {
        !self.sender.is_closed()
    }

    /// Sends one request and reads its whole response (at most [`MAX_BODY_BYTES`]) within
    /// [`REQUEST_TIMEOUT`].
    ///
    /// # Errors
    /// A message saying what failed: sending, the timeout, or the body.
    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> Result<(Response<()>, Bytes), String> {
        tokio::time::timeout(REQUEST_TIMEOUT, async {
            self.sender.ready().await.map_err(|e| format!("the connection closed: {e}"))?;
            let response: Response<Incoming> =
                self.sender.send_request(request).await.map_err(|e| format!("the request failed: {e}"))?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_BODY_BYTES)
                .collect()
                .await
                .map_err(|e| format!("reading the response body failed: {e}"))?
                .to_bytes();
            Ok((Response::from_parts(parts, ()), body))
        })
        .await
        .map_err(|_| format!("no complete response within {} s", REQUEST_TIMEOUT.as_secs()))?
    }
}

/// An empty body, for GET requests (one body type per connection: a `Full` of no bytes).
#[must_use]
pub fn no_body() -> Full<Bytes> {
    Full::new(Bytes::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_refuse_with_the_flag_named() {
        let t = Target::parse("http://127.0.0.1:8080/api?x=1", "URL").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.authority.as_str()), ("127.0.0.1", 8080, "127.0.0.1:8080"));
        assert_eq!(t.path_and_query, "/api?x=1");
        assert_eq!(t.join("/me"), "/api/me");
        let t = Target::parse("http://localhost", "URL").unwrap();
        assert_eq!((t.port, t.path_and_query.as_str(), t.join("login").as_str()), (80, "/", "/login"));
        let t = Target::parse("http://[::1]:9/", "URL").unwrap();
        assert_eq!((t.host.as_str(), t.authority.as_str()), ("::1", "[::1]:9"));
        for (bad, says) in [
            ("https://example.com/", "scheme \"https\""),
            ("ftp://example.com/", "scheme \"ftp\""),
            ("example.com/me", "no scheme"),
            ("http://exa mple/", "is not a URL"),
            ("http://user:pw@127.0.0.1/", "user info"),
            ("http://127.0.0.1:0/", "port 0"),
        ] {
            let e = Target::parse(bad, "URL").unwrap_err();
            assert!(e.starts_with("URL "), "{e}");
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
