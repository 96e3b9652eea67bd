//! The window: a menu bar, the keys on the left, the verdict on the right, the token and its
//! decoding (or the signing editor) in the middle, the clock in the status line. Panels emit
//! [`Command`]s; they are applied through [`AppState::handle`] at the end of the frame.

use crate::core::clock::ClockMode;
use crate::core::verify::Policy;
use crate::ui::decode::DecodePanel;
use crate::ui::keys::KeysPanel;
use crate::ui::platform::{NativePlatform, Platform};
pub use crate::ui::state::Tab;
use crate::ui::state::{AppState, Command, SAMPLES, ThemePreference};
use crate::ui::{clock, security, sign, theme, verify};

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

/// The eframe application.
pub struct TokenbenchApp {
    /// All state that crosses panels.
    pub state: AppState,
    /// Clipboard and dialogs.
    pub platform: Box<dyn Platform>,
    decode: DecodePanel,
    keys: KeysPanel,
    applied_theme: Option<ThemePreference>,
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
        Self { state, platform, decode: settings.decode, keys: KeysPanel::default(), applied_theme: None }
    }

    /// The app as eframe creates it: settings restored from storage when there are any.
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let settings: Settings = cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
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

    /// When the window must wake up by itself, if ever. An idle window with nothing loaded, or
    /// with a paused clock, asks for nothing; in real time a shown token is re-judged at each
    /// minute (relative times and the status clock have minute resolution); a running clock
    /// repaints once per simulated second; background work is polled.
    #[must_use]
    pub fn next_repaint(&self) -> Option<std::time::Duration> {
        use std::time::Duration;
        if !self.state.generating.is_empty() || !self.state.fetching.is_empty() || self.state.security.busy() {
            return Some(Duration::from_millis(100));
        }
        match self.state.clock.mode() {
            ClockMode::Running { speed } => Some(Duration::from_secs_f64((1.0 / speed).max(0.05))),
            ClockMode::Real if self.state.verification.is_some() => {
                let now = self.state.clock.now();
                Some(Duration::from_secs_f64((60.0 - now.rem_euclid(60.0)).max(0.5)))
            }
            ClockMode::Real | ClockMode::Paused => None,
        }
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
                for (i, t) in self.state.history.iter().enumerate() {
                    let short: String = t.chars().take(24).collect();
                    if ui.button(format!("{}. {short}… ({} chars)", i + 1, t.len())).clicked() {
                        out.push(Command::SetToken(t.clone()));
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

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui, &mut out));
        egui::Panel::bottom("status").show(ui, |ui| clock::ui(ui, &self.state, &mut out));
        egui::Panel::left("keys").resizable(true).default_size(300.0).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("keys-scroll").show(ui, |ui| self.keys.ui(ui, &self.state, &mut out));
        });
        egui::Panel::right("verify").resizable(true).default_size(360.0).show(ui, |ui| {
            verify::ui(ui, &self.state, &mut out);
        });
        egui::CentralPanel::default().show(ui, |ui| match self.state.tab {
            Tab::Decode => self.decode.ui(ui, &self.state, &mut out),
            Tab::Sign => {
                egui::ScrollArea::vertical().id_salt("sign-scroll").show(ui, |ui| sign::ui(ui, &self.state, &mut out));
            }
            Tab::Security => security::ui(ui, &self.state, &mut out),
        });

        self.apply(out);
        if let Some(after) = self.next_repaint() {
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
