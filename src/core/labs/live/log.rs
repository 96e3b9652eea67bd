//! The request log: every request through the balancer with its credential line, status, the
//! server that answered and the latency, kept in a ring buffer for the window and broadcast to
//! whoever follows it live (the CLI prints each to stderr).

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::broadcast;

/// Entries the ring keeps.
pub const RING: usize = 1000;

/// One request as the balancer saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogEntry {
    /// The method.
    pub method: String,
    /// The path (without the query).
    pub path: String,
    /// The `Authorization` / `Cookie` line, shortened; empty when none was sent.
    pub credential: String,
    /// The status answered.
    pub status: u16,
    /// The app server that answered; `None` when the balancer answered itself.
    pub server: Option<usize>,
    /// Microseconds from the request's arrival to its answer.
    pub latency_us: u64,
}

impl LogEntry {
    /// One line for a terminal.
    #[must_use]
    pub fn line(&self) -> String {
        let server = self.server.map_or_else(|| "balancer".to_owned(), |s| format!("server {s}"));
        let credential = if self.credential.is_empty() { "-" } else { &self.credential };
        format!("{} {} {} -> {} ({server}, {} us)", self.method, self.path, credential, self.status, self.latency_us)
    }
}

/// The ring and the broadcast.
#[derive(Debug)]
pub struct RequestLog {
    ring: Mutex<VecDeque<LogEntry>>,
    live: broadcast::Sender<LogEntry>,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self { ring: Mutex::new(VecDeque::with_capacity(RING)), live: broadcast::channel(RING).0 }
    }
}

impl RequestLog {
    /// Records one entry.
    pub fn push(&self, entry: LogEntry) {
        let _ = self.live.send(entry.clone());
        let mut ring = self.ring.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if ring.len() == RING {
            ring.pop_front();
        }
        ring.push_back(entry);
    }

    /// The last [`RING`] entries, oldest first.
    #[must_use]
    pub fn snapshot(&self) -> Vec<LogEntry> {
        self.ring.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned().collect()
    }

    /// Every entry from now on (a slow reader skips what it missed).
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<LogEntry> {
        self.live.subscribe()
    }
}
