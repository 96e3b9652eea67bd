//! The Leaks tab's state machine: the files and folders to scan, one scan at a time as a
//! background [`Job`] with its [`ScanProgress`], the report of [`crate::core::engine::scan`]
//! (the one `tokenbench scan` prints), and a finding opened in Decode by reading its token again
//! from its file ([`reread::token_at`]): the list keeps fingerprints and places, never a token.
//! The window sends [`ScanCommand`]s to [`ScanLab::handle`] and does the [`ScanEffect`]s.

use std::path::PathBuf;
use std::sync::Arc;

use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::scan::{self, Leak, Place, ScanOptions, ScanProgress, ScanReport, reread};
use crate::core::jobs::{Delivered, Job};
use crate::core::text::visible;

/// The name of the scan's job (a job that dies is reported by it).
pub const SCAN_JOB: &str = "the leak scan";
/// The name of the job that reads a found token again.
pub const REREAD_JOB: &str = "reading a found token again";
/// How many of a token's places Open tries, in order, before it gives the first one's error.
const REREAD_PLACES: usize = 8;

/// Everything the tab can be asked.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanCommand {
    /// Ask for files to scan (a dialog).
    PickFiles,
    /// Ask for a folder to scan (a dialog).
    PickFolder,
    /// Add files and folders (from a dialog or a drop); one already listed is not added twice.
    AddPaths(Vec<PathBuf>),
    /// Remove path `i` from the list.
    RemovePath(usize),
    /// Empty the list and forget the report.
    Clear,
    /// Judge liveness at this instant (Unix seconds), or at the app's clock when `None`, as
    /// `tokenbench scan --at`.
    SetAt(Option<UnixSeconds>),
    /// Scan the listed paths in the background.
    Start,
    /// Stop the scan under way.
    Cancel,
    /// A scan finished.
    Finished {
        /// The scan it answers.
        run: u64,
        /// Its report.
        report: Delivered<ScanReport>,
    },
    /// Read finding `i`'s token again from its first place that still holds it, and open it in Decode.
    Open(usize),
    /// A finding was read again.
    Reread {
        /// The report it was asked from.
        run: u64,
        /// The token, or why it is not given.
        result: Delivered<Result<String, String>>,
    },
    /// A job died without answering.
    JobDied(String),
}

/// What the lab asks of the window.
#[derive(Debug)]
pub enum ScanEffect {
    /// Run this job; its result comes back as a command.
    Spawn(Job<ScanCommand>),
    /// Show the file dialog (then send [`ScanCommand::AddPaths`]).
    PickFiles,
    /// Show the folder dialog (then send [`ScanCommand::AddPaths`]).
    PickFolder,
    /// Load this token in Decode and show it.
    OpenInDecode(String),
}

/// A scan under way.
#[derive(Debug, Clone)]
pub struct Running {
    /// Its figures so far, and its cancel switch.
    pub progress: Arc<ScanProgress>,
    /// How many paths it was given.
    pub paths: usize,
}

/// One issuer's tokens in the report, for the summary plot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerCount {
    /// The `iss` as written (escaped), `(no iss)`, or `(encrypted)` for a JWE.
    pub issuer: String,
    /// Tokens that may be live (live, encrypted, unsigned, a time claim not a number).
    pub live: usize,
    /// Tokens that are not (expired, not yet valid, forged).
    pub expired: usize,
}

/// The Leaks tab.
#[derive(Debug, Default)]
pub struct ScanLab {
    /// Files and folders to scan, in the order added.
    pub paths: Vec<PathBuf>,
    /// `--at`: the instant liveness is judged at; `None` for the app's clock when the scan starts.
    pub at: Option<UnixSeconds>,
    /// The scan under way.
    pub running: Option<Running>,
    /// The last report.
    pub report: Option<ScanReport>,
    /// One line on the last thing that went wrong or was refused (a re-read of a changed file, a
    /// cancelled scan, a scan without paths).
    pub note: Option<String>,
    /// A finding being read again.
    pub opening: bool,
    /// The paths and instant the last scan was started with, to tell when the list or the
    /// instant has changed since ([`ScanLab::stale`]).
    scanned: Option<(Vec<PathBuf>, Option<UnixSeconds>)>,
    run: u64,
}

impl ScanLab {
    /// True when a report is shown but the paths or the fixed instant changed since its scan:
    /// its figures answer another question until Scan runs again (the tokens are not kept, so
    /// they cannot be judged again without reading the files again).
    #[must_use]
    pub fn stale(&self) -> bool {
        self.report.is_some() && self.scanned.as_ref().is_some_and(|(paths, at)| *paths != self.paths || *at != self.at)
    }

    /// Applies a command; `now` is the app's clock, used when [`ScanLab::at`] is `None`.
    pub fn handle(&mut self, command: ScanCommand, now: UnixSeconds) -> Vec<ScanEffect> {
        match command {
            ScanCommand::PickFiles => return vec![ScanEffect::PickFiles],
            ScanCommand::PickFolder => return vec![ScanEffect::PickFolder],
            ScanCommand::AddPaths(paths) => {
                for p in paths {
                    if !self.paths.contains(&p) {
                        self.paths.push(p);
                    }
                }
            }
            ScanCommand::RemovePath(i) => {
                if i < self.paths.len() && self.running.is_none() {
                    self.paths.remove(i);
                }
            }
            ScanCommand::Clear => {
                if self.running.is_none() {
                    self.paths.clear();
                    self.report = None;
                    self.note = None;
                }
            }
            ScanCommand::SetAt(at) => self.at = at,
            ScanCommand::Start => return self.start(now),
            ScanCommand::Cancel => {
                if let Some(r) = &self.running {
                    r.progress.cancel();
                }
            }
            ScanCommand::Finished { run, report } => {
                if run != self.run {
                    return Vec::new();
                }
                let progress = self.running.take().map(|r| r.progress);
                let Some(report) = report.take() else { return Vec::new() };
                if report.cancelled {
                    let (files, bytes) = progress.map_or((0, 0), |p| (p.files(), p.bytes()));
                    self.note = Some(format!(
                        "Scan cancelled after {} ({} bytes read): no findings are shown for a partial scan",
                        crate::core::text::count(files, "file", "files"),
                        crate::core::text::thousands(bytes)
                    ));
                } else {
                    self.note = None;
                    self.report = Some(report);
                }
            }
            ScanCommand::Open(i) => return self.open(i),
            ScanCommand::Reread { run, result } => {
                self.opening = false;
                if run != self.run {
                    return Vec::new();
                }
                match result.take() {
                    Some(Ok(token)) => {
                        self.note = None;
                        return vec![ScanEffect::OpenInDecode(token)];
                    }
                    Some(Err(why)) => self.note = Some(visible(&why).into_owned()),
                    None => {}
                }
            }
            // Every lab hears of every job that died: only this lab's own are its business.
            ScanCommand::JobDied(what) => {
                if what == SCAN_JOB && self.running.take().is_some() {
                    self.note = Some(format!("{what} stopped unexpectedly"));
                }
                if what == REREAD_JOB && self.opening {
                    self.opening = false;
                    self.note = Some(format!("{what} stopped unexpectedly"));
                }
            }
        }
        Vec::new()
    }

    /// Whether a scan or a re-read runs.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.running.is_some() || self.opening
    }

    /// The instant a scan started now would judge at.
    #[must_use]
    pub fn instant(&self, now: UnixSeconds) -> UnixSeconds {
        self.at.unwrap_or(now)
    }

    fn start(&mut self, now: UnixSeconds) -> Vec<ScanEffect> {
        if self.running.is_some() {
            return Vec::new();
        }
        if self.paths.is_empty() {
            self.note = Some("Add files or a folder to scan first (the buttons above, or drop them here)".into());
            return Vec::new();
        }
        self.run += 1;
        self.note = None;
        self.report = None;
        self.scanned = Some((self.paths.clone(), self.at));
        let progress = Arc::new(ScanProgress::default());
        self.running = Some(Running { progress: Arc::clone(&progress), paths: self.paths.len() });
        let paths = self.paths.clone();
        let at = self.instant(now);
        let run = self.run;
        vec![ScanEffect::Spawn(Job::new(SCAN_JOB, move || {
            let report = scan::scan(&paths, &ScanOptions { keys: &[], now: at, threads: 0, progress: Some(&progress) });
            ScanCommand::Finished { run, report: Delivered::new(report) }
        }))]
    }

    fn open(&mut self, i: usize) -> Vec<ScanEffect> {
        let Some(leak) = self.report.as_ref().and_then(|r| r.leaks.get(i)) else { return Vec::new() };
        // A place may have changed or gone since the scan; the token may still be at another.
        let places: Vec<Place> = leak.places.iter().take(REREAD_PLACES).cloned().collect();
        if places.is_empty() {
            return Vec::new();
        }
        let fingerprint = leak.fingerprint.clone();
        self.opening = true;
        let run = self.run;
        vec![ScanEffect::Spawn(Job::new(REREAD_JOB, move || {
            let mut first_error = None;
            for place in &places {
                match reread::token_at(place, &fingerprint) {
                    Ok(token) => return ScanCommand::Reread { run, result: Delivered::new(Ok(token)) },
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            ScanCommand::Reread { run, result: Delivered::new(Err(first_error.unwrap_or_default())) }
        }))]
    }

    /// The report's tokens by issuer: live (or maybe live) and not, issuers in the report's
    /// order of first appearance.
    #[must_use]
    pub fn by_issuer(&self) -> Vec<IssuerCount> {
        let mut out: Vec<IssuerCount> = Vec::new();
        for leak in self.report.iter().flat_map(|r| &r.leaks) {
            let issuer = issuer(leak);
            let i = if let Some(i) = out.iter().position(|c| c.issuer == issuer) {
                i
            } else {
                out.push(IssuerCount { issuer, live: 0, expired: 0 });
                out.len() - 1
            };
            if leak.may_be_live() {
                out[i].live += 1;
            } else {
                out[i].expired += 1;
            }
        }
        out
    }
}

/// A leak's issuer as shown: the `iss` string escaped, any other JSON as written.
#[must_use]
pub fn issuer(leak: &Leak) -> String {
    match (&leak.iss, leak.kind) {
        (_, crate::core::engine::token::Kind::Jwe) => "(encrypted)".into(),
        (Some(serde_json::Value::String(s)), _) => visible(s).into_owned(),
        (Some(other), _) => visible(&other.to_string()).into_owned(),
        (None, _) => "(no iss)".into(),
    }
}

/// `path:line:col` of a place, escaped.
#[must_use]
pub fn place_text(place: &Place) -> String {
    format!("{}:{}:{}", visible(&place.path), place.line, place.column)
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
