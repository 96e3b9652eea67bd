//! The Leaks tab drawn alone (`Harness::build_ui_state`, as the Live tab's tests do) over a
//! generated folder: each frame draws the tab and hands its commands and finished jobs to the
//! state, as the app does.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::core::engine::scan::{self, ScanOptions, report};
use crate::core::labs::scan::ScanCommand;
use crate::core::labs::scan::fixture::{AT, Corpus, corpus};
use crate::ui::platform::FakePlatform;
use crate::ui::state::{AppState, Command, Tab};

struct World {
    state: AppState,
    platform: FakePlatform,
}

fn panel(c: &Corpus, size: egui::Vec2) -> Harness<'static, World> {
    let mut world = World { state: AppState::default(), platform: FakePlatform::default() };
    world.platform.folders.push_back(c.dir.clone());
    world.state.handle(Command::SelectTab(Tab::Leaks), &mut world.platform);
    world.state.handle(Command::Scan(ScanCommand::SetAt(Some(AT))), &mut world.platform);
    Harness::builder().with_size(size).build_ui_state(
        |ui, world: &mut World| {
            let mut out = Vec::new();
            super::ui(ui, &world.state, &mut out);
            for c in out {
                world.state.handle(c, &mut world.platform);
            }
            world.state.tick(&mut world.platform);
        },
        world,
    )
}

/// Frames until no job runs (or 20 s pass).
fn settle(h: &mut Harness<'static, World>) {
    let start = std::time::Instant::now();
    while (h.state().state.jobs.running() > 0 || h.state().state.scan.busy()) && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    h.run();
}

fn click(h: &mut Harness<'static, World>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    settle(h);
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
        h.query_by_label_contains("2 tokens (1 live, 0 encrypted, 1 expired or not yet valid) in 2 files").is_some()
    );
    assert!(h.query_by_label("LIVE").is_some());
    assert!(h.query_by_label("expired").is_some());
    assert_eq!(h.query_all_by_label("Open in Decode").count(), 2);
    for l in &report.leaks {
        assert!(h.query_by_label(&l.fingerprint).is_some(), "fingerprint {} shown", l.fingerprint);
    }
    assert!(h.query_by_label("https://live.example").is_some());
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
    let live = findings.iter().filter(|f| f["live"] == true).count();
    let not_live = findings.iter().filter(|f| f["live"] == false).count();
    assert!(
        h.query_by_label_contains(&format!(
            "{} tokens ({live} live, 0 encrypted, {not_live} expired or not yet valid)",
            findings.len()
        ))
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
