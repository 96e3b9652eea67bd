//! Encrypting the token just signed to a recipient's key: a nested JWT (RFC 7519 §5.2), the
//! JWS as the plaintext of a JWE with `"cty": "JWT"`, as identity providers encrypt ID tokens.
//! The state says to whom, with which `alg` and `enc`, and what came out; the engine encrypts.

use egui::{RichText, Ui};

use crate::core::engine::jwe::{self, EncryptOptions, Recipient, SUPPORTED_CONTENT_ALGORITHMS};
use crate::core::engine::keys::{Key, KeyStore};
use crate::ui::state::{AppState, Command};
use crate::ui::widgets::copy_button;

/// The content encryption preselected: AES-256-GCM, what most identity providers use.
const DEFAULT_ENC: &str = "A256GCM";

/// The encryption of the signed token.
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptState {
    /// The recipient: an index in the key list.
    pub to: Option<usize>,
    /// Key management (`alg`); empty until a recipient is chosen.
    pub alg: String,
    /// Content encryption (`enc`).
    pub enc: String,
    /// The last result, with the signed token it encrypted (a new signature hides it).
    pub output: Option<(String, Result<String, String>)>,
}

impl Default for EncryptState {
    fn default() -> Self {
        Self { to: None, alg: String::new(), enc: DEFAULT_ENC.to_owned(), output: None }
    }
}

/// What the Sign tab's encryption row asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncryptCommand {
    /// Encrypt to key `index` (its first algorithm is chosen).
    To(usize),
    /// Choose the key management algorithm.
    Alg(String),
    /// Choose the content encryption algorithm.
    Enc(String),
    /// Encrypt the signed token.
    Encrypt,
    /// Send the encrypted token to the decoder (opens the Decode tab).
    UseEncrypted,
    /// Save the encrypted token to a file chosen by the user.
    Save,
}

impl EncryptState {
    /// Chooses the recipient and, when the current `alg` does not suit it, its first one.
    pub fn choose(&mut self, index: usize, keys: &KeyStore) {
        self.to = Some(index);
        let algs = keys.keys().get(index).map(jwe::encryption_algorithms).unwrap_or_default();
        if !algs.contains(&self.alg.as_str()) {
            // RSA-OAEP-256 over RSA-OAEP (SHA-256, what RFC 8725 and identity providers use).
            let preferred = algs.iter().find(|a| **a == "RSA-OAEP-256").or_else(|| algs.first());
            self.alg = preferred.map_or_else(String::new, |a| (*a).to_owned());
        }
    }

    /// Encrypts `signed` to the chosen key; the result is kept with the token it encrypted.
    pub fn encrypt(&mut self, signed: &str, keys: &KeyStore) {
        let result = match self.to.and_then(|i| keys.keys().get(i)) {
            None => Err("choose the recipient's key first".to_owned()),
            Some(key) => {
                let options = EncryptOptions {
                    alg: self.alg.clone(),
                    enc: self.enc.clone(),
                    cty: Some("JWT".to_owned()),
                    ..EncryptOptions::default()
                };
                jwe::encrypt(signed.as_bytes(), Recipient::Key(key), &options).map_err(|e| e.to_string())
            }
        };
        self.output = Some((signed.to_owned(), result));
    }

    /// The encrypted token, when it is of `signed`.
    #[must_use]
    pub fn encrypted_of(&self, signed: &str) -> Option<&str> {
        match &self.output {
            Some((of, Ok(jwe))) if of == signed => Some(jwe),
            _ => None,
        }
    }
}

/// "#2 kid "enc" (RSA 2048)".
fn key_text(i: usize, key: &Key) -> String {
    format!("#{} {} ({})", i + 1, key.label(), key.material.describe())
}

/// The row under a signed token: to whom, how, and the result.
pub fn ui(ui: &mut Ui, state: &AppState, signed: &str, out: &mut Vec<Command>) {
    let e = &state.sign.encrypt;
    ui.add_space(6.0);
    ui.label(RichText::new("Encrypt it (a nested JWT)").strong());
    ui.label(
        "Encrypted to the recipient's public key (or a shared AES key), only that recipient reads the claims; the \
         signature inside still says who issued them.",
    );
    let keys = state.keys.keys();
    // Labels before their lists, one concern per row: a long key label never squeezes the
    // others, and the Encrypt button stays where it is when the recipient changes.
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Encrypt to");
        let current = e.to.and_then(|i| keys.get(i).map(|k| key_text(i, k))).unwrap_or_else(|| "choose…".to_owned());
        egui::ComboBox::from_id_salt("encrypt-to")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (i, key) in keys.iter().enumerate() {
                    let can = !jwe::encryption_algorithms(key).is_empty();
                    let button = ui
                        .add_enabled(can, egui::Button::selectable(e.to == Some(i), key_text(i, key)))
                        .on_disabled_hover_text(
                            "Cannot encrypt: a JWE goes to an RSA (2048+), EC or X25519 key or an AES key of 128, \
                             192 or 256 bits; a key published for signing (\"use\": \"sig\") is not used to \
                             encrypt",
                        );
                    if button.clicked() {
                        out.push(Command::Encrypt(EncryptCommand::To(i)));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    let algs = e.to.and_then(|i| keys.get(i)).map(jwe::encryption_algorithms).unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Key management");
        ui.add_enabled_ui(!algs.is_empty(), |ui| {
            egui::ComboBox::from_id_salt("encrypt-alg")
                .selected_text(&e.alg)
                .show_ui(ui, |ui| {
                    for alg in &algs {
                        if ui.selectable_label(e.alg == *alg, *alg).clicked() {
                            out.push(Command::Encrypt(EncryptCommand::Alg((*alg).to_owned())));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let label = ui.label("Content");
        egui::ComboBox::from_id_salt("encrypt-enc")
            .selected_text(&e.enc)
            .show_ui(ui, |ui| {
                for enc in SUPPORTED_CONTENT_ALGORITHMS {
                    if ui.selectable_label(e.enc == enc, enc).clicked() {
                        out.push(Command::Encrypt(EncryptCommand::Enc(enc.to_owned())));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if ui.add_enabled(!algs.is_empty(), egui::Button::new("Encrypt")).clicked() {
            out.push(Command::Encrypt(EncryptCommand::Encrypt));
        }
    });
    match &e.output {
        Some((of, Ok(jwe))) if of == signed => {
            crate::ui::widgets::long_text(ui, jwe);
            ui.horizontal_wrapped(|ui| {
                copy_button(ui, "Copy the JWE", jwe, out);
                if ui.button("Save the JWE…").clicked() {
                    out.push(Command::Encrypt(EncryptCommand::Save));
                }
                if ui.button("Decode and decrypt it").clicked() {
                    out.push(Command::Encrypt(EncryptCommand::UseEncrypted));
                }
            });
        }
        Some((of, Err(why))) if of == signed => {
            ui.colored_label(ui.visuals().error_fg_color, format!("Not encrypted: {why}"));
        }
        _ => {}
    }
}
