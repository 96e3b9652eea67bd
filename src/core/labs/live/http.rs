//! The HTTP plumbing the balancer and the app servers share: one bounded accept loop (a
//! connection limit, a header size limit, a header read timeout, a per-request deadline), a
//! bounded body reader, and JSON responses.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::config::Bounds;

/// A response with its whole body in memory (every body here is small).
pub type Resp = Response<Full<Bytes>>;

/// A request handler: the request and the peer's address in, a response out.
pub type Handler =
    Arc<dyn Fn(Request<Incoming>, SocketAddr) -> Pin<Box<dyn Future<Output = Resp> + Send>> + Send + Sync>;

/// A JSON response.
#[must_use]
pub fn json(status: StatusCode, value: &serde_json::Value) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(value.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// An error response: `{"error": message}`.
#[must_use]
pub fn error(status: StatusCode, message: &str) -> Resp {
    json(status, &serde_json::json!({ "error": message }))
}

/// Reads a whole body of at most `limit` bytes.
///
/// # Errors
/// A 413 response naming the limit, or a 400 when the body broke off.
pub async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, Resp> {
    // A declared length over the limit is refused at once, not after waiting for the bytes.
    if hyper::body::Body::size_hint(&body).lower() > limit as u64 {
        return Err(error(StatusCode::PAYLOAD_TOO_LARGE, &format!("the request body is larger than {limit} bytes")));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(error(StatusCode::PAYLOAD_TOO_LARGE, &format!("the request body is larger than {limit} bytes")))
        }
        Err(e) => Err(error(StatusCode::BAD_REQUEST, &format!("the request body broke off: {e}"))),
    }
}

/// Serves `listener` until `stop` turns true: at most `bounds.max_connections` connections at
/// once (the rest wait in the kernel's backlog), heads bounded in size and time, each request
/// answered within `bounds.request_timeout` or with a 504. On stop the listener closes at once
/// and open connections finish their request in flight, then close.
pub async fn serve(listener: TcpListener, bounds: Bounds, mut stop: watch::Receiver<bool>, handler: Handler) {
    let slots = Arc::new(Semaphore::new(bounds.max_connections));
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => return },
            () = stopped(&mut stop) => return,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // A refused or reset connection (or no file descriptor left) ends only itself.
                Err(_) => continue,
            },
            () = stopped(&mut stop) => return,
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let mut conn_stop = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let handler = handler.clone();
                async move {
                    let answer = tokio::time::timeout(bounds.request_timeout, handler(req, peer)).await;
                    Ok::<_, Infallible>(answer.unwrap_or_else(|_| {
                        error(
                            StatusCode::GATEWAY_TIMEOUT,
                            &format!("no answer within {} s", bounds.request_timeout.as_secs_f64()),
                        )
                    }))
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(bounds.header_timeout)
                .max_buf_size(bounds.max_header_bytes.max(8192))
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                () = stopped(&mut conn_stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
}

/// Resolves once `stop` turns true (or its sender is gone: nobody can stop it any more, so
/// it stops). The borrow of the value ends here, never held across the caller's awaits.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
