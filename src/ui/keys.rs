//! The key list: add keys from files, pasted text, secrets, URLs or the generator; see kind,
//! size, kid, thumbprint, source and warnings; rename, remove and export them. Keys that could
//! not be loaded are shown where they would be, with the reason. Everything wraps to the
//! panel's width, so adding a key never widens the panel.

use egui::{RichText, Ui};

use crate::core::engine::keys::SecretEncoding;
use crate::core::engine::sign::{ExportFormat, KeySpec};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::palette;
use crate::ui::widgets::{copy_button, prose};

/// The keys panel's own input buffers (never persisted: they may hold secrets).
#[derive(Debug, Default)]
pub struct KeysPanel {
    /// Pasted PEM / JWK / JWKS text.
    pub pasted: String,
    /// An HMAC secret being typed.
    pub secret: String,
    /// How to read `secret`.
    pub encoding: Option<SecretEncoding>,
    /// Show the secret while typing.
    pub show_secret: bool,
    /// A JWKS, discovery document or issuer URL.
    pub url: String,
    /// The key being renamed and the name as typed.
    pub renaming: Option<(usize, String)>,
    /// The name field was just opened: it takes the keyboard focus.
    focus_rename: bool,
    /// How many keys the list showed last frame: a longer list scrolls its first new key into
    /// view.
    shown_keys: usize,
    /// The first key of the page shown, when there are more keys than [`KEYS_PER_PAGE`].
    page_start: usize,
    /// Text a key's kid, name, source or thumbprint must contain to be listed.
    pub filter: String,
    /// The filter the page was chosen for: a new filter starts at its first page.
    paged_filter: String,
}

/// Cards drawn at once. A JWKS may hold 100,000 keys; laying out a card for each every frame
/// froze the window for seconds and took gigabytes, so a long list is paged (and can be
/// searched by kid, name, source or thumbprint).
pub const KEYS_PER_PAGE: usize = 50;

/// Whether `key` matches the filter text (case-insensitive; empty matches every key).
fn matches(key: &crate::core::engine::keys::Key, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let has = |hay: &str| hay.to_lowercase().contains(needle);
    key.kid.as_deref().is_some_and(has)
        || key.name.as_deref().is_some_and(has)
        || has(&key.source)
        || key.thumbprint.starts_with(needle)
}

/// Copy or save the key as PEM, JWK or JWKS, public or private.
fn export_menu(ui: &mut Ui, index: usize, key: &crate::core::engine::keys::Key, out: &mut Vec<Command>) {
    let secret_only = matches!(key.material, crate::core::engine::keys::KeyMaterial::Oct { .. });
    let mut sides = Vec::new();
    if !secret_only {
        sides.push((false, "public"));
    }
    if key.is_secret() {
        sides.push((true, if secret_only { "secret" } else { "private" }));
    }
    for (private, side) in sides {
        for (format, name) in [(ExportFormat::Pem, "PEM"), (ExportFormat::Jwk, "JWK"), (ExportFormat::Jwks, "JWKS")] {
            if secret_only && format == ExportFormat::Pem {
                continue;
            }
            ui.horizontal_wrapped(|ui| {
                if ui.button(format!("Copy {side} {name}")).clicked() {
                    out.push(Command::ExportKey { index, format, private, save: false });
                }
                if ui.button(format!("Save {side} {name}…")).clicked() {
                    out.push(Command::ExportKey { index, format, private, save: true });
                }
            });
        }
    }
}

impl KeysPanel {
    /// The ways to add keys: paste, secret, fetch, generate.
    fn add_keys(&mut self, ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
        egui::CollapsingHeader::new("Paste a key (PEM, JWK, JWKS)").id_salt("paste-key").show(ui, |ui| {
            let label = ui.label("Key text");
            // A pasted certificate chain is long: the box scrolls inside rather than push the
            // key list down.
            egui::ScrollArea::vertical().id_salt("pasted-key").max_height(120.0).show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut self.pasted)
                        .hint_text("-----BEGIN PUBLIC KEY-----… or {\"kty\":…}")
                        .desired_rows(3)
                        .desired_width(f32::INFINITY)
                        .font(egui::TextStyle::Monospace),
                )
                .labelled_by(label.id);
            });
            if ui.add_enabled(!self.pasted.trim().is_empty(), egui::Button::new("Add pasted key")).clicked() {
                out.push(Command::AddKeyText(std::mem::take(&mut self.pasted)));
            }
        });
        egui::CollapsingHeader::new("HMAC secret").id_salt("secret").show(ui, |ui| {
            let mut entered = false;
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("Secret");
                let response = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.secret)
                            .password(!self.show_secret)
                            .hint_text("HMAC secret, then Enter")
                            .desired_width(160.0),
                    )
                    .labelled_by(label.id);
                entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.checkbox(&mut self.show_secret, "Show");
            });
            let encoding = self.encoding.get_or_insert(SecretEncoding::Utf8);
            ui.horizontal_wrapped(|ui| {
                ui.label("Read as");
                ui.selectable_value(encoding, SecretEncoding::Utf8, "Text");
                ui.selectable_value(encoding, SecretEncoding::Base64, "Base64");
                ui.selectable_value(encoding, SecretEncoding::Hex, "Hex");
            });
            let add = ui.add_enabled(!self.secret.is_empty(), egui::Button::new("Add secret")).clicked();
            if (add || entered) && !self.secret.is_empty() {
                let encoding = *encoding;
                out.push(Command::AddSecret { text: std::mem::take(&mut self.secret), encoding });
            }
        });
        egui::CollapsingHeader::new("Fetch keys from a URL").id_salt("fetch").show(ui, |ui| {
            ui.label("A JWKS URL, an OpenID discovery document, or an issuer. Fetched only when you press the button; a token's own jku/x5u is never followed.");
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("URL");
                ui.add(egui::TextEdit::singleline(&mut self.url).hint_text("https://issuer.example.com").desired_width(200.0))
                    .labelled_by(label.id);
            });
            ui.horizontal_wrapped(|ui| {
                if ui.add_enabled(!self.url.trim().is_empty(), egui::Button::new("Fetch keys")).clicked() {
                    out.push(Command::FetchKeys(self.url.trim().to_owned()));
                }
                for url in &state.fetching {
                    ui.spinner();
                    ui.label(format!("Fetching {url}…"));
                }
                if let Some(e) = &state.fetch_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
            });
        });
        // The section keeps one line for what is being made, busy or not, so the list below
        // never moves when generation starts or ends.
        let busy = !state.generating.is_empty();
        egui::CollapsingHeader::new("Generate a key").id_salt("generate").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for spec in KeySpec::ALL {
                    if ui.button(format!("Generate {}", spec.label())).clicked() {
                        out.push(Command::GenerateKey(spec));
                    }
                }
            });
            ui.horizontal(|ui| {
                ui.set_min_height(ui.spacing().interact_size.y);
                if busy {
                    ui.spinner();
                    let what: Vec<String> = state.generating.iter().map(|spec| spec.label()).collect();
                    ui.add(egui::Label::new(format!("Generating {}…", what.join(", "))).truncate());
                } else {
                    let idle = RichText::new("A new key joins the end of the list, shown when ready.").weak();
                    ui.add(egui::Label::new(idle).truncate());
                }
            });
        });
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
        ui.heading("Keys");
        ui.horizontal_wrapped(|ui| {
            if ui.button("Add key files…").on_hover_text("PEM, DER, X.509 certificates, JWK or JWKS").clicked() {
                out.push(Command::AddKeyFiles);
            }
            if ui.button("Sample keys").on_hover_text("The keys that verify the sample tokens").clicked() {
                out.push(Command::LoadSampleKeys);
            }
        });
        self.add_keys(ui, state, out);
        ui.separator();
        key_errors(ui, state, out);
        self.key_list(ui, state, out);
    }
}

/// A certificate's subject, issuer and validity, and the chain above it when the file held
/// one (the leaf's key is the one loaded), as `tokenbench key inspect` prints them.
fn certificate_lines(ui: &mut Ui, cert: &crate::core::engine::keys::CertificateInfo) {
    use crate::core::engine::clock::format_utc;
    use crate::core::text::visible;
    ui.add(egui::Label::new(format!("subject: {}", visible(&cert.subject))).wrap());
    ui.add(egui::Label::new(format!("issuer: {}", visible(&cert.issuer))).wrap());
    let (from, to) = (cert.not_before as f64, cert.not_after as f64);
    ui.add(egui::Label::new(format!("valid {} to {}", format_utc(from), format_utc(to))).wrap());
    if !cert.chain.is_empty() {
        let chain: Vec<_> = cert.chain.iter().map(|c| visible(c)).collect();
        ui.add(
            egui::Label::new(format!(
                "chain: {} (issuers up to the root; their keys are not loaded)",
                chain.join(" <- ")
            ))
            .wrap(),
        );
    }
}

/// Keys that could not be loaded, where they would have been.
fn key_errors(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let colour = ui.visuals().error_fg_color;
    for (i, e) in state.key_errors.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new("Could not load a key").color(colour).strong());
            prose(ui, e, Some(colour));
            if ui.small_button("Dismiss").clicked() {
                out.push(Command::DismissKeyError(i));
            }
        });
    }
}

impl KeysPanel {
    /// The loaded keys: kind, name, kid, source, thumbprint, warnings; rename, remove, export.
    fn key_list(&mut self, ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
        if state.keys.is_empty() {
            ui.label("No keys yet. Secrets and private keys stay in memory only.");
        }
        let warn = palette(ui.visuals().dark_mode).warn;
        let all = state.keys.keys();
        let first_new = (all.len() > self.shown_keys).then_some(self.shown_keys);
        self.shown_keys = all.len();
        if let Some(i) = first_new {
            // Just added (generated, fetched, loaded): its page is shown, whatever the filter.
            self.page_start = i - i % KEYS_PER_PAGE;
            self.filter.clear();
            self.paged_filter.clear();
        }
        let listed: Vec<usize> = if all.len() > KEYS_PER_PAGE { self.pager(ui, all) } else { (0..all.len()).collect() };
        for i in listed {
            let key = &all[i];
            let card = egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("#{} {}", i + 1, key.kind())).strong());
                    if key.private.is_some() {
                        ui.label("private").on_hover_text("Holds a private key (memory only)");
                    }
                    if ui.small_button("Remove").clicked() {
                        out.push(Command::RemoveKey(i));
                    }
                    if ui.small_button("Rename").on_hover_text("Give the key a name of your own").clicked() {
                        self.renaming = Some((i, key.name.clone().unwrap_or_default()));
                        self.focus_rename = true;
                    }
                    if key.signs() {
                        let chosen = state.sign.key == Some(i);
                        if ui
                            .selectable_label(chosen, "Use to sign")
                            .on_hover_text("The key the Sign tab signs with (its algorithm and kid follow)")
                            .clicked()
                        {
                            out.push(Command::SetSignKey(Some(i)));
                        }
                    }
                });
                self.rename_row(ui, i, out);
                if let Some(name) = &key.name {
                    ui.add(egui::Label::new(RichText::new(crate::core::text::visible(name)).strong()).wrap());
                }
                if let Some(kid) = &key.kid {
                    ui.add(egui::Label::new(format!("kid: {}", crate::core::text::visible(kid))).wrap());
                }
                ui.add(
                    egui::Label::new(format!("{} · {}", crate::core::text::visible(&key.source), key.format)).wrap(),
                );
                if let Some(cert) = &key.certificate {
                    certificate_lines(ui, cert);
                }
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(format!("thumbprint {}…", &key.thumbprint[..12.min(key.thumbprint.len())]))
                            .monospace(),
                    )
                    .on_hover_text(format!("RFC 7638 SHA-256 thumbprint: {}", key.thumbprint));
                    copy_button(ui, "Copy thumbprint", &key.thumbprint, out);
                    ui.menu_button("Export", |ui| export_menu(ui, i, key, out));
                });
                for w in &key.warnings {
                    prose(ui, &format!("Warning: {w}"), Some(warn));
                }
            });
            if first_new == Some(i) {
                // Just added (generated, fetched, loaded): brought into view, as little as needed.
                ui.scroll_to_rect(card.response.rect, None);
            }
        }
    }

    /// The find field and the page buttons of a long list; returns the indices of the keys on
    /// the page.
    fn pager(&mut self, ui: &mut Ui, all: &[crate::core::engine::keys::Key]) -> Vec<usize> {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Find");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text("kid, name, source or thumbprint")
                    .desired_width(170.0),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "Lists only the keys whose kid, name or source contains this text, or whose thumbprint starts with it",
            );
        });
        let needle = self.filter.trim().to_lowercase();
        if needle != self.paged_filter {
            self.page_start = 0;
            self.paged_filter.clone_from(&needle);
        }
        // Without a filter every key is listed: the page is a range, with no per-frame list of
        // 100,000 indices.
        let found: Option<Vec<usize>> =
            (!needle.is_empty()).then(|| (0..all.len()).filter(|&i| matches(&all[i], &needle)).collect());
        let total = found.as_ref().map_or(all.len(), Vec::len);
        if self.page_start >= total {
            self.page_start = total.saturating_sub(1) / KEYS_PER_PAGE * KEYS_PER_PAGE;
        }
        let end = (self.page_start + KEYS_PER_PAGE).min(total);
        ui.horizontal_wrapped(|ui| {
            let what = if needle.is_empty() { "keys".to_owned() } else { format!("matching keys of {}", all.len()) };
            if total == 0 {
                ui.label(format!("No key matches ({} loaded)", all.len()));
            } else {
                ui.label(format!("{}-{} of {total} {what}", self.page_start + 1, end));
            }
            if ui.add_enabled(self.page_start > 0, egui::Button::new("Previous page").small()).clicked() {
                self.page_start = self.page_start.saturating_sub(KEYS_PER_PAGE);
            }
            if ui.add_enabled(end < total, egui::Button::new("Next page").small()).clicked() {
                self.page_start += KEYS_PER_PAGE;
            }
        });
        let start = self.page_start.min(end);
        found.map_or_else(|| (start..end).collect(), |f| f[start..end].to_vec())
    }

    /// The name field of the key being renamed: Enter or "Save name" applies, Esc cancels.
    fn rename_row(&mut self, ui: &mut Ui, i: usize, out: &mut Vec<Command>) {
        let Some((index, name)) = &mut self.renaming else { return };
        if *index != i {
            return;
        }
        let mut done = None;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Name");
            let response = ui
                .add(egui::TextEdit::singleline(name).hint_text("e.g. staging signing key").desired_width(150.0))
                .labelled_by(label.id);
            if std::mem::take(&mut self.focus_rename) {
                response.request_focus();
            }
            let entered = response.lost_focus() && ui.input(|inp| inp.key_pressed(egui::Key::Enter));
            if ui.small_button("Save name").clicked() || entered {
                done = Some(true);
            }
            if ui.small_button("Cancel").clicked() || ui.input(|inp| inp.key_pressed(egui::Key::Escape)) {
                done = Some(false);
            }
        });
        match done {
            Some(true) => {
                out.push(Command::RenameKey { index: i, name: std::mem::take(name) });
                self.renaming = None;
            }
            Some(false) => self.renaming = None,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use crate::ui::app::{Settings, TokenbenchApp};
    use crate::ui::platform::FakePlatform;
    use crate::ui::state::Command;

    fn app() -> Harness<'static, TokenbenchApp> {
        Harness::builder()
            .with_size(egui::vec2(800.0, 480.0))
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()))
    }

    #[test]
    fn generating_never_moves_the_list_and_the_new_key_is_shown() {
        let mut h = app();
        h.state_mut().apply(vec![Command::LoadSampleKeys]);
        h.run();
        h.get_by_label("Generate a key").click();
        h.run();
        let card = h.get_by_label("kid: sample-rsa-2048").rect().min.y;
        // A generation under way (its answer held back by the test: no job was started).
        let spec = crate::core::engine::sign::KeySpec::Rsa(4096);
        h.state_mut().state.generating.push(spec);
        h.step();
        h.step();
        assert!(h.query_by_label_contains("Generating RSA 4096").is_some());
        let during = h.get_by_label("kid: sample-rsa-2048").rect().min.y;
        assert!((during - card).abs() < 0.5, "the list did not move: {card} then {during}");
        let key = crate::core::engine::keys::load_secret(
            &[3u8; 32],
            crate::core::engine::keys::SecretEncoding::Raw,
            "generated",
        )
        .map_err(|e| e.to_string());
        let result =
            crate::core::jobs::Delivered::new(key.map_err(crate::core::engine::error::Error::JsonSerialization));
        h.state_mut().apply(vec![Command::KeyGenerated { spec, result }]);
        h.step();
        h.run();
        assert!(h.state().state.generating.is_empty());
        assert_eq!(h.state().state.keys.len(), 6);
        // The new key, last in the list, was scrolled into view above the status line.
        let new = h.get_by_label_contains("#6 HMAC secret").rect();
        let status = h.get_by_label("Back to now").rect().min.y;
        assert!(new.min.y > 0.0 && new.max.y < status, "the new key is on screen: {new:?} (status at {status})");
    }

    #[test]
    fn the_rename_field_takes_the_focus() {
        let mut h = app();
        h.state_mut().apply(vec![Command::LoadSampleKeys]);
        h.run();
        h.get_all_by_label("Rename").next().unwrap().click();
        h.run();
        assert!(h.get_by_label("Name").is_focused(), "type the name at once");
        h.get_by_label("Name").type_text("prod");
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(h.state().state.keys.keys()[0].name.as_deref(), Some("prod"));
    }

    #[test]
    fn a_huge_key_set_is_paged_and_searchable() {
        use std::fmt::Write as _;
        // 10,000 HMAC keys (a JWKS may hold 100,000): one frame lays out a page, not 10,000 cards.
        let mut jwks = String::from(r#"{"keys":["#);
        for i in 0..10_000 {
            let sep = if i == 0 { "" } else { "," };
            let mut secret = [7u8; 32];
            secret[..4].copy_from_slice(&u32::try_from(i).unwrap().to_be_bytes());
            let k = crate::core::engine::token::encode_b64url(&secret);
            write!(jwks, r#"{sep}{{"kty":"oct","kid":"k{i}","k":"{k}"}}"#).unwrap();
        }
        jwks.push_str("]}");
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
        h.state_mut().apply(vec![
            Command::AddKeyText(jwks.clone()),
            Command::SetToken(crate::ui::state::SAMPLES[0].1.to_owned()),
        ]);
        h.run();
        assert_eq!(h.state().state.keys.len(), 10_000, "{:?}", h.state().state.key_errors);
        // The same set again adds nothing and names five of its keys, not ten thousand.
        h.state_mut().apply(vec![Command::AddKeyText(jwks.clone())]);
        assert_eq!(h.state().state.keys.len(), 10_000);
        let said = h.state().state.message.as_ref().map(|(_, m)| m.clone()).unwrap_or_default();
        assert!(said.starts_with(r#"already loaded as #1 kid "k0""#) && said.ends_with("and 9995 more"), "{said}");
        // The newly loaded keys' first page is shown.
        assert!(h.query_by_label("1-50 of 10000 keys").is_some());
        assert_eq!(h.query_all_by_label("Remove").count(), super::KEYS_PER_PAGE);
        // The verdict's key list is cut the same way.
        h.get_by_label("10000 keys skipped").click();
        h.run();
        assert!(h.query_by_label("… and 9950 more (tokenbench verify --json lists every key)").is_some());
        // 50 cards in the Keys panel and 50 folded attempts in the verdict, no more.
        assert_eq!(h.query_all_by_label_contains("HMAC secret (256 bits)").count(), 100);
        h.get_by_label("Next page").click();
        h.run();
        assert!(h.query_by_label("51-100 of 10000 keys").is_some());
        assert!(h.query_by_label("kid: k50").is_some() && h.query_by_label("kid: k0").is_none());
        // Find a key by kid: a new filter starts on its first page.
        h.state_mut().keys.filter = "k9999".to_owned();
        h.run();
        assert!(h.query_by_label("1-1 of 1 matching keys of 10000").is_some());
        assert!(h.query_by_label("kid: k9999").is_some());
        assert_eq!(h.query_all_by_label("Remove").count(), 1);
        h.state_mut().keys.filter = "no such kid".to_owned();
        h.run();
        assert!(h.query_by_label("No key matches (10000 loaded)").is_some());
        assert_eq!(h.query_all_by_label("Remove").count(), 0);
    }

    #[test]
    fn a_certificate_chain_card_names_the_leaf_and_its_chain() {
        let mut h = app();
        let pem = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/chain-root-first.pem");
        h.state_mut().apply(vec![Command::LoadKeyFiles(vec![pem.into()])]);
        h.run();
        assert_eq!(h.state().state.keys.len(), 1, "the leaf only");
        assert!(h.query_by_label("subject: CN=tokens.example.com").is_some());
        assert!(h.query_by_label("issuer: CN=Tokenbench Test Intermediate").is_some());
        assert!(h.query_by_label_contains("valid 20").is_some());
        assert!(
            h.query_by_label(
                "chain: CN=Tokenbench Test Intermediate <- CN=Tokenbench Test Root (issuers up to the root; their keys are not loaded)"
            )
            .is_some()
        );
    }
}
