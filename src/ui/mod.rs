//! The desktop app (egui/eframe). Drawing only: every decision is made by [`crate::core`].

pub mod app;

use std::process::ExitCode;

/// Opens the Token Workbench window and runs until it is closed.
#[must_use]
pub fn run() -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Token Workbench")
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    match eframe::run_native("Token Workbench", options, Box::new(|_cc| Ok(Box::new(app::TokenbenchApp::default())))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokenbench: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}
