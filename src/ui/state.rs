//! The app's state and every transition of it. Panels read [`AppState`] and emit [`Command`]s;
//! [`AppState::handle`] is the only place that changes anything, so tests drive exactly what the
//! buttons do. OS services come in through [`Platform`].

use std::path::{Path, PathBuf};

use crate::core::engine::audit::INSTANT_WORDLIST_LIMIT;
use crate::core::engine::audit::{TokenAuditOptions, WordlistOutcome};
use crate::core::engine::clock::{self, Clock, TimeClaims, UnixSeconds};
use crate::core::engine::error::Error;
use crate::core::engine::fetch;
use crate::core::engine::judgment::{self, Judgment};
use crate::core::engine::keys::{self, KeyStore, SecretEncoding};
use crate::core::engine::sign::{ExportFormat, KeySpec};
use crate::core::engine::token::{self, Token};
use crate::core::engine::verify::{Policy, Verification};
use crate::core::jobs::{Delivered, Runner};
use crate::core::labs::compare::demo::{DemoStep, Lab};
use crate::core::labs::compare::lab::{
    CompareCommand, CompareContext, CompareEffect, CompareLab, inputs_fingerprint_with,
};
use crate::core::labs::fit::{FitCommand, FitLab};
use crate::core::labs::flows::{self, FlowCommand};
use crate::core::labs::live::lab::{LiveCommand, LiveLab};
use crate::core::labs::revocation::{LabContext, RevocationCommand, RevocationEffect, RevocationLab};
use crate::core::labs::scan::{ScanCommand, ScanLab};
use crate::core::labs::security::lab::{LabContext as SecurityContext, SecurityCommand, SecurityEffect, SecurityLab};
use crate::core::text::count;
pub use crate::ui::clock::ShownTimes;
pub use crate::ui::history::HistoryEntry;
use crate::ui::platform::Platform;
pub use crate::ui::sign::SignState;
pub use crate::ui::sign::encrypt::EncryptCommand;
pub use decryption::{DecryptCommand, Decryption};
pub use tab::Tab;

/// The sample tokens of the Samples menu: (title, token).
pub const SAMPLES: [(&str, &str); 8] = [
    ("OpenID Connect ID token (RS256, valid)", include_str!("../../assets/samples/01-oidc-id-token-rs256.jwt")),
    ("Expired access token (ES256)", include_str!("../../assets/samples/02-expired-access-token-es256.jwt")),
    ("jwt.io example (HS256)", include_str!("../../assets/samples/03-jwt-io-hs256.jwt")),
    ("EdDSA token", include_str!("../../assets/samples/04-eddsa.jwt")),
    ("Unsecured token (alg none)", include_str!("../../assets/samples/05-alg-none.jwt")),
    (
        "Algorithm-confusion forgery (HS256 vs RSA key)",
        include_str!("../../assets/samples/06-algorithm-confusion-hs256.jwt"),
    ),
    ("Encrypted token (JWE, RFC 7516 A.2)", include_str!("../../assets/samples/07-jwe-rfc7516.jwt")),
    (
        "Nested JWT (the ID token, encrypted with RSA-OAEP-256)",
        include_str!("../../assets/samples/08-nested-jwt-rsa-oaep-256.jwt"),
    ),
];

/// The keys that verify the samples, loadable from the Samples menu: the public keys as a JWKS
/// with the kids the samples name, jwt.io's secret, and the RFC 7516 A.2 private key that
/// decrypts the two encrypted samples (public in the RFC, like every sample key).
pub const SAMPLE_KEYS: [(&str, &str); 3] = [
    ("sample-jwks.json", include_str!("../../assets/keys/sample-jwks.json")),
    ("jwt.io secret", "a-string-secret-at-least-256-bits-long"),
    ("rfc7516-a2-private.jwk", include_str!("../../assets/keys/rfc7516-a2-private.jwk")),
];

/// The first screen's examples, indices into [`SAMPLES`]: a valid token, an expired one, a
/// forgery.
pub const EXAMPLES: [(&str, usize); 3] = [("A valid token", 0), ("An expired token", 1), ("A forged token", 5)];

/// How many key-loading errors the key list keeps.
const KEY_ERRORS_KEPT: usize = 5;

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
    /// Load sample `i` with the keys that verify it (the first screen's examples).
    TryExample(usize),
    /// Show an error where the token would be (a token that could not be read at all).
    TokenError(Error),
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
    /// Add an HMAC secret: the raw bytes of a file.
    LoadSecretFile(PathBuf),
    /// Remove key `i`.
    RemoveKey(usize),
    /// Give key `index` a name (empty: back to its source).
    RenameKey {
        /// Which key.
        index: usize,
        /// The new name.
        name: String,
    },
    /// Forget key-loading error `i`.
    DismissKeyError(usize),
    /// Fetch keys from a JWKS URL, a discovery document or an issuer URL, in the background.
    FetchKeys(String),
    /// A fetch finished (sent by the job runner).
    KeysFetched {
        /// The URL asked for.
        url: String,
        /// The keys found, or why not.
        result: Delivered<crate::core::engine::error::Result<fetch::Fetched>>,
    },
    /// Generate a key in the background; it joins the list when ready.
    GenerateKey(KeySpec),
    /// A generation finished (sent by the job runner).
    KeyGenerated {
        /// What was asked for.
        spec: KeySpec,
        /// The key, or why not.
        result: Delivered<crate::core::engine::error::Result<keys::Key>>,
    },
    /// A background job died without answering.
    JobDied(String),
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
    /// Write the signing key's kid into the header (or stop doing so).
    SetSignKidFromKey(bool),
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
    /// A request-flows lab command.
    Flow(crate::core::labs::flows::FlowCommand),
    /// A revocation-lab change.
    Revocation(RevocationCommand),
    /// A command of the Security tab.
    Security(SecurityCommand),
    /// A command of the Compare tab.
    Compare(CompareCommand),
    /// A command of the "Which fits" lab.
    Fit(FitCommand),
    /// A command of the live lab.
    Live(LiveCommand),
    /// A command of the Leaks tab.
    Scan(ScanCommand),
    /// Decrypting the loaded JWE.
    Decrypt(DecryptCommand),
    /// Encrypting the signed token (the Sign tab).
    Encrypt(EncryptCommand),
}

impl From<DemoStep> for Command {
    /// A step of a Compare demonstration as the command that does it in the window.
    fn from(step: DemoStep) -> Self {
        match step {
            DemoStep::Flow(c) => Command::Flow(c),
            DemoStep::Revocation(c) => Command::Revocation(c),
            DemoStep::Security(c) => Command::Security(c),
            DemoStep::LoadToken(t) => Command::SetToken(t),
            DemoStep::LoadKey(pem) => Command::AddKeyText(pem),
            DemoStep::Open(Lab::Revocation) => Command::SelectTab(Tab::Revocation),
            DemoStep::Open(Lab::Flows) => Command::SelectTab(Tab::Flows),
            DemoStep::Open(Lab::Security) => Command::SelectTab(Tab::Security),
        }
    }
}

/// Facts several views read, derived once per frame by [`AppState::tick`] rather than by each
/// view (each for the tabs that read it: the last value otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// A fingerprint of the loaded token and keys ([`flows::loaded_fingerprint`]): the Flows
    /// lab's JWT follows it.
    pub loaded: u64,
    /// A fingerprint of everything the comparison reads ([`crate::core::labs::compare::lab::inputs_fingerprint`]): the Compare
    /// tab's figures are current when computed from it.
    pub compare_inputs: u64,
}

/// How loud a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something happened as asked.
    Info,
    /// Something could not be done.
    Error,
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
    /// The one judgment of the current token with the current keys, policy and clock: the
    /// verdict and the security findings (the banner, the Security tab and the history read it).
    pub judgment: Option<Judgment>,
    /// The bundled wordlist's outcome on the current token, with the token's text: tried once
    /// per token, not each time the clock moves (`None` inside: not an HS token, or too large to
    /// try instantly).
    wordlist_outcome: Option<(String, Option<WordlistOutcome>)>,
    /// The signing editor.
    pub sign: SignState,
    /// The theme preference.
    pub theme: ThemePreference,
    /// The tab the centre of the window shows.
    pub tab: Tab,
    /// The request-flows lab.
    pub flows: crate::core::labs::flows::FlowsLab,
    /// The last status message.
    pub message: Option<(Level, String)>,
    /// Counts status messages, so the window can time each one's fade.
    pub message_serial: u64,
    /// Counts token changes, so views can reset (the verdict's scroll position).
    pub token_serial: u64,
    /// Keys that could not be loaded: shown in the key list until dismissed.
    pub key_errors: Vec<String>,
    /// Why the last fetch failed (shown beside the Fetch button).
    pub fetch_error: Option<String>,
    /// What of the token is shown relative to the clock.
    pub shown_times: ShownTimes,
    /// Whether decoded tokens are remembered (opt-in).
    pub history_enabled: bool,
    /// Recently decoded tokens, newest first; memory only, never persisted.
    pub history: Vec<HistoryEntry>,
    /// The current token is `history[0]`.
    current_in_history: bool,
    /// Keys being generated in the background, in the order asked.
    pub generating: Vec<KeySpec>,
    /// The Security tab's lab.
    pub security: SecurityLab,
    /// Key fetches under way: their URLs.
    pub fetching: Vec<String>,
    /// The one runner of background work: each job ends with a command, handled like a click.
    pub jobs: Runner<Command>,
    /// The simulated instant after which the verdict must be judged again (see
    /// [`clock::next_change`]).
    rejudge_at: Option<UnixSeconds>,
    /// The revocation lab.
    pub revocation: RevocationLab,
    /// The Compare tab.
    pub compare: CompareLab,
    /// The "Which fits" lab and the start screen's figures.
    pub fit: FitLab,
    /// What this frame's views read, derived by [`AppState::tick`].
    pub facts: Facts,
    /// The live lab: real servers, while a run is up.
    pub live: LiveLab,
    /// The Leaks tab: the paths to scan, the scan under way, its report.
    pub scan: ScanLab,
    /// The loaded JWE's decryption: its plaintext and nested JWS, while the token stays.
    pub decryption: Decryption,
}

impl AppState {
    /// Applies one command. This is the only place state changes.
    pub fn handle(&mut self, command: Command, platform: &mut dyn Platform) {
        match command {
            token_command @ (Command::SetToken(_)
            | Command::PasteToken
            | Command::OpenTokenFile
            | Command::LoadTokenFile(_)
            | Command::LoadSample(_)
            | Command::TryExample(_)
            | Command::TokenError(_)
            | Command::LoadSampleKeys
            | Command::ClearToken
            | Command::Dropped { .. }) => self.handle_token(token_command, platform),
            key_command @ (Command::AddKeyFiles
            | Command::LoadKeyFiles(_)
            | Command::LoadSecretFile(_)
            | Command::AddKeyText(_)
            | Command::AddSecret { .. }
            | Command::RemoveKey(_)
            | Command::RenameKey { .. }
            | Command::DismissKeyError(_)
            | Command::FetchKeys(_)
            | Command::KeysFetched { .. }
            | Command::GenerateKey(_)
            | Command::KeyGenerated { .. }
            | Command::ExportKey { .. }) => self.handle_keys(key_command, platform),
            Command::JobDied(what) => {
                // Whatever it was, it is no longer under way.
                self.generating.clear();
                self.fetching.clear();
                self.decryption.busy = None;
                self.handle_security(SecurityCommand::JobDied(what.clone()), platform);
                self.handle_compare(CompareCommand::JobDied(what.clone()), platform);
                self.handle_live(LiveCommand::JobDied(what.clone()), platform);
                self.handle_scan(ScanCommand::JobDied(what.clone()), platform);
                self.error(format!("{what} stopped unexpectedly"));
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
            | Command::SetSignKidFromKey(_)
            | Command::SetTimeClaim { .. }
            | Command::Sign
            | Command::UseSignedToken
            | Command::SaveSigned) => self.handle_sign(sign_command, platform),
            Command::Copy(text) => match platform.write_clipboard(&text) {
                Ok(()) => self.info(format!("copied {}", count(text.chars().count(), "character", "characters"))),
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
                    self.current_in_history = false;
                }
            }
            Command::DismissMessage => self.message = None,
            Command::Flow(c) => {
                let token = self.token.as_ref().and_then(|r| r.as_ref().ok());
                self.flows.handle(c, token, self.keys.keys(), self.clock.now());
            }
            Command::Revocation(c) => self.handle_revocation(c, platform),
            Command::Security(c) => self.handle_security(c, platform),
            Command::Compare(c) => self.handle_compare(c, platform),
            Command::Fit(c) => self.fit.handle(c),
            Command::Live(c) => self.handle_live(c, platform),
            Command::Scan(c) => self.handle_scan(c, platform),
            Command::Decrypt(c) => self.handle_decrypt(c),
            Command::Encrypt(c) => self.handle_encrypt(c, platform),
        }
    }

    /// The token input's commands: typing, pasting, files, samples and drops.
    fn handle_token(&mut self, command: Command, platform: &mut dyn Platform) {
        match command {
            Command::SetToken(text) => self.set_token(text),
            Command::PasteToken => match platform.read_clipboard() {
                Ok(text) => self.set_token(text),
                Err(e) => self.error(e),
            },
            Command::OpenTokenFile => match platform.pick_files("Open a token", false).into_iter().next() {
                Some(path) => self.handle(Command::LoadTokenFile(path), platform),
                None => self.nothing_picked(platform, "paste the token (Ctrl+V) or drop its file on the window"),
            },
            Command::LoadTokenFile(path) => match read_text(platform, &path) {
                Ok(text) => self.set_token(text),
                Err(e) => self.token_error(e),
            },
            Command::LoadSample(i) => {
                if let Some((_, t)) = SAMPLES.get(i) {
                    self.set_token(t.trim().to_owned());
                    // From the Start tab (no token view), the sample is shown where it is read.
                    if self.tab == Tab::Start {
                        self.tab = Tab::Decode;
                    }
                }
            }
            Command::TryExample(i) => {
                if !self.keys.keys().iter().any(|k| k.kid.as_deref() == Some("sample-rsa-2048")) {
                    self.load_sample_keys();
                }
                self.tab = Tab::Decode;
                // The valid example is issued now for minutes, as a real one is; a shipped
                // token valid for years would be (rightly) flagged.
                match (i, crate::core::engine::samples::fresh_id_token(self.clock.now())) {
                    (0, Ok(fresh)) => self.set_token(fresh),
                    _ => self.handle(Command::LoadSample(i), platform),
                }
            }
            Command::TokenError(e) => self.token_error(e),
            Command::LoadSampleKeys => self.load_sample_keys(),
            Command::ClearToken => self.set_token(String::new()),
            // On the Leaks tab, dropped files and folders are to be scanned, not opened.
            Command::Dropped { paths, texts } if self.tab == Tab::Leaks && !paths.is_empty() => {
                self.handle_scan(ScanCommand::AddPaths(paths), platform);
                self.dropped(Vec::new(), texts, platform);
            }
            Command::Dropped { paths, texts } => self.dropped(paths, texts, platform),
            _ => {}
        }
    }

    /// The Compare tab's commands: the Flows lab follows the loaded token first (the figures
    /// are about its JWT), then the lab decides; the app does what it asks (a job, the
    /// clipboard, a file, a message).
    fn handle_compare(&mut self, command: CompareCommand, platform: &mut dyn Platform) {
        let computes =
            matches!(command, CompareCommand::Refresh | CompareCommand::CopyReport | CompareCommand::SaveReport);
        if computes && !self.flows.is_current(self.parsed(), self.keys.keys()) {
            self.handle(Command::Flow(FlowCommand::UseLoaded), platform);
        }
        let cx = CompareContext {
            token: self.token.as_ref().and_then(|r| r.as_ref().ok()),
            keys: self.keys.keys(),
            now: self.clock.now(),
            flows: &self.flows,
            revocation: &self.revocation,
        };
        for effect in self.compare.handle(command, cx) {
            match effect {
                CompareEffect::Spawn(job) => self.jobs.spawn(job.map(Command::Compare)),
                CompareEffect::Error(text) => self.error(text),
                CompareEffect::Copy(text) => match platform.write_clipboard(&text) {
                    Ok(()) => self.info(format!("copied the report ({} lines of Markdown)", text.lines().count())),
                    Err(e) => self.error(e),
                },
                CompareEffect::Save { suggested_name, text } => {
                    match platform.save_file("Save the comparison", suggested_name) {
                        Some(path) => match platform.write_file(&path, text.as_bytes()) {
                            Ok(()) => self.info(format!("saved {}", path.display())),
                            Err(e) => self.error(e),
                        },
                        None => self.nothing_picked(platform, "use Copy the report instead"),
                    }
                }
            }
        }
    }

    /// The Security tab's commands: its lab decides, reading the token, keys, policy and clock;
    /// the app does what it asks (a dialog, a key, a message, a background job).
    fn handle_security(&mut self, command: SecurityCommand, platform: &mut dyn Platform) {
        let ctx =
            SecurityContext { input: &self.input, keys: self.keys.keys(), policy: &self.policy, now: self.clock.now() };
        match self.security.handle(command, ctx) {
            Some(SecurityEffect::AddKey(key)) => self.add_keys(Ok(vec![*key])),
            Some(SecurityEffect::Message(text, true)) => self.error(text),
            Some(SecurityEffect::Message(text, false)) => self.info(text),
            Some(SecurityEffect::PickWordlist) => {
                match platform.pick_files("Choose a wordlist", false).into_iter().next() {
                    Some(path) => self.handle_security(SecurityCommand::SetWordlist(Some(path)), platform),
                    // Never silent: without a dialog, say how to crack with a list anyway.
                    None => self.nothing_picked(
                        platform,
                        "crack with the bundled list here, or run tokenbench crack --wordlist FILE",
                    ),
                }
            }
            Some(SecurityEffect::Spawn(job)) => self.jobs.spawn(job.map(Command::Security)),
            None => {}
        }
    }

    /// The revocation lab's commands, delegated to the lab with what it may read; the files and
    /// dialogs it asks for go through the platform, and a file's text goes back to the lab.
    fn handle_revocation(&mut self, command: RevocationCommand, platform: &mut dyn Platform) {
        let token = self.token.as_ref().and_then(|r| r.as_ref().ok());
        let cx = LabContext { now: self.clock.now(), token };
        match self.revocation.handle(command, cx) {
            None => {}
            Some(RevocationEffect::Info(text)) => self.info(text),
            Some(RevocationEffect::Error(text)) => self.error(text),
            Some(RevocationEffect::PickScenarioFile) => {
                match platform.pick_files("Open a scenario", false).into_iter().next() {
                    Some(path) => match read_text(platform, &path) {
                        Ok(text) => {
                            let name = path.display().to_string();
                            self.handle_revocation(RevocationCommand::LoadScenarioText { name, text }, platform);
                        }
                        Err(e) => self.error(e.to_string()),
                    },
                    None => self
                        .nothing_picked(platform, "the CLI reads one: tokenbench simulate revocation --scenario FILE"),
                }
            }
            Some(RevocationEffect::SaveScenario { suggested_name, text }) => {
                match platform.save_file("Save the scenario", suggested_name) {
                    Some(path) => match platform.write_file(&path, text.as_bytes()) {
                        Ok(()) => self.info(format!("saved {}", path.display())),
                        Err(e) => self.error(e),
                    },
                    None => self.nothing_picked(platform, "the scenario cannot be saved from this window"),
                }
            }
        }
    }

    /// Hands finished background work to [`AppState::handle`] and re-judges the token once the
    /// clock has passed the next instant at which anything the verdict shows changes. Called
    /// each frame; cheap when nothing changed.
    pub fn tick(&mut self, platform: &mut dyn Platform) {
        for done in self.jobs.finished() {
            match done {
                Ok(command) => self.handle(command, platform),
                Err(died) => self.handle(Command::JobDied(died.what), platform),
            }
        }
        if let Some(at) = self.rejudge_at
            && self.clock.now() > at
        {
            self.handle(Command::Verify, platform);
        }
        self.derive(platform);
    }

    /// Derives this frame's [`Facts`] for the lab on show and brings it up to date with them,
    /// through [`AppState::handle`]: the Flows lab's JWT follows the loaded token and keys (on
    /// Flows and Compare), and the comparison is made again when what it reads changed (on
    /// Compare). Other tabs read no facts, so nothing is hashed for them (a JWKS of 100,000 keys
    /// would cost milliseconds a frame).
    fn derive(&mut self, platform: &mut dyn Platform) {
        // The balancer's log is taken every frame while a run is up, whichever tab shows.
        if self.live.running() {
            self.handle(Command::Live(LiveCommand::Poll), platform);
        }
        // The start screen and the fit lab sign their tokens once, when first shown.
        if matches!(self.tab, Tab::Start | Tab::Fit) && !self.fit.prepared(self.tab == Tab::Start) {
            self.handle(Command::Fit(FitCommand::Prepare { start: self.tab == Tab::Start }), platform);
        }
        if !matches!(self.tab, Tab::Flows | Tab::Compare) {
            return;
        }
        let loaded = flows::loaded_fingerprint(self.parsed(), self.keys.keys());
        if self.flows.loaded_from() != Some(loaded) {
            self.handle(Command::Flow(FlowCommand::UseLoaded), platform);
        }
        self.facts.loaded = loaded;
        if self.tab != Tab::Compare {
            return;
        }
        let compare_inputs = inputs_fingerprint_with(
            loaded,
            &CompareContext {
                token: self.parsed(),
                keys: self.keys.keys(),
                now: self.clock.now(),
                flows: &self.flows,
                revocation: &self.revocation,
            },
        );
        if !self.compare.is_current(compare_inputs) {
            self.handle(Command::Compare(CompareCommand::Refresh), platform);
        }
        self.facts.compare_inputs = compare_inputs;
    }

    /// The next simulated instant at which the window shows something else: a verdict flips, a
    /// relative time ticks, or the status clock (shown to `clock_step` seconds) turns over.
    #[must_use]
    pub fn next_change(&self, clock_step: Option<f64>) -> Option<UnixSeconds> {
        let (claims, relative) = if self.token.is_some() {
            (self.shown_times.claims, self.shown_times.relative.as_slice())
        } else {
            (TimeClaims::default(), &[][..])
        };
        let now = self.clock.now();
        let shown = clock::next_change(&claims, self.policy.leeway, relative, clock_step, now);
        // The revocation lab's rows change at its own instants (expiries, renewals, the event).
        let lab = if self.tab == Tab::Revocation { self.revocation.next_change_at(now) } else { None };
        match (shown, lab) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The parsed token, when the input is one.
    #[must_use]
    pub fn parsed(&self) -> Option<&Token> {
        self.token.as_ref().and_then(|r| r.as_ref().ok())
    }

    fn save_text(&mut self, platform: &mut dyn Platform, token: &str) {
        if token.is_empty() {
            self.error("there is no token to save".to_owned());
        } else {
            match platform.save_file("Save the token", "token.jwt") {
                Some(path) => match platform.write_file(&path, format!("{token}\n").as_bytes()) {
                    Ok(()) => self.info(format!("saved {}", path.display())),
                    Err(e) => self.error(e),
                },
                None => self.nothing_picked(platform, "copy the token instead"),
            }
        }
    }

    /// A dialog gave nothing: say whether it could not be shown (and what to do instead) or
    /// was cancelled.
    fn nothing_picked(&mut self, platform: &dyn Platform, instead: &str) {
        match crate::ui::platform::nothing_picked(platform, instead) {
            Ok(cancelled) => self.info(cancelled),
            Err(unavailable) => self.error(unavailable),
        }
    }

    fn info(&mut self, text: String) {
        self.message = Some((Level::Info, text));
        self.message_serial += 1;
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some((Level::Error, text.into()));
        self.message_serial += 1;
    }

    fn set_token(&mut self, text: String) {
        self.token = if text.trim().is_empty() { None } else { Some(token::parse(&text)) };
        self.current_in_history = false;
        if self.history_enabled
            && let Some(Ok(t)) = &self.token
        {
            let entry = HistoryEntry::new(t);
            self.history.retain(|h| h.token != entry.token);
            self.history.insert(0, entry);
            self.history.truncate(HISTORY_LEN);
            self.current_in_history = true;
        }
        self.shown_times = self.parsed().map(ShownTimes::of).unwrap_or_default();
        self.input = text;
        self.token_serial += 1;
        self.reset_decryption();
        self.security.token_changed(&self.input);
        self.reverify();
    }

    /// A token that could not be read: the error takes the token's place.
    fn token_error(&mut self, e: Error) {
        self.input.clear();
        self.token = Some(Err(e));
        self.shown_times = ShownTimes::default();
        self.current_in_history = false;
        self.token_serial += 1;
        self.reset_decryption();
        self.security.token_changed(&self.input);
        self.reverify();
    }

    fn dropped(&mut self, paths: Vec<PathBuf>, texts: Vec<String>, platform: &mut dyn Platform) {
        for path in paths {
            match platform.read_file(&path) {
                // A file that is a key joins the keys; anything else is tried as a token.
                Ok(bytes) => match keys::load(&bytes, &file_name(&path)) {
                    Ok(k) => self.add_keys(Ok(k)),
                    Err(_) => match String::from_utf8(bytes) {
                        Ok(text) => self.set_token(text),
                        Err(_) => self.error(format!("{}: neither a key nor a token", path.display())),
                    },
                },
                Err(e) => self.error(e.to_string()),
            }
        }
        for text in texts {
            match keys::load(text.trim().as_bytes(), "dropped text") {
                Ok(k) => self.add_keys(Ok(k)),
                Err(_) => self.set_token(text),
            }
        }
    }

    /// The verification inside the current judgment.
    #[must_use]
    pub fn verification(&self) -> Option<&Verification> {
        self.judgment.as_ref().map(|j| &j.verification)
    }

    fn reverify(&mut self) {
        let now = self.clock.now();
        self.try_bundled_wordlist();
        let bundled = self.wordlist_outcome.as_ref().and_then(|(_, outcome)| outcome.clone());
        let judged = self.judged().map(|t| {
            let huge = t.signatures.first().is_some_and(|s| s.signing_input().len() > INSTANT_WORDLIST_LIMIT);
            let opts = TokenAuditOptions {
                keys: self.keys.keys(),
                now,
                bundled,
                skip_wordlist: huge,
                ..TokenAuditOptions::default()
            };
            // A nested JWT is judged with its JWE's header findings (RSA1_5…), as decrypt does.
            match (self.decryption.nested(), self.parsed()) {
                (Some(inner), Some(outer)) => judgment::judge_nested(outer, inner, &self.policy, &opts),
                _ => judgment::judge(t, &self.policy, &opts),
            }
        });
        // Without a wordlist file the judgment cannot fail.
        self.judgment = judged.and_then(Result::ok);
        // The verdict (and the relative times in its checks) holds until the next change.
        self.rejudge_at = self.judgment.as_ref().and_then(|_| {
            clock::next_change(&self.shown_times.claims, self.policy.leeway, &self.shown_times.relative, None, now)
        });
        if self.current_in_history
            && let (Some(j), Some(entry)) = (&self.judgment, self.history.first_mut())
        {
            entry.verdict = j.title();
        }
    }

    /// Tries the bundled wordlist of published secrets on the current HS token once (a few
    /// hundred HMACs: instant), keeping the outcome for as long as the token stays.
    fn try_bundled_wordlist(&mut self) {
        let Some(t) = self.judged() else {
            self.wordlist_outcome = None;
            return;
        };
        if self.wordlist_outcome.as_ref().is_some_and(|(text, _)| *text == t.text) {
            return;
        }
        let small = t.signatures.first().is_some_and(|s| s.signing_input().len() <= INSTANT_WORDLIST_LIMIT);
        let outcome = if small { crate::core::engine::audit::bundled_wordlist(t).ok().flatten() } else { None };
        self.wordlist_outcome = Some((t.text.clone(), outcome));
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn read_text(platform: &mut dyn Platform, path: &Path) -> crate::core::engine::error::Result<String> {
    let io = |reason: String| Error::Io { path: path.display().to_string(), reason };
    let bytes = platform.read_file(path)?;
    String::from_utf8(bytes).map_err(|_| io("the file is not text".into()))
}

mod decryption;
mod key_list;
mod leaks;
mod live;
mod signing;
mod tab;
#[cfg(test)]
mod tests;
