//! Work that must not run on the UI thread (generating an RSA key, fetching keys, cracking a
//! secret, a large comparison), as values: a lab's `handle` returns a [`Job`] instead of
//! spawning a thread, and whoever drives the lab runs it. The window runs every job on one
//! [`Runner`] and feeds each result back to `handle` as a command, so a background result
//! changes state the same way a click does; the CLI and the tests can run a job in place with
//! [`Job::run`].

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

/// Work whose result is a command `C` for whoever asked for it.
pub struct Job<C> {
    /// What the job does, in a few words ("crack the secret").
    pub what: String,
    work: Box<dyn FnOnce() -> C + Send + 'static>,
}

impl<C> std::fmt::Debug for Job<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("what", &self.what).finish_non_exhaustive()
    }
}

impl<C: 'static> Job<C> {
    /// A job doing `work`.
    pub fn new(what: impl Into<String>, work: impl FnOnce() -> C + Send + 'static) -> Self {
        Self { what: what.into(), work: Box::new(work) }
    }

    /// The same work, its result wrapped for a wider command type (a lab's command into the
    /// app's).
    #[must_use]
    pub fn map<D: 'static>(self, wrap: impl FnOnce(C) -> D + Send + 'static) -> Job<D> {
        let work = self.work;
        Job { what: self.what, work: Box::new(move || wrap(work())) }
    }

    /// Does the work here and now (the CLI, tests).
    #[must_use]
    pub fn run(self) -> C {
        (self.work)()
    }
}

/// A job's result carried inside a command. Commands are compared in tests and cloned by
/// views; a result (a private key, a crack report) is neither cheap to clone nor meaningful to
/// compare, so it is shared, and two are equal only when they are the same delivery.
pub struct Delivered<T>(std::sync::Arc<std::sync::Mutex<Option<T>>>);

impl<T> Delivered<T> {
    /// Wraps a result.
    pub fn new(value: T) -> Self {
        Self(std::sync::Arc::new(std::sync::Mutex::new(Some(value))))
    }

    /// The result, once: a second take (of a clone) gets `None`.
    #[must_use]
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut v| v.take())
    }
}

impl<T> Clone for Delivered<T> {
    fn clone(&self) -> Self {
        Self(std::sync::Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Delivered<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::fmt::Debug for Delivered<T> {
    // Never the value: it may hold a private key or a found secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Delivered(..)")
    }
}

/// What a job that died ended with, so the one who asked is told instead of waiting forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Died {
    /// The job's [`Job::what`].
    pub what: String,
}

/// Runs jobs on their own threads and hands back their results as they finish.
pub struct Runner<C> {
    tx: Sender<Result<C, Died>>,
    rx: Receiver<Result<C, Died>>,
    running: usize,
}

impl<C> std::fmt::Debug for Runner<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner").field("running", &self.running).finish_non_exhaustive()
    }
}

impl<C: Send + 'static> Default for Runner<C> {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self { tx, rx, running: 0 }
    }
}

impl<C: Send + 'static> Runner<C> {
    /// Starts `job` on its own thread.
    pub fn spawn(&mut self, job: Job<C>) {
        let tx = self.tx.clone();
        let what = job.what.clone();
        self.running += 1;
        std::thread::spawn(move || {
            // A panic inside the work is reported as `Died`, never as a job that runs forever.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
            // The runner may be gone if the window closed meanwhile.
            let _ = tx.send(result.map_err(|_| Died { what }));
        });
    }

    /// The results that have arrived since the last call, in the order they finished.
    pub fn finished(&mut self) -> Vec<Result<C, Died>> {
        let mut done = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(result) => {
                    self.running = self.running.saturating_sub(1);
                    done.push(result);
                }
                // The runner holds a sender itself, so the channel is never disconnected.
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return done,
            }
        }
    }

    /// How many jobs have not reported yet.
    #[must_use]
    pub fn running(&self) -> usize {
        self.running
    }

    /// Waits for every running job (tests, and a CLI that drives a lab).
    pub fn wait_all(&mut self) -> Vec<Result<C, Died>> {
        let mut done = Vec::new();
        while self.running > 0 {
            match self.rx.recv() {
                Ok(result) => {
                    self.running -= 1;
                    done.push(result);
                }
                Err(_) => break,
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_as_commands_and_a_panic_is_reported() {
        let mut runner: Runner<u32> = Runner::default();
        runner.spawn(Job::new("two", || 2));
        runner.spawn(Job::new("panics", || panic!("boom")));
        runner.spawn(Job::new("three", || 1_u8).map(|x| u32::from(x) + 2));
        assert_eq!(runner.running(), 3);
        let mut done = runner.wait_all();
        assert_eq!(runner.running(), 0);
        done.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(done, vec![Err(Died { what: "panics".into() }), Ok(2), Ok(3)]);
        assert!(runner.finished().is_empty());
        assert_eq!(Job::new("in place", || 7).run(), 7);
        let d = Delivered::new(String::from("secret"));
        let copy = d.clone();
        assert_eq!(d, copy);
        assert_ne!(d, Delivered::new(String::from("secret")), "equal only when the same delivery");
        assert_eq!(format!("{copy:?}"), "Delivered(..)");
        assert_eq!(copy.take().as_deref(), Some("secret"));
        assert_eq!(d.take(), None, "taken once");
    }
}
