//! The in-process store: a map behind a mutex, each entry with its expiry instant. Expired
//! entries are invisible at once and swept out as the map grows, so memory stays bounded by
//! the live credentials.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::StoreError;

/// Entries before a sweep of expired ones is worth its cost.
const SWEEP_EVERY: usize = 4096;

/// An in-process key-value store with per-entry lifetimes.
#[derive(Debug, Default)]
pub struct Memory {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<String, (String, Instant)>,
    inserts: usize,
}

impl Inner {
    fn live(&self, key: &str, now: Instant) -> Option<&(String, Instant)> {
        self.map.get(key).filter(|(_, until)| *until > now)
    }

    fn insert(&mut self, key: &str, value: String, until: Instant, now: Instant) {
        self.inserts += 1;
        if self.inserts.is_multiple_of(SWEEP_EVERY) {
            self.map.retain(|_, (_, u)| *u > now);
        }
        self.map.insert(key.to_owned(), (value, until));
    }
}

fn until(now: Instant, ttl: u64) -> Instant {
    now + Duration::from_secs(ttl)
}

impl Memory {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map half-written (each operation is
        // one insert or remove), so a poisoned lock is still a consistent map.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sets `key` for `ttl` seconds.
    pub fn put(&self, key: &str, value: &str, ttl: u64) {
        let now = Instant::now();
        self.lock().insert(key, value.to_owned(), until(now, ttl), now);
    }

    /// Sets `key` only when absent or expired; true when set.
    pub fn put_new(&self, key: &str, value: &str, ttl: u64) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        if inner.live(key, now).is_some() {
            return false;
        }
        inner.insert(key, value.to_owned(), until(now, ttl), now);
        true
    }

    /// The live value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        self.lock().live(key, Instant::now()).map(|(v, _)| v.clone())
    }

    /// Removes `key`; true when it was live.
    pub fn delete(&self, key: &str) -> bool {
        let now = Instant::now();
        self.lock().map.remove(key).is_some_and(|(_, u)| u > now)
    }

    /// Adds one to a counter and sets its lifetime.
    ///
    /// # Errors
    /// When the value there is not a number.
    pub fn increment(&self, key: &str, ttl: u64) -> Result<u64, StoreError> {
        let now = Instant::now();
        let mut inner = self.lock();
        let current = match inner.live(key, now) {
            Some((v, _)) => v.parse::<u64>().map_err(|_| StoreError(format!("key {key:?} is not a counter")))?,
            None => 0,
        };
        let next = current.saturating_add(1);
        inner.insert(key, next.to_string(), until(now, ttl), now);
        Ok(next)
    }

    /// Extends a live entry's lifetime to at least `ttl` seconds from now.
    pub fn keep_for(&self, key: &str, ttl: u64) {
        let now = Instant::now();
        let want = until(now, ttl);
        if let Some((_, u)) = self.lock().map.get_mut(key).filter(|(_, u)| *u > now)
            && *u < want
        {
            *u = want;
        }
    }

    /// Whole seconds left on a live entry (rounded up).
    pub fn ttl(&self, key: &str) -> Option<u64> {
        let now = Instant::now();
        self.lock()
            .live(key, now)
            .map(|(_, u)| u64::try_from(u.duration_since(now).as_millis().div_ceil(1000)).unwrap_or(u64::MAX))
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.lock().map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_counters_count() {
        let m = Memory::default();
        m.put("a", "1", 60);
        assert_eq!(m.get("a").as_deref(), Some("1"));
        assert!(!m.put_new("a", "2", 60), "a live key is not replaced");
        assert!(m.put_new("b", "2", 60));
        m.put("gone", "x", 0);
        assert_eq!(m.get("gone"), None, "a zero lifetime is expired at once");
        assert!(m.put_new("gone", "y", 60), "an expired key counts as absent");
        assert_eq!(m.increment("n", 60).unwrap(), 1);
        assert_eq!(m.increment("n", 60).unwrap(), 2);
        assert!(m.increment("a", 60).is_ok());
        m.put("s", "text", 60);
        assert!(m.increment("s", 60).is_err());
        assert!(m.ttl("n").is_some_and(|t| (59..=60).contains(&t)));
        m.keep_for("n", 600);
        assert!(m.ttl("n").is_some_and(|t| t > 590));
        assert!(m.delete("n"));
        assert!(!m.delete("n"));
        m.clear();
        assert_eq!(m.get("a"), None);
    }
}
