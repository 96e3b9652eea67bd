//! Colours with meaning, for light and dark themes: token segments (the same in the editor and
//! the decoded views; five for a JWE), verdict tones as text and as banner fills, and egui's
//! own text colours raised where its defaults fall under WCAG AA. Every text colour here is
//! checked against every background it is drawn on (4.5:1 at least) by the tests below.

use egui::{Color32, Visuals};

use crate::core::engine::token::Part;
use crate::core::engine::verify::CheckStatus;
use crate::ui::state::ThemePreference;

/// How good something is: decides a colour, never alone (words say it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Verified, passed.
    Good,
    /// Look at this: warnings, no key, not checked.
    Warn,
    /// Invalid, failed, forged.
    Bad,
    /// Plain information.
    Neutral,
}

/// The colours of one theme beyond egui's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Good, as text on the panel.
    pub good: Color32,
    /// Look-at-this, as text on the panel.
    pub warn: Color32,
    /// Bad, as text on the panel.
    pub bad: Color32,
    /// Banner fill for good verdicts.
    pub good_fill: Color32,
    /// Banner fill for verdicts with warnings or without a key.
    pub warn_fill: Color32,
    /// Banner fill for invalid verdicts (and the bad character in the token editor).
    pub bad_fill: Color32,
    /// Text on any fill.
    pub on_fill: Color32,
}

const DARK: Palette = Palette {
    good: Color32::from_rgb(0x78, 0xd2, 0x82),
    warn: Color32::from_rgb(0xff, 0xb0, 0x40),
    bad: Color32::from_rgb(0xff, 0x78, 0x78),
    good_fill: Color32::from_rgb(0x1b, 0x5e, 0x20),
    warn_fill: Color32::from_rgb(0x8a, 0x5a, 0x00),
    bad_fill: Color32::from_rgb(0xb7, 0x1c, 0x1c),
    on_fill: Color32::WHITE,
};

const LIGHT: Palette = Palette {
    good: Color32::from_rgb(0x1b, 0x6e, 0x20),
    warn: Color32::from_rgb(0x8c, 0x50, 0x00),
    bad: Color32::from_rgb(0xb4, 0x00, 0x00),
    good_fill: Color32::from_rgb(0x1b, 0x5e, 0x20),
    warn_fill: Color32::from_rgb(0x8a, 0x5a, 0x00),
    bad_fill: Color32::from_rgb(0xb7, 0x1c, 0x1c),
    on_fill: Color32::WHITE,
};

/// The palette of the dark or light theme.
#[must_use]
pub fn palette(dark: bool) -> Palette {
    if dark { DARK } else { LIGHT }
}

impl Palette {
    /// A tone as text on the panel (`Neutral` is `None`: use the normal text colour).
    #[must_use]
    pub fn text(&self, tone: Tone) -> Option<Color32> {
        match tone {
            Tone::Good => Some(self.good),
            Tone::Warn => Some(self.warn),
            Tone::Bad => Some(self.bad),
            Tone::Neutral => None,
        }
    }

    /// A tone as a banner fill.
    #[must_use]
    pub fn fill(&self, tone: Tone) -> Color32 {
        match tone {
            Tone::Good => self.good_fill,
            Tone::Warn | Tone::Neutral => self.warn_fill,
            Tone::Bad => self.bad_fill,
        }
    }
}

/// A verdict's text colour (also for plot marks): good (`Some(true)`), bad (`Some(false)`) or
/// look-at-this (`None`). The palette's text tones, so text drawn with it meets WCAG AA.
#[must_use]
pub fn verdict_colour(good: Option<bool>, dark: bool) -> Color32 {
    let p = palette(dark);
    match good {
        Some(true) => p.good,
        Some(false) => p.bad,
        None => p.warn,
    }
}

/// egui's visuals for the theme, with text colours that meet WCAG AA on every panel.
#[must_use]
pub fn visuals(dark: bool) -> Visuals {
    let mut v = if dark { Visuals::dark() } else { Visuals::light() };
    let p = palette(dark);
    v.error_fg_color = p.bad;
    v.warn_fg_color = p.warn;
    if dark {
        v.widgets.noninteractive.fg_stroke.color = Color32::from_gray(170);
        v.weak_text_color = Some(Color32::from_gray(140));
    } else {
        v.weak_text_color = Some(Color32::from_gray(100));
    }
    v
}

/// The colour of a token segment: five distinct ones for a JWE (header, encrypted key, IV,
/// ciphertext, tag), the ciphertext sharing the payload's and the tag the signature's meaning.
#[must_use]
pub fn part_colour(part: Part, dark: bool) -> Color32 {
    match (part, dark) {
        (Part::Header, true) => Color32::from_rgb(0xff, 0x6b, 0x81),
        (Part::Header, false) => Color32::from_rgb(0xc0, 0x1c, 0x3c),
        (Part::Payload | Part::Ciphertext, true) => Color32::from_rgb(0xc3, 0x8c, 0xff),
        (Part::Payload | Part::Ciphertext, false) => Color32::from_rgb(0x7b, 0x2f, 0xbf),
        (Part::Signature | Part::Tag, true) => Color32::from_rgb(0x4f, 0xc3, 0xf7),
        (Part::Signature | Part::Tag, false) => Color32::from_rgb(0x00, 0x6f, 0xa8),
        (Part::EncryptedKey, true) => Color32::from_rgb(0xff, 0xb7, 0x4d),
        (Part::EncryptedKey, false) => Color32::from_rgb(0x9a, 0x55, 0x00),
        (Part::Iv, true) => Color32::from_rgb(0x81, 0xd4, 0x8a),
        (Part::Iv, false) => Color32::from_rgb(0x2e, 0x6b, 0x30),
    }
}

/// A check's mark and tone.
#[must_use]
pub fn check_mark(status: CheckStatus) -> (&'static str, Tone) {
    match status {
        CheckStatus::Passed => ("pass", Tone::Good),
        CheckStatus::Failed => ("FAIL", Tone::Bad),
        CheckStatus::Absent => ("absent", Tone::Neutral),
        CheckStatus::NotChecked => ("not checked", Tone::Warn),
    }
}

/// The smallest text the window draws, in points: egui's own small style (9 pt) is too small to
/// read at 1280x800 for captions, references and notes, so it is raised to this.
pub const MIN_SMALL_TEXT: f32 = 11.0;

/// Text styles no smaller than [`MIN_SMALL_TEXT`].
pub fn readable_text(style: &mut egui::Style) {
    for font in style.text_styles.values_mut() {
        font.size = font.size.max(MIN_SMALL_TEXT);
    }
}

/// Applies the theme preference to the context, with our visuals for both themes and text
/// sizes that stay readable.
pub fn apply(ctx: &egui::Context, pref: ThemePreference) {
    ctx.set_visuals_of(egui::Theme::Dark, visuals(true));
    ctx.set_visuals_of(egui::Theme::Light, visuals(false));
    ctx.all_styles_mut(readable_text);
    ctx.set_theme(match pref {
        ThemePreference::System => egui::ThemePreference::System,
        ThemePreference::Light => egui::ThemePreference::Light,
        ThemePreference::Dark => egui::ThemePreference::Dark,
    });
}

/// WCAG 2.x contrast ratio of two opaque colours (1 to 21).
#[must_use]
pub fn contrast(a: Color32, b: Color32) -> f64 {
    fn luminance(c: Color32) -> f64 {
        let lin = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.040_45 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text colour the window draws, on every background it is drawn on.
    fn pairs(dark: bool) -> Vec<(String, Color32, Color32)> {
        let v = visuals(dark);
        let p = palette(dark);
        let mut out = Vec::new();
        let panels = [("panel", v.panel_fill), ("window", v.window_fill), ("editor", v.text_edit_bg_color())];
        let mut texts = vec![
            ("text", v.text_color()),
            ("weak text", v.weak_text_color()),
            ("strong text", v.strong_text_color()),
            ("error", v.error_fg_color),
            ("warning", v.warn_fg_color),
            ("good", p.good),
            ("warn", p.warn),
            ("bad", p.bad),
        ];
        for part in
            [Part::Header, Part::Payload, Part::Signature, Part::EncryptedKey, Part::Iv, Part::Ciphertext, Part::Tag]
        {
            texts.push((part.name(), part_colour(part, dark)));
        }
        for (bg_name, bg) in panels {
            for (fg_name, fg) in &texts {
                out.push((format!("{fg_name} on {bg_name}"), *fg, bg));
            }
        }
        for (name, w) in [
            ("inactive", &v.widgets.inactive),
            ("hovered", &v.widgets.hovered),
            ("active", &v.widgets.active),
            ("open", &v.widgets.open),
        ] {
            out.push((format!("button text, {name}"), w.fg_stroke.color, w.weak_bg_fill));
        }
        out.push(("selected tab or item".into(), v.selection.stroke.color, v.selection.bg_fill));
        for (name, fill) in [("good", p.good_fill), ("warn", p.warn_fill), ("bad", p.bad_fill)] {
            out.push((format!("banner text on {name}"), p.on_fill, fill));
        }
        out
    }

    #[test]
    fn every_text_meets_wcag_aa_in_both_themes() {
        let mut failures = Vec::new();
        for dark in [true, false] {
            for (what, fg, bg) in pairs(dark) {
                let ratio = contrast(fg, bg);
                if ratio < 4.5 {
                    failures.push(format!("{} theme: {what}: {ratio:.2}:1", if dark { "dark" } else { "light" }));
                }
            }
        }
        assert!(failures.is_empty(), "below 4.5:1:\n{}", failures.join("\n"));
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(Color32::from_gray(0x77), Color32::WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn small_text_is_readable_in_both_themes() {
        let ctx = egui::Context::default();
        apply(&ctx, ThemePreference::Dark);
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let mut smallest = f32::INFINITY;
            ctx.style_mut_of(theme, |s| {
                smallest = s.text_styles.values().map(|f| f.size).fold(f32::INFINITY, f32::min);
                assert!(s.text_styles[&egui::TextStyle::Small].size >= MIN_SMALL_TEXT);
            });
            assert!(smallest >= MIN_SMALL_TEXT, "{theme:?}: {smallest}");
        }
    }

    #[test]
    fn a_jwe_has_five_distinct_colours() {
        for dark in [true, false] {
            let parts = [Part::Header, Part::EncryptedKey, Part::Iv, Part::Ciphertext, Part::Tag];
            let colours: std::collections::HashSet<Color32> = parts.iter().map(|p| part_colour(*p, dark)).collect();
            assert_eq!(colours.len(), 5);
        }
    }
}
