//! The window: a menu bar with the tabs, the keys on the left, the verdict on the right, the
//! token and its decoding (or the signing editor, or a lab) in the middle, the clock and the
//! last message in the status line. Panels emit [`Command`]s; they are applied through
//! [`AppState::handle`] at the end of the frame. The window sleeps until the next instant
//! anything shown changes ([`TokenbenchApp::next_repaint`]).

use std::time::Duration;

use crate::core::clock::{self as core_clock, ClockMode};
use crate::core::verify::Policy;
use crate::ui::decode::DecodePanel;
use crate::ui::keys::KeysPanel;
use crate::ui::platform::{NativePlatform, Platform};
pub use crate::ui::state::Tab;
use crate::ui::state::{AppState, Command, Level, SAMPLES, ThemePreference};
use crate::ui::verify::VerifyPanel;
use crate::ui::{clock, compare, flows, revocation, security, sign, theme};

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
    /// The settings of a first start (nothing saved yet): the defaults, on the Compare tab, since
    /// a learner's first question is "sessions or JWTs?". Later starts reopen the tab left open;
    /// a token given on the command line opens on Decode.
    #[must_use]
    pub fn first_start() -> Self {
        Self { tab: Tab::Compare, ..Self::default() }
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
        let busy = self.state.security.busy() || self.state.compare.busy();
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
        let lanes = if self.state.tab == Tab::Flows { self.state.flows.next_frame_in() } else { None };
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
        self.state.tick();
        let mut out = Vec::new();
        Self::input_commands(&ctx, &mut out);
        let (message_alpha, message_wake) = self.message_fade(ctx.input(|i| i.time));

        // Side panels keep their width whatever they show, and give way when the window shrinks:
        // each is clamped every frame to a share of the current width (a width saved at 1280 px
        // never squeezes the centre at 800), so the centre keeps at least 45%, 360 px at 800.
        let width = ui.max_rect().width();
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui, &mut out));
        egui::Panel::bottom("status").show(ui, |ui| clock::ui(ui, &self.state, message_alpha, &mut out));
        if self.state.tab.side_panels() {
            egui::Panel::left("keys")
                .resizable(true)
                .default_size((width * 0.22).clamp(170.0, 320.0))
                .size_range(160.0..=(width * 0.25).max(170.0))
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("keys-scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.keys.ui(ui, &self.state, &mut out));
                });
            egui::Panel::right("verify")
                .resizable(true)
                .default_size((width * 0.26).clamp(190.0, 380.0))
                .size_range(180.0..=(width * 0.3).max(190.0))
                .show(ui, |ui| self.verify.ui(ui, &self.state, &mut out));
        }
        egui::CentralPanel::default().show(ui, |ui| match self.state.tab {
            Tab::Decode => self.decode.ui(ui, &self.state, &mut out),
            Tab::Sign => {
                egui::ScrollArea::vertical().id_salt("sign-scroll").show(ui, |ui| sign::ui(ui, &self.state, &mut out));
            }
            Tab::Compare => compare::ui(ui, &self.state, &mut out),
            Tab::Revocation => revocation::ui(ui, &self.state, &mut out),
            Tab::Flows => flows::ui(ui, &self.state, &mut out),
            Tab::Security => security::ui(ui, &self.state, &mut out),
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
                encoding: crate::core::keys::SecretEncoding::Utf8,
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

    fn ron_like(s: &Settings) -> String {
        serde_json::to_string(s).unwrap()
    }
}
