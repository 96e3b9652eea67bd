//! Colours with meaning: token segments (the same in the editor and the decoded views) and
//! verdicts, for light and dark themes.

use egui::Color32;

use crate::core::token::Part;
use crate::core::verify::{CheckStatus, SignatureVerdict};
use crate::ui::state::ThemePreference;

/// The colour of a token segment.
#[must_use]
pub fn part_colour(part: Part, dark: bool) -> Color32 {
    match (part, dark) {
        (Part::Header, true) => Color32::from_rgb(0xff, 0x6b, 0x81),
        (Part::Header, false) => Color32::from_rgb(0xc0, 0x1c, 0x3c),
        (Part::Payload, true) => Color32::from_rgb(0xc3, 0x8c, 0xff),
        (Part::Payload, false) => Color32::from_rgb(0x7b, 0x2f, 0xbf),
        (Part::Signature, true) => Color32::from_rgb(0x4f, 0xc3, 0xf7),
        (Part::Signature, false) => Color32::from_rgb(0x00, 0x6f, 0xa8),
        (_, true) => Color32::from_rgb(0xff, 0xb7, 0x4d),
        (_, false) => Color32::from_rgb(0xa8, 0x5d, 0x00),
    }
}

/// Green for good, red for bad, amber for "look at this".
#[must_use]
pub fn verdict_colour(good: Option<bool>, dark: bool) -> Color32 {
    match (good, dark) {
        (Some(true), true) => Color32::from_rgb(0x2e, 0x7d, 0x32),
        (Some(true), false) => Color32::from_rgb(0x1b, 0x5e, 0x20),
        (Some(false), true) => Color32::from_rgb(0xc6, 0x28, 0x28),
        (Some(false), false) => Color32::from_rgb(0xb7, 0x1c, 0x1c),
        (None, true) => Color32::from_rgb(0x9e, 0x6a, 0x00),
        (None, false) => Color32::from_rgb(0x8a, 0x5a, 0x00),
    }
}

/// The banner colour of a signature verdict: only `Valid` is green.
#[must_use]
pub fn signature_good(v: SignatureVerdict) -> Option<bool> {
    match v {
        SignatureVerdict::Valid => Some(true),
        SignatureVerdict::NoMatchingKey | SignatureVerdict::Encrypted => None,
        _ => Some(false),
    }
}

/// A check's mark and colour class.
#[must_use]
pub fn check_mark(status: CheckStatus) -> (&'static str, Option<bool>) {
    match status {
        CheckStatus::Passed => ("pass", Some(true)),
        CheckStatus::Failed => ("FAIL", Some(false)),
        CheckStatus::Absent => ("absent", None),
        CheckStatus::NotChecked => ("not checked", None),
    }
}

/// Applies the theme preference to the context.
pub fn apply(ctx: &egui::Context, pref: ThemePreference) {
    ctx.set_theme(match pref {
        ThemePreference::System => egui::ThemePreference::System,
        ThemePreference::Light => egui::ThemePreference::Light,
        ThemePreference::Dark => egui::ThemePreference::Dark,
    });
}
