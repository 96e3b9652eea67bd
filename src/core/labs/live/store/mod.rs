//! Where server-side state lives: sessions, denylist entries, version counters and refresh
//! tokens, each under a key with a time to live that ends with the credential it backs.
//!
//! The app servers speak to one small key-value interface with TTLs ([`Store`]); the memory
//! stores ([`memory`]) implement it in process, the Redis store ([`redis_store`]) with the
//! `redis` crate's commands, so every strategy behaves the same on either and only the round
//! trip differs.

pub mod memory;
pub mod redis_store;

use std::sync::Arc;

pub use self::memory::Memory;
pub use self::redis_store::RedisStore;

/// Why the store could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("session store {0}")]
pub struct StoreError(pub String);

/// One store: in-process memory or a Redis server. Cheap to clone (shared inside).
#[derive(Clone)]
pub enum Store {
    /// In-process memory.
    Memory(Arc<Memory>),
    /// A Redis server.
    Redis(RedisStore),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory(_) => f.write_str("Store::Memory"),
            Self::Redis(r) => write!(f, "Store::Redis({})", r.url()),
        }
    }
}

impl Store {
    /// A fresh, empty memory store.
    #[must_use]
    pub fn memory() -> Self {
        Self::Memory(Arc::new(Memory::default()))
    }

    /// Sets `key` to `value`, expiring after `ttl` seconds.
    ///
    /// # Errors
    /// When Redis cannot be reached or refuses the command.
    pub async fn put(&self, key: &str, value: &str, ttl: u64) -> Result<(), StoreError> {
        match self {
            Self::Memory(m) => {
                m.put(key, value, ttl);
                Ok(())
            }
            Self::Redis(r) => r.put(key, value, ttl).await,
        }
    }

    /// Sets `key` only when it does not exist yet; true when this call set it (the atomic step
    /// refresh-token reuse detection stands on).
    ///
    /// # Errors
    /// As [`Store::put`].
    pub async fn put_new(&self, key: &str, value: &str, ttl: u64) -> Result<bool, StoreError> {
        match self {
            Self::Memory(m) => Ok(m.put_new(key, value, ttl)),
            Self::Redis(r) => r.put_new(key, value, ttl).await,
        }
    }

    /// The value of `key`, when present and not expired.
    ///
    /// # Errors
    /// As [`Store::put`].
    pub async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self {
            Self::Memory(m) => Ok(m.get(key)),
            Self::Redis(r) => r.get(key).await,
        }
    }

    /// Removes `key`; true when it was there.
    ///
    /// # Errors
    /// As [`Store::put`].
    pub async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        match self {
            Self::Memory(m) => Ok(m.delete(key)),
            Self::Redis(r) => r.delete(key).await,
        }
    }

    /// Adds one to the counter at `key` (absent counts as 0) and sets its lifetime to `ttl`
    /// seconds; returns the new value.
    ///
    /// # Errors
    /// As [`Store::put`]; a value that is not a counter.
    pub async fn increment(&self, key: &str, ttl: u64) -> Result<u64, StoreError> {
        match self {
            Self::Memory(m) => m.increment(key, ttl),
            Self::Redis(r) => r.increment(key, ttl).await,
        }
    }

    /// Extends `key`'s lifetime to at least `ttl` seconds from now (nothing when absent).
    ///
    /// # Errors
    /// As [`Store::put`].
    pub async fn keep_for(&self, key: &str, ttl: u64) -> Result<(), StoreError> {
        match self {
            Self::Memory(m) => {
                m.keep_for(key, ttl);
                Ok(())
            }
            Self::Redis(r) => r.keep_for(key, ttl).await,
        }
    }

    /// Seconds left before `key` expires, when it exists.
    ///
    /// # Errors
    /// As [`Store::put`].
    pub async fn ttl(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self {
            Self::Memory(m) => Ok(m.ttl(key)),
            Self::Redis(r) => r.ttl(key).await,
        }
    }

    /// Forgets everything (a per-server store when its server stops: its memory dies with it).
    pub fn clear_memory(&self) {
        if let Self::Memory(m) = self {
            m.clear();
        }
    }
}
