//! The Security lab's state and its one transition function, [`SecurityLab::handle`]: audits
//! with the one judgment, the crack as a background [`Job`] whose report comes back as
//! [`SecurityCommand::Cracked`], forgeries judged by the verifier, and the session scenarios'
//! settings. Egui-free and deterministic: dialogs, threads and the key list belong to whoever
//! drives the lab, asked for through a [`SecurityEffect`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::core::engine::audit::{self, Cookie, Finding, TokenAuditOptions};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::crack::{self, CrackReport, Progress, Rules, Target};
use crate::core::engine::forge::{self, Attack, Forged};
use crate::core::engine::judgment;
use crate::core::engine::keys::{self, Key, KeyMaterial, SecretEncoding};
use crate::core::engine::sign::{self, ExportFormat};
use crate::core::engine::token::{self, Token};
use crate::core::engine::verify::{self, Policy, Verification};
use crate::core::jobs::{Delivered, Job};
use crate::core::labs::security::leakage::{self, LeakSettings};
use crate::core::labs::security::session_risk::{
    self, CookieFlags, RiskScenario, ScenarioKind, SessionLifetimes, session_timeouts,
};
use crate::core::text::count;

/// The lab's five parts.
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
    /// Tokens leaking through access logs and `Referer` headers.
    Leakage,
}

impl Section {
    /// Every part, in the order the tab lists them.
    pub const ALL: [Self; 5] = [Self::Audit, Self::Crack, Self::Forge, Self::Sessions, Self::Leakage];

    /// The part's name on its button.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Audit => "Audit",
            Self::Crack => "Crack the secret",
            Self::Forge => "Forge attacks",
            Self::Sessions => "Session risks",
            Self::Leakage => "Leaks via logs and URLs",
        }
    }
}

/// Everything the Security lab can be asked.
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
    /// Ask for a wordlist file (answered with [`SecurityEffect::PickWordlist`]).
    ChooseWordlist,
    /// Use this wordlist file; `None` is the bundled list.
    SetWordlist(Option<PathBuf>),
    /// Start cracking the current token's secret (answered with [`SecurityEffect::Spawn`]).
    StartCrack,
    /// Stop the running crack.
    CancelCrack,
    /// A crack ended (sent by whoever ran the job).
    Cracked {
        /// Which run: a run of a token no longer shown is ignored.
        run: u64,
        /// The report, or why the crack could not run.
        result: Delivered<Result<CrackReport, String>>,
        /// From Cancel to every worker stopped, when the run was cancelled.
        stop_latency: Option<Duration>,
    },
    /// A background job died without answering: the crack's ends the run it belongs to.
    JobDied(String),
    /// Add the recovered secret to the key list.
    AddFoundSecret,
    /// Forge an attack from the current token and judge it.
    OpenAttack(Attack),
    /// Claim changes applied to forgeries: `CLAIM=VALUE, CLAIM=VALUE`.
    SetClaimChanges(String),
    /// Show a session scenario (from its first step).
    ShowScenario(ScenarioKind),
    /// Whether the server regenerates the session id at login (fixation); the step shown stays.
    SetRegenerate(bool),
    /// The session cookie's flags (hijacking); the step shown stays.
    SetCookieFlags(CookieFlags),
    /// Server-side session timeouts in seconds: (idle, absolute).
    SetSessionTimeouts(f64, f64),
    /// Show steps up to this one.
    StepTo(usize),
    /// The leak demonstration's settings (the replay delay is kept within its range).
    SetLeakSettings(LeakSettings),
}

/// What the lab asks of whoever drives it.
#[derive(Debug)]
pub enum SecurityEffect {
    /// Add this key to the key list.
    AddKey(Box<Key>),
    /// Show this status message (error when true).
    Message(String, bool),
    /// Ask the user for a wordlist file and answer with [`SecurityCommand::SetWordlist`].
    PickWordlist,
    /// Run this job in the background; it ends with [`SecurityCommand::Cracked`].
    Spawn(Job<SecurityCommand>),
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

/// A running crack's live figures, shared between the lab (for the progress bar and Cancel) and
/// the job doing the work.
#[derive(Debug, Default)]
pub struct CrackProgress {
    /// The engine's counters and cancel switch.
    pub counters: Progress,
    /// The wordlist's size in bytes, once the job has looked (for the progress bar and ETA).
    total_bytes: AtomicU64,
    /// When the job started working.
    started: OnceLock<Instant>,
    /// When Cancel was pressed.
    cancelled_at: OnceLock<Instant>,
}

impl CrackProgress {
    /// Asks every worker to stop, noting when (for the stop latency the crack view reports).
    pub fn cancel(&self) {
        let _ = self.cancelled_at.set(Instant::now());
        self.counters.cancel();
    }

    /// Candidates tested so far.
    #[must_use]
    pub fn candidates(&self) -> u64 {
        self.counters.candidates.load(Ordering::Relaxed)
    }

    /// Wordlist bytes handed to workers so far.
    #[must_use]
    pub fn bytes_done(&self) -> u64 {
        self.counters.bytes.load(Ordering::Relaxed)
    }

    /// The wordlist's size in bytes (0 until the job has looked).
    #[must_use]
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes.load(Ordering::Relaxed)
    }

    /// Time since the job started (zero before).
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.started.get().map_or(Duration::ZERO, Instant::elapsed)
    }

    /// True once Cancel was pressed.
    #[must_use]
    pub fn cancelled(&self) -> bool {
        self.cancelled_at.get().is_some()
    }

    fn stop_latency(&self) -> Option<Duration> {
        self.cancelled_at.get().map(Instant::elapsed)
    }
}

/// A crack running in the background.
#[derive(Debug)]
pub struct CrackJob {
    /// Which run (its [`SecurityCommand::Cracked`] carries the same number).
    pub run: u64,
    /// Shared counters and the cancel switch.
    pub progress: Arc<CrackProgress>,
    /// The token text attacked.
    pub token: String,
    /// Threads used.
    pub threads: usize,
}

impl CrackJob {
    /// The job's [`Job::what`], also what [`SecurityCommand::JobDied`] names.
    #[must_use]
    pub fn what(&self) -> String {
        crack_job_name(self.run)
    }
}

fn crack_job_name(run: u64) -> String {
    format!("crack #{run}")
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
    /// From Cancel pressed to every worker stopped.
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

/// The Security lab's state.
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
    /// Runs started so far (numbers each run).
    runs: u64,
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
    /// The leak demonstration's settings.
    pub leak: LeakSettings,
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
            runs: 0,
            outcome: None,
            forged: None,
            claim_changes: "sub=admin".into(),
            scenario: ScenarioKind::Fixation,
            // The scenarios start undefended: each defence is then switched on to see what it stops.
            regenerate: false,
            flags: CookieFlags::NONE,
            timeouts: (defaults.idle_timeout, defaults.absolute_timeout),
            step: 1,
            leak: LeakSettings::default(),
        }
    }
}

/// The token in the input: parsed directly, or read out of a URL.
///
/// # Errors
/// When the input is empty, a URL without a JWT, or not a token.
pub fn current_token(input: &str) -> Result<(Token, Option<audit::UrlSource>), String> {
    if input.trim().is_empty() {
        return Err("no token: paste one on the Decode tab (or a URL carrying one)".into());
    }
    match audit::token_from_url(input) {
        Some((text, src)) => token::parse(&text).map(|t| (t, Some(src))).map_err(|e| e.to_string()),
        None if audit::looks_like_url(input) => Err(audit::NO_JWT_IN_URL.to_owned()),
        None => token::parse(input).map(|t| (t, None)).map_err(|e| e.to_string()),
    }
}

/// The key an attacker downloads for the confusion attack: the first loaded key that is not an
/// HMAC secret (RSA, EC or OKP), exported as the issuer would publish it, PEM. Returns the PEM
/// and how to name the key ("the PEM of key #2 (…)").
#[must_use]
pub fn published_key_pem(keys: &[Key]) -> Option<(String, String)> {
    let (i, key) = keys.iter().enumerate().find(|(_, k)| !matches!(k.material, KeyMaterial::Oct { .. }))?;
    let pem = sign::export(key, ExportFormat::Pem, false).ok()?;
    Some((pem, format!("the PEM of key #{} ({})", i + 1, key.label())))
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
    /// attacked, so it goes, and a running crack of the old token is cancelled and forgotten
    /// (its report, when it comes, names a run no longer running). The forgery shown was built
    /// from the old token too.
    pub fn token_changed(&mut self, input: &str) {
        let attacked =
            self.job.as_ref().map(|j| j.token.as_str()).or_else(|| self.outcome.as_ref().map(|o| o.token.as_str()));
        let same = attacked.is_some_and(|t| current_token(input).is_ok_and(|(now, _)| now.text == t));
        if same {
            return;
        }
        if let Some(job) = self.job.take() {
            job.progress.cancel();
        }
        self.outcome = None;
        self.forged = None;
    }

    /// Applies one command.
    pub fn handle(&mut self, command: SecurityCommand, ctx: LabContext<'_>) -> Option<SecurityEffect> {
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
            SecurityCommand::ChooseWordlist => return Some(SecurityEffect::PickWordlist),
            SecurityCommand::SetWordlist(p) => self.wordlist = p,
            SecurityCommand::StartCrack => return self.start_crack(ctx),
            SecurityCommand::CancelCrack => {
                if let Some(job) = &self.job {
                    job.progress.cancel();
                }
            }
            SecurityCommand::Cracked { run, result, stop_latency } => {
                return self.cracked(run, result.take()?, stop_latency, ctx);
            }
            SecurityCommand::JobDied(what) => {
                let job = self.job.take_if(|j| j.what() == what)?;
                self.outcome = Some(CrackOutcome {
                    result: Err("the crack stopped unexpectedly".into()),
                    token: job.token,
                    threads: job.threads,
                    stop_latency: None,
                });
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
            // A defence toggled keeps the step shown, so its effect is seen where the learner is.
            SecurityCommand::SetRegenerate(on) => self.regenerate = on,
            SecurityCommand::SetCookieFlags(f) => self.flags = f,
            SecurityCommand::SetSessionTimeouts(idle, absolute) => self.timeouts = session_timeouts(idle, absolute),
            SecurityCommand::StepTo(n) => self.step = n.max(1),
            SecurityCommand::SetLeakSettings(mut l) => {
                l.read_after = l.read_after.clamp(0, leakage::MAX_READ_AFTER);
                self.leak = l;
            }
        }
        None
    }

    /// The findings of the one judgment (the Verify banner's and `tokenbench audit`'s), with
    /// the secret this tab's crack recovered when the bundled list does not hold it: a secret
    /// the bundled list holds is worded as `tokenbench audit` words it.
    fn run_audit(&mut self, ctx: LabContext<'_>) {
        let text = ctx.input.to_owned();
        let result = current_token(ctx.input).and_then(|(t, url)| {
            // The bundled list is tried here only while that stays instant.
            let huge =
                t.signatures.first().is_some_and(|sig| sig.signing_input().len() > audit::INSTANT_WORDLIST_LIMIT);
            let bundled = if huge { None } else { audit::bundled_wordlist(&t).ok().flatten() };
            let in_bundled = bundled.as_ref().is_some_and(|b| b.secret.is_some());
            let cracked = self
                .found_secret()
                .filter(|(_, attacked)| *attacked == t.text && !in_bundled)
                .map(|(s, _)| (s.to_vec(), "recovered by the crack on this tab".to_owned()));
            let opts = TokenAuditOptions {
                keys: ctx.keys,
                now: ctx.now,
                url,
                cracked,
                bundled,
                skip_wordlist: huge,
                ..TokenAuditOptions::default()
            };
            judgment::judge(&t, ctx.policy, &opts).map(|j| j.findings).map_err(|e| e.to_string())
        });
        self.audit = Some((text, result));
    }

    fn start_crack(&mut self, ctx: LabContext<'_>) -> Option<SecurityEffect> {
        if self.job.is_some() {
            return None;
        }
        let (target, token_text) = match current_token(ctx.input)
            .and_then(|(t, _)| Target::from_token(&t).map(|x| (x, t.text)).map_err(|e| e.to_string()))
        {
            Ok(t) => t,
            Err(e) => return Some(SecurityEffect::Message(e, true)),
        };
        self.runs += 1;
        let run = self.runs;
        let progress = Arc::new(CrackProgress::default());
        let shared = Arc::clone(&progress);
        let rules = if self.rules { Rules::ALL } else { Rules::NONE };
        let threads = self.threads;
        let wordlist = self.wordlist.clone();
        let job = Job::new(crack_job_name(run), move || {
            let _ = shared.started.set(Instant::now());
            let result = if let Some(path) = wordlist {
                // An unreadable file is the crack's own error, said with its path.
                if let Ok(m) = std::fs::metadata(&path) {
                    shared.total_bytes.store(m.len(), Ordering::Relaxed);
                }
                crack::crack_file(&target, &path, rules, threads, &shared.counters)
            } else {
                shared.total_bytes.store(crack::BUNDLED_WORDLIST.len() as u64, Ordering::Relaxed);
                crack::crack_bundled(&target, rules, threads, &shared.counters)
            };
            SecurityCommand::Cracked {
                run,
                result: Delivered::new(result.map_err(|e| e.to_string())),
                stop_latency: shared.stop_latency(),
            }
        });
        self.outcome = None;
        self.job = Some(CrackJob { run, progress, token: token_text, threads });
        Some(SecurityEffect::Spawn(job))
    }

    /// A crack's report: kept when it is the running crack's (a run of an old token is
    /// dropped), and the audit of the same token judged again with what it found.
    fn cracked(
        &mut self,
        run: u64,
        result: Result<CrackReport, String>,
        stop_latency: Option<Duration>,
        ctx: LabContext<'_>,
    ) -> Option<SecurityEffect> {
        let job = self.job.take_if(|j| j.run == run)?;
        let message = match &result {
            Ok(r) => match r.secret_text() {
                Some(s) => format!("found the secret {s:?} after {}", count(r.candidates, "guess", "guesses")),
                None if r.cancelled => format!("crack cancelled after {}", count(r.candidates, "guess", "guesses")),
                None => format!("the secret is not in the list ({})", count(r.candidates, "guess", "guesses")),
            },
            Err(e) => e.clone(),
        };
        let error = result.is_err();
        let found = result.as_ref().is_ok_and(|r| r.secret.is_some());
        self.outcome = Some(CrackOutcome { result, token: job.token, threads: job.threads, stop_latency });
        if found && self.audit.as_ref().is_some_and(|(text, _)| text == ctx.input) {
            self.run_audit(ctx);
        }
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
            let published = if attack.needs_key() { published_key_pem(ctx.keys) } else { None };
            if attack.needs_key() && published.is_none() {
                return Err("the confusion attack needs the issuer's public key: load it in the key list".to_owned());
            }
            let (pem, key_used) = published.unzip();
            let forged =
                forge::forge(&original, attack, pem.as_deref().map(str::as_bytes), &set).map_err(|e| e.to_string())?;
            let parsed = token::parse(&forged.token).map_err(|e| e.to_string())?;
            let verification = verify::verify(&parsed, ctx.keys, ctx.policy, ctx.now);
            Ok(ForgeView { forged, verification, key_used })
        })();
        self.forged = Some((attack, made));
    }

    /// The lifetimes the session scenarios use: the server's timeouts and the current token's
    /// remaining lifetime ([`session_risk::jwt_remaining`]), with where that came from.
    #[must_use]
    pub fn lifetimes(&self, token: Option<&Token>, now: UnixSeconds) -> (SessionLifetimes, String) {
        let (jwt_remaining, source) = session_risk::jwt_remaining(token, now);
        let (idle, absolute) = self.timeouts;
        (SessionLifetimes { idle_timeout: idle, absolute_timeout: absolute, jwt_remaining }, source)
    }

    /// The scenario shown, built from the lab's settings.
    #[must_use]
    pub fn current_scenario(&self, token: Option<&Token>, now: UnixSeconds) -> RiskScenario {
        let (l, _) = self.lifetimes(token, now);
        session_risk::scenario(self.scenario, self.regenerate, self.flags, &l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::sign::sign;
    use crate::core::engine::token::JsonObject;

    /// jwt.io's sample: HS256 with a secret in the bundled list.
    const JWT_IO: &str = include_str!("../../../../assets/samples/03-jwt-io-hs256.jwt");

    fn ctx<'a>(input: &'a str, keys: &'a [Key], policy: &'a Policy) -> LabContext<'a> {
        LabContext { input, keys, policy, now: 1_700_000_000.0 }
    }

    /// Starts a crack and returns its job.
    fn start(lab: &mut SecurityLab, cx: LabContext<'_>) -> Job<SecurityCommand> {
        match lab.handle(SecurityCommand::StartCrack, cx) {
            Some(SecurityEffect::Spawn(job)) => job,
            other => panic!("no job: {other:?}"),
        }
    }

    #[test]
    fn a_crack_is_a_job_whose_report_comes_back_as_a_command() {
        let policy = Policy::default();
        let input = JWT_IO.trim();
        let mut lab = SecurityLab::default();
        let job = start(&mut lab, ctx(input, &[], &policy));
        assert!(lab.busy());
        assert!(lab.handle(SecurityCommand::StartCrack, ctx(input, &[], &policy)).is_none(), "one crack at a time");
        let report = job.run();
        assert!(matches!(report, SecurityCommand::Cracked { run: 1, .. }), "{report:?}");
        let effect = lab.handle(report, ctx(input, &[], &policy));
        let Some(SecurityEffect::Message(text, false)) = effect else { panic!("{effect:?}") };
        assert!(text.starts_with("found the secret \"a-string-secret-at-least-256-bits-long\" after "), "{text}");
        assert!(!lab.busy());
        assert_eq!(lab.found_secret(), Some((&b"a-string-secret-at-least-256-bits-long"[..], input)));
        let Some(SecurityEffect::AddKey(key)) = lab.handle(SecurityCommand::AddFoundSecret, ctx(input, &[], &policy))
        else {
            panic!("no key")
        };
        assert_eq!(key.material, KeyMaterial::Oct { k: b"a-string-secret-at-least-256-bits-long".to_vec() });
    }

    #[test]
    fn the_report_of_a_crack_on_an_old_token_is_dropped() {
        let policy = Policy::default();
        let mut lab = SecurityLab::default();
        let old = start(&mut lab, ctx(JWT_IO.trim(), &[], &policy));
        let progress = Arc::clone(&lab.job.as_ref().unwrap().progress);
        let key = keys::load_secret(b"another-secret", SecretEncoding::Raw, "t").unwrap();
        let other = sign(&JsonObject::new(), &JsonObject::new(), "HS256", &key).unwrap();
        lab.token_changed(&other);
        assert!(progress.cancelled(), "the old run was told to stop");
        assert!(!lab.busy());
        let new = start(&mut lab, ctx(&other, &[], &policy));
        assert!(lab.handle(old.run(), ctx(&other, &[], &policy)).is_none(), "run 1 is not the running crack");
        assert!(lab.busy() && lab.outcome.is_none());
        let effect = lab.handle(new.run(), ctx(&other, &[], &policy));
        assert!(
            matches!(effect, Some(SecurityEffect::Message(ref t, false)) if t.starts_with("the secret is not in the list"))
        );
    }

    #[test]
    fn a_dead_crack_job_ends_its_run_with_a_message() {
        let policy = Policy::default();
        let mut lab = SecurityLab::default();
        let _job = start(&mut lab, ctx(JWT_IO.trim(), &[], &policy));
        let what = lab.job.as_ref().unwrap().what();
        assert!(lab.handle(SecurityCommand::JobDied("fetching x".into()), ctx("", &[], &policy)).is_none());
        assert!(lab.busy(), "another job's death is not the crack's");
        lab.handle(SecurityCommand::JobDied(what), ctx("", &[], &policy));
        assert!(!lab.busy());
        assert_eq!(lab.outcome.unwrap().result.unwrap_err(), "the crack stopped unexpectedly");
    }

    #[test]
    fn a_secret_the_crack_found_joins_the_audit_once_in_the_cli_audits_words() {
        let policy = Policy::default();
        let input = JWT_IO.trim();
        let mut lab = SecurityLab::default();
        lab.handle(SecurityCommand::RunAudit, ctx(input, &[], &policy));
        let job = start(&mut lab, ctx(input, &[], &policy));
        lab.handle(job.run(), ctx(input, &[], &policy));
        let findings = lab.audit.as_ref().unwrap().1.as_ref().unwrap();
        let weak: Vec<&Finding> = findings.iter().filter(|f| f.id == "weak-secret").collect();
        assert_eq!(weak.len(), 1, "{findings:?}");
        // `tokenbench audit` on the same token says it in these words.
        let cli = audit::audit_token(
            &token::parse(input).unwrap(),
            &TokenAuditOptions { now: 1_700_000_000.0, ..TokenAuditOptions::default() },
        )
        .unwrap();
        let cli_weak: Vec<&Finding> = cli.iter().filter(|f| f.id == "weak-secret").collect();
        assert_eq!(weak[0].message, cli_weak[0].message);
        assert!(weak[0].message.contains("in a public wordlist"), "{}", weak[0].message);
    }

    #[test]
    fn a_secret_only_the_crack_found_is_named_as_the_cracks() {
        let policy = Policy::default();
        let key = keys::load_secret(b"only-in-my-list", SecretEncoding::Raw, "t").unwrap();
        let input = sign(&JsonObject::new(), &JsonObject::new(), "HS256", &key).unwrap();
        let list = std::env::temp_dir().join(format!("tokenbench-lab-list-{}.txt", std::process::id()));
        std::fs::write(&list, "a\nonly-in-my-list\n").unwrap();
        let mut lab = SecurityLab::default();
        lab.handle(SecurityCommand::SetWordlist(Some(list.clone())), ctx(&input, &[], &policy));
        lab.handle(SecurityCommand::RunAudit, ctx(&input, &[], &policy));
        let job = start(&mut lab, ctx(&input, &[], &policy));
        lab.handle(job.run(), ctx(&input, &[], &policy));
        let findings = lab.audit.as_ref().unwrap().1.as_ref().unwrap();
        let weak: Vec<&Finding> = findings.iter().filter(|f| f.id == "weak-secret").collect();
        assert_eq!(weak.len(), 1, "{findings:?}");
        assert!(weak[0].message.contains("recovered by the crack on this tab"), "{}", weak[0].message);
        std::fs::remove_file(list).unwrap();
    }

    #[test]
    fn an_unreadable_wordlist_is_the_cracks_error_with_its_path() {
        let policy = Policy::default();
        let mut lab = SecurityLab::default();
        let missing = std::env::temp_dir().join("tokenbench-no-such-wordlist.txt");
        lab.handle(SecurityCommand::SetWordlist(Some(missing.clone())), ctx("", &[], &policy));
        let job = start(&mut lab, ctx(JWT_IO.trim(), &[], &policy));
        let effect = lab.handle(job.run(), ctx(JWT_IO.trim(), &[], &policy));
        let Some(SecurityEffect::Message(text, true)) = effect else { panic!("{effect:?}") };
        assert!(text.starts_with(&format!("cannot read the wordlist {}", missing.display())), "{text}");
    }

    #[test]
    fn the_confusion_attack_uses_the_first_key_that_is_not_a_secret() {
        let secret = keys::load_secret(b"s", SecretEncoding::Raw, "secret").unwrap();
        let jwks = include_str!("../../../../assets/keys/sample-jwks.json");
        let public = keys::load(jwks.as_bytes(), "sample-jwks.json").unwrap();
        let mut loaded = vec![secret];
        loaded.extend(public);
        let (pem, named) = published_key_pem(&loaded).unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
        assert!(named.starts_with("the PEM of key #2 ("), "{named}");
        assert!(published_key_pem(&loaded[..1]).is_none(), "a secret is never published");
    }

    #[test]
    fn timeouts_and_steps_follow_the_models_rules() {
        let policy = Policy::default();
        let mut lab = SecurityLab::default();
        lab.handle(SecurityCommand::SetSessionTimeouts(5.0, 1.0), ctx("", &[], &policy));
        assert_eq!(lab.timeouts, session_timeouts(5.0, 1.0));
        lab.handle(SecurityCommand::StepTo(4), ctx("", &[], &policy));
        lab.handle(SecurityCommand::SetRegenerate(true), ctx("", &[], &policy));
        assert_eq!(lab.step, 4, "a defence toggled keeps the step");
        assert!(!lab.current_scenario(None, 0.0).attacker_wins);
        lab.handle(SecurityCommand::SetCookieFlags(CookieFlags::default()), ctx("", &[], &policy));
        assert_eq!(lab.step, 4);
        lab.handle(SecurityCommand::ShowScenario(ScenarioKind::CookieTheft), ctx("", &[], &policy));
        assert_eq!(lab.step, 1, "another attack starts from its first step");
    }
}
