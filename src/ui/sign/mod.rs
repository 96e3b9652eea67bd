//! Encode and re-sign: the signing editor's state ([`SignState`]: header and claims as typed,
//! the algorithm, the key) and its view. The header and the Algorithm dropdown are one truth:
//! choosing an algorithm rewrites the header's `alg`, typing `alg` in the header moves the
//! dropdown; choosing a key picks an algorithm it can sign and (unless unticked) writes its
//! `kid`, so a re-signed token verifies by kid. A JWE is never offered for re-signing.

pub mod encrypt;

use egui::{RichText, Ui};
use serde_json::Value;

use crate::core::engine::keys::{Key, KeyStore};
use crate::core::engine::sign;
use crate::core::engine::token::{self, JsonObject, Kind, Token};
use crate::core::engine::verify::SUPPORTED_ALGORITHMS;
use crate::ui::error::UiError;
use crate::ui::state::{AppState, Command};
use crate::ui::widgets::copy_button;

const OFFSETS: [(&str, i64); 5] = [("now", 0), ("+5 min", 300), ("+15 min", 900), ("+1 h", 3600), ("+1 day", 86_400)];

/// The signing editor.
#[derive(Debug, Clone, PartialEq)]
pub struct SignState {
    /// Header JSON as typed.
    pub header_text: String,
    /// Claims JSON as typed.
    pub claims_text: String,
    /// The algorithm: the header's `alg` (kept in sync both ways).
    pub alg: String,
    /// The chosen key (index in the key list).
    pub key: Option<usize>,
    /// Write the signing key's kid (its own, else its thumbprint) into the header.
    pub kid_from_key: bool,
    /// The last signing result.
    pub output: Option<Result<String, UiError>>,
    /// The signed token's own verdict with the loaded keys, policy and clock: the token it is
    /// about, and the banner's words and tone (shown only while that token is the output, so
    /// the tab never shows another token's verdict).
    pub verdict: Option<(String, SignedVerdict)>,
    /// Encrypting the signed token to a recipient (a nested JWT).
    pub encrypt: encrypt::EncryptState,
}

/// A signed token's verdict in the words of the Verify banner.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedVerdict {
    /// The banner's title ("VALID", "VALID, but: …", "EXPIRED").
    pub title: String,
    /// Its sentence of why.
    pub detail: String,
    /// Its colour.
    pub tone: crate::ui::theme::Tone,
}

impl Default for SignState {
    fn default() -> Self {
        Self {
            header_text: "{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}".into(),
            claims_text: "{\n  \"sub\": \"user-1\"\n}".into(),
            alg: "HS256".into(),
            key: None,
            kid_from_key: true,
            output: None,
            verdict: None,
            encrypt: encrypt::EncryptState::default(),
        }
    }
}

impl SignState {
    /// The header as JSON, or what is wrong with it.
    ///
    /// # Errors
    /// [`UiError::EditorJson`] or [`UiError::EditorNotAnObject`] when the text is not a JSON
    /// object.
    pub fn header(&self) -> Result<JsonObject, UiError> {
        parse_object(&self.header_text, "header")
    }

    /// The claims as JSON, or what is wrong with them.
    ///
    /// # Errors
    /// [`UiError::EditorJson`] or [`UiError::EditorNotAnObject`] when the text is not a JSON
    /// object.
    pub fn claims(&self) -> Result<JsonObject, UiError> {
        parse_object(&self.claims_text, "claims")
    }

    /// Copies a decoded token in, claim order kept. A JWE cannot be re-signed as a JWS.
    ///
    /// # Errors
    /// [`UiError::JweNotResignable`] when the token is a JWE.
    pub fn edit(&mut self, t: &Token, keys: &KeyStore) -> Result<(), UiError> {
        if t.kind == Kind::Jwe {
            return Err(UiError::JweNotResignable);
        }
        self.header_text = serde_json::to_string_pretty(t.header()).unwrap_or_default();
        self.claims_text = match t.claims() {
            Some(c) => serde_json::to_string_pretty(c).unwrap_or_default(),
            None => "{}".into(),
        };
        self.sync_alg_from_header();
        // The header is copied as it is. A signing key is preselected only if it can sign the
        // token's alg (the key the kid names first); only then may its kid replace the token's.
        let kid = t.kid();
        self.key = best_signing_key(keys, &self.alg, kid);
        self.write_kid(keys);
        self.output = None;
        Ok(())
    }

    /// The header as typed; its `alg` moves the dropdown.
    pub fn set_header(&mut self, text: String) {
        self.header_text = text;
        self.sync_alg_from_header();
        self.output = None;
    }

    /// The claims as typed.
    pub fn set_claims(&mut self, text: String) {
        self.claims_text = text;
        self.output = None;
    }

    fn sync_alg_from_header(&mut self) {
        if let Ok(h) = self.header()
            && let Some(Value::String(alg)) = h.get("alg")
        {
            alg.clone_into(&mut self.alg);
        }
    }

    /// The dropdown's choice; it is written into the header's `alg`.
    pub fn set_alg(&mut self, alg: &str) {
        self.output = None;
        alg.clone_into(&mut self.alg);
        self.edit_header(|h| sign::set_header_member(h, "alg", Value::String(alg.to_owned())));
    }

    /// Chooses the signing key: an algorithm it can sign replaces one it cannot, and its kid
    /// goes into the header.
    pub fn choose_key(&mut self, index: Option<usize>, keys: &KeyStore) {
        self.key = index;
        self.output = None;
        let Some(key) = self.chosen(keys) else { return };
        if !key.material.algorithms().contains(&self.alg.as_str()) {
            let alg = sign::default_alg(key);
            self.set_alg(alg);
        }
        self.write_kid(keys);
    }

    /// Whether signing writes the key's kid into the header.
    pub fn set_kid_from_key(&mut self, on: bool, keys: &KeyStore) {
        self.kid_from_key = on;
        self.output = None;
        self.write_kid(keys);
    }

    fn chosen<'k>(&self, keys: &'k KeyStore) -> Option<&'k Key> {
        self.key.and_then(|i| keys.keys().get(i))
    }

    fn write_kid(&mut self, keys: &KeyStore) {
        if !self.kid_from_key {
            return;
        }
        if let Some(kid) = self.key.and_then(|i| signing_kid(keys, i)) {
            self.edit_header(|h| sign::set_header_member(h, "kid", Value::String(kid)));
        }
    }

    /// Applies `change` to the header when it parses (a header being typed is left alone).
    fn edit_header(&mut self, change: impl FnOnce(&mut JsonObject)) {
        if let Ok(mut h) = self.header() {
            change(&mut h);
            self.header_text = serde_json::to_string_pretty(&h).unwrap_or_default();
        }
    }

    /// Sets a time claim to `now + offset`.
    ///
    /// # Errors
    /// As [`Self::claims`], when the claims are not a JSON object.
    pub fn set_time_claim(&mut self, claim: &str, offset: i64, now: f64) -> Result<(), UiError> {
        let mut claims = self.claims()?;
        #[allow(clippy::cast_possible_truncation)]
        let at = now.floor() as i64 + offset;
        if let Some(slot) = claims.get_mut(claim) {
            *slot = Value::from(at);
        } else {
            claims.insert(claim.to_owned(), Value::from(at));
        }
        self.claims_text = serde_json::to_string_pretty(&claims).unwrap_or_default();
        self.output = None;
        Ok(())
    }

    /// What stops signing, or what the result would get wrong, before the user presses Sign.
    #[must_use]
    pub fn problems(&self, keys: &KeyStore) -> Vec<String> {
        let mut out = Vec::new();
        let header = self.header().ok();
        if let Some(p) = header.as_ref().and_then(sign::jws_header_problem) {
            out.push(p);
        }
        if !SUPPORTED_ALGORITHMS.contains(&self.alg.as_str()) {
            out.push(format!("{:?} is not a JWS signature algorithm: choose one in Algorithm", self.alg));
        }
        match self.chosen(keys) {
            None if best_signing_key(keys, &self.alg, None).is_some() => out.push("choose a key to sign with".into()),
            None if keys.keys().iter().any(Key::is_secret) => out.push(format!(
                "no loaded key can sign {}: load its private key, or choose another algorithm and key",
                self.alg
            )),
            None => out.push("load or generate a private key or an HMAC secret to sign with".into()),
            Some(key) if !key.is_secret() => {
                out.push(format!("{} holds only a public key: it cannot sign", key.label()));
            }
            Some(key) if !key.material.algorithms().contains(&self.alg.as_str()) => out.push(format!(
                "{} cannot sign {}; it signs {}",
                sign::a_key(key),
                self.alg,
                key.material.algorithms().join(", ")
            )),
            Some(_) if !self.kid_from_key => {
                let want = self.key.and_then(|i| signing_kid(keys, i)).unwrap_or_default();
                if let Some(w) = header.as_ref().and_then(|h| sign::kid_warning(h, &want)) {
                    out.push(w);
                }
            }
            Some(_) => {}
        }
        out
    }

    /// The algorithm the chosen key signs with, when it cannot sign the current one.
    #[must_use]
    pub fn suggested_alg(&self, keys: &KeyStore) -> Option<&'static str> {
        let key = self.chosen(keys).filter(|k| k.is_secret())?;
        (!key.material.algorithms().contains(&self.alg.as_str())).then(|| sign::default_alg(key))
    }

    /// Signs the editor's header and claims with the chosen key.
    pub fn sign(&mut self, keys: &KeyStore) {
        self.write_kid(keys);
        let result = (|| {
            let header = self.header()?;
            let claims = self.claims()?;
            if let Some(p) = sign::jws_header_problem(&header) {
                return Err(UiError::HeaderNotSignable(p));
            }
            let index = self.key.ok_or(UiError::NoSigningKey)?;
            let key = keys.keys().get(index).ok_or(UiError::SigningKeyRemoved)?;
            Ok(sign::sign(&header, &claims, &self.alg, key)?)
        })();
        self.output = Some(result);
    }

    /// Keeps the key choice pointing at the same key after key `removed` left the list.
    pub fn key_removed(&mut self, removed: usize) {
        if self.key == Some(removed) {
            // The result's key is gone: what it said no longer holds.
            self.output = None;
        }
        self.key = shifted(self.key, removed);
        // The recipient too: the same key, or none (and its JWE goes with it).
        if self.encrypt.to == Some(removed) {
            self.encrypt = encrypt::EncryptState::default();
        }
        self.encrypt.to = shifted(self.encrypt.to, removed);
    }
}

/// A key index after key `removed` left the list.
fn shifted(index: Option<usize>, removed: usize) -> Option<usize> {
    match index {
        Some(k) if k == removed => None,
        Some(k) if k > removed => Some(k - 1),
        other => other,
    }
}

/// The key to preselect for re-signing a token with `alg` and `kid`: the one whose kid it names
/// when that key can sign `alg`; else the first key that can sign `alg`; else none (an HMAC
/// secret is never proposed for RS256 because it happens to be loaded).
#[must_use]
pub fn best_signing_key(keys: &KeyStore, alg: &str, kid: Option<&str>) -> Option<usize> {
    let can_sign = |k: &Key| k.signs() && k.material.algorithms().contains(&alg);
    let list = keys.keys();
    let named = kid
        .and_then(|kid| (0..list.len()).find(|&i| can_sign(&list[i]) && signing_kid(keys, i).as_deref() == Some(kid)));
    named.or_else(|| list.iter().position(can_sign))
}

/// The kid a token signed with key `index` should carry: the key's own; else the kid of a loaded
/// key with the same thumbprint (a private key's published public half); else its thumbprint
/// (see [`sign::kid_for`]).
#[must_use]
pub fn signing_kid(keys: &KeyStore, index: usize) -> Option<String> {
    let key = keys.keys().get(index)?;
    let twin = || keys.keys().iter().find(|k| k.thumbprint == key.thumbprint && k.kid.is_some())?.kid.clone();
    Some(key.kid.clone().or_else(twin).unwrap_or_else(|| sign::kid_for(key)))
}

/// The editor's text as a JSON object; `what` names the editor ("header", "claims").
fn parse_object(text: &str, what: &'static str) -> Result<JsonObject, UiError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(UiError::EditorNotAnObject { what, found: token::json_type(&other) }),
        Err(e) => Err(UiError::EditorJson { what, reason: e.to_string() }),
    }
}

/// The algorithm and signing-key dropdowns. The algorithm list is tall enough for every
/// algorithm, so none hides behind the list's own scrolling.
fn algorithm_and_key(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sign;
    ui.horizontal_wrapped(|ui| {
        let shown = if SUPPORTED_ALGORITHMS.contains(&s.alg.as_str()) {
            s.alg.clone()
        } else {
            format!("{} (not a JWS algorithm)", s.alg)
        };
        let rows = SUPPORTED_ALGORITHMS.len() as f32 + 1.0;
        let height = rows * (ui.spacing().interact_size.y + ui.spacing().item_spacing.y);
        egui::ComboBox::new("sign-alg", "Algorithm").selected_text(shown).height(height).show_ui(ui, |ui| {
            for alg in SUPPORTED_ALGORITHMS {
                if ui.selectable_label(s.alg == alg, alg).clicked() {
                    out.push(Command::SetSignAlg(alg.to_owned()));
                }
            }
        });
        let current = s.key.and_then(|i| state.keys.keys().get(i)).map_or_else(|| "choose…".to_owned(), Key::label);
        egui::ComboBox::new("sign-key", "Signing key").selected_text(current).show_ui(ui, |ui| {
            for (i, key) in state.keys.keys().iter().enumerate() {
                let text = format!("#{} {} ({})", i + 1, key.label(), key.material.describe());
                if ui.add_enabled(key.signs(), egui::Button::selectable(s.key == Some(i), text)).clicked() {
                    out.push(Command::SetSignKey(Some(i)));
                }
            }
        });
    });
}

/// Draws the signing editor.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sign;
    ui.heading("Sign");
    ui.label("Edit the header and claims, pick an algorithm and a key, and sign. \"Edit this token\" on the Decode tab fills these in, claim order kept.");
    // The choices first: at the 800x480 minimum they are on screen without scrolling, and their
    // lists open downwards into the whole height of the window, every algorithm visible.
    algorithm_and_key(ui, state, out);
    json_editor(ui, "Header", &s.header_text, s.header().err(), out, Command::SetSignHeader);
    json_editor(ui, "Claims", &s.claims_text, s.claims().err(), out, Command::SetSignClaims);
    for claim in ["iat", "nbf", "exp"] {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(claim).monospace().strong());
            for (label, offset) in OFFSETS {
                if ui
                    .small_button(format!("{claim} {label}"))
                    .on_hover_text(format!("Set {claim} to the simulated clock {label}"))
                    .clicked()
                {
                    out.push(Command::SetTimeClaim { claim, offset });
                }
            }
        });
    }
    let mut kid = s.kid_from_key;
    if ui
        .checkbox(&mut kid, "Set kid from the signing key")
        .on_hover_text("Its own kid, else its RFC 7638 thumbprint: verifiers select keys by kid")
        .changed()
    {
        out.push(Command::SetSignKidFromKey(kid));
    }
    // The buttons first, the problems under them: a problem appearing or going as the header,
    // claims, algorithm or key are edited never moves a button.
    let problems = s.problems(&state.keys);
    let suggested = s.suggested_alg(&state.keys);
    ui.horizontal(|ui| {
        if ui.button(RichText::new("Sign token").strong()).clicked() {
            out.push(Command::Sign);
        }
        if let Some(alg) = suggested
            && ui.button(format!("Sign with {alg} instead")).clicked()
        {
            out.push(Command::SetSignAlg(alg.to_owned()));
        }
    });
    let warn = crate::ui::theme::palette(ui.visuals().dark_mode).warn;
    for p in &problems {
        ui.label(RichText::new(p).color(warn));
    }
    match &s.output {
        None => {}
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
        }
        Some(Ok(token)) => {
            if let Some((_, v)) = s.verdict.as_ref().filter(|(judged, _)| judged == token) {
                let p = crate::ui::theme::palette(ui.visuals().dark_mode);
                egui::Frame::new().fill(p.fill(v.tone)).inner_margin(6.0).corner_radius(4.0).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(RichText::new(format!("This token: {}", v.title)).strong().color(p.on_fill));
                    ui.label(RichText::new(&v.detail).color(p.on_fill));
                });
            }
            crate::ui::widgets::long_text(ui, token);
            ui.horizontal_wrapped(|ui| {
                copy_button(ui, "Copy token", token, out);
                if ui.button("Save token…").clicked() {
                    out.push(Command::SaveSigned);
                }
                if ui.button("Decode and verify it").clicked() {
                    out.push(Command::UseSignedToken);
                }
            });
            encrypt::ui(ui, state, token, out);
        }
    }
}

fn json_editor(
    ui: &mut Ui,
    title: &str,
    text: &str,
    error: Option<UiError>,
    out: &mut Vec<Command>,
    make: fn(String) -> Command,
) {
    let label = ui.label(RichText::new(format!("{title} JSON")).strong());
    let mut buf = text.to_owned();
    // JSON lines are never wrapped (a wrap inside a string reads as a line break in the value):
    // a long line scrolls sideways instead.
    let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, _wrap_width: f32| {
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let job =
            egui::text::LayoutJob::simple(buf.as_str().to_owned(), font, ui.visuals().text_color(), f32::INFINITY);
        ui.painter().layout_job(job)
    };
    let width = ui.available_width();
    // A fixed height (five rows; more lines scroll inside) and one line kept for the error,
    // so an edit never moves what is below.
    let row = ui.fonts_mut(|f| f.row_height(&egui::TextStyle::Monospace.resolve(ui.style())));
    let height = EDITOR_ROWS as f32 * row;
    let response = egui::ScrollArea::both()
        .id_salt(("sign-json", title))
        .min_scrolled_height(height)
        .max_height(height)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut buf)
                    .code_editor()
                    .desired_rows(EDITOR_ROWS)
                    // As wide as the panel (less the field's margins), wider when a line is.
                    .desired_width((width - 8.0).max(120.0))
                    .layouter(&mut layouter),
            )
        })
        .inner
        .labelled_by(label.id);
    if response.changed() {
        out.push(make(buf));
    }
    let error = error.map_or_else(String::new, |e| e.to_string());
    crate::ui::widgets::reserved_label(ui, RichText::new(error).color(ui.visuals().error_fg_color), 1);
}

/// Rows of a JSON editor: longer JSON scrolls inside it.
const EDITOR_ROWS: usize = 5;

#[cfg(test)]
mod tests;
