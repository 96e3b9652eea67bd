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
    /// Secondary text: captions, sources, notes (egui's weak text).
    pub muted: Color32,
    /// Text drawn in and around plots: axis tick labels (the revocation lab's lane names
    /// among them), labels over marks, and labels on the timeline's token bars.
    pub plot_text: Color32,
    /// The attacker (a thief's copy, their tokens), as text and marks.
    pub attacker: Color32,
    /// The revocation timeline's access tokens, alternating (labelled in `plot_text`).
    pub lane_access: [Color32; 2],
    /// The revocation timeline's refresh tokens, alternating (labelled in `plot_text`).
    pub lane_refresh: [Color32; 2],
    /// The revocation timeline's attacker tokens (labelled in `plot_text`).
    pub lane_attacker: Color32,
}

const DARK: Palette = Palette {
    good: Color32::from_rgb(0x78, 0xd2, 0x82),
    warn: Color32::from_rgb(0xff, 0xb0, 0x40),
    bad: Color32::from_rgb(0xff, 0x78, 0x78),
    good_fill: Color32::from_rgb(0x1b, 0x5e, 0x20),
    warn_fill: Color32::from_rgb(0x8a, 0x5a, 0x00),
    bad_fill: Color32::from_rgb(0xb7, 0x1c, 0x1c),
    on_fill: Color32::WHITE,
    muted: Color32::from_gray(140),
    plot_text: Color32::from_gray(215),
    attacker: Color32::from_rgb(0xf4, 0x8f, 0xb1),
    lane_access: [Color32::from_rgb(0x1b, 0x5e, 0x20), Color32::from_rgb(0x33, 0x69, 0x1e)],
    lane_refresh: [Color32::from_rgb(0x0d, 0x47, 0xa1), Color32::from_rgb(0x1e, 0x5a, 0x96)],
    lane_attacker: Color32::from_rgb(0x88, 0x0e, 0x4f),
};

const LIGHT: Palette = Palette {
    good: Color32::from_rgb(0x1b, 0x6e, 0x20),
    warn: Color32::from_rgb(0x8c, 0x50, 0x00),
    bad: Color32::from_rgb(0xb4, 0x00, 0x00),
    good_fill: Color32::from_rgb(0x1b, 0x5e, 0x20),
    warn_fill: Color32::from_rgb(0x8a, 0x5a, 0x00),
    bad_fill: Color32::from_rgb(0xb7, 0x1c, 0x1c),
    on_fill: Color32::WHITE,
    muted: Color32::from_gray(100),
    plot_text: Color32::from_gray(30),
    attacker: Color32::from_rgb(0x9c, 0x1f, 0x7a),
    lane_access: [Color32::from_rgb(0x81, 0xc7, 0x84), Color32::from_rgb(0xc8, 0xe6, 0xc9)],
    lane_refresh: [Color32::from_rgb(0x64, 0xb5, 0xf6), Color32::from_rgb(0xbb, 0xde, 0xfb)],
    lane_attacker: Color32::from_rgb(0xf4, 0x8f, 0xb1),
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
    }
    v.weak_text_color = Some(p.muted);
    v
}

/// The share of a timeline bar's colour left after the clock's time (what the model predicts):
/// the bar is drawn at this opacity over the plot, and its label must stay readable on it.
pub const PREDICTED_OPACITY: f32 = 0.45;

/// Axis hints for a plot in this theme: tick labels in [`Palette::plot_text`], each drawn at
/// full strength or not at all. `egui_plot` fades labels in as their spacing grows, so a minor
/// tick's label could be drawn at 1.1:1; with one spacing threshold a label that is drawn is
/// readable (labels closer than it are left out, as before).
#[must_use]
pub fn axis<'a>(axis: egui_plot::Axis, dark: bool) -> egui_plot::AxisHints<'a> {
    let spacing = match axis {
        egui_plot::Axis::X => 60.0,
        egui_plot::Axis::Y => 16.0,
    };
    egui_plot::AxisHints::new(axis)
        .tick_label_color(palette(dark).plot_text)
        .label_spacing(egui::Rangef::new(spacing, spacing))
}

/// `plot` with this theme's readable axes ([`axis`]) for both x and y. Call it before setting
/// an axis's label or formatter: those apply to the axes set here.
#[must_use]
pub fn readable_axes(plot: egui_plot::Plot<'_>, dark: bool) -> egui_plot::Plot<'_> {
    plot.custom_x_axes(vec![axis(egui_plot::Axis::X, dark)]).custom_y_axes(vec![axis(egui_plot::Axis::Y, dark)])
}

/// `fg` drawn over the opaque `bg` (premultiplied alpha, as egui paints): the colour seen.
#[must_use]
pub fn over(fg: Color32, bg: Color32) -> Color32 {
    let keep = 1.0 - f32::from(fg.a()) / 255.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let mix = |f: u8, b: u8| (f32::from(f) + f32::from(b) * keep).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgb(mix(fg.r(), bg.r()), mix(fg.g(), bg.g()), mix(fg.b(), bg.b()))
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
    use crate::core::engine::timeline::Phase;

    /// How large a text is: WCAG asks 4.5:1 of normal text and 3:1 of large text (18 pt, or
    /// 14 pt bold).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Size {
        Normal,
        Large,
    }

    impl Size {
        fn least(self) -> f64 {
            match self {
                Size::Normal => 4.5,
                Size::Large => 3.0,
            }
        }
    }

    /// Every text colour the window draws, on every background it is drawn on, and its size.
    fn pairs(dark: bool) -> Vec<(String, Color32, Color32, Size)> {
        let v = visuals(dark);
        let p = palette(dark);
        let mut out = Vec::new();
        let panels = [
            ("panel", v.panel_fill),
            ("window", v.window_fill),
            ("editor", v.text_edit_bg_color()),
            // A plot's frame (egui_plot fills it with the extreme background): its labels.
            ("plot", v.extreme_bg_color),
            // Striped rows (the revocation table, Compare's rows) over the panel.
            ("striped row", over(v.faint_bg_color, v.panel_fill)),
        ];
        let mut texts = vec![
            ("text", v.text_color()),
            ("weak text", v.weak_text_color()),
            ("strong text", v.strong_text_color()),
            ("error", v.error_fg_color),
            ("warning", v.warn_fg_color),
            ("good", p.good),
            ("warn", p.warn),
            ("bad", p.bad),
            ("muted", p.muted),
            ("plot text (axis labels, lane names)", p.plot_text),
            ("attacker", p.attacker),
            ("a timeline's \"never valid\"", crate::ui::timeline::phase_colour(Phase::Never, dark)),
        ];
        for part in
            [Part::Header, Part::Payload, Part::Signature, Part::EncryptedKey, Part::Iv, Part::Ciphertext, Part::Tag]
        {
            texts.push((part.name(), part_colour(part, dark)));
        }
        for (bg_name, bg) in panels {
            for (fg_name, fg) in &texts {
                out.push((format!("{fg_name} on {bg_name}"), *fg, bg, Size::Normal));
            }
        }
        // Headings (18 pt and more) in the strong text colour: large text.
        for (bg_name, bg) in panels {
            out.push((format!("heading on {bg_name}"), v.strong_text_color(), bg, Size::Large));
        }
        for (name, w) in [
            ("inactive", &v.widgets.inactive),
            ("hovered", &v.widgets.hovered),
            ("active", &v.widgets.active),
            ("open", &v.widgets.open),
        ] {
            out.push((format!("button text, {name}"), w.fg_stroke.color, w.weak_bg_fill, Size::Normal));
        }
        out.push(("selected tab or item".into(), v.selection.stroke.color, v.selection.bg_fill, Size::Normal));
        for (name, fill) in [("good", p.good_fill), ("warn", p.warn_fill), ("bad", p.bad_fill)] {
            out.push((format!("banner text on {name}"), p.on_fill, fill, Size::Normal));
        }
        // The revocation timeline's token labels ("#3", "RT 2"), on their bars: solid before the
        // clock's time, faded over the plot after it.
        let bars = [
            ("access token", p.lane_access[0]),
            ("next access token", p.lane_access[1]),
            ("refresh token", p.lane_refresh[0]),
            ("next refresh token", p.lane_refresh[1]),
            ("attacker's token", p.lane_attacker),
        ];
        for (name, fill) in bars {
            out.push((format!("label on {name}"), p.plot_text, fill, Size::Normal));
            let faded = over(fill.gamma_multiply(PREDICTED_OPACITY), v.extreme_bg_color);
            out.push((format!("label on {name}, predicted"), p.plot_text, faded, Size::Normal));
        }
        out
    }

    #[test]
    fn every_text_meets_wcag_aa_in_both_themes() {
        let mut failures = Vec::new();
        let mut checked = 0;
        for dark in [true, false] {
            for (what, fg, bg, size) in pairs(dark) {
                let ratio = contrast(fg, bg);
                checked += 1;
                if ratio < size.least() {
                    let theme = if dark { "dark" } else { "light" };
                    failures.push(format!("{theme} theme: {what}: {ratio:.2}:1 (needs {}:1)", size.least()));
                }
            }
        }
        assert!(failures.is_empty(), "below WCAG AA:\n{}", failures.join("\n"));
        assert!(checked > 200, "every pair is checked: {checked}");
    }

    #[test]
    fn the_old_lane_labels_and_faded_ticks_would_fail() {
        // What the issue measured, so the test above is known to catch it: lane names at the
        // faded strength egui_plot gave them, and a minor tick label at a tenth of its colour.
        let v = visuals(true);
        let faded = over(v.text_color().gamma_multiply(0.3_f32.sqrt()), v.panel_fill);
        assert!(contrast(faded, v.panel_fill) < 4.5);
        let strength: f32 = 0.0001;
        let minor = over(v.text_color().gamma_multiply(strength.sqrt()), v.panel_fill);
        assert!(contrast(minor, v.panel_fill) < 1.2, "{}", contrast(minor, v.panel_fill));
        // Drawn whole: the plot text colour.
        assert!(contrast(palette(true).plot_text, v.panel_fill) >= 4.5);
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
