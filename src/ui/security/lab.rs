//! The Security lab's state and its one transition function, [`SecurityLab::handle`], reached
//! through `Command::Security`: audits, the background crack, forgeries judged by the verifier,
//! and the session scenarios' settings.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::core::engine::audit::{self, Cookie, Finding, SameSite, TokenAuditOptions};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::crack::{self, CrackError, CrackReport, Progress, Rules, Target};
use crate::core::engine::forge::{self, Attack, Forged};
use crate::core::engine::judgment;
use crate::core::engine::keys::{self, Key, KeyMaterial, SecretEncoding};
use crate::core::engine::sign::{self, ExportFormat};
use crate::core::engine::token::{self, Token};
use crate::core::engine::verify::{self, Policy, Verification};
use crate::core::labs::security::session_risk::{self, CookieFlags, Scenario, SessionLifetimes};
use crate::core::text::count;
use crate::ui::platform::Platform;

/// Signing inputs longer than this are not tried against the wordlist by the audit (64 KiB: about
/// 400,000 compressions for the bundled list, a few ms).
const AUDIT_WORDLIST_LIMIT: usize = 64 * 1024;

/// The lab's four parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    /// Findings on the token and on a cookie.
    #[default]
    Audit,
    /// Weak-secret cracking.
    Crack,
    /// Attack forgeries.
    Forge,
    /// Session fixation and hijacking.
    Sessions,
}

impl Section {
    pub(super) const ALL: [Self; 4] = [Self::Audit, Self::Crack, Self::Forge, Self::Sessions];

    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Audit => "Audit",
            Self::Crack => "Crack the secret",
            Self::Forge => "Forge attacks",
            Self::Sessions => "Session risks",
        }
    }
}

/// Which session scenario is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScenarioKind {
    /// Session fixation.
    #[default]
    Fixation,
    /// A stolen session cookie.
    CookieTheft,
    /// A stolen bearer JWT.
    JwtTheft,
}

/// Everything the Security tab can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum SecurityCommand {
    /// Show a part of the lab.
    Show(Section),
    /// Audit the current token (or the URL carrying it) with the loaded keys.
    RunAudit,
    /// Replace the `Set-Cookie` text.
    SetCookieText(String),
    /// Audit the `Set-Cookie` text.
    AuditCookie,
    /// Apply the crack rules (case variants, digits, years).
    SetRules(bool),
    /// Worker threads for the crack.
    SetThreads(usize),
    /// Ask for a wordlist file.
    ChooseWordlist,
    /// Use this wordlist file.
    SetWordlist(Option<PathBuf>),
    /// Start cracking the current token's secret in the background.
    StartCrack,
    /// Stop the running crack.
    CancelCrack,
    /// Add the recovered secret to the key list.
    AddFoundSecret,
    /// Forge an attack from the current token and judge it.
    OpenAttack(Attack),
    /// Claim changes applied to forgeries: `CLAIM=VALUE, CLAIM=VALUE`.
    SetClaimChanges(String),
    /// Show a session scenario (from its first step).
    ShowScenario(ScenarioKind),
    /// Whether the server regenerates the session id at login (fixation).
    SetRegenerate(bool),
    /// The session cookie's flags (hijacking).
    SetCookieFlags(CookieFlags),
    /// Server-side session timeouts in seconds: (idle, absolute).
    SetSessionTimeouts(f64, f64),
    /// Show steps up to this one.
    StepTo(usize),
}

/// What the lab asks of the rest of the app.
#[derive(Debug)]
pub enum SecurityEffect {
    /// Add this key to the key list.
    AddKey(Box<Key>),
    /// Show this status message (error when true).
    Message(String, bool),
}

/// What the lab reads from the app when handling a command.
#[derive(Debug, Clone, Copy)]
pub struct LabContext<'a> {
    /// The token input as typed (maybe a URL).
    pub input: &'a str,
    /// The loaded keys.
    pub keys: &'a [Key],
    /// The verification policy.
    pub policy: &'a Policy,
    /// The simulated now.
    pub now: UnixSeconds,
}

/// A crack running in the background.
#[derive(Debug)]
pub struct CrackJob {
    /// Shared counters and the cancel switch.
    pub progress: Arc<Progress>,
    /// When it started.
    pub started: Instant,
    /// Wordlist size in bytes (for the progress bar and ETA).
    pub total_bytes: u64,
    /// The token text attacked.
    pub token: String,
    /// Threads used.
    pub threads: usize,
    /// When cancel was pressed.
    pub cancel_pressed: Option<Instant>,
    rx: Receiver<Result<CrackReport, CrackError>>,
}

/// A finished crack.
#[derive(Debug, Clone)]
pub struct CrackOutcome {
    /// The report, or why it failed.
    pub result: Result<CrackReport, String>,
    /// The token text attacked.
    pub token: String,
    /// Threads used.
    pub threads: usize,
    /// From cancel pressed to every worker stopped.
    pub stop_latency: Option<Duration>,
}

/// One forgery with our verifier's verdict on it.
#[derive(Debug, Clone)]
pub struct ForgeView {
    /// The forged token and its parts.
    pub forged: Forged,
    /// Our verifier's verdict with the loaded keys.
    pub verification: Verification,
    /// Which key the confusion attack used as the HMAC secret.
    pub key_used: Option<String>,
}

/// The Security tab's state.
#[derive(Debug)]
pub struct SecurityLab {
    /// The part shown.
    pub section: Section,
    /// The last token audit: the token text it judged, and its findings or why it failed.
    pub audit: Option<(String, Result<Vec<Finding>, String>)>,
    /// The `Set-Cookie` text.
    pub cookie_text: String,
    /// The last cookie audit.
    pub cookie_audit: Option<Result<(Cookie, Vec<Finding>), String>>,
    /// Crack rules on or off.
    pub rules: bool,
    /// Crack threads.
    pub threads: usize,
    /// The wordlist file; `None` is the bundled list.
    pub wordlist: Option<PathBuf>,
    /// The running crack.
    pub job: Option<CrackJob>,
    /// The last finished crack.
    pub outcome: Option<CrackOutcome>,
    /// The forgery shown, or why it could not be made.
    pub forged: Option<(Attack, Result<ForgeView, String>)>,
    /// Claim changes for forgeries.
    pub claim_changes: String,
    /// The session scenario shown.
    pub scenario: ScenarioKind,
    /// Fixation: does the server regenerate the id at login.
    pub regenerate: bool,
    /// Hijacking: the cookie's flags.
    pub flags: CookieFlags,
    /// Server-side idle and absolute session timeouts, seconds.
    pub timeouts: (f64, f64),
    /// Steps shown so far.
    pub step: usize,
}

impl Default for SecurityLab {
    fn default() -> Self {
        let defaults = SessionLifetimes::default();
        Self {
            section: Section::Audit,
            audit: None,
            cookie_text: "Set-Cookie: sid=4711; Path=/".into(),
            cookie_audit: None,
            rules: false,
            threads: crack::default_threads(),
            wordlist: None,
            job: None,
            outcome: None,
            forged: None,
            claim_changes: "sub=admin".into(),
            scenario: ScenarioKind::Fixation,
            regenerate: false,
            flags: CookieFlags { http_only: false, secure: false, same_site: SameSite::Unset },
            timeouts: (defaults.idle_timeout, defaults.absolute_timeout),
            step: 1,
        }
    }
}

/// The token in the input: parsed directly, or read out of a URL.
pub(super) fn current_token(input: &str) -> Result<(Token, Option<audit::UrlSource>), String> {
    if input.trim().is_empty() {
        return Err("no token: paste one on the Decode tab (or a URL carrying one)".into());
    }
    match audit::token_from_url(input) {
        Some((text, src)) => token::parse(&text).map(|t| (t, Some(src))).map_err(|e| e.to_string()),
        None if audit::looks_like_url(input) => Err(audit::NO_JWT_IN_URL.to_owned()),
        None => token::parse(input).map(|t| (t, None)).map_err(|e| e.to_string()),
    }
}

impl SecurityLab {
    /// True while background work runs (the window keeps repainting for the progress bar).
    #[must_use]
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The secret the last crack recovered, for the token it attacked.
    #[must_use]
    pub fn found_secret(&self) -> Option<(&[u8], &str)> {
        let o = self.outcome.as_ref()?;
        let r = o.result.as_ref().ok()?;
        r.secret.as_deref().map(|s| (s, o.token.as_str()))
    }

    /// The token changed: a crack result (found secret, exhausted list) belongs to the token it
    /// attacked, so it goes, and a running crack of the old token is cancelled and dropped. The
    /// forgery shown was built from the old token too.
    pub fn token_changed(&mut self, input: &str) {
        let attacked =
            self.job.as_ref().map(|j| j.token.as_str()).or_else(|| self.outcome.as_ref().map(|o| o.token.as_str()));
        let same = attacked.is_some_and(|t| current_token(input).is_ok_and(|(now, _)| now.text == t));
        if same {
            return;
        }
        if let Some(job) = self.job.take() {
            // The worker sees the switch within a few thousand guesses; its answer is dropped
            // with the channel.
            job.progress.cancel();
        }
        self.outcome = None;
        self.forged = None;
    }

    /// Applies one command.
    pub fn handle(
        &mut self,
        command: SecurityCommand,
        ctx: LabContext<'_>,
        platform: &mut dyn Platform,
    ) -> Option<SecurityEffect> {
        match command {
            SecurityCommand::Show(s) => self.section = s,
            SecurityCommand::RunAudit => self.run_audit(ctx),
            SecurityCommand::SetCookieText(t) => self.cookie_text = t,
            SecurityCommand::AuditCookie => {
                // A JWT carried in the cookie is judged too, with the loaded keys.
                let opts = TokenAuditOptions { keys: ctx.keys, now: ctx.now, ..TokenAuditOptions::default() };
                self.cookie_audit = Some(judgment::audit_cookie(&self.cookie_text, &opts).map_err(|e| e.to_string()));
            }
            SecurityCommand::SetRules(on) => self.rules = on,
            SecurityCommand::SetThreads(n) => self.threads = n.clamp(1, 64),
            SecurityCommand::ChooseWordlist => {
                match platform.pick_files("Choose a wordlist", false).into_iter().next() {
                    Some(path) => self.wordlist = Some(path),
                    // Never silent: without a dialog, say how to crack with a list anyway.
                    None => {
                        return Some(
                            match crate::ui::platform::nothing_picked(
                                platform,
                                "crack with the bundled list here, or run tokenbench crack --wordlist FILE",
                            ) {
                                Ok(cancelled) => SecurityEffect::Message(cancelled, false),
                                Err(unavailable) => SecurityEffect::Message(unavailable.to_string(), true),
                            },
                        );
                    }
                }
            }
            SecurityCommand::SetWordlist(p) => self.wordlist = p,
            SecurityCommand::StartCrack => return self.start_crack(ctx),
            SecurityCommand::CancelCrack => {
                if let Some(job) = &mut self.job {
                    job.progress.cancel();
                    job.cancel_pressed.get_or_insert_with(Instant::now);
                }
            }
            SecurityCommand::AddFoundSecret => {
                let (secret, _) = self.found_secret()?;
                return Some(match keys::load_secret(secret, SecretEncoding::Raw, "cracked secret") {
                    Ok(key) => SecurityEffect::AddKey(Box::new(key)),
                    Err(e) => SecurityEffect::Message(e.to_string(), true),
                });
            }
            SecurityCommand::OpenAttack(a) => self.open_attack(a, ctx),
            SecurityCommand::SetClaimChanges(t) => self.claim_changes = t,
            SecurityCommand::ShowScenario(s) => {
                self.scenario = s;
                self.step = 1;
            }
            SecurityCommand::SetRegenerate(on) => {
                self.regenerate = on;
                self.step = 1;
            }
            SecurityCommand::SetCookieFlags(f) => {
                self.flags = f;
                self.step = 1;
            }
            SecurityCommand::SetSessionTimeouts(idle, absolute) => {
                self.timeouts = (idle.max(60.0), absolute.max(idle.max(60.0)));
            }
            SecurityCommand::StepTo(n) => self.step = n.max(1),
        }
        None
    }

    fn run_audit(&mut self, ctx: LabContext<'_>) {
        let text = ctx.input.to_owned();
        let result = current_token(ctx.input).and_then(|(t, url)| {
            let cracked = self
                .found_secret()
                .filter(|(_, attacked)| *attacked == t.text)
                .map(|(s, _)| (s.to_vec(), "recovered by the crack on this tab".to_owned()));
            // The bundled list is tried here on the UI thread only while that stays instant.
            let huge = t.signatures.first().is_some_and(|sig| sig.signing_input().len() > AUDIT_WORDLIST_LIMIT);
            let opts = TokenAuditOptions {
                keys: ctx.keys,
                now: ctx.now,
                url,
                cracked,
                skip_wordlist: huge,
                ..TokenAuditOptions::default()
            };
            // The one judgment the Verify banner reads: the same findings, the signature judged
            // with the loaded keys under the same policy.
            judgment::judge(&t, ctx.policy, &opts).map(|j| j.findings).map_err(|e| e.to_string())
        });
        self.audit = Some((text, result));
    }

    fn start_crack(&mut self, ctx: LabContext<'_>) -> Option<SecurityEffect> {
        if self.job.is_some() {
            return None;
        }
        let target = match current_token(ctx.input)
            .and_then(|(t, _)| Target::from_token(&t).map(|x| (x, t.text)).map_err(|e| e.to_string()))
        {
            Ok(t) => t,
            Err(e) => return Some(SecurityEffect::Message(e, true)),
        };
        let (target, token_text) = target;
        let total_bytes = match &self.wordlist {
            None => crack::BUNDLED_WORDLIST.len() as u64,
            Some(p) => match std::fs::metadata(p) {
                Ok(m) => m.len(),
                Err(e) => return Some(SecurityEffect::Message(format!("cannot read {}: {e}", p.display()), true)),
            },
        };
        let progress = Arc::new(Progress::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = Arc::clone(&progress);
        let rules = if self.rules { Rules::ALL } else { Rules::NONE };
        let threads = self.threads;
        let wordlist = self.wordlist.clone();
        // A thread the system refuses is a message, never a panic of the window.
        let started = std::thread::Builder::new().name("crack".into()).spawn(move || {
            let result = match wordlist {
                Some(path) => crack::crack_file(&target, &path, rules, threads, &shared),
                None => crack::crack_bundled(&target, rules, threads, &shared),
            };
            // The window may have closed meanwhile.
            let _ = tx.send(result);
        });
        if let Err(e) = started {
            return Some(SecurityEffect::Message(format!("cannot start the crack: {e}"), true));
        }
        self.outcome = None;
        self.job = Some(CrackJob {
            progress,
            started: Instant::now(),
            total_bytes,
            token: token_text,
            threads,
            cancel_pressed: None,
            rx,
        });
        None
    }

    /// Collects a finished crack. Called every frame.
    pub fn tick(&mut self) -> Option<SecurityEffect> {
        let job = self.job.as_ref()?;
        let result = match job.rx.try_recv() {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Err("the crack stopped unexpectedly".into()),
        };
        let job = self.job.take()?;
        let message = match &result {
            Ok(r) => match r.secret_text() {
                Some(s) => format!("found the secret {s:?} after {}", count(r.candidates, "guess", "guesses")),
                None if r.cancelled => format!("crack cancelled after {}", count(r.candidates, "guess", "guesses")),
                None => format!("the secret is not in the list ({})", count(r.candidates, "guess", "guesses")),
            },
            Err(e) => e.clone(),
        };
        let error = result.is_err();
        self.outcome = Some(CrackOutcome {
            result,
            token: job.token,
            threads: job.threads,
            stop_latency: job.cancel_pressed.map(|t| t.elapsed()),
        });
        Some(SecurityEffect::Message(message, error))
    }

    fn open_attack(&mut self, attack: Attack, ctx: LabContext<'_>) {
        let made = (|| {
            let (original, _) = current_token(ctx.input)?;
            let set = self
                .claim_changes
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(forge::parse_set)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            // The public key an attacker downloads: the first loaded RSA/EC/OKP key, as PEM.
            let public = ctx.keys.iter().enumerate().find(|(_, k)| !matches!(k.material, KeyMaterial::Oct { .. }));
            let pem = public.and_then(|(_, k)| sign::export(k, ExportFormat::Pem, false).ok());
            let key_used = public.map(|(i, k)| format!("the PEM of key #{} ({})", i + 1, k.label()));
            if attack.needs_key() && pem.is_none() {
                return Err("the confusion attack needs the issuer's public key: load it in the key list".to_owned());
            }
            let forged =
                forge::forge(&original, attack, pem.as_deref().map(str::as_bytes), &set).map_err(|e| e.to_string())?;
            let parsed = token::parse(&forged.token).map_err(|e| e.to_string())?;
            let verification = verify::verify(&parsed, ctx.keys, ctx.policy, ctx.now);
            Ok(ForgeView { forged, verification, key_used: if attack.needs_key() { key_used } else { None } })
        })();
        self.forged = Some((attack, made));
    }

    /// The lifetimes the session scenarios use: the server's timeouts and the current token's
    /// remaining lifetime (`exp` - now; an hour when there is no token).
    #[must_use]
    pub fn lifetimes(&self, token: Option<&Token>, now: UnixSeconds) -> (SessionLifetimes, String) {
        let (jwt_remaining, source) = match token {
            Some(t) => match t.claims().and_then(|c| token::numeric_date(c, "exp").ok().flatten()) {
                Some(exp) => ((exp - now).max(0.0), "the current token's exp".to_owned()),
                None if t.claims().is_some() => (f64::INFINITY, "the current token has no exp".to_owned()),
                None if t.kind == token::Kind::Jwe => (
                    3600.0,
                    "the current token is encrypted (JWE): its claims cannot be read without the key, so a 1 h \
                     token is assumed"
                        .to_owned(),
                ),
                None => (3600.0, "no claims in the current token: a 1 h token assumed".to_owned()),
            },
            None => (3600.0, "no token loaded: a 1 h token assumed".to_owned()),
        };
        let (idle, absolute) = self.timeouts;
        (SessionLifetimes { idle_timeout: idle, absolute_timeout: absolute, jwt_remaining }, source)
    }

    /// The scenario shown, built from the lab's settings.
    #[must_use]
    pub fn current_scenario(&self, token: Option<&Token>, now: UnixSeconds) -> Scenario {
        let (l, _) = self.lifetimes(token, now);
        match self.scenario {
            ScenarioKind::Fixation => session_risk::fixation(self.regenerate, &l),
            ScenarioKind::CookieTheft => session_risk::cookie_theft(self.flags, &l),
            ScenarioKind::JwtTheft => session_risk::jwt_theft(&l),
        }
    }
}
