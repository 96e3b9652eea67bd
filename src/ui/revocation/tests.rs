//! The revocation lab's view: panel by panel on a lab of its own, and through the window.

use crate::core::text::short_duration;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use super::table::table_time;
use super::*;
use crate::core::labs::revocation::{EventKind, RevocationScenario, SAMPLES, ScaleInputs, Seconds, Strategy, simulate};
use crate::core::text::short_count;
use crate::ui::app::{Settings, TokenbenchApp};
use crate::ui::platform::FakePlatform;
use crate::ui::state::Tab;
use crate::ui::state::{ClockCommand, Level};

fn lab_app(size: egui::Vec2) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Revocation), Command::Clock(ClockCommand::Pause)]);
    h
}

/// Loads the logout sample and sets the clock `offset` seconds after its login; the login.
fn logout_sample_at(h: &mut Harness<'_, TokenbenchApp>, offset: Seconds) -> Seconds {
    h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(0))]);
    let login = h.state().state.revocation.scenario().login_at;
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + offset) as f64))]);
    login
}

/// A cell's text: its own, or its labels' (a wrapping cell is a container).
fn text(node: &egui_kittest::Node<'_>) -> String {
    node.accesskit_node().value().unwrap_or_else(|| {
        node.children_recursive()
            .filter(|c| c.accesskit_node().role() == egui::accesskit::Role::Label)
            .filter_map(|c| c.accesskit_node().value())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The texts of the main table's row for `strategy`, after its name.
fn row<S>(h: &Harness<'_, S>, strategy: Strategy) -> Vec<String> {
    let name = h.query_all_by_label(strategy.name()).next().expect("the strategy's row");
    // Each cell is a fixed-size container in the grid.
    let parent = name.parent().unwrap().parent().unwrap();
    let cells: Vec<String> = parent.children().map(|c| text(&c)).collect();
    let at = cells
        .iter()
        .position(|c| c == strategy.name())
        .unwrap_or_else(|| panic!("{cells:?} {:?}", parent.accesskit_node().role()));
    cells[at + 1..at + 8].to_vec()
}

#[test]
fn the_at_scale_plot_fits_the_new_range_when_the_inputs_change() {
    let mut h = lab_app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::Revocation(RevocationCommand::FocusAtScale)]);
    h.run();
    let bounds = |h: &Harness<'_, TokenbenchApp>| {
        let m = egui_plot::PlotMemory::load(&h.ctx, scale::scale_plot_id()).expect("the plot was drawn");
        (m.bounds().min()[1], m.bounds().max()[1])
    };
    let (_, top) = bounds(&h);
    // A thousand times fewer signed-in users and revocations: every line drops 3 decades.
    let small = ScaleInputs { users: 1000, active_users: 100, requests_per_second: 5.0, revocations_per_day: 20.0 };
    h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetScale(small))]);
    h.run();
    let highest = h
        .state()
        .state
        .revocation
        .series()
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p[1]))
        .fold(0.0_f64, f64::max)
        .log10();
    let (lo, hi) = bounds(&h);
    assert!(hi < top - 2.0, "the plot is not left on the old range: {hi} vs {top}");
    assert!(lo <= highest && highest <= hi, "the new data is in view: {lo}..{hi} holds {highest}");
}

#[test]
fn revoke_in_the_lab_and_read_each_row() {
    let mut h = lab_app(egui::vec2(1400.0, 1000.0));
    let login = logout_sample_at(&mut h, 1000);
    h.run();
    // Before the event everyone is accepted.
    for s in Strategy::ALL {
        let r = row(&h, s);
        assert!(r[0].starts_with("accepted"), "{s:?} user: {r:?}");
    }
    // Revoke at the clock's time (+1000 s): the button moves the event there.
    h.get_by_label("Make it happen now").click();
    h.run();
    assert_eq!(h.state().state.revocation.scenario().event.at, login + 1000);
    let expect = [
        ("refused: logged out", "refused: the session was deleted", "0 s", "0", "1", "1"),
        ("refused: logged out", "accepted: the old token", "43 min 20 s", "0", "0", "0"),
        ("refused: logged out", "accepted: the old access token", "3 min 20 s", "0", "0", "1"),
        ("refused: logged out", "refused: its jti is on the denylist", "0 s", "1 (", "1", "1"),
        ("refused: logged out", "refused: its version is stale", "0 s", "1 (", "1", "1"),
    ];
    for (s, (user, subject, exposure, records, lookups, max)) in Strategy::ALL.into_iter().zip(expect) {
        let r = row(&h, s);
        assert_eq!(r[0], user, "{s:?}");
        assert_eq!(r[1], subject, "{s:?}");
        assert_eq!(r[3], exposure, "{s:?}");
        assert!(r[4].starts_with(records), "{s:?}: {}", r[4]);
        assert_eq!((r[5].as_str(), r[6].as_str()), (lookups, max), "{s:?}");
    }
    assert_eq!(row(&h, Strategy::JwtRefresh)[2], table_time(login + 1200, login));
    assert_eq!(row(&h, Strategy::JwtRefresh)[2], "22:33:20", "login at 22:13:20 UTC, 20 min access tokens");
    // Run the clock past the jwt-refresh access token's exp: its row flips.
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + 1200) as f64))]);
    h.run();
    assert!(row(&h, Strategy::JwtRefresh)[1].starts_with("refused: expired"));
    assert!(row(&h, Strategy::Jwt)[1].starts_with("accepted"));
}

#[test]
fn the_gui_and_the_cli_give_the_same_numbers() {
    let mut h = lab_app(egui::vec2(1400.0, 1000.0));
    for (i, (file, text)) in SAMPLES.iter().enumerate() {
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(i))]);
        h.run();
        let scenario = RevocationScenario::from_json(text).unwrap();
        let cli = crate::cli::revocation_json(&simulate(&scenario));
        for (k, s) in Strategy::ALL.into_iter().enumerate() {
            let c = &cli["strategies"][k];
            let r = row(&h, s);
            assert_eq!(r[2], table_time(c["accepted_until"].as_i64().unwrap(), scenario.login_at), "{file} {s:?}");
            assert_eq!(r[3], short_duration(c["exposure_seconds"].as_i64().unwrap()), "{file} {s:?}");
            assert_eq!(r[5], c["lookups_per_request"].to_string());
            assert_eq!(r[6], c["server_state_entries"].to_string());
        }
        let scale = crate::cli::scale_json(&scenario);
        for (k, r) in h.state().state.revocation.scale_rows().iter().enumerate() {
            assert_eq!(r.entries.to_bits(), scale["strategies"][k]["entries"].as_f64().unwrap().to_bits());
            assert_eq!(r.bytes.to_bits(), scale["strategies"][k]["bytes"].as_f64().unwrap().to_bits());
            let shown = h.query_all_by_label(&short_count(r.entries.round())).count();
            assert!(shown > 0, "{} records shown", short_count(r.entries.round()));
        }
        if i == 0 {
            // The logout sample, as a learner reads it (not through the formatters above).
            let until: Vec<String> = Strategy::ALL.into_iter().map(|s| row(&h, s)[2].clone()).collect();
            assert_eq!(until, ["22:30:20", "23:13:20", "22:33:20", "22:30:20", "22:30:20"], "{file}");
            let exposure: Vec<String> = Strategy::ALL.into_iter().map(|s| row(&h, s)[3].clone()).collect();
            assert_eq!(exposure, ["0 s", "43 min", "3 min", "0 s", "0 s"], "{file}");
        }
    }
}

#[test]
fn table_times_say_as_much_of_the_date_as_differs_from_the_login() {
    assert_eq!(table_time(1_700_001_200, 1_700_000_000), "22:33:20", "the login's day: the time");
    assert_eq!(table_time(1_700_172_800, 1_700_000_000), "11-16 22:13", "the login's year: month, day, minute");
    assert_eq!(table_time(1_800_000_000, 1_700_000_000), "2027-01-15", "another year: the date");
}

#[test]
fn every_event_changes_the_rows() {
    let mut h = lab_app(egui::vec2(1400.0, 1000.0));
    logout_sample_at(&mut h, 1300);
    for kind in EventKind::ALL {
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetEvent(kind))]);
        h.run();
        assert!(h.query_by_label_contains(kind.subject()).is_some(), "the subject column is named for {kind:?}");
        let user = row(&h, Strategy::Session)[0].clone();
        match kind {
            EventKind::PasswordChange | EventKind::TokenStolen => assert!(user.contains("new session"), "{user}"),
            EventKind::KeyRotated | EventKind::RefreshReuse => assert!(user.starts_with("accepted: session")),
            EventKind::Logout => assert_eq!(user, "refused: logged out"),
            EventKind::AccountSuspended => assert!(user.starts_with("refused: suspended")),
        }
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetEvent(EventKind::Logout))]);
        h.run();
    }
}

#[test]
fn drag_now_on_the_lab_timeline() {
    let mut h = lab_app(egui::vec2(1400.0, 1000.0));
    let login = logout_sample_at(&mut h, 600);
    let start = (login + 600) as f64;
    h.run();
    let at = crate::ui::timeline::now_line_position(&h.ctx, lab_plot_id(), start).unwrap();
    crate::ui::timeline::drag_by(&mut h, at, 200.0);
    let now = h.state().state.clock.now();
    assert!(now > start + 600.0, "the clock moved forward, to {now}");
    let r = row(&h, Strategy::Session);
    assert_eq!(r[0].starts_with("accepted"), now < (login + 1020) as f64, "the row follows the clock: {r:?}");
}

#[test]
fn no_repaint_while_paused_and_the_lab_fits_the_smallest_window() {
    let mut h = lab_app(egui::vec2(800.0, 480.0));
    h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(5))]);
    assert!(h.try_run().is_ok(), "the lab settles: nothing asks for frames by itself");
    assert_eq!(h.state().next_repaint(), None, "a paused clock asks for no repaint");
    // Reachable at 800x480: the controls and, by scrolling, the at-scale table.
    assert!(h.query_by_label("Make it happen now").is_some());
    assert!(h.query_by_label("Grows with").is_some());
    // A running clock repaints; real time repaints when the next change is due.
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Run(60.0))]);
    assert!(h.state().next_repaint().is_some());
    h.state_mut()
        .apply(vec![Command::Clock(ClockCommand::BackToNow), Command::Revocation(RevocationCommand::StartNow)]);
    let wait = h.state().next_repaint().unwrap();
    assert!(wait <= std::time::Duration::from_mins(1), "{wait:?}");
}

#[test]
fn open_and_save_scenarios_through_the_platform() {
    let dir = std::env::temp_dir().join(format!("tokenbench-lab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A scenario beyond every field's usual values: a two-year login, two hours of leeway.
    let mut big = RevocationScenario::from_json(SAMPLES[4].1).unwrap();
    big.token_ttl = 63_072_000;
    big.leeway = 7200;
    big.event.at = big.login_at + 40_000_000;
    std::fs::write(dir.join("big.json"), big.to_json()).unwrap();
    std::fs::write(dir.join("bad.json"), SAMPLES[0].1.replace("\"leeway\": 0", "\"leeway\": -1")).unwrap();
    let mut platform = FakePlatform { save_to: Some(dir.join("saved.json")), ..FakePlatform::default() };
    platform.picks.push_back(vec![dir.join("bad.json")]);
    platform.picks.push_back(vec![dir.join("big.json")]);
    // A device as the scenario file: refused after 10 MiB by the platform's reader, not read until
    // memory runs out.
    platform.picks.push_back(vec!["/dev/zero".into()]);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Revocation), Command::Clock(ClockCommand::Pause)]);
    h.run();
    h.get_by_label("Open scenario…").click();
    h.run();
    assert!(h.query_by_label_contains("bad.json: leeway: must not be negative").is_some(), "named, and refused");
    h.get_by_label("Open scenario…").click();
    h.run();
    h.run();
    assert_eq!(h.state().state.revocation.scenario(), &big, "loaded as is: no field clamps a loaded value");
    h.get_by_label("Save scenario…").click();
    h.run();
    let saved = RevocationScenario::from_json(&std::fs::read_to_string(dir.join("saved.json")).unwrap()).unwrap();
    assert_eq!(saved, big, "what the lab saves, the CLI and the lab read back");
    h.get_by_label("Open scenario…").click();
    h.run();
    let said = h.state().state.message.clone();
    assert!(matches!(&said, Some((Level::Error, m)) if m.contains("larger than")), "{said:?}");
    assert_eq!(h.state().state.revocation.scenario(), &big, "a refused file changes nothing");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_table_fits_800_px_with_years_long_tokens_and_rows_keep_their_height() {
    let mut h = lab_app(egui::vec2(800.0, 480.0));
    // The decoded sample lives ten years: exposures of hundreds of days.
    h.state_mut().apply(vec![
        Command::SetToken(crate::ui::state::SAMPLES[0].1.trim().to_owned()),
        Command::Revocation(RevocationCommand::UseDecodedToken),
    ]);
    h.run();
    let header = h.get_by_label("Max\nrecords").rect();
    assert!(header.max.x <= 800.0, "the last column fits: {header:?}");
    let line = h.get_by_label("Strategy").rect().height();
    assert!(header.height() <= 2.0 * line + 1.0, "two lines, never a letter per line: {header:?}");
    assert!(row(&h, Strategy::Jwt)[3].contains(" d "), "compact: {:?}", row(&h, Strategy::Jwt)[3]);

    // Before, at and after the event, and outside the scenario: nothing below moves.
    let login = logout_sample_at(&mut h, 600);
    let mut tops = Vec::new();
    for offset in [600, 1300, 2000, 10_000_000] {
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + offset) as f64))]);
        h.run();
        let rows: Vec<f32> =
            Strategy::ALL.iter().map(|s| h.query_all_by_label(s.name()).next().unwrap().rect().min.y).collect();
        let plot = egui_plot::PlotMemory::load(&h.ctx, lab_plot_id()).map(|m| m.transform().frame().top());
        tops.push((rows, plot));
    }
    assert!(tops.windows(2).all(|w| w[0] == w[1]), "rows and the timeline stay put: {tops:?}");
    assert_ne!(row(&h, Strategy::Session)[0], "", "the rows did change meanwhile");
}

#[test]
fn own_tokens_set_the_lifetimes() {
    use crate::core::engine::keys::{SecretEncoding, load_secret};
    use crate::core::engine::sign::sign;
    let key = load_secret(&[7u8; 32], SecretEncoding::Raw, "k").unwrap();
    let claims = |iat: i64, exp: i64| {
        let serde_json::Value::Object(m) = serde_json::json!({"sub": "u", "iat": iat, "exp": exp}) else {
            unreachable!()
        };
        m
    };
    let access = sign(&serde_json::Map::new(), &claims(1_700_000_000, 1_700_000_900), "HS256", &key).unwrap();
    let refresh = sign(&serde_json::Map::new(), &claims(1_700_000_000, 1_700_086_400), "HS256", &key).unwrap();
    let mut h = lab_app(egui::vec2(1400.0, 1000.0));
    h.state_mut().apply(vec![Command::SetToken(access), Command::SelectTab(Tab::Revocation)]);
    h.run();
    h.get_by_label("Use your own tokens").click();
    h.run();
    assert!(
        h.query_by_label_contains("Decoded token's time claims: expired").is_some(),
        "its timeline is shown in the lab"
    );
    h.get_by_label("Use the decoded token").click();
    h.run();
    let s = h.state().state.revocation.scenario().clone();
    assert_eq!((s.login_at, s.token_ttl), (1_700_000_000, 900));
    h.get_by_label("Refresh token (a JWT)").focus();
    h.run();
    h.get_by_label("Refresh token (a JWT)").type_text(&refresh);
    h.run();
    assert!(h.query_by_label_contains("Refresh token's time claims: expired").is_some(), "and the refresh token's");
    h.get_by_label("Use the decoded token and this refresh token").click();
    h.run();
    let s = h.state().state.revocation.scenario().clone();
    assert_eq!((s.login_at, s.access_ttl, s.token_ttl), (1_700_000_000, 900, 86_400));
    assert!(h.query_by_label_contains("the lab now runs on the lifetimes of your access and refresh tokens").is_some());
}
#[test]
fn each_strategy_shows_its_one_sentence_caption_beside_its_name() {
    let mut h = lab_app(egui::vec2(1280.0, 800.0));
    h.run();
    for s in Strategy::ALL {
        let caption = s.caption();
        assert!(
            caption.ends_with('.') && !caption.trim_end_matches('.').contains(". "),
            "{s:?}: one sentence: {caption}"
        );
        let shown: Vec<_> = h.query_all_by_label(caption).collect();
        assert_eq!(shown.len(), 1, "{s:?}: its caption is shown once, whole");
        // In the trades list, on the row that starts with the strategy's name.
        let row: Vec<String> = shown[0].parent().unwrap().children().map(|c| text(&c)).collect();
        assert_eq!(row.first().map(String::as_str), Some(format!("{}:", s.name()).as_str()), "{row:?}");
        // And on hover over the strategy's name in the main table.
        let name = h.query_all_by_label(s.name()).next().unwrap();
        name.hover();
        h.run();
        assert!(
            h.query_all_by_label(caption).count() >= 2,
            "{s:?}: hovering the table's name shows the caption as a tooltip too"
        );
        h.remove_cursor();
        h.run();
    }
}

/// A lab of its own on the logout sample, and its login.
fn logout_lab() -> (RevocationLab, Seconds) {
    let lab = RevocationLab::new(RevocationScenario::from_json(SAMPLES[0].1).unwrap());
    let login = lab.scenario().login_at;
    (lab, login)
}

#[test]
fn the_table_panel_shows_what_simulate_revocation_prints_at_the_clocks_time() {
    let (lab, login) = logout_lab();
    for offset in [600.5, 1000.0, 1100.0, 4000.0] {
        let now = login as f64 + offset;
        let cli = crate::cli::report_json(&lab, crate::cli::Report { at: Some(now), ..Default::default() });
        let mut h = Harness::builder().with_size(egui::vec2(1400.0, 600.0)).build_ui_state(
            |ui, (lab, now): &mut (RevocationLab, f64)| table::table(ui, lab, *now),
            (lab.clone(), now),
        );
        h.run();
        for (i, s) in Strategy::ALL.into_iter().enumerate() {
            let c = &cli["strategies"][i];
            let status = |holder: &str| {
                let shown = &c["status_at"][holder];
                let word = if shown["accepted"] == true { "accepted" } else { "refused" };
                let reason = match shown["access_token"]["exp"].as_i64() {
                    Some(exp) => {
                        let whose = if holder == "user" { "" } else { "attacker's " };
                        format!(
                            "{whose}access token #{} (exp {})",
                            shown["access_token"]["number"],
                            table_time(exp, login)
                        )
                    }
                    None => shown["reason"].as_str().unwrap().to_owned(),
                };
                format!("{word}: {reason}")
            };
            let records = c["status_at"]["records"].as_u64().unwrap();
            let records =
                if records == 0 { "0".to_owned() } else { format!("{records} ({} B)", c["status_at"]["bytes"]) };
            let expected = [
                status("user"),
                status("subject"),
                table_time(c["accepted_until"].as_i64().unwrap(), login),
                short_duration(c["exposure_seconds"].as_i64().unwrap()),
                records,
                c["lookups_per_request"].to_string(),
                c["server_state_entries"].to_string(),
            ];
            assert_eq!(row(&h, s), expected, "{s:?} at +{offset} s");
        }
    }
}

#[test]
fn the_at_scale_panel_shows_the_cli_rows_and_emits_the_labs_commands() {
    let (lab, _) = logout_lab();
    let cli = crate::cli::scale_json(lab.scenario());
    let mut h = Harness::builder().with_size(egui::vec2(1000.0, 700.0)).build_ui_state(
        |ui, (lab, out): &mut (RevocationLab, Vec<Command>)| scale::at_scale_ui(ui, lab, out),
        (lab, Vec::new()),
    );
    h.run();
    for (i, s) in Strategy::ALL.into_iter().enumerate() {
        let c = &cli["strategies"][i];
        let cells: Vec<String> = h
            .query_all_by_label(&format!("{} ", s.name()))
            .next()
            .unwrap()
            .parent()
            .unwrap()
            .children()
            .map(|n| text(&n))
            .collect();
        let at = cells.iter().position(|c| c == &format!("{} ", s.name())).unwrap();
        assert_eq!(cells[at + 1], short_count(c["entries"].as_f64().unwrap().round()), "{s:?} records");
        assert_eq!(cells[at + 2], crate::core::text::human_bytes(c["bytes"].as_f64().unwrap()), "{s:?} bytes");
        assert_eq!(cells[at + 3], short_count(c["lookups_per_second"].as_f64().unwrap()), "{s:?} lookups/s");
        assert_eq!(cells[at + 4], c["grows_with"], "{s:?}");
    }
    h.get_by_label("bytes").click();
    h.run();
    assert_eq!(
        h.state().1,
        [Command::Revocation(RevocationCommand::SetScaleMeasure(crate::core::labs::revocation::ScaleMeasure::Bytes))],
        "the view emits the command; the lab, not the view, changes"
    );
}

#[test]
fn the_controls_panel_says_the_endless_note_and_emits_the_labs_commands() {
    let mut app = AppState::default();
    let mut platform = FakePlatform::default();
    let key = crate::core::engine::keys::load_secret(&[7u8; 32], crate::core::engine::keys::SecretEncoding::Raw, "k")
        .unwrap();
    let serde_json::Value::Object(claims) = serde_json::json!({"sub": "u", "iat": 1_700_000_000}) else {
        unreachable!()
    };
    let forever = crate::core::engine::sign::sign(&serde_json::Map::new(), &claims, "HS256", &key).unwrap();
    app.handle(Command::SetToken(forever), &mut platform);
    app.handle(Command::Revocation(RevocationCommand::ShowEndlessToken), &mut platform);
    let note = app.revocation.endless_note().expect("the lab shows the token's rotation");
    let mut h = Harness::builder().with_size(egui::vec2(1400.0, 700.0)).build_ui_state(
        |ui, (app, out): &mut (AppState, Vec<Command>)| {
            controls::controls(ui, &app.revocation, app, app.clock.now(), out);
        },
        (app, Vec::new()),
    );
    h.run();
    assert!(h.query_by_label(&note).is_some(), "the note is shown whole: {note}");
    for (button, command) in [
        ("Make it happen now", RevocationCommand::EventNow),
        ("Open scenario…", RevocationCommand::OpenScenario),
        ("Save scenario…", RevocationCommand::SaveScenario),
        ("Start at the clock's time", RevocationCommand::StartNow),
    ] {
        h.state_mut().1.clear();
        h.get_by_label(button).click();
        h.run();
        assert_eq!(h.state().1, [Command::Revocation(command)], "{button}");
    }
}

#[test]
fn the_denylist_and_version_note_is_shown_where_simulate_revocation_prints_it() {
    use crate::core::labs::revocation::SERVER_STATE_BACK;
    let (lab, _) = logout_lab();
    let cli = crate::cli::revocation_text(&lab, crate::cli::Report::default());
    assert!(cli.contains(&format!("\n{SERVER_STATE_BACK}\n")), "{cli}");
    let mut h = lab_app(egui::vec2(1280.0, 800.0));
    h.run();
    assert_eq!(h.query_all_by_label(SERVER_STATE_BACK).count(), 1, "under the strategies' trades, once");
}

#[test]
fn picking_another_event_or_typing_a_value_moves_no_control_and_not_the_timeline() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(800.0, 480.0)] {
        let mut h = lab_app(size);
        logout_sample_at(&mut h, 60);
        h.run();
        let labels = [
            "Open scenario…",
            "Save scenario…",
            "Make it happen now",
            "Start at the clock's time",
            "Replay from login",
            "Fit scenario",
            "Centre on now",
            "Revocation timeline: drag the now line to move the clock",
        ];
        // Against the lab's heading: what counts is the layout, not where the page is scrolled.
        let rects = |h: &Harness<'_, TokenbenchApp>| {
            let top = h.get_by_label_contains("One user signs in, one event happens").rect().min;
            labels.map(|l| (l, h.get_by_label(l).rect().translate(-top.to_vec2())))
        };
        let before = rects(&h);
        let check = |h: &Harness<'_, TokenbenchApp>, what: &str, count: usize| {
            for ((label, was), (_, now)) in before.iter().zip(rects(h)).take(count) {
                assert!((now.min - was.min).length() < 0.5, "{size:?}: {label} moved with {what}: {was:?} -> {now:?}");
            }
        };
        // Each event: nothing moves, the timeline included.
        for kind in EventKind::ALL.into_iter().rev() {
            h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetEvent(kind))]);
            h.run();
            check(&h, &format!("{kind:?}"), labels.len());
        }
        // Values typed into the fields, from 7 s to 12 digits: no control moves.
        for change in [
            RevocationCommand::SetTokenTtl(9),
            RevocationCommand::SetTokenTtl(999_999_999),
            RevocationCommand::SetAccessTtl(86_400),
            RevocationCommand::SetLeeway(123_456),
            RevocationCommand::SetEventOffset(7),
            RevocationCommand::SetEventOffset(86_400 * 400 + 3_661),
        ] {
            let what = format!("{change:?}");
            h.state_mut().apply(vec![Command::Revocation(change)]);
            h.run();
            check(&h, &what, 5);
        }
    }
}

/// Every text the last frame painted, with its colour.
fn painted_texts<S>(h: &Harness<'_, S>) -> Vec<(String, egui::Color32, egui::Pos2)> {
    fn walk(shape: &egui::Shape, out: &mut Vec<(String, egui::Color32, egui::Pos2)>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => {
                // A section's placeholder colour means "the shape's fallback colour".
                let section = t.galley.job.sections.first().map(|s| s.format.color);
                let colour = t.override_text_color.unwrap_or(match section {
                    Some(c) if c != egui::Color32::PLACEHOLDER => c,
                    _ => t.fallback_color,
                });
                out.push((t.galley.text().to_owned(), colour, t.pos));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn the_lane_names_and_the_time_axis_are_drawn_in_the_readable_plot_text() {
    for (pref, dark) in
        [(crate::ui::state::ThemePreference::Dark, true), (crate::ui::state::ThemePreference::Light, false)]
    {
        // Tall enough for the whole timeline and its axis.
        let mut h = lab_app(egui::vec2(1280.0, 1400.0));
        h.state_mut().apply(vec![Command::SetTheme(pref)]);
        logout_sample_at(&mut h, 60);
        h.run();
        let p = crate::ui::theme::palette(dark);
        let texts = painted_texts(&h);
        let lane_names: Vec<String> = Strategy::ALL
            .iter()
            .map(|s| format!("{} · user", s.name()))
            .chain(["jwt-refresh · refresh tokens".into()])
            .collect();
        for name in &lane_names {
            let (_, colour, _) = texts.iter().find(|(t, _, _)| t == name).unwrap_or_else(|| panic!("{name} is drawn"));
            assert_eq!(*colour, p.plot_text, "{name}");
        }
        // The time axis under the plot: every tick label drawn ("12:05"…) is whole, none faded.
        let plot = h.get_by_label("Revocation timeline: drag the now line to move the clock").rect();
        // Under the plot's frame, where egui_plot puts the x axis.
        let axis = egui::Rect::from_min_max(
            plot.left_bottom() - egui::vec2(0.0, 2.0),
            plot.right_bottom() + egui::vec2(0.0, 30.0),
        );
        let ticks: Vec<_> = texts
            .iter()
            .filter(|(_, _, at)| axis.contains(*at))
            .filter(|(t, _, _)| {
                t.len() >= 5 && t.as_bytes()[2] == b':' && t.chars().all(|c| c.is_ascii_digit() || c == ':')
            })
            .collect();
        assert!(ticks.len() >= 3, "{ticks:?}");
        for (t, colour, _) in ticks {
            assert_eq!(*colour, p.plot_text, "tick {t}");
        }
        let panel = crate::ui::theme::visuals(dark).panel_fill;
        assert!(crate::ui::theme::contrast(p.plot_text, panel) >= 4.5);
    }
}
