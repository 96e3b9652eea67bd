//! The Leaks tab drawn alone (`Harness::build_ui_state`, as the Live tab's tests do) over a
//! generated folder: each frame draws the tab and hands its commands and finished jobs to the
//! state, as the app does.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::core::engine::scan::{self, ScanOptions, report};
use crate::core::engine::scan::{Status, fingerprint};
use crate::core::labs::scan::ScanCommand;
use crate::core::labs::scan::fixture::{AT, Corpus, MANY, corpus, statuses};
use crate::core::labs::scan::place_text;
use crate::ui::panel_harness::{self, World, click, settle};
use crate::ui::platform::FakePlatform;
use crate::ui::state::{Command, Tab};

fn panel(c: &Corpus, size: egui::Vec2) -> Harness<'static, World> {
    panel_at(&c.dir, size)
}

/// The tab alone, the folder dialog answering `dir`, judging at [`AT`].
fn panel_at(dir: &std::path::Path, size: egui::Vec2) -> Harness<'static, World> {
    let mut platform = FakePlatform::default();
    platform.folders.push_back(dir.to_owned());
    let setup = [Command::SelectTab(Tab::Leaks), Command::Scan(ScanCommand::SetAt(Some(AT)))];
    panel_harness::panel(World::new(platform, setup), size, super::ui)
}

/// The segments no view may show: each token's signature (and the token itself).
fn never_shown(c: &Corpus) -> Vec<String> {
    [&c.live, &c.expired].iter().flat_map(|t| [(*t).clone(), t.rsplit('.').next().unwrap().to_owned()]).collect()
}

#[test]
fn a_folder_is_scanned_live_first_and_a_finding_opens_in_decode() {
    let c = corpus("tab");
    let mut h = panel(&c, egui::vec2(1280.0, 800.0));
    h.run();
    assert!(h.query_by_label_contains("No scan yet").is_some());
    click(&mut h, "Add a folder");
    assert_eq!(h.state().state.scan.paths, vec![c.dir.clone()]);
    assert_eq!(h.state().platform.dialogs, vec!["A folder to scan for tokens".to_owned()]);
    click(&mut h, "Scan");
    let report = h.state().state.scan.report.clone().expect("a report");
    assert!(h.query_by_label(&super::totals(&report)).is_some(), "the totals line");
    assert!(
        h.query_by_label_contains("2 tokens (1 live, 0 encrypted, 1 expired) in 3 places; 2 files scanned").is_some()
    );
    assert!(h.query_by_label("LIVE").is_some());
    assert!(h.query_by_label("expired").is_some());
    assert_eq!(h.query_all_by_label("Open in Decode").count(), 2);
    for l in &report.leaks {
        assert!(h.query_by_label(&l.fingerprint).is_some(), "fingerprint {} shown", l.fingerprint);
    }
    assert!(h.query_by_label("\"https://live.example\"").is_some(), "iss quoted as the text report quotes it");
    let context = &report.leaks[0].places[0].context;
    assert!(h.query_by_label(context).is_some(), "the context {context} shown");
    for secret in never_shown(&c) {
        assert!(h.query_by_label_contains(&secret).is_none(), "a token's signature is shown");
    }
    // The first row is the live token: it is read again and opens in Decode.
    h.query_all_by_label("Open in Decode").next().unwrap().click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().state.tab, Tab::Decode);
    assert_eq!(h.state().state.input, c.live);
}

#[test]
fn the_scan_button_is_reachable_at_800_by_480_and_drops_join_the_list() {
    let c = corpus("small");
    let mut h = panel(&c, egui::vec2(800.0, 480.0));
    h.run();
    // A drop while the Leaks tab shows adds to the list instead of opening a token.
    let world = h.state_mut();
    let dropped = Command::Dropped { paths: vec![c.dir.join("access.log")], texts: Vec::new() };
    world.state.handle(dropped, &mut world.platform);
    assert_eq!(world.state.scan.paths, vec![c.dir.join("access.log")]);
    assert!(world.state.input.is_empty(), "not opened as a token");
    h.run();
    let scan = h.get_by_label("Scan").rect();
    assert!(scan.max.x <= 800.0 && scan.max.y <= 480.0, "the Scan button at {scan:?}");
    let before = h.get_by_label("Scan").rect();
    click(&mut h, "Scan");
    assert_eq!(h.get_by_label("Scan").rect(), before, "no button moves when results arrive");
    assert_eq!(h.state().state.scan.report.as_ref().unwrap().leaks.len(), 2);
}

/// The tab's figures are `tokenbench scan --json`'s on the same folder at the same instant: the
/// JSON of the core function the CLI prints.
#[test]
fn the_tab_shows_what_tokenbench_scan_json_says() {
    let c = corpus("parity");
    let mut h = panel(&c, egui::vec2(1280.0, 800.0));
    h.run();
    click(&mut h, "Add a folder");
    click(&mut h, "Scan");
    let cli = report::scan_json(&scan::scan(
        std::slice::from_ref(&c.dir),
        &ScanOptions { keys: &[], now: AT, threads: 0, progress: None },
    ));
    let findings = cli["findings"].as_array().unwrap();
    let tab = h.state().state.scan.report.clone().unwrap();
    assert_eq!(tab.files_scanned, cli["files_scanned"].as_u64().unwrap());
    assert_eq!(tab.bytes_scanned, cli["bytes_scanned"].as_u64().unwrap());
    assert_eq!(tab.leaks.len(), findings.len());
    let live = findings.iter().filter(|f| f["status"] == "LIVE").count();
    let expired = findings.iter().filter(|f| f["status"] == "expired").count();
    assert!(
        h.query_by_label_contains(&format!("{} tokens ({live} live, 0 encrypted, {expired} expired)", findings.len()))
            .is_some()
    );
    for (shown, f) in tab.leaks.iter().zip(findings) {
        assert_eq!(shown.fingerprint, f["fingerprint"].as_str().unwrap(), "same order, same tokens");
        assert_eq!(shown.places.len() as u64, f["occurrences"].as_u64().unwrap());
        assert!(h.query_by_label(f["fingerprint"].as_str().unwrap()).is_some());
        let place = format!("{}:{}:{}", f["path"].as_str().unwrap(), f["line"], f["column"]);
        assert!(h.query_by_label(&place).is_some(), "{place} shown");
    }
}

#[test]
fn without_a_dialog_a_typed_path_joins_the_list() {
    let c = corpus("nodialog");
    let mut h = panel(&c, egui::vec2(1280.0, 800.0));
    h.state_mut().platform.no_dialogs = true;
    h.run();
    click(&mut h, "Add files");
    let message = h.state().state.message.clone().unwrap().1;
    assert!(message.contains("type a path or drop the files on the window instead"), "{message}");
    assert!(h.state().state.scan.paths.is_empty());
    // Typed instead: the path joins the list and the field empties.
    let typed = c.dir.join("access.log").display().to_string();
    h.get_by_label("Or type a path").click();
    h.get_by_label("Or type a path").type_text(&typed);
    h.run();
    click(&mut h, "Add this path");
    assert_eq!(h.state().state.scan.paths, vec![c.dir.join("access.log")]);
}

/// While a scan runs, the progress bar names the paths, files and bytes, Cancel is the one
/// button that acts, and it pulls the scan's cancel switch; nothing above the results moves.
#[test]
fn a_running_scan_shows_its_progress_and_cancel_pulls_its_switch() {
    use std::sync::Arc;

    use crate::core::engine::scan::ScanProgress;
    use crate::core::labs::scan::Running;
    let c = corpus("running");
    let mut h = panel(&c, egui::vec2(800.0, 480.0));
    h.state_mut().state.scan.paths = vec![c.dir.clone()];
    h.run();
    let scan = h.get_by_label("Scan").rect();
    let cancel = h.get_by_label("Cancel").rect();
    let progress = Arc::new(ScanProgress::default());
    h.state_mut().state.scan.running = Some(Running { progress: Arc::clone(&progress), paths: 1 });
    h.run();
    assert!(h.query_by_label_contains("Scanning 1 path: 0 files read, 0 bytes").is_some());
    assert_eq!(h.get_by_label("Scan").rect(), scan);
    assert_eq!(h.get_by_label("Cancel").rect(), cancel);
    h.get_by_label("Scan").click();
    h.get_by_label("Cancel").click();
    h.run();
    assert!(progress.is_cancelled());
    assert_eq!(h.state().state.jobs.running(), 0, "Scan is disabled while one runs");
}

/// Every label's right edge, with its text: nothing may leave a window `width` wide.
fn overflowing(h: &Harness<'static, World>, width: f32) -> Vec<(String, f32)> {
    let nodes: Vec<_> = h.query_all(egui_kittest::kittest::by().predicate(|n| n.bounding_box().is_some())).collect();
    assert!(nodes.len() > 50, "every widget is looked at: {}", nodes.len());
    nodes
        .into_iter()
        .filter(|n| n.rect().max.x > width + 0.5)
        .map(|n| {
            let a = n.accesskit_node();
            (a.value().or_else(|| a.label()).unwrap_or_default(), n.rect().max.x)
        })
        .collect()
}

/// Each status the tab meets without keys in its own words, as `tokenbench scan --json` says
/// them; the totals name each; a token's first five places, the rest in a list that opens; its
/// findings of medium or high severity named; and long cells cut to the window.
#[test]
fn each_status_places_and_findings_show_as_the_scan_says() {
    let s = statuses("statuses");
    let mut h = panel_at(&s.dir, egui::vec2(1280.0, 800.0));
    h.run();
    click(&mut h, "Add a folder");
    click(&mut h, "Scan");
    let report = h.state().state.scan.report.clone().expect("a report");
    let totals = super::totals(&report);
    assert!(
        totals.starts_with(
            "4 tokens (2 live, 0 encrypted, 0 expired, 1 unsigned, 1 with a time claim not a number) in 15 places; 2 \
             files scanned"
        ),
        "{totals}"
    );
    assert!(h.query_by_label(&totals).is_some(), "the totals line");
    // The words and their order are the CLI's.
    let cli = report::scan_json(&scan::scan(
        std::slice::from_ref(&s.dir),
        &ScanOptions { keys: &[], now: AT, threads: 0, progress: None },
    ));
    let words: Vec<&str> = cli["findings"].as_array().unwrap().iter().map(|f| f["status"].as_str().unwrap()).collect();
    assert_eq!(words, vec!["LIVE", "UNSIGNED", "exp not a number", "LIVE"]);
    assert_eq!(report.leaks.iter().map(|l| l.status.word()).collect::<Vec<_>>(), words);
    let status_of = |token: &str| report.leaks.iter().find(|l| l.fingerprint == fingerprint(token)).unwrap().status;
    assert_eq!(
        [status_of(&s.many), status_of(&s.unsigned), status_of(&s.not_a_number), status_of(&s.long)],
        [Status::Live, Status::Unsigned, Status::NotANumber("exp"), Status::Live]
    );
    for word in ["UNSIGNED", "exp not a number"] {
        assert!(h.query_by_label(word).is_some(), "{word} shown");
    }
    assert_eq!(h.query_all_by_label("LIVE").count(), 2);
    assert!(
        h.query_by_label(
            "exp is not a number: a strict verifier refuses the token, a lax one ignores it and never expires it"
        )
        .is_some()
    );

    // The many-places token: five places, then the rest behind "and 7 more places".
    let many = report.leaks.iter().find(|l| l.fingerprint == fingerprint(&s.many)).unwrap();
    let places: Vec<String> = many.places.iter().map(place_text).collect();
    assert_eq!(places.len(), MANY);
    for p in &places[..5] {
        assert!(h.query_by_label(p).is_some(), "{p} shown");
    }
    assert!(h.query_by_label(&places[5]).is_none(), "the sixth place waits behind its header");
    click(&mut h, "and 7 more places");
    for p in &places[5..] {
        assert!(h.query_by_label(p).is_some(), "{p} shown once opened");
    }

    // Findings of medium or high severity are named per token; all open under a header.
    assert!(h.query_by_label_contains("[high] alg-none: ").is_some());
    assert!(
        h.query_by_label_contains("[medium] time-claim-not-a-number: \"exp\" is the string \"tomorrow\"").is_some()
    );
    for leak in &report.leaks {
        let others = leak.findings.iter().filter(|f| !f.severity.fails()).count();
        let header = format!("All {} findings ({others} of low or info severity)", leak.findings.len());
        assert!(h.query_all_by_label(&header).count() >= 1, "{header}");
    }
    let headers = h.query_all_by_label_contains(" of low or info severity)").count();
    assert_eq!(headers, report.leaks.iter().filter(|l| !l.findings.is_empty()).count(), "one per token");
}

/// At 800x480 nothing leaves the window: a 300-character alg, a 400-character iss and long
/// places are cut with an ellipsis (the whole text stays the label's, shown on hover).
#[test]
fn long_cells_are_cut_and_nothing_leaves_800_by_480() {
    let s = statuses("narrow");
    let mut h = panel_at(&s.dir, egui::vec2(800.0, 480.0));
    h.run();
    click(&mut h, "Add a folder");
    click(&mut h, "Scan");
    assert_eq!(h.state().state.scan.report.as_ref().unwrap().leaks.len(), 4);
    let long_alg = "A".repeat(300);
    let alg = h.get_by_label(&long_alg).rect();
    assert!(alg.width() <= super::ALG_WIDTH + 0.5, "the alg is cut: {alg:?}");
    let iss = format!("\"https://{}.example\"", "very-long-issuer-name".repeat(19));
    assert!(h.get_by_label(&iss).rect().max.x <= 800.0);
    let out = overflowing(&h, 800.0);
    assert!(out.is_empty(), "past the right edge: {out:?}");
    click(&mut h, "and 7 more places");
    let out = overflowing(&h, 800.0);
    assert!(out.is_empty(), "past the right edge once opened: {out:?}");
}

/// The fixed instant shows its UTC date-time beside its seconds.
#[test]
fn the_fixed_instant_shows_its_utc_date_time() {
    let c = corpus("instant");
    let mut h = panel(&c, egui::vec2(800.0, 480.0));
    h.run();
    assert!(h.query_by_label("Unix seconds = 2023-11-14 22:13:20 UTC").is_some());
    let scan = h.get_by_label("Scan").rect();
    h.get_by_label("Judge at").click();
    h.run();
    assert_eq!(h.state().state.scan.at, None);
    assert!(h.query_by_label("the app's clock").is_some());
    assert!(h.query_by_label_contains("Unix seconds = ").is_none());
    assert_eq!(h.get_by_label("Scan").rect(), scan, "nothing moves");
}

/// A note (a re-read refused) and the totals show together: the note never hides the figures.
#[test]
fn a_note_and_the_totals_show_together() {
    let c = corpus("note");
    let mut h = panel(&c, egui::vec2(1280.0, 800.0));
    h.run();
    click(&mut h, "Add a folder");
    click(&mut h, "Scan");
    // The expired token's file changes: opening it is refused with a note.
    let log = c.dir.join("access.log");
    std::fs::write(&log, "").unwrap();
    h.query_all_by_label("Open in Decode").nth(1).unwrap().click();
    h.step();
    settle(&mut h);
    let note = h.state().state.scan.note.clone().expect("a note");
    assert!(note.contains("the file is shorter than at the scan"), "{note}");
    assert!(h.query_by_label(&note).is_some(), "the note shown");
    let totals = super::totals(h.state().state.scan.report.as_ref().unwrap());
    assert!(h.query_by_label(&totals).is_some(), "and the totals still: {totals}");
}

/// The plot's axis cuts a long issuer to its first characters and an ellipsis.
#[test]
fn a_long_issuer_is_cut_on_the_axis() {
    assert_eq!(super::short("https://a.example", 24), "https://a.example");
    assert_eq!(super::short(&"i".repeat(30), 24), format!("{}…", "i".repeat(23)));
    assert_eq!(super::short(&"é".repeat(25), 24).chars().count(), 24);
}

/// What the folder holds besides files is listed as the CLI lists it; a change of the instant
/// after a scan is flagged until Scan runs again; a finding opens in Decode at the fixed instant.
#[cfg(unix)]
#[test]
fn skipped_paths_are_listed_stale_results_flagged_and_decode_opens_at_the_instant() {
    let c = corpus("skipped");
    std::os::unix::fs::symlink(c.dir.join("access.log"), c.dir.join("link.log")).unwrap();
    let mut h = panel(&c, egui::vec2(1280.0, 800.0));
    h.run();
    click(&mut h, "Add a folder");
    click(&mut h, "Scan");
    assert!(h.query_by_label_contains("Skipped (not content; not read) (1)").is_some());
    assert!(h.query_by_label_contains("paths or the instant changed").is_none());
    let world = h.state_mut();
    world.state.handle(Command::Scan(ScanCommand::SetAt(Some(AT + 7200.0))), &mut world.platform);
    h.run();
    assert!(h.query_by_label_contains("paths or the instant changed").is_some(), "a stale report is flagged");
    // Back to the scan's instant: the report answers it again.
    let world = h.state_mut();
    world.state.handle(Command::Scan(ScanCommand::SetAt(Some(AT))), &mut world.platform);
    h.run();
    assert!(h.query_by_label_contains("paths or the instant changed").is_none());
    // The expired token opens in Decode with the app's clock at the tab's instant.
    h.query_all_by_label("Open in Decode").nth(1).unwrap().click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().state.tab, Tab::Decode);
    assert_eq!(h.state().state.input, c.expired);
    assert_eq!(h.state().state.clock.now().to_bits(), AT.to_bits(), "Decode judges at the Leaks tab's instant");
}
