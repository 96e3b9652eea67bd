//! The signing editor's commands: edit the decoded token, change header, claims, algorithm and
//! key, sign, and send the result to the decoder or a file.

use super::{AppState, Command, EncryptCommand, Tab};
use crate::core::engine::audit::TokenAuditOptions;
use crate::core::engine::judgment;
use crate::core::engine::token;
use crate::ui::platform::Platform;

impl AppState {
    /// The signing editor's commands.
    pub(super) fn handle_sign(&mut self, command: Command, platform: &mut dyn Platform) {
        match command {
            Command::EditThisToken => {
                let Some(t) = self.token.as_ref().and_then(|r| r.as_ref().ok()) else {
                    return self.error("decode a token first".to_owned());
                };
                match self.sign.edit(t, &self.keys) {
                    Ok(()) => {
                        self.tab = Tab::Sign;
                        self.info("the token is in the signing editor".into());
                    }
                    Err(e) => self.error(e),
                }
            }
            Command::SetSignHeader(t) => self.sign.set_header(t),
            Command::SetSignClaims(t) => self.sign.set_claims(t),
            Command::SetSignAlg(a) => self.sign.set_alg(&a),
            Command::SetSignKey(k) => self.sign.choose_key(k, &self.keys),
            Command::SetSignKidFromKey(on) => self.sign.set_kid_from_key(on, &self.keys),
            Command::SetTimeClaim { claim, offset } => {
                if let Err(e) = self.sign.set_time_claim(claim, offset, self.clock.now()) {
                    self.error(e);
                }
            }
            Command::Sign => {
                self.sign.sign(&self.keys);
                // A key known by its thumbprint now carries it as its kid, so the verifier
                // selects it by the kid the new token names.
                if let (true, Some(Ok(_)), Some(i)) = (self.sign.kid_from_key, &self.sign.output, self.sign.key)
                    && let Some(kid) = crate::ui::sign::signing_kid(&self.keys, i)
                    && let Some(key) = self.keys.get_mut(i)
                    && key.kid.is_none()
                    && kid == key.thumbprint
                {
                    key.kid = Some(kid);
                }
                self.judge_signed();
            }
            Command::UseSignedToken => {
                if let Some(Ok(t)) = &self.sign.output {
                    let t = t.clone();
                    self.set_token(t);
                    self.tab = Tab::Decode;
                }
            }
            Command::SaveSigned => {
                let text = match &self.sign.output {
                    Some(Ok(t)) => t.clone(),
                    _ => String::new(),
                };
                self.save_text(platform, &text);
            }
            _ => {}
        }
    }

    /// The Sign tab's encryption of the signed token.
    pub(super) fn handle_encrypt(&mut self, command: EncryptCommand, platform: &mut dyn Platform) {
        let signed = match &self.sign.output {
            Some(Ok(t)) => t.clone(),
            _ => return self.error("sign a token first: the JWE carries the signed token".to_owned()),
        };
        match command {
            EncryptCommand::To(i) => self.sign.encrypt.choose(i, &self.keys),
            EncryptCommand::Alg(a) => self.sign.encrypt.alg = a,
            EncryptCommand::Enc(e) => self.sign.encrypt.enc = e,
            EncryptCommand::Encrypt => {
                self.sign.encrypt.encrypt(&signed, &self.keys);
                if let Some((_, Err(why))) = &self.sign.encrypt.output {
                    self.error(format!("not encrypted: {why}"));
                }
            }
            EncryptCommand::UseEncrypted => {
                if let Some(jwe) = self.sign.encrypt.encrypted_of(&signed).map(str::to_owned) {
                    self.set_token(jwe);
                    self.tab = Tab::Decode;
                    // Decrypted at once with the recipient's key when it is loaded private: the
                    // button says "decrypt it"; a public recipient key leaves the offer as usual.
                    let fits = |f: &crate::core::engine::jwe::Fitting, i: usize| f.keys.contains(&i);
                    if let Some(to) = self.sign.encrypt.to
                        && self.decryption.fitting.as_ref().is_some_and(|f| f.as_ref().is_ok_and(|f| fits(f, to)))
                    {
                        self.handle_decrypt(super::DecryptCommand::WithKey(to));
                    }
                }
            }
            EncryptCommand::Save => {
                let jwe = self.sign.encrypt.encrypted_of(&signed).unwrap_or_default().to_owned();
                self.save_text(platform, &jwe);
            }
        }
    }

    /// Judges the token just signed as the Verify tab would (same keys, policy and clock), so
    /// the Sign tab shows its verdict, not the decoded token's.
    pub(super) fn judge_signed(&mut self) {
        let Some(Ok(text)) = &self.sign.output else {
            self.sign.verdict = None;
            return;
        };
        let opts = TokenAuditOptions { keys: self.keys.keys(), now: self.clock.now(), ..TokenAuditOptions::default() };
        self.sign.verdict =
            token::parse(text).ok().and_then(|t| judgment::judge(&t, &self.policy, &opts).ok()).map(|j| {
                let tone = crate::ui::verify::judgment_tone(&j);
                (text.clone(), crate::ui::sign::SignedVerdict { title: j.title(), detail: j.detail(), tone })
            });
    }
}
