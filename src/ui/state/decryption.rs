//! Decrypting the loaded JWE in the window: with one loaded key (the Decode tab offers "Decrypt
//! with key #N" for each key that fits) or a PBES2 password. Decryption runs on the job runner
//! (a PBES2 password may cost a million iterations); the result belongs to the token it was
//! asked for and is dropped when the token changes. A nested JWS becomes the token the verdict,
//! the timeline and the findings judge, with the same keys, policy and clock as any other.

use super::{AppState, Command, ShownTimes};
use crate::core::engine::jwe::inner::{self, Opened};
use crate::core::engine::jwe::{self, Fitting, JweError};
use crate::core::engine::token::{Kind, Token};
use crate::core::jobs::{Delivered, Job};

/// What the Decode tab asks of the decryption.
#[derive(Debug, Clone, PartialEq)]
pub enum DecryptCommand {
    /// Decrypt the current JWE with loaded key `index` alone.
    WithKey(usize),
    /// Decrypt the current JWE with a PBES2 password (memory only).
    WithPassword(String),
    /// A decryption finished (sent by the job runner).
    Finished {
        /// The token serial it was asked for.
        serial: u64,
        /// Who opened it, in words ("key #2 kid \"enc\" (RSA 2048)").
        opener: String,
        /// The opened JWE, or why not.
        result: Delivered<Result<Opened, JweError>>,
    },
    /// Forget the plaintext (it stays in memory only while shown).
    Forget,
}

/// The current JWE's decryption.
#[derive(Debug, Default)]
pub struct Decryption {
    /// The token serial the fields below belong to.
    serial: u64,
    /// A decryption under way: who is trying.
    pub busy: Option<String>,
    /// The opened JWE and who opened it.
    pub opened: Option<(Opened, String)>,
    /// Why the last attempt did not open it.
    pub error: Option<String>,
    /// Which loaded keys fit the current JWE (`None` for a JWS): worked out when the token or
    /// the keys change, not each frame (it reads the whole JWE).
    pub fitting: Option<Result<Fitting, JweError>>,
}

impl Decryption {
    /// The nested JWS, when the JWE is open and holds one.
    #[must_use]
    pub fn nested(&self) -> Option<&Token> {
        self.opened.as_ref().and_then(|(o, _)| o.inner.jws())
    }
}

impl AppState {
    /// The token the verdict judges: the nested JWS once the JWE is decrypted, else the
    /// decoded token.
    #[must_use]
    pub fn judged(&self) -> Option<&Token> {
        self.decryption.nested().or_else(|| self.parsed())
    }

    /// Works out again which loaded keys fit the current JWE.
    pub(super) fn refresh_fitting(&mut self) {
        self.decryption.fitting =
            self.parsed().filter(|t| t.kind == Kind::Jwe).map(|t| jwe::fitting(&t.text, self.keys.keys()));
    }

    /// Starts from scratch for a new token.
    pub(super) fn reset_decryption(&mut self) {
        self.decryption = Decryption { serial: self.token_serial, ..Decryption::default() };
        self.refresh_fitting();
    }

    /// The Decode tab's decryption commands.
    pub(super) fn handle_decrypt(&mut self, command: DecryptCommand) {
        match command {
            DecryptCommand::WithKey(index) => {
                let Some(key) = self.keys.keys().get(index).cloned() else {
                    return self.error(format!("there is no key #{}", index + 1));
                };
                let opener = inner::key_words(index, &key);
                // The outer JWE with the key clicked; a JWE inside with every loaded key.
                let all = self.keys.keys().to_vec();
                self.start_decryption(opener, move |text| {
                    inner::open_with(&text, std::slice::from_ref(&key), &all, None)
                });
            }
            DecryptCommand::WithPassword(password) => {
                if password.is_empty() {
                    return self.error("type the password first".to_owned());
                }
                let all = self.keys.keys().to_vec();
                self.start_decryption("the password".to_owned(), move |text| {
                    inner::open_with(&text, &[], &all, Some(password.as_bytes()))
                });
            }
            DecryptCommand::Finished { serial, opener, result } => {
                // A result for a token no longer shown is dropped with its plaintext.
                if serial != self.token_serial || self.decryption.serial != serial {
                    return;
                }
                self.decryption.busy = None;
                match result.take() {
                    Some(Ok(opened)) => {
                        self.decryption.error = None;
                        self.info(format!("decrypted with {opener}"));
                        self.decryption.opened = Some((opened, opener));
                        self.judged_token_changed();
                    }
                    Some(Err(e)) => {
                        self.decryption.error = Some(e.to_string());
                        self.error(format!("not decrypted with {opener}: {e}"));
                    }
                    None => {}
                }
            }
            DecryptCommand::Forget => {
                if self.decryption.opened.take().is_some() {
                    self.judged_token_changed();
                }
            }
        }
    }

    /// Runs `open` on the current JWE's text on the job runner.
    fn start_decryption(
        &mut self,
        opener: String,
        open: impl FnOnce(String) -> Result<Opened, JweError> + Send + 'static,
    ) {
        let Some(t) = self.parsed().filter(|t| t.kind == Kind::Jwe) else {
            return self.error("the token is not a JWE: there is nothing to decrypt".to_owned());
        };
        let text = t.text.clone();
        let serial = self.token_serial;
        self.decryption.serial = serial;
        self.decryption.error = None;
        self.decryption.busy = Some(opener.clone());
        self.jobs.spawn(Job::new(format!("decrypting with {opener}"), move || {
            Command::Decrypt(DecryptCommand::Finished { serial, opener, result: Delivered::new(open(text)) })
        }));
    }

    /// The nested JWS appeared or went: the times shown and the verdict follow it.
    fn judged_token_changed(&mut self) {
        self.shown_times = self.judged().map(ShownTimes::of).unwrap_or_default();
        self.reverify();
    }
}
