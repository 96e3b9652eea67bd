//! The Leaks tab's lab over a generated folder: the scan as a job, its findings live first,
//! a finding opened in Decode read again from its file (and refused once the file changed),
//! and a cancelled scan.

use std::sync::Arc;

use super::fixture::{AT, corpus, shown};
use super::*;
use crate::core::engine::scan::fingerprint;

/// Runs every job the effects ask for, in place, feeding the results back; returns the other
/// effects.
fn drive(lab: &mut ScanLab, effects: Vec<ScanEffect>) -> Vec<ScanEffect> {
    let mut rest = Vec::new();
    for e in effects {
        match e {
            ScanEffect::Spawn(job) => {
                let next = lab.handle(job.run(), 0.0);
                rest.extend(drive(lab, next));
            }
            other => rest.push(other),
        }
    }
    rest
}

fn scanned(name: &str) -> (ScanLab, fixture::Corpus) {
    let c = corpus(name);
    let mut lab = ScanLab::default();
    lab.handle(ScanCommand::AddPaths(vec![c.dir.clone()]), 0.0);
    lab.handle(ScanCommand::AddPaths(vec![c.dir.clone()]), 0.0);
    assert_eq!(lab.paths.len(), 1, "a path listed twice is listed once");
    lab.handle(ScanCommand::SetAt(Some(AT)), 0.0);
    let effects = lab.handle(ScanCommand::Start, 0.0);
    assert!(lab.busy());
    assert!(drive(&mut lab, effects).is_empty());
    assert!(!lab.busy());
    (lab, c)
}

#[test]
fn a_scan_finds_the_live_token_first_and_groups_its_places() {
    let (lab, c) = scanned("order");
    let report = lab.report.as_ref().unwrap();
    assert!(!report.cancelled);
    assert_eq!(report.now.to_bits(), AT.to_bits(), "judged at --at, not the clock");
    assert_eq!(report.files_scanned, 2);
    let prints: Vec<&str> = report.leaks.iter().map(|l| l.fingerprint.as_str()).collect();
    assert_eq!(prints, vec![fingerprint(&c.live).as_str(), fingerprint(&c.expired).as_str()], "live first");
    assert_eq!(report.leaks[0].status, scan::Status::Live);
    assert_eq!(report.leaks[1].status, scan::Status::Expired);
    let live_places: Vec<String> = report.leaks[0].places.iter().map(place_text).collect();
    let log = shown(&c.dir.join("access.log"));
    let gz = shown(&c.dir.join("rotated/app.log.1.gz"));
    assert_eq!(live_places, vec![format!("{log}:3:23"), format!("{gz}:1:11")]);
    assert_eq!(report.leaks[1].places[0].context, "query parameter access_token");
    assert_eq!(
        lab.by_issuer(),
        vec![
            IssuerCount { issuer: "https://live.example".into(), live: 1, expired: 0 },
            IssuerCount { issuer: "https://old.example".into(), live: 0, expired: 1 },
        ]
    );
}

#[test]
fn open_reads_the_token_again_and_refuses_a_changed_file() {
    let (mut lab, c) = scanned("open");
    let effects = lab.handle(ScanCommand::Open(1), 0.0);
    match drive(&mut lab, effects).as_slice() {
        [ScanEffect::OpenInDecode(t)] => assert_eq!(*t, c.expired),
        other => panic!("{other:?}"),
    }
    // The gzip place of the live token is read decompressed.
    let mut gz_first = lab.report.clone().unwrap();
    gz_first.leaks[0].places.remove(0);
    lab.report = Some(gz_first);
    let effects = lab.handle(ScanCommand::Open(0), 0.0);
    match drive(&mut lab, effects).as_slice() {
        [ScanEffect::OpenInDecode(t)] => assert_eq!(*t, c.live),
        other => panic!("{other:?}"),
    }
    // The log now holds another token at the expired one's place: refused, with both prints.
    let log = c.dir.join("access.log");
    let text = std::fs::read_to_string(&log).unwrap().replace(&c.expired, &c.live);
    std::fs::write(&log, text).unwrap();
    let effects = lab.handle(ScanCommand::Open(1), 0.0);
    assert!(drive(&mut lab, effects).is_empty(), "nothing is loaded");
    let note = lab.note.clone().unwrap();
    assert!(
        note.contains(&format!("now has fingerprint {}, not {}", fingerprint(&c.live), fingerprint(&c.expired))),
        "{note}"
    );
    assert!(note.starts_with(&format!("{}:1:", shown(&log))), "{note}");
    // The file emptied: said so.
    std::fs::write(&log, "").unwrap();
    let effects = lab.handle(ScanCommand::Open(1), 0.0);
    assert!(drive(&mut lab, effects).is_empty());
    assert!(lab.note.as_deref().unwrap().contains("the file is shorter than at the scan"), "{:?}", lab.note);
}

#[test]
fn a_cancelled_scan_shows_no_findings_and_says_so() {
    let c = corpus("cancel");
    let mut lab = ScanLab::default();
    lab.handle(ScanCommand::AddPaths(vec![c.dir.clone()]), AT);
    let effects = lab.handle(ScanCommand::Start, AT);
    let progress = Arc::clone(&lab.running.as_ref().unwrap().progress);
    // Cancelled before the job runs: it stops at its first file.
    lab.handle(ScanCommand::Cancel, AT);
    assert!(progress.is_cancelled());
    assert!(drive(&mut lab, effects).is_empty());
    assert!(lab.report.is_none());
    assert!(!lab.busy());
    let note = lab.note.clone().unwrap();
    assert!(note.starts_with("Scan cancelled after 0 files (0 bytes read)"), "{note}");
}

#[test]
fn nothing_to_scan_is_said_and_the_clock_is_the_default_instant() {
    let mut lab = ScanLab::default();
    assert!(lab.handle(ScanCommand::Start, AT).is_empty());
    assert!(lab.note.as_deref().unwrap().starts_with("Add files or a folder"));
    assert_eq!(lab.instant(AT).to_bits(), AT.to_bits());
    let c = corpus("clock");
    lab.handle(ScanCommand::AddPaths(vec![c.dir.clone(), c.dir.join("missing.log")]), AT);
    let effects = lab.handle(ScanCommand::Start, AT + 7200.0);
    drive(&mut lab, effects);
    let report = lab.report.as_ref().unwrap();
    assert_eq!(report.now.to_bits(), (AT + 7200.0).to_bits());
    assert!(report.leaks.iter().all(|l| l.status == scan::Status::Expired), "both expired two hours later");
    assert_eq!(report.unreadable.len(), 1);
    assert_eq!(report.unreadable[0].path, shown(&c.dir.join("missing.log")));
    lab.handle(ScanCommand::RemovePath(1), AT);
    assert_eq!(lab.paths, vec![c.dir.clone()]);
    lab.handle(ScanCommand::Clear, AT);
    assert!(lab.paths.is_empty() && lab.report.is_none());
}

/// The figures the progress bar reads: every file finished, and the bytes read as stored on
/// disk (the gzip file's compressed bytes), against the report's decompressed count.
#[test]
fn progress_counts_the_files_and_the_bytes_on_disk() {
    let c = corpus("progress");
    let progress = ScanProgress::default();
    let report = scan::scan(
        std::slice::from_ref(&c.dir),
        &ScanOptions { keys: &[], now: AT, threads: 2, progress: Some(&progress) },
    );
    let on_disk = ["access.log", "rotated/app.log.1.gz"]
        .iter()
        .map(|f| std::fs::metadata(c.dir.join(f)).unwrap().len())
        .sum::<u64>();
    assert_eq!(progress.files(), 2);
    assert_eq!(report.files_scanned, 2);
    assert_eq!(progress.bytes(), on_disk);
    let log = std::fs::metadata(c.dir.join("access.log")).unwrap().len();
    let line = format!("{{\"token\":\"{}\"}}\n", c.live).len() as u64;
    assert_eq!(report.bytes_scanned, log + line, "the report counts the gzip file decompressed");
    assert!(!report.cancelled && !progress.is_cancelled());
}

/// A job of another lab that died leaves the scan alone; the scan's own death is said.
#[test]
fn only_the_scans_own_job_dying_ends_it() {
    let c = corpus("died");
    let mut lab = ScanLab::default();
    lab.handle(ScanCommand::AddPaths(vec![c.dir.clone()]), AT);
    let _job = lab.handle(ScanCommand::Start, AT);
    lab.handle(ScanCommand::JobDied("crack the secret".into()), AT);
    assert!(lab.busy() && lab.note.is_none());
    lab.handle(ScanCommand::JobDied(SCAN_JOB.into()), AT);
    assert!(!lab.busy());
    assert_eq!(lab.note.as_deref(), Some("the leak scan stopped unexpectedly"));
}
