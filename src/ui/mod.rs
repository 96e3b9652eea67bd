//! The desktop app (egui/eframe). Drawing only: every decision is made by [`crate::core`], every
//! state change goes through [`state::AppState::handle`].

pub mod app;
pub mod clock;
pub mod compare;
pub mod decode;
pub mod flows;
pub mod history;
pub mod keys;
pub mod platform;
pub mod plot_fit;
pub mod revocation;
pub mod security;
pub mod sign;
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
    match eframe::run_native("Token Workbench", options, Box::new(creator)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokenbench: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}
