//! The app's state and every transition of it. Panels read [`AppState`] and emit [`Command`]s;
//! [`AppState::handle`] is the only place that changes anything, so tests drive exactly what the
//! buttons do. OS services come in through [`Platform`].

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::core::clock::Clock;
use crate::core::error::Error;
use crate::core::fetch;
use crate::core::keys::{self, KeyStore, SecretEncoding};
use crate::core::sign::{self, ExportFormat, KeySpec};
use crate::core::token::{self, JsonObject, Token};
use crate::core::verify::{self, Policy, Verification};
use crate::ui::platform::Platform;
use crate::ui::security::{LabContext, SecurityCommand, SecurityEffect, SecurityLab};

/// The sample tokens of the Samples menu: (title, token).
pub const SAMPLES: [(&str, &str); 7] = [
    ("OpenID Connect ID token (RS256, valid)", include_str!("../../assets/samples/01-oidc-id-token-rs256.jwt")),
    ("Expired access token (ES256)", include_str!("../../assets/samples/02-expired-access-token-es256.jwt")),
    ("jwt.io example (HS256)", include_str!("../../assets/samples/03-jwt-io-hs256.jwt")),
    ("EdDSA token", include_str!("../../assets/samples/04-eddsa.jwt")),
    ("Unsecured token (alg none)", include_str!("../../assets/samples/05-alg-none.jwt")),
    (
        "Algorithm-confusion forgery (HS256 vs RSA key)",
        include_str!("../../assets/samples/06-algorithm-confusion-hs256.jwt"),
    ),
    ("Encrypted token (JWE)", include_str!("../../assets/samples/07-jwe-rfc7516.jwt")),
];

/// The keys that verify the samples, loadable from the Samples menu.
pub const SAMPLE_KEYS: [(&str, &str); 4] = [
    ("rsa2048-spki.pem", include_str!("../../assets/keys/rsa2048-spki.pem")),
    ("ec-p256-spki.pem", include_str!("../../assets/keys/ec-p256-spki.pem")),
    ("ed25519-spki.pem", include_str!("../../assets/keys/ed25519-spki.pem")),
    ("jwt.io secret", "a-string-secret-at-least-256-bits-long"),
];

/// How many tokens the opt-in history keeps.
pub const HISTORY_LEN: usize = 30;

/// Changes to the simulated clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockCommand {
    /// Freeze time where it is.
    Pause,
    /// Run at this many simulated seconds per second.
    Run(f64),
    /// Jump by this many seconds (negative goes back).
    Shift(f64),
    /// Jump to this instant (Unix seconds) and pause.
    Set(f64),
    /// Follow the real clock again.
    BackToNow,
}

/// What the centre of the window shows. Adding a tab is one variant here, its entry in
/// [`Tab::ALL`], [`Tab::label`] and [`Tab::caption`], and one arm where `app.rs` draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Tab {
    /// The token editor and decoded view.
    #[default]
    Decode,
    /// The signing editor.
    Sign,
    /// The security lab: audit, weak-secret cracking, attack forgeries, session risks.
    Security,
}

impl Tab {
    /// Every tab, in the order of the tab bar.
    pub const ALL: [Tab; 3] = [Tab::Decode, Tab::Sign, Tab::Security];

    /// The tab's name in the tab bar.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Tab::Decode => "Decode",
            Tab::Sign => "Sign",
            Tab::Security => "Security",
        }
    }

    /// One line on what the tab is for.
    #[must_use]
    pub fn caption(self) -> &'static str {
        match self {
            Tab::Decode => "Paste or open a token and read its header and claims",
            Tab::Sign => "Edit a token's header and claims and sign them with a loaded key",
            Tab::Security => {
                "Audit the token, crack a weak secret, forge attacks and see this verifier reject them, step through session attacks"
            }
        }
    }
}

/// Light, dark or as the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ThemePreference {
    /// Follow the operating system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// Everything that changes the app's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Replace the token text (typing, paste, drop) and decode it.
    SetToken(String),
    /// Paste the clipboard as the token.
    PasteToken,
    /// Ask for a token file.
    OpenTokenFile,
    /// Load a token from a file.
    LoadTokenFile(PathBuf),
    /// Load sample `i` of [`SAMPLES`].
    LoadSample(usize),
    /// Load the keys that verify the samples.
    LoadSampleKeys,
    /// Empty the token input.
    ClearToken,
    /// Files or text dropped on the window: keys go to the key list, anything else is a token.
    Dropped {
        /// Dropped files.
        paths: Vec<PathBuf>,
        /// Dropped text (or the bytes of files without a path).
        texts: Vec<String>,
    },
    /// Ask for key files.
    AddKeyFiles,
    /// Load keys from files.
    LoadKeyFiles(Vec<PathBuf>),
    /// Load keys from pasted text (PEM, JWK, JWKS).
    AddKeyText(String),
    /// Add an HMAC secret.
    AddSecret {
        /// The secret as typed.
        text: String,
        /// How to read it.
        encoding: SecretEncoding,
    },
    /// Remove key `i`.
    RemoveKey(usize),
    /// Fetch keys from a JWKS URL, a discovery document or an issuer URL, in the background.
    FetchKeys(String),
    /// Generate a key in the background; it joins the list when ready.
    GenerateKey(KeySpec),
    /// Export key `index` to the clipboard, or to a file chosen by the user.
    ExportKey {
        /// Which key.
        index: usize,
        /// PEM, JWK or JWKS.
        format: ExportFormat,
        /// The private part (an error when there is none).
        private: bool,
        /// Save to a file instead of copying.
        save: bool,
    },
    /// Replace the verification policy.
    SetPolicy(Policy),
    /// Re-run verification now (Ctrl+Enter).
    Verify,
    /// Change the simulated clock.
    Clock(ClockCommand),
    /// Show another tab.
    SelectTab(Tab),
    /// Copy the decoded token into the signing editor, claim order kept (opens the Sign tab).
    EditThisToken,
    /// Replace the signing editor's header JSON.
    SetSignHeader(String),
    /// Replace the signing editor's claims JSON.
    SetSignClaims(String),
    /// Choose the signing algorithm.
    SetSignAlg(String),
    /// Choose the signing key.
    SetSignKey(Option<usize>),
    /// Set a time claim to the simulated now plus an offset in seconds.
    SetTimeClaim {
        /// `iat`, `nbf` or `exp`.
        claim: &'static str,
        /// Seconds after the simulated now.
        offset: i64,
    },
    /// Sign the editor's header and claims.
    Sign,
    /// Send the signed token to the decoder (and so to verification; opens the Decode tab).
    UseSignedToken,
    /// Copy text to the clipboard.
    Copy(String),
    /// Save the current token to a file chosen by the user.
    SaveToken,
    /// Save the last signed token to a file chosen by the user.
    SaveSigned,
    /// Change the theme.
    SetTheme(ThemePreference),
    /// Keep (or stop keeping and forget) a history of decoded tokens, in memory only.
    SetHistory(bool),
    /// Forget the status message.
    DismissMessage,
    /// A command of the Security tab.
    Security(SecurityCommand),
}

/// How loud a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something happened as asked.
    Info,
    /// Something could not be done.
    Error,
}

/// The signing editor.
#[derive(Debug, Clone, PartialEq)]
pub struct SignState {
    /// Header JSON as typed.
    pub header_text: String,
    /// Claims JSON as typed.
    pub claims_text: String,
    /// The chosen algorithm.
    pub alg: String,
    /// The chosen key (index in the key list).
    pub key: Option<usize>,
    /// The last signing result.
    pub output: Option<Result<String, String>>,
}

impl Default for SignState {
    fn default() -> Self {
        Self {
            header_text: "{\n  \"typ\": \"JWT\"\n}".into(),
            claims_text: "{\n  \"sub\": \"user-1\"\n}".into(),
            alg: "HS256".into(),
            key: None,
            output: None,
        }
    }
}

impl SignState {
    /// The header as JSON, or what is wrong with it.
    ///
    /// # Errors
    /// When the text is not a JSON object.
    pub fn header(&self) -> Result<JsonObject, String> {
        parse_object(&self.header_text, "header")
    }

    /// The claims as JSON, or what is wrong with them.
    ///
    /// # Errors
    /// When the text is not a JSON object.
    pub fn claims(&self) -> Result<JsonObject, String> {
        parse_object(&self.claims_text, "claims")
    }
}

fn parse_object(text: &str, what: &str) -> Result<JsonObject, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!("the {what} must be a JSON object, not {}", token::json_type(&other))),
        Err(e) => Err(format!("the {what} is not valid JSON: {e}")),
    }
}

/// The state shared by every panel.
#[derive(Debug, Default)]
pub struct AppState {
    /// The token text as the user typed it.
    pub input: String,
    /// The decoding of `input`, when it is not empty.
    pub token: Option<Result<Token, Error>>,
    /// Loaded keys (memory only, never persisted).
    pub keys: KeyStore,
    /// What verification expects.
    pub policy: Policy,
    /// The simulated clock every panel reads.
    pub clock: Clock,
    /// The verdict on the current token with the current keys, policy and clock.
    pub verification: Option<Verification>,
    /// The signing editor.
    pub sign: SignState,
    /// The theme preference.
    pub theme: ThemePreference,
    /// The tab the centre of the window shows.
    pub tab: Tab,
    /// The last status message.
    pub message: Option<(Level, String)>,
    /// Whether decoded tokens are remembered (opt-in).
    pub history_enabled: bool,
    /// Recently decoded tokens, newest first; memory only, never persisted.
    pub history: Vec<String>,
    /// Keys being generated in the background: what, and where the result will arrive.
    pub generating: Vec<(KeySpec, std::sync::mpsc::Receiver<crate::core::error::Result<keys::Key>>)>,
    /// The Security tab's lab.
    pub security: SecurityLab,
    /// Key fetches under way: the URL, and where the result will arrive.
    pub fetching: Vec<(String, std::sync::mpsc::Receiver<crate::core::error::Result<fetch::Fetched>>)>,
    /// The simulated second the verdict was computed at (to re-judge as time moves).
    verified_at: Option<i64>,
}

impl AppState {
    /// Applies one command. This is the only place state changes.
    pub fn handle(&mut self, command: Command, platform: &mut dyn Platform) {
        match command {
            Command::SetToken(text) => self.set_token(text),
            Command::PasteToken => match platform.read_clipboard() {
                Ok(text) => self.set_token(text),
                Err(e) => self.error(e),
            },
            Command::OpenTokenFile => {
                if let Some(path) = platform.pick_files("Open a token", false).into_iter().next() {
                    self.handle(Command::LoadTokenFile(path), platform);
                }
            }
            Command::LoadTokenFile(path) => match read_text(&path) {
                Ok(text) => self.set_token(text),
                Err(e) => self.error(e.to_string()),
            },
            Command::LoadSample(i) => {
                if let Some((_, t)) = SAMPLES.get(i) {
                    self.set_token(t.trim().to_owned());
                }
            }
            Command::LoadSampleKeys => self.load_sample_keys(),
            Command::ClearToken => self.set_token(String::new()),
            Command::Dropped { paths, texts } => self.dropped(paths, texts),
            Command::AddKeyFiles => {
                let paths = platform.pick_files("Add key files", true);
                if !paths.is_empty() {
                    self.handle(Command::LoadKeyFiles(paths), platform);
                }
            }
            Command::LoadKeyFiles(paths) => {
                for path in paths {
                    self.add_keys(keys::load_file(&path));
                }
            }
            Command::AddKeyText(text) => self.add_keys(keys::load(text.trim().as_bytes(), "pasted key")),
            Command::AddSecret { text, encoding } => {
                let label = match encoding {
                    SecretEncoding::Utf8 | SecretEncoding::Raw => "secret (text)",
                    SecretEncoding::Base64 => "secret (base64)",
                    SecretEncoding::Hex => "secret (hex)",
                };
                self.add_keys(keys::load_secret(text.as_bytes(), encoding, label).map(|k| vec![k]));
            }
            Command::RemoveKey(i) => self.remove_key(i),
            Command::FetchKeys(url) => {
                // Network waits never block the window; the fetch has its own deadline.
                let target = url.clone();
                self.fetching.push((url, in_background(move || fetch::fetch_keys(&target, fetch::DEFAULT_TIMEOUT))));
            }
            // RSA 4096 takes seconds: never on the UI thread.
            Command::GenerateKey(spec) => self.generating.push((spec, in_background(move || sign::generate(spec)))),
            Command::ExportKey { index, format, private, save } => {
                self.export_key(index, format, private, save, platform);
            }
            Command::SetPolicy(policy) => {
                self.policy = policy;
                self.reverify();
            }
            Command::Verify => self.reverify(),
            Command::Clock(c) => {
                match c {
                    ClockCommand::Pause => self.clock.pause(),
                    ClockCommand::Run(speed) => self.clock.run(speed),
                    ClockCommand::Shift(s) => self.clock.shift(s),
                    ClockCommand::Set(t) => self.clock.set(t),
                    ClockCommand::BackToNow => self.clock.back_to_now(),
                }
                self.reverify();
            }
            sign_command @ (Command::EditThisToken
            | Command::SetSignHeader(_)
            | Command::SetSignClaims(_)
            | Command::SetSignAlg(_)
            | Command::SetSignKey(_)
            | Command::SetTimeClaim { .. }
            | Command::Sign
            | Command::UseSignedToken
            | Command::SaveSigned) => self.handle_sign(sign_command, platform),
            Command::Copy(text) => match platform.write_clipboard(&text) {
                Ok(()) => self.info(format!("copied {} characters", text.chars().count())),
                Err(e) => self.error(e),
            },
            Command::SaveToken => {
                let text = self.input.trim().to_owned();
                self.save_text(platform, &text);
            }
            Command::SetTheme(t) => self.theme = t,
            Command::SelectTab(t) => self.tab = t,
            Command::SetHistory(on) => {
                self.history_enabled = on;
                if !on {
                    self.history.clear();
                }
            }
            Command::DismissMessage => self.message = None,
            Command::Security(c) => self.handle_security(c, platform),
        }
    }

    /// The Security tab's commands: its lab decides, reading the token, keys, policy and clock.
    fn handle_security(&mut self, command: SecurityCommand, platform: &mut dyn Platform) {
        let ctx =
            LabContext { input: &self.input, keys: self.keys.keys(), policy: &self.policy, now: self.clock.now() };
        let effect = self.security.handle(command, ctx, platform);
        self.security_effect(effect);
    }

    /// Applies what the Security lab asks of the app.
    fn security_effect(&mut self, effect: Option<SecurityEffect>) {
        match effect {
            Some(SecurityEffect::AddKey(key)) => self.add_keys(Ok(vec![*key])),
            Some(SecurityEffect::Message(text, true)) => self.error(text),
            Some(SecurityEffect::Message(text, false)) => self.info(text),
            None => {}
        }
    }

    /// Collects finished background work and re-judges the token when the simulated clock has
    /// moved to another second. Called each frame; cheap when nothing changed.
    pub fn tick(&mut self) {
        let effect = self.security.tick();
        self.security_effect(effect);
        for result in finished(&mut self.generating) {
            self.add_keys(result.map(|k| vec![k]));
        }
        for result in finished(&mut self.fetching) {
            match result {
                Ok(f) => {
                    let n = f.keys.len();
                    self.add_keys(Ok(f.keys));
                    let issuer = f.issuer.map_or_else(String::new, |i| format!("; the issuer is {i}"));
                    self.info(format!("fetched {n} key(s) from {}{issuer}", f.jwks_url));
                }
                Err(e) => self.error(e.to_string()),
            }
        }
        #[allow(clippy::cast_possible_truncation)]
        let second = self.clock.now().floor() as i64;
        if self.verified_at != Some(second) && self.verification.is_some() {
            self.reverify();
        }
    }

    /// The parsed token, when the input is one.
    #[must_use]
    pub fn parsed(&self) -> Option<&Token> {
        self.token.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// The signing editor's commands.
    fn handle_sign(&mut self, command: Command, platform: &mut dyn Platform) {
        match command {
            Command::EditThisToken => {
                self.edit_this_token();
                self.tab = Tab::Sign;
            }
            Command::SetSignHeader(t) => self.sign.header_text = t,
            Command::SetSignClaims(t) => self.sign.claims_text = t,
            Command::SetSignAlg(a) => self.sign.alg = a,
            Command::SetSignKey(k) => self.sign.key = k,
            Command::SetTimeClaim { claim, offset } => self.set_time_claim(claim, offset),
            Command::Sign => self.sign_now(),
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

    fn load_sample_keys(&mut self) {
        let loaded: crate::core::error::Result<Vec<keys::Key>> = SAMPLE_KEYS
            .iter()
            .map(|(name, text)| {
                if text.starts_with("-----") {
                    keys::load(text.as_bytes(), name)
                } else {
                    keys::load_secret(text.as_bytes(), SecretEncoding::Utf8, name).map(|k| vec![k])
                }
            })
            .collect::<crate::core::error::Result<Vec<_>>>()
            .map(|sets| sets.into_iter().flatten().collect());
        self.add_keys(loaded);
    }

    fn remove_key(&mut self, i: usize) {
        if self.keys.remove(i).is_some() {
            // Keep the signing choice pointing at the same key, or at none if it was removed.
            self.sign.key = match self.sign.key {
                Some(k) if k == i => None,
                Some(k) if k > i => Some(k - 1),
                other => other,
            };
            self.reverify();
        }
    }

    fn export_key(
        &mut self,
        index: usize,
        format: ExportFormat,
        private: bool,
        save: bool,
        platform: &mut dyn Platform,
    ) {
        let Some(key) = self.keys.keys().get(index) else { return };
        let text = match sign::export(key, format, private) {
            Ok(t) => t,
            Err(e) => return self.error(e.to_string()),
        };
        if !save {
            return match platform.write_clipboard(&text) {
                Ok(()) => self.info(format!("copied the {} key", if private { "private" } else { "public" })),
                Err(e) => self.error(e),
            };
        }
        let name = match (format, private) {
            (ExportFormat::Pem, true) => "private-key.pem",
            (ExportFormat::Pem, false) => "public-key.pem",
            (ExportFormat::Jwk, _) => "key.jwk.json",
            (ExportFormat::Jwks, _) => "jwks.json",
        };
        if let Some(path) = platform.save_file("Save the key", name) {
            match std::fs::write(&path, text) {
                Ok(()) => self.info(format!("saved {}", path.display())),
                Err(e) => self.error(format!("cannot save {}: {e}", path.display())),
            }
        }
    }

    fn save_text(&mut self, platform: &mut dyn Platform, token: &str) {
        if token.is_empty() {
            self.error("there is no token to save".into());
        } else if let Some(path) = platform.save_file("Save the token", "token.jwt") {
            match std::fs::write(&path, format!("{token}\n")) {
                Ok(()) => self.info(format!("saved {}", path.display())),
                Err(e) => self.error(format!("cannot save {}: {e}", path.display())),
            }
        }
    }

    fn info(&mut self, text: String) {
        self.message = Some((Level::Info, text));
    }

    fn error(&mut self, text: String) {
        self.message = Some((Level::Error, text));
    }

    fn set_token(&mut self, text: String) {
        self.token = if text.trim().is_empty() { None } else { Some(token::parse(&text)) };
        if self.history_enabled
            && let Some(Ok(t)) = &self.token
        {
            let clean = t.text.clone();
            self.history.retain(|h| *h != clean);
            self.history.insert(0, clean);
            self.history.truncate(HISTORY_LEN);
        }
        self.input = text;
        self.reverify();
    }

    fn add_keys(&mut self, loaded: crate::core::error::Result<Vec<keys::Key>>) {
        match loaded {
            Ok(new) => {
                let n = new.len();
                let first_new = self.keys.len();
                self.keys.extend(new);
                if self.sign.key.is_none() {
                    self.sign.key = (first_new..self.keys.len()).find(|&i| self.keys.keys()[i].is_secret());
                }
                self.info(format!("added {n} key{}", if n == 1 { "" } else { "s" }));
                self.reverify();
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn dropped(&mut self, paths: Vec<PathBuf>, texts: Vec<String>) {
        for path in paths {
            match std::fs::read(&path) {
                // A file that is a key joins the keys; anything else is tried as a token.
                Ok(bytes) => match keys::load(&bytes, &file_name(&path)) {
                    Ok(k) => self.add_keys(Ok(k)),
                    Err(_) => match String::from_utf8(bytes) {
                        Ok(text) => self.set_token(text),
                        Err(_) => self.error(format!("{}: neither a key nor a token", path.display())),
                    },
                },
                Err(e) => self.error(format!("cannot read {}: {e}", path.display())),
            }
        }
        for text in texts {
            match keys::load(text.trim().as_bytes(), "dropped text") {
                Ok(k) => self.add_keys(Ok(k)),
                Err(_) => self.set_token(text),
            }
        }
    }

    fn reverify(&mut self) {
        let now = self.clock.now();
        #[allow(clippy::cast_possible_truncation)]
        let second = now.floor() as i64;
        self.verified_at = Some(second);
        self.verification = self.parsed().map(|t| verify::verify(t, self.keys.keys(), &self.policy, now));
    }

    fn edit_this_token(&mut self) {
        let Some(t) = self.parsed() else {
            self.error("decode a token first".into());
            return;
        };
        let header = serde_json::to_string_pretty(t.header()).unwrap_or_default();
        let claims = match t.claims() {
            Some(c) => serde_json::to_string_pretty(c).unwrap_or_default(),
            None => "{}".into(),
        };
        let alg = t.alg().filter(|a| verify::SUPPORTED_ALGORITHMS.contains(a)).map(str::to_owned);
        self.sign.header_text = header;
        self.sign.claims_text = claims;
        if let Some(alg) = alg {
            self.sign.alg = alg;
        }
        self.sign.output = None;
        self.info("the token is in the signing editor".into());
    }

    fn set_time_claim(&mut self, claim: &'static str, offset: i64) {
        let mut claims = match self.sign.claims() {
            Ok(c) => c,
            Err(e) => {
                self.error(e);
                return;
            }
        };
        #[allow(clippy::cast_possible_truncation)]
        let at = self.clock.now().floor() as i64 + offset;
        if let Some(slot) = claims.get_mut(claim) {
            *slot = Value::from(at);
        } else {
            claims.insert(claim.to_owned(), Value::from(at));
        }
        self.sign.claims_text = serde_json::to_string_pretty(&claims).unwrap_or_default();
    }

    fn sign_now(&mut self) {
        let result = (|| {
            let header = self.sign.header()?;
            let claims = self.sign.claims()?;
            let index = self.sign.key.ok_or("choose a key to sign with")?;
            let key = self.keys.keys().get(index).ok_or("the chosen key was removed")?;
            sign::sign(&header, &claims, &self.sign.alg, key).map_err(|e| e.to_string())
        })();
        self.sign.output = Some(result.map_err(|e: String| e));
    }
}

/// Takes the results that have arrived out of a list of background jobs, dropping those jobs
/// (and any whose thread died without answering).
fn finished<K, T>(jobs: &mut Vec<(K, std::sync::mpsc::Receiver<T>)>) -> Vec<T> {
    let mut done = Vec::new();
    jobs.retain(|(_, rx)| match rx.try_recv() {
        Ok(result) => {
            done.push(result);
            false
        }
        Err(std::sync::mpsc::TryRecvError::Empty) => true,
        Err(std::sync::mpsc::TryRecvError::Disconnected) => false,
    });
    done
}

/// Runs `work` on its own thread; the receiver gets its result.
fn in_background<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> std::sync::mpsc::Receiver<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver may be gone if the app closed meanwhile.
        let _ = tx.send(work());
    });
    rx
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn read_text(path: &Path) -> crate::core::error::Result<String> {
    let io = |reason: String| Error::Io { path: path.display().to_string(), reason };
    let bytes = std::fs::read(path).map_err(|e| io(e.to_string()))?;
    if bytes.len() > token::MAX_TOKEN_BYTES {
        return Err(Error::TooLarge { size: bytes.len(), limit: token::MAX_TOKEN_BYTES });
    }
    String::from_utf8(bytes).map_err(|_| io("the file is not text".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::verify::SignatureVerdict;
    use crate::ui::platform::FakePlatform;

    fn asset(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
    }

    #[test]
    fn paste_decode_load_key_verify() {
        let mut s = AppState::default();
        let mut p = FakePlatform { clipboard: format!("Bearer {}", SAMPLES[0].1.trim()), ..FakePlatform::default() };
        s.handle(Command::PasteToken, &mut p);
        assert_eq!(s.parsed().unwrap().claims().unwrap()["name"], "Jane Doe");
        assert_eq!(s.verification.as_ref().unwrap().signature, SignatureVerdict::NoMatchingKey);
        p.picks.push_back(vec![asset("rsa2048-cert.pem")]);
        s.handle(Command::AddKeyFiles, &mut p);
        assert_eq!(p.dialogs, ["Add key files"]);
        assert!(s.verification.as_ref().unwrap().valid, "{}", s.verification.as_ref().unwrap().summary());
    }

    #[test]
    fn clock_rejudges_expiry() {
        let mut s = AppState::default();
        let mut p = FakePlatform::default();
        s.handle(Command::LoadSampleKeys, &mut p);
        assert_eq!(s.message.as_ref().unwrap().1, "added 4 keys");
        s.handle(Command::LoadSample(0), &mut p);
        assert!(s.verification.as_ref().unwrap().valid);
        s.handle(Command::Clock(ClockCommand::Set(2_082_758_400.0)), &mut p);
        assert!(!s.verification.as_ref().unwrap().valid, "expired at exp");
        s.handle(Command::Clock(ClockCommand::Shift(-1.0)), &mut p);
        assert!(s.verification.as_ref().unwrap().valid);
        s.handle(Command::Clock(ClockCommand::BackToNow), &mut p);
        assert!(s.verification.as_ref().unwrap().valid);
    }

    #[test]
    fn edit_resign_verify_round_trip() {
        let mut s = AppState::default();
        let mut p = FakePlatform::default();
        s.handle(Command::LoadSampleKeys, &mut p);
        s.handle(Command::LoadSample(2), &mut p);
        s.handle(Command::EditThisToken, &mut p);
        assert!(s.sign.claims_text.find("\"sub\"").unwrap() < s.sign.claims_text.find("\"iat\"").unwrap());
        let claims = s.sign.claims_text.replace("John Doe", "Mallory");
        s.handle(Command::SetSignClaims(claims), &mut p);
        s.handle(Command::SetTimeClaim { claim: "exp", offset: 3600 }, &mut p);
        let secret = s.keys.keys().iter().position(|k| k.source == "jwt.io secret").unwrap();
        s.handle(Command::SetSignKey(Some(secret)), &mut p);
        s.handle(Command::Sign, &mut p);
        assert!(matches!(s.sign.output, Some(Ok(_))), "{:?}", s.sign.output);
        s.handle(Command::UseSignedToken, &mut p);
        let t = s.parsed().unwrap();
        let order: Vec<&String> = t.claims().unwrap().keys().collect();
        assert_eq!(order, ["sub", "name", "admin", "iat", "exp"]);
        assert!(s.verification.as_ref().unwrap().valid);
    }

    #[test]
    fn bad_inputs_become_messages() {
        let mut s = AppState::default();
        let mut p = FakePlatform::default();
        s.handle(Command::AddKeyText("not a key".into()), &mut p);
        assert_eq!(s.message.as_ref().unwrap().0, Level::Error);
        s.handle(Command::LoadTokenFile(PathBuf::from("/nonexistent")), &mut p);
        assert!(s.message.as_ref().unwrap().1.contains("/nonexistent"));
        s.handle(Command::SetSignClaims("[1]".into()), &mut p);
        s.handle(Command::Sign, &mut p);
        assert!(matches!(&s.sign.output, Some(Err(e)) if e.contains("JSON object")));
        s.handle(Command::SaveToken, &mut p);
        assert!(s.message.as_ref().unwrap().1.contains("no token"));
    }

    #[test]
    fn dropped_keys_and_tokens_go_where_they_belong() {
        let mut s = AppState::default();
        let mut p = FakePlatform::default();
        s.handle(
            Command::Dropped { paths: vec![asset("ec-p256-spki.pem")], texts: vec![SAMPLES[1].1.to_owned()] },
            &mut p,
        );
        assert_eq!(s.keys.len(), 1);
        assert_eq!(s.parsed().unwrap().alg(), Some("ES256"));
    }

    #[test]
    fn generate_in_the_background_then_export_and_save() {
        let mut s = AppState::default();
        let dir = std::env::temp_dir().join(format!("tokenbench-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut p = FakePlatform { save_to: Some(dir.join("pub.pem")), ..FakePlatform::default() };
        s.handle(Command::GenerateKey(KeySpec::Ec(crate::core::keys::Curve::P256)), &mut p);
        s.handle(Command::GenerateKey(KeySpec::Hmac(256)), &mut p);
        let start = std::time::Instant::now();
        while !s.generating.is_empty() && start.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(5));
            s.tick();
        }
        assert_eq!(s.keys.len(), 2);
        let ec = s.keys.keys().iter().position(|k| k.source == "generated EC P-256").unwrap();
        s.handle(Command::ExportKey { index: ec, format: ExportFormat::Jwk, private: false, save: false }, &mut p);
        assert!(p.clipboard.contains("\"crv\": \"P-256\"") && !p.clipboard.contains("\"d\""), "{}", p.clipboard);
        s.handle(Command::ExportKey { index: ec, format: ExportFormat::Pem, private: false, save: true }, &mut p);
        let saved = std::fs::read_to_string(dir.join("pub.pem")).unwrap();
        assert!(saved.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(keys::load(saved.as_bytes(), "x").unwrap()[0].thumbprint, s.keys.keys()[ec].thumbprint);
        let secret = 1 - ec;
        s.handle(Command::ExportKey { index: secret, format: ExportFormat::Pem, private: true, save: false }, &mut p);
        assert_eq!(s.message.as_ref().unwrap().0, Level::Error, "a secret has no PEM form");
    }

    #[test]
    fn history_is_opt_in_deduplicated_and_forgotten() {
        let mut s = AppState::default();
        let mut p = FakePlatform::default();
        s.handle(Command::LoadSample(0), &mut p);
        assert!(s.history.is_empty(), "off by default");
        s.handle(Command::SetHistory(true), &mut p);
        s.handle(Command::LoadSample(0), &mut p);
        s.handle(Command::LoadSample(1), &mut p);
        s.handle(Command::SetToken(format!("Bearer {}", SAMPLES[0].1.trim())), &mut p);
        s.handle(Command::SetToken("not a token".into()), &mut p);
        assert_eq!(s.history, [SAMPLES[0].1.trim(), SAMPLES[1].1.trim()]);
        s.handle(Command::SetHistory(false), &mut p);
        assert!(s.history.is_empty());
    }

    #[test]
    fn remove_key_keeps_the_signing_choice_consistent() {
        let mut s = AppState::default();
        let mut p = FakePlatform::default();
        s.handle(Command::LoadSampleKeys, &mut p);
        let secret = s.sign.key.unwrap();
        s.handle(Command::RemoveKey(0), &mut p);
        assert_eq!(s.sign.key, Some(secret - 1));
        s.handle(Command::RemoveKey(secret - 1), &mut p);
        assert_eq!(s.sign.key, None);
    }
}
