//! The window: a menu bar with the tabs, the keys on the left, the verdict on the right, the
//! token and its decoding (or the signing editor, or a lab) in the middle, the clock and the
//! last message in the status line. Panels emit [`Command`]s; they are applied through
//! [`AppState::handle`] at the end of the frame. The window sleeps until the next instant
//! anything shown changes ([`TokenbenchApp::next_repaint`]).

use std::time::Duration;

use crate::core::engine::clock::{self as core_clock, ClockMode};
use crate::core::engine::verify::Policy;
use crate::ui::decode::DecodePanel;
use crate::ui::keys::KeysPanel;
use crate::ui::platform::{NativePlatform, Platform};
pub use crate::ui::state::Tab;
use crate::ui::state::{AppState, Command, Level, SAMPLES, ThemePreference};
use crate::ui::verify::VerifyPanel;
use crate::ui::{clock, compare, fit, flows, leaks, live, revocation, security, sign, start, theme};

/// How long a status message stays before it fades: information, then errors.
const MESSAGE_HOLD: [f64; 2] = [4.0, 8.0];
/// How long the fade lasts.
const MESSAGE_FADE: f64 = 1.0;

/// Where persisted settings live in eframe's storage.
const SETTINGS_KEY: &str = "tokenbench-settings";

/// What survives a restart: preferences only. Keys, secrets, tokens and history are never
/// written (see [`TokenbenchApp::save`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The verification policy.
    pub policy: Policy,
    /// Theme preference.
    pub theme: ThemePreference,
    /// The open tab.
    pub tab: Tab,
    /// The decoder's view options.
    pub decode: DecodePanel,
    /// Whether to keep a token history (the history itself is never saved).
    pub history_enabled: bool,
}

impl Settings {
    /// The settings of a first start (nothing saved yet): the defaults, on "Start here", since a
    /// learner's first question is "sessions or JWTs?" and its answer starts with where the state
    /// lives. Later starts reopen the tab left open; a token given on the command line opens on
    /// Decode.
    #[must_use]
    pub fn first_start() -> Self {
        Self { tab: Tab::Start, ..Self::default() }
    }
}

/// The eframe application.
pub struct TokenbenchApp {
    /// All state that crosses panels.
    pub state: AppState,
    /// Clipboard and dialogs.
    pub platform: Box<dyn Platform>,
    decode: DecodePanel,
    pub(crate) keys: KeysPanel,
    verify: VerifyPanel,
    applied_theme: Option<ThemePreference>,
    /// The status message being shown and when it appeared (egui time).
    message_since: Option<(u64, f64)>,
    /// The keys and verdict panels' widths as shares of the window's, once the user has dragged
    /// them (see [`side_panel_width`]).
    panel_shares: [Option<f32>; 2],
    /// The window width the side panels were last fitted to.
    panels_fitted_to: f32,
}

/// A side panel's layout: its id, its share of the window's width until the user drags it, and
/// its narrowest and widest widths.
struct SideLayout {
    id: &'static str,
    default_share: f32,
    /// The default width stops growing here on very wide windows (the user may drag it wider).
    default_max: f32,
    min: f32,
    max_share: f32,
}

const KEYS_PANEL: SideLayout =
    SideLayout { id: "keys", default_share: 0.22, default_max: 320.0, min: 170.0, max_share: 0.25 };
const VERIFY_PANEL: SideLayout =
    SideLayout { id: "verify", default_share: 0.26, default_max: 380.0, min: 190.0, max_share: 0.3 };

impl SideLayout {
    /// The width range at this window width: the centre keeps at least 45%.
    fn range(&self, window: f32) -> egui::Rangef {
        egui::Rangef::new(self.min - 10.0, (window * self.max_share).max(self.min))
    }
}

/// The width egui remembers for a side panel (from the last frame, or restored from the last run).
fn restored_width(ui: &egui::Ui, layout: &SideLayout) -> Option<f32> {
    let id = ui.scope_id().with_salt(egui::IdSalt::new(layout.id));
    egui::PanelState::load(ui.ctx(), id).map(|p| p.outer_rect.width())
}

/// The width a side panel is fitted to: the user's share of the window (once dragged) or the
/// default share, within the panel's range. egui remembers a panel's last width, clamped to the
/// range of the smallest window it was shown in, so a panel squeezed at 800 px would stay narrow
/// at 1280; when the window's width has changed (`refit`), the remembered width is set to this
/// one, so panels grow back with the window. Between resizes egui keeps the width (content wider
/// than it may widen the panel within its range).
fn side_panel_width(ui: &egui::Ui, layout: &SideLayout, share: Option<f32>, window: f32, refit: bool) -> f32 {
    let range = layout.range(window);
    let wanted = share.map_or_else(|| (layout.default_share * window).min(layout.default_max), |s| s * window);
    let width = wanted.clamp(range.min, range.max);
    let id = ui.scope_id().with_salt(egui::IdSalt::new(layout.id));
    if refit
        && let Some(mut panel) = egui::PanelState::load(ui.ctx(), id)
        && (panel.outer_rect.width() - width).abs() > 0.5
    {
        panel.outer_rect.set_width(width);
        ui.ctx().data_mut(|d| d.insert_persisted(id, panel));
    }
    width
}

impl std::fmt::Debug for TokenbenchApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenbenchApp").field("state", &self.state).finish_non_exhaustive()
    }
}

impl Default for TokenbenchApp {
    fn default() -> Self {
        Self::with_platform(Box::new(NativePlatform::default()), Settings::default())
    }
}

impl TokenbenchApp {
    /// An app using `platform` for OS services, starting from `settings`.
    #[must_use]
    pub fn with_platform(platform: Box<dyn Platform>, settings: Settings) -> Self {
        let mut state = AppState::default();
        state.policy = settings.policy;
        state.theme = settings.theme;
        state.history_enabled = settings.history_enabled;
        state.tab = settings.tab;
        Self {
            state,
            platform,
            decode: settings.decode,
            keys: KeysPanel::default(),
            verify: VerifyPanel::default(),
            applied_theme: None,
            message_since: None,
            panel_shares: [None; 2],
            panels_fitted_to: 0.0,
        }
    }

    /// The app as eframe creates it: settings restored from storage when there are any.
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let settings: Settings =
            cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_else(Settings::first_start);
        Self::with_platform(Box::new(NativePlatform::default()), settings)
    }

    /// The settings that would be persisted now.
    #[must_use]
    pub fn settings(&self) -> Settings {
        Settings {
            policy: self.state.policy.clone(),
            theme: self.state.theme,
            tab: self.state.tab,
            decode: self.decode.clone(),
            history_enabled: self.state.history_enabled,
        }
    }

    /// Applies commands through the single state transition function.
    pub fn apply(&mut self, commands: Vec<Command>) {
        for command in commands {
            self.state.handle(command, self.platform.as_mut());
        }
    }

    /// Keyboard shortcuts, pastes outside text fields, and dropped files.
    fn input_commands(ctx: &egui::Context, out: &mut Vec<Command>) {
        let editing = ctx.memory(|m| m.focused().is_some());
        ctx.input(|i| {
            for event in &i.events {
                match event {
                    // With no text field focused, Ctrl+V anywhere pastes the token.
                    egui::Event::Paste(text) if !editing => out.push(Command::SetToken(text.clone())),
                    egui::Event::Key { key, pressed: true, modifiers, .. } if modifiers.command => match key {
                        egui::Key::O => out.push(Command::OpenTokenFile),
                        egui::Key::S => out.push(Command::SaveToken),
                        egui::Key::Enter => out.push(Command::Verify),
                        _ => {}
                    },
                    _ => {}
                }
            }
            if !i.raw.dropped_files.is_empty() {
                let paths = i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect();
                out.push(Command::Dropped { paths, texts: Vec::new() });
            }
        });
    }

    /// When the window must wake up by itself, if ever: just after the next instant at which
    /// anything shown changes (a verdict flips at `exp`, `nbf` or `iat` with the leeway, a
    /// relative time ticks, the status clock turns a minute, or a second when simulated), scaled
    /// by the clock's speed; never with the clock paused; every 100 ms while background work runs;
    /// while the Flows lab plays, when its animation next shows something else.
    #[must_use]
    pub fn next_repaint(&self) -> Option<Duration> {
        // A live run's log arrives over the network: look for it while the tab shows it.
        let live = self.state.live.busy() || (self.state.live.running() && self.state.tab == Tab::Live);
        // Any job under way (a decryption among them) ends with a result to draw.
        let busy = self.state.security.busy()
            || self.state.compare.busy()
            || self.state.scan.busy()
            || self.state.decryption.busy.is_some()
            || self.state.jobs.running() > 0
            || live;
        if !self.state.generating.is_empty() || !self.state.fetching.is_empty() || busy {
            return Some(Duration::from_millis(100));
        }
        let mode = self.state.clock.mode();
        let clock_step = match mode {
            ClockMode::Real => Some(60.0),
            ClockMode::Running { .. } => Some(1.0),
            ClockMode::Paused => None,
        };
        let clock = core_clock::wake_after(mode, self.state.clock.now(), self.state.next_change(clock_step));
        // The Flows lab's animation: only when its view changes, not every frame.
        let lanes = if self.state.tab == Tab::Flows { flows::next_frame_in(&self.state.flows) } else { None };
        [clock, lanes].into_iter().flatten().min()
    }

    /// How visible the status message is now (1 to 0 as it fades), dismissing it once faded;
    /// and when to look again.
    fn message_fade(&mut self, time: f64) -> (f32, Option<Duration>) {
        let Some((level, _)) = &self.state.message else {
            self.message_since = None;
            return (1.0, None);
        };
        let serial = self.state.message_serial;
        let since = match self.message_since {
            Some((s, t)) if s == serial => t,
            _ => {
                self.message_since = Some((serial, time));
                time
            }
        };
        let hold = MESSAGE_HOLD[usize::from(*level == Level::Error)];
        let elapsed = time - since;
        if elapsed >= hold + MESSAGE_FADE {
            // Gone before this frame draws the status line.
            self.apply(vec![Command::DismissMessage]);
            self.message_since = None;
            return (1.0, None);
        }
        if elapsed < hold {
            return (1.0, Some(Duration::from_secs_f64(hold - elapsed)));
        }
        #[allow(clippy::cast_possible_truncation)]
        let alpha = (1.0 - (elapsed - hold) / MESSAGE_FADE) as f32;
        (alpha, Some(Duration::from_millis(33)))
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui, out: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open token… (Ctrl+O)").clicked() {
                    out.push(Command::OpenTokenFile);
                }
                if ui.button("Paste token (Ctrl+V)").clicked() {
                    out.push(Command::PasteToken);
                }
                if ui.button("Save token… (Ctrl+S)").clicked() {
                    out.push(Command::SaveToken);
                }
                if ui.button("Add key files…").clicked() {
                    out.push(Command::AddKeyFiles);
                }
            });
            ui.menu_button("Samples", |ui| {
                for (i, (title, _)) in SAMPLES.iter().enumerate() {
                    if ui.button(*title).clicked() {
                        out.push(Command::LoadSample(i));
                    }
                }
                ui.separator();
                if ui.button("Load the sample keys").clicked() {
                    out.push(Command::LoadSampleKeys);
                }
            });
            ui.menu_button("History", |ui| {
                let mut on = self.state.history_enabled;
                if ui.checkbox(&mut on, "Keep a history of tokens (memory only)").changed() {
                    out.push(Command::SetHistory(on));
                }
                if self.state.history_enabled && self.state.history.is_empty() {
                    ui.label("Decoded tokens will appear here.");
                }
                for (i, entry) in self.state.history.iter().enumerate() {
                    let verdict =
                        if entry.verdict.is_empty() { String::new() } else { format!(" · {}", entry.verdict) };
                    if ui.button(format!("{}. {}{verdict}", i + 1, entry.summary)).clicked() {
                        out.push(Command::SetToken(entry.token.clone()));
                    }
                }
            });
            ui.menu_button("View", |ui| {
                for (pref, label) in [
                    (ThemePreference::System, "Follow the system theme"),
                    (ThemePreference::Light, "Light theme"),
                    (ThemePreference::Dark, "Dark theme"),
                ] {
                    if ui.radio(self.state.theme == pref, label).clicked() {
                        out.push(Command::SetTheme(pref));
                    }
                }
            });
            ui.separator();
            for tab in Tab::ALL {
                if ui.selectable_label(self.state.tab == tab, tab.label()).on_hover_text(tab.caption()).clicked() {
                    out.push(Command::SelectTab(tab));
                }
            }
        });
    }
}

impl eframe::App for TokenbenchApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.applied_theme != Some(self.state.theme) {
            theme::apply(&ctx, self.state.theme);
            self.applied_theme = Some(self.state.theme);
        }
        self.state.tick(self.platform.as_mut());
        let mut out = Vec::new();
        Self::input_commands(&ctx, &mut out);
        let (message_alpha, message_wake) = self.message_fade(ctx.input(|i| i.time));

        // Side panels keep their width whatever they show, and follow the window: each is a share
        // of the current width (the default, or the one the user dragged it to), within a range
        // that keeps the centre at least 45%, 360 px at 800. Shrinking the window narrows them;
        // widening it again lets them grow back.
        let width = ui.max_rect().width();
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui, &mut out));
        egui::Panel::bottom("status").show(ui, |ui| clock::ui(ui, &self.state, message_alpha, &mut out));
        if self.state.tab.side_panels() {
            if self.panels_fitted_to == 0.0 {
                // Widths restored from the last run (egui keeps them with its memory) are the
                // user's: kept as shares of this window.
                for (share, layout) in self.panel_shares.iter_mut().zip([&KEYS_PANEL, &VERIFY_PANEL]) {
                    *share = share.or_else(|| restored_width(ui, layout).map(|w| w / width));
                }
            }
            let refit = (self.panels_fitted_to - width).abs() > 0.5;
            self.panels_fitted_to = width;
            let keys_width = side_panel_width(ui, &KEYS_PANEL, self.panel_shares[0], width, refit);
            let shown = egui::Panel::left(KEYS_PANEL.id)
                .resizable(true)
                .default_size(keys_width)
                .size_range(KEYS_PANEL.range(width))
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("keys-scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.keys.ui(ui, &self.state, &mut out));
                });
            // Another width than the one asked for, while the pointer drags, is the user's: kept
            // as a share. (Without a drag, content wider than asked widens a panel up to its
            // range; that is not a choice to keep.)
            let dragging = ctx.dragged_id().is_some() || ctx.input(|i| i.pointer.any_released());
            if dragging && (shown.response.rect.width() - keys_width).abs() > 0.5 {
                self.panel_shares[0] = Some(shown.response.rect.width() / width);
            }
            let verify_width = side_panel_width(ui, &VERIFY_PANEL, self.panel_shares[1], width, refit);
            let shown = egui::Panel::right(VERIFY_PANEL.id)
                .resizable(true)
                .default_size(verify_width)
                .size_range(VERIFY_PANEL.range(width))
                .show(ui, |ui| self.verify.ui(ui, &self.state, &mut out));
            if dragging && (shown.response.rect.width() - verify_width).abs() > 0.5 {
                self.panel_shares[1] = Some(shown.response.rect.width() / width);
            }
        }
        egui::CentralPanel::default().show(ui, |ui| match self.state.tab {
            Tab::Start => start::ui(ui, &self.state, &mut out),
            Tab::Decode => self.decode.ui(ui, &self.state, &mut out),
            Tab::Sign => {
                egui::ScrollArea::vertical().id_salt("sign-scroll").show(ui, |ui| sign::ui(ui, &self.state, &mut out));
            }
            Tab::Compare => compare::ui(ui, &self.state, &mut out),
            Tab::Fit => fit::ui(ui, &self.state, &mut out),
            Tab::Revocation => revocation::ui(ui, &self.state, &mut out),
            Tab::Flows => flows::ui(ui, &self.state, &mut out),
            Tab::Security => security::ui(ui, &self.state, &mut out),
            Tab::Live => live::ui(ui, &self.state, &mut out),
            Tab::Leaks => leaks::ui(ui, &self.state, &mut out),
        });

        self.apply(out);
        let wake = [self.next_repaint(), message_wake].into_iter().flatten().min();
        if let Some(after) = wake {
            ctx.request_repaint_after(after);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Preferences only: never keys, secrets or tokens.
        eframe::set_value(storage, SETTINGS_KEY, &self.settings());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_never_hold_secrets() {
        let mut app =
            TokenbenchApp::with_platform(Box::new(crate::ui::platform::FakePlatform::default()), Settings::default());
        app.apply(vec![
            Command::AddSecret {
                text: "hunter2-super-secret".into(),
                encoding: crate::core::engine::keys::SecretEncoding::Utf8,
            },
            Command::LoadSample(0),
        ]);
        app.apply(vec![Command::SetHistory(true), Command::LoadSample(1)]);
        assert_eq!(app.state.history.len(), 1);
        let saved = ron_like(&app.settings());
        assert!(!saved.contains("hunter2"), "{saved}");
        assert!(!saved.contains(SAMPLES[0].1.trim()) && !saved.contains(SAMPLES[1].1.trim()), "no token in settings");
        assert!(saved.contains("\"history_enabled\":true"), "the preference is kept: {saved}");
    }

    /// The keys panel's right edge and the verdict panel's left edge, read from where their
    /// headings and the centre's start.
    fn panel_edges(h: &egui_kittest::Harness<'static, TokenbenchApp>) -> (f32, f32) {
        use egui_kittest::kittest::Queryable;
        (h.get_by_label("Token").rect().min.x, h.get_by_label("Verify").rect().min.x)
    }

    fn harness(size: egui::Vec2) -> egui_kittest::Harness<'static, TokenbenchApp> {
        let mut h = egui_kittest::Harness::builder().with_size(size).build_eframe(|_cc| {
            TokenbenchApp::with_platform(Box::new(crate::ui::platform::FakePlatform::default()), Settings::default())
        });
        h.state_mut().apply(vec![Command::LoadSample(0)]);
        h.run();
        h
    }

    #[test]
    fn side_panels_grow_back_when_the_window_grows() {
        let mut big = harness(egui::vec2(1280.0, 800.0));
        let wide = panel_edges(&big);
        big.set_size(egui::vec2(800.0, 480.0));
        big.run();
        let narrow = panel_edges(&big);
        assert!(narrow.0 < wide.0 - 50.0, "the keys panel gave way: {narrow:?} vs {wide:?}");
        assert!(narrow.1 > 800.0 * 0.69, "the centre keeps its share at 800: {narrow:?}");
        big.set_size(egui::vec2(1280.0, 800.0));
        big.run();
        let again = panel_edges(&big);
        assert!((again.0 - wide.0).abs() < 2.0 && (again.1 - wide.1).abs() < 2.0, "{again:?} vs {wide:?}");
        // Opened small, then made large: the same widths as opened large.
        let mut small = harness(egui::vec2(800.0, 480.0));
        small.set_size(egui::vec2(1280.0, 800.0));
        small.run();
        let grown = panel_edges(&small);
        assert!((grown.0 - wide.0).abs() < 2.0 && (grown.1 - wide.1).abs() < 2.0, "{grown:?} vs {wide:?}");
    }

    #[test]
    fn a_dragged_panel_keeps_its_share_of_the_window() {
        let mut h = harness(egui::vec2(1280.0, 800.0));
        let (keys_edge, _) = panel_edges(&h);
        // Drag the keys panel's edge 60 px to the left.
        let edge = h.state().panel_shares[0].map_or(0.22 * 1280.0, |s| s * 1280.0);
        let from = egui::pos2(edge, 400.0);
        h.hover_at(from);
        h.run();
        h.event(egui::Event::PointerButton {
            pos: from,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
        for dx in 1..=6 {
            h.hover_at(from - egui::vec2(10.0 * dx as f32, 0.0));
            h.step();
        }
        h.event(egui::Event::PointerButton {
            pos: from - egui::vec2(60.0, 0.0),
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::NONE,
        });
        h.run();
        let dragged = panel_edges(&h).0;
        assert!((dragged - (keys_edge - 60.0)).abs() < 4.0, "{dragged} vs {keys_edge}");
        let share = h.state().panel_shares[0].unwrap();
        h.set_size(egui::vec2(1000.0, 700.0));
        h.run();
        h.set_size(egui::vec2(1280.0, 800.0));
        h.run();
        assert!((panel_edges(&h).0 - dragged).abs() < 2.0, "the user's width came back");
        assert!((h.state().panel_shares[0].unwrap() - share).abs() < 0.01);
        // A restart: a new app, with the widths egui restored from the last run.
        h.state_mut().panel_shares = [None; 2];
        h.state_mut().panels_fitted_to = 0.0;
        h.run();
        assert!((panel_edges(&h).0 - dragged).abs() < 2.0, "the restored width is kept");
    }

    fn ron_like(s: &Settings) -> String {
        serde_json::to_string(s).unwrap()
    }
}
