//! The Redis store: the same key-value-with-TTL interface over a real Redis, through the
//! `redis` crate's connection manager (it reconnects by itself after a dropped connection).
//! Every write carries its expiry in the same command (`SET … EX`, `SET … NX EX`, an atomic
//! `INCR` + `EXPIRE`), so no key outlives its credential even if the server dies mid-request.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::StoreError;

/// How long a connection attempt or a command may take before the request fails: a store that
/// does not answer is an error the user sees, not a hang.
const TIMEOUT: Duration = Duration::from_secs(2);

/// A connection to one Redis server.
#[derive(Clone)]
pub struct RedisStore {
    url: String,
    conn: ConnectionManager,
}

fn err(url: &str, e: &redis::RedisError) -> StoreError {
    // Something answered, but not in Redis's protocol (an HTTP server on that port): say so,
    // rather than quote the parser.
    if matches!(e.kind(), redis::ErrorKind::Parse | redis::ErrorKind::UnexpectedReturnType) {
        return StoreError(format!("{url}: something answers there, but not as a Redis server"));
    }
    let text = crate::core::text::visible(&e.to_string()).into_owned();
    StoreError(format!("{url}: {text}"))
}

/// What every key the lab writes starts with: a Redis shared with other programs keeps their
/// keys and the lab's apart (a `sess:…` of someone else's is never read as a session here).
pub const KEY_PREFIX: &str = "tokenbench:";

fn prefixed(key: &str) -> String {
    format!("{KEY_PREFIX}{key}")
}

/// Redis refuses `EX 0`; a zero lifetime means "gone at once", which one second rounds up to.
fn secs(ttl: u64) -> u64 {
    ttl.max(1)
}

impl RedisStore {
    /// Connects to `url` (`redis://HOST:PORT`) and checks it answers `PING`.
    ///
    /// # Errors
    /// When the URL is not a Redis URL, the server cannot be reached or does not answer.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| err(url, &e))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1);
        let conn = tokio::time::timeout(TIMEOUT * 2, client.get_connection_manager_with_config(config))
            .await
            .map_err(|_| StoreError(format!("{url}: no answer within {} s", (TIMEOUT * 2).as_secs())))?
            .map_err(|e| err(url, &e))?;
        let store = Self { url: url.to_owned(), conn };
        let pong: String = redis::cmd("PING").query_async(&mut store.conn.clone()).await.map_err(|e| err(url, &e))?;
        if pong != "PONG" {
            return Err(StoreError(format!("{url}: answered PING with {pong:?}")));
        }
        Ok(store)
    }

    /// The URL it was opened with.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(super) async fn put(&self, key: &str, value: &str, ttl: u64) -> Result<(), StoreError> {
        redis::cmd("SET")
            .arg(prefixed(key))
            .arg(value)
            .arg("EX")
            .arg(secs(ttl))
            .query_async::<()>(&mut self.conn.clone())
            .await
            .map_err(|e| err(&self.url, &e))
    }

    pub(super) async fn put_new(&self, key: &str, value: &str, ttl: u64) -> Result<bool, StoreError> {
        let set: Option<String> = redis::cmd("SET")
            .arg(prefixed(key))
            .arg(value)
            .arg("NX")
            .arg("EX")
            .arg(secs(ttl))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(|e| err(&self.url, &e))?;
        Ok(set.is_some())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        redis::cmd("GET").arg(prefixed(key)).query_async(&mut self.conn.clone()).await.map_err(|e| err(&self.url, &e))
    }

    pub(super) async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let n: u64 = redis::cmd("DEL")
            .arg(prefixed(key))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(|e| err(&self.url, &e))?;
        Ok(n > 0)
    }

    pub(super) async fn increment(&self, key: &str, ttl: u64) -> Result<u64, StoreError> {
        let (n, _): (u64, bool) = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(prefixed(key))
            .cmd("EXPIRE")
            .arg(prefixed(key))
            .arg(secs(ttl))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(|e| err(&self.url, &e))?;
        Ok(n)
    }

    pub(super) async fn keep_for(&self, key: &str, ttl: u64) -> Result<(), StoreError> {
        // GT: only ever lengthens (Redis 7); every key here has a lifetime, so GT applies.
        redis::cmd("EXPIRE")
            .arg(prefixed(key))
            .arg(secs(ttl))
            .arg("GT")
            .query_async::<bool>(&mut self.conn.clone())
            .await
            .map(|_| ())
            .map_err(|e| err(&self.url, &e))
    }

    pub(super) async fn ttl(&self, key: &str) -> Result<Option<u64>, StoreError> {
        let t: i64 = redis::cmd("TTL")
            .arg(prefixed(key))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(|e| err(&self.url, &e))?;
        Ok(u64::try_from(t).ok())
    }
}
