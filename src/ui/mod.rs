//! The desktop app (egui/eframe). Drawing only: every decision is made by [`crate::core`], every
//! state change goes through [`state::AppState::handle`].

pub mod app;
pub mod clock;
pub mod compare;
pub mod decode;
pub mod decrypt;
pub mod error;
pub mod fit;
pub mod flows;
pub mod history;
pub mod keys;
pub mod leaks;
pub mod live;
#[cfg(test)]
pub(crate) mod panel_harness;
pub mod platform;
pub mod plot_fit;
pub mod revocation;
pub mod security;
pub mod sign;
pub mod start;
pub mod state;
pub mod theme;
pub mod timeline;
pub mod verify;
pub mod widgets;

use std::process::ExitCode;

/// The window icon (also installed by `assets/tokenbench.desktop`).
const ICON_PNG: &[u8] = include_bytes!("../../icons/tokenbench-256.png");

/// Opens the Token Workbench window and runs until it is closed.
#[must_use]
pub fn run() -> ExitCode {
    run_with(Vec::new())
}

/// Opens the window with `startup` applied first (keys and a token from the command line), on
/// the Decode tab when it loads a token; runs until it is closed.
#[must_use]
pub fn run_with(startup: Vec<state::Command>) -> ExitCode {
    match try_run_with(startup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("tokenbench: cannot open the window: {why}");
            ExitCode::from(2)
        }
    }
}

/// Runs the window until it is closed; why it could not open, in plain words (the windowing
/// library's own text names its source files, which mean nothing to the user).
///
/// # Errors
/// [`error::UiError::Display`] when the display cannot be reached or used.
pub fn try_run_with(startup: Vec<state::Command>) -> Result<(), error::UiError> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Token Workbench")
        .with_app_id("tokenbench")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([800.0, 480.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions { viewport, ..Default::default() };
    let creator = move |cc: &eframe::CreationContext<'_>| -> Result<Box<dyn eframe::App>, _> {
        let mut app = app::TokenbenchApp::new(cc);
        app.apply(startup);
        Ok(Box::new(app))
    };
    eframe::run_native("Token Workbench", options, Box::new(creator)).map_err(|e| plain_error(&e.to_string()))
}

/// The library's error without source locations (`at /root/.cargo/registry/…/x.rs:12`) and on
/// one line (its `Display` adds what to do).
fn plain_error(text: &str) -> error::UiError {
    let mut words: Vec<&str> = Vec::new();
    for w in text.split_whitespace() {
        if w.contains(".rs:") || w.contains("/.cargo/") || w.contains("/rustc/") {
            // "… os error at /x.rs:12: Failed …": the "at" goes with the place.
            if words.last() == Some(&"at") {
                words.pop();
            }
            continue;
        }
        words.push(w);
    }
    let joined = words.join(" ");
    let said = joined.trim_end_matches([' ', ':', ',']).to_owned();
    let display = std::env::var("DISPLAY").or_else(|_| std::env::var("WAYLAND_DISPLAY")).unwrap_or_default();
    error::UiError::Display { display, said }
}

#[cfg(test)]
mod tests {
    /// The windowing library's error loses its source path, and keeps what went wrong.
    #[test]
    fn a_window_error_names_no_source_file() {
        let said = super::plain_error(
            "winit EventLoopError: os error at /root/.cargo/registry/src/index.crates.io-1/winit-0.30.13/src/platform_impl/linux/mod.rs:764: Failed to open connection to X server",
        )
        .to_string();
        assert!(said.contains("(winit EventLoopError: os error Failed to open connection to X server)"), "{said}");
        assert!(!said.contains(".cargo") && !said.contains(".rs"), "{said}");
    }
}
