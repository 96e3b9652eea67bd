//! The Compare tab's state and its one transition function, [`CompareLab::handle`]: the
//! comparison computed again only when what it reads changes ([`inputs_fingerprint`]), large
//! flow runs as a background [`Job`] whose result comes back as [`CompareCommand::Computed`],
//! the advisor's answers, and the report. Egui-free and deterministic: the clipboard, the save
//! dialog and the threads belong to whoever drives the lab, asked for through a
//! [`CompareEffect`].
//!
//! The lab reads the Flows lab (its JWT, its measured costs and its parameters) and the
//! revocation lab (its scenario) but never changes them: whoever drives the labs makes the
//! Flows lab follow the loaded token first ([`crate::core::labs::flows::FlowCommand::UseLoaded`]).

use std::hash::{Hash, Hasher};

use crate::core::engine::keys::Key;
use crate::core::engine::token::{self, Token};
use crate::core::jobs::{Delivered, Job};
use crate::core::labs::compare::advise::{self, Advice, Answers, Factor};
use crate::core::labs::compare::report::{self, Report};
use crate::core::labs::compare::{Comparison, Inputs, compare};
use crate::core::labs::flows::{self, FlowsLab};
use crate::core::labs::revocation::RevocationLab;

/// Flow runs up to this many users plus requests are compared in place (the fourteen runs take
/// a few milliseconds); larger ones as a background job, so the window never freezes.
pub const INLINE_EVENTS: u64 = 50_000;

/// The report's file name, as the save dialog suggests it.
pub const REPORT_FILE: &str = "sessions-vs-jwt.md";

/// What [`Job::what`] says of a background comparison (and [`CompareCommand::JobDied`] names).
const JOB_WHAT: &str = "the comparison";

/// Everything the Compare lab can be asked.
#[derive(Debug, Clone, PartialEq)]
pub enum CompareCommand {
    /// Compute the comparison again from what is loaded and the labs' settings.
    Refresh,
    /// Replace the advisor's answers.
    SetAnswers(Answers),
    /// Highlight a factor's row and scroll to it.
    Highlight(Factor),
    /// Whether the report includes the token.
    IncludeToken(bool),
    /// Copy the report (Markdown) to the clipboard (answered with [`CompareEffect::Copy`]).
    CopyReport,
    /// Save the report to a Markdown file (answered with [`CompareEffect::Save`]).
    SaveReport,
    /// A comparison computed in the background arrived; `run` says which request it answers.
    Computed {
        /// The number of the run ([`CompareLab::handle`] drops a result of an older one).
        run: u64,
        /// The comparison, or why it could not be made.
        result: Delivered<Result<Comparison, String>>,
    },
    /// A background job died; the comparison stops waiting when it is this lab's.
    JobDied(String),
}

/// What the lab asks of whoever drives it.
#[derive(Debug)]
pub enum CompareEffect {
    /// Run this job in the background; it ends with [`CompareCommand::Computed`].
    Spawn(Job<CompareCommand>),
    /// Put this report on the clipboard.
    Copy(String),
    /// Ask where to save this report, then write it.
    Save {
        /// The file name to suggest.
        suggested_name: &'static str,
        /// The Markdown.
        text: String,
    },
    /// Say this went wrong.
    Error(String),
}

/// What the lab reads: the loaded token and keys, the clock, and the two labs whose settings
/// the figures use.
#[derive(Clone, Copy)]
pub struct CompareContext<'a> {
    /// The decoded token, if any.
    pub token: Option<&'a Token>,
    /// The loaded keys.
    pub keys: &'a [Key],
    /// The clock's now.
    pub now: f64,
    /// The Flows lab: its JWT, its measured costs and its parameters.
    pub flows: &'a FlowsLab,
    /// The revocation lab: its scenario's access-ttl, leeway and at-scale inputs.
    pub revocation: &'a RevocationLab,
}

/// The Compare tab's state.
#[derive(Debug)]
pub struct CompareLab {
    /// The advisor's answers.
    pub answers: Answers,
    /// The advice they give.
    pub advice: Advice,
    /// Whether the report includes the token (never keys or secrets).
    pub include_token: bool,
    /// The row a reason pointed at.
    pub highlight: Option<Factor>,
    /// Counts highlight requests: the view scrolls to the row when it changes.
    pub focus_serial: u64,
    /// The comparison, or why it could not be made.
    pub comparison: Option<Result<Comparison, String>>,
    /// The inputs the comparison was computed from ([`inputs_fingerprint`]).
    computed_for: Option<u64>,
    /// The run a background job computes, while one does.
    pending: Option<u64>,
    /// Numbers the runs.
    runs: u64,
}

impl Default for CompareLab {
    fn default() -> Self {
        let answers = Answers::default();
        Self {
            answers,
            advice: advise::advise(&answers),
            include_token: false,
            highlight: None,
            focus_serial: 0,
            comparison: None,
            computed_for: None,
            pending: None,
            runs: 0,
        }
    }
}

/// A fingerprint of everything the comparison reads. Cheap enough for every frame: the token
/// is hashed by [`flows::loaded_fingerprint`] (whole up to 64 KiB, else its ends).
#[must_use]
pub fn inputs_fingerprint(cx: &CompareContext<'_>) -> u64 {
    inputs_fingerprint_with(flows::loaded_fingerprint(cx.token, cx.keys), cx)
}

/// [`inputs_fingerprint`] given the loaded token's and keys' fingerprint already computed this
/// frame ([`flows::loaded_fingerprint`]), so a large JWKS is not hashed twice.
#[must_use]
pub fn inputs_fingerprint_with(loaded: u64, cx: &CompareContext<'_>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    loaded.hash(&mut h);
    let f = cx.flows.params;
    (f.servers, f.users, f.requests, f.services, f.store_latency_ms.to_bits()).hash(&mut h);
    cx.flows.measured.map(|m| (m.verify, m.lookup)).hash(&mut h);
    if let Some(c) = &cx.flows.credential {
        // The signature differs between any two credentials.
        (c.len(), &c.token[c.token.len().saturating_sub(64)..]).hash(&mut h);
    }
    let s = cx.revocation.scenario();
    let scale = s.scale.unwrap_or_default();
    (s.access_ttl, s.leeway, s.token_ttl, s.login_at).hash(&mut h);
    (scale.users, scale.active_users, scale.requests_per_second.to_bits(), scale.revocations_per_day.to_bits())
        .hash(&mut h);
    // The audit judges time claims at the clock's now: its findings change only at exp (and
    // when iat stops being in the future).
    if let Some(c) = cx.token.and_then(Token::claims) {
        let at = |name: &str| token::numeric_date(c, name).ok().flatten();
        let future_iat = crate::core::engine::audit::FUTURE_IAT_TOLERANCE;
        (at("exp").map(|e| e <= cx.now), at("iat").map(|i| i > cx.now + future_iat)).hash(&mut h);
    }
    h.finish()
}

impl CompareLab {
    /// True while a comparison is computed in the background.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Whether the comparison was computed from the inputs of this fingerprint
    /// ([`inputs_fingerprint`]).
    #[must_use]
    pub fn is_current(&self, fingerprint: u64) -> bool {
        self.computed_for == Some(fingerprint)
    }

    /// Applies one command; what the driver must do, in order.
    pub fn handle(&mut self, command: CompareCommand, cx: CompareContext<'_>) -> Vec<CompareEffect> {
        match command {
            CompareCommand::Refresh => return self.refresh(cx).into_iter().collect(),
            CompareCommand::SetAnswers(a) => {
                self.answers = a;
                self.advice = advise::advise(&a);
            }
            CompareCommand::Highlight(f) => {
                self.highlight = Some(f);
                self.focus_serial += 1;
            }
            CompareCommand::IncludeToken(on) => self.include_token = on,
            CompareCommand::CopyReport => return self.report(cx, CompareEffect::Copy),
            CompareCommand::SaveReport => {
                return self.report(cx, |text| CompareEffect::Save { suggested_name: REPORT_FILE, text });
            }
            CompareCommand::Computed { run, result } => {
                // A newer request replaced this one: its result is dropped.
                if self.pending == Some(run)
                    && let Some(result) = result.take()
                {
                    self.comparison = Some(result);
                    self.pending = None;
                }
            }
            CompareCommand::JobDied(what) => {
                if what == JOB_WHAT && self.pending.take().is_some() {
                    self.comparison = Some(Err("the comparison stopped unexpectedly".into()));
                }
            }
        }
        Vec::new()
    }

    /// Computes the comparison from what is loaded: in place for small flow runs, else as a
    /// job (the one effect then).
    fn refresh(&mut self, cx: CompareContext<'_>) -> Option<CompareEffect> {
        self.computed_for = Some(inputs_fingerprint(&cx));
        // A newer request replaces one still running.
        self.pending = None;
        let flows = cx.flows;
        let Some(credential) = &flows.credential else {
            let why = flows.message.clone().unwrap_or_else(|| "the Flows lab has no JWT to compare".into());
            self.comparison = Some(Err(why));
            return None;
        };
        let flow = flows.params;
        if u64::from(flow.users) + flow.requests <= INLINE_EVENTS {
            self.comparison = Some(compare(&Inputs {
                token: cx.token,
                keys: cx.keys,
                now: cx.now,
                credential,
                measured: flows.measured.as_ref(),
                flow,
                revocation: cx.revocation.scenario(),
            }));
            return None;
        }
        let (token, keys, credential) = (cx.token.cloned(), cx.keys.to_vec(), credential.clone());
        let (measured, scenario, now) = (flows.measured, cx.revocation.scenario().clone(), cx.now);
        self.runs += 1;
        let run = self.runs;
        self.pending = Some(run);
        Some(CompareEffect::Spawn(Job::new(JOB_WHAT, move || {
            let result = compare(&Inputs {
                token: token.as_ref(),
                keys: &keys,
                now,
                credential: &credential,
                measured: measured.as_ref(),
                flow,
                revocation: &scenario,
            });
            CompareCommand::Computed { run, result: Delivered::new(result) }
        })))
    }

    /// The Markdown report on current figures, handed to `deliver`; the comparison is made
    /// first when it is not current (a job started for it comes first in the effects).
    fn report(&mut self, cx: CompareContext<'_>, deliver: impl FnOnce(String) -> CompareEffect) -> Vec<CompareEffect> {
        let mut effects = Vec::new();
        if !self.is_current(inputs_fingerprint(&cx)) {
            effects.extend(self.refresh(cx));
        }
        effects.push(match self.report_text(cx) {
            Ok(text) => deliver(text),
            Err(e) => CompareEffect::Error(e),
        });
        effects
    }

    fn report_text(&self, cx: CompareContext<'_>) -> Result<String, String> {
        if self.busy() {
            return Err(
                "the comparison is still being computed for the Flows lab's settings: try again in a moment".into()
            );
        }
        let comparison = match &self.comparison {
            Some(Ok(c)) => c,
            Some(Err(e)) => return Err(format!("no report: {e}")),
            None => return Err("no report: nothing compared yet".into()),
        };
        let credential = cx.flows.credential.as_ref().map(|c| c.token.as_str());
        let shown = cx.token.map(|t| t.text.as_str()).or(credential);
        Ok(report::markdown(&Report {
            comparison,
            answers: &self.answers,
            advice: &self.advice,
            keys: cx.keys,
            now: cx.now,
            token: if self.include_token { shown } else { None },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::labs::flows::FlowCommand;

    const AT: f64 = 1_800_000_000.0;

    fn cx<'a>(flows: &'a FlowsLab, revocation: &'a RevocationLab) -> CompareContext<'a> {
        CompareContext { token: None, keys: &[], now: AT, flows, revocation }
    }

    fn labs() -> (FlowsLab, RevocationLab) {
        let mut flows = FlowsLab::default();
        flows.handle(FlowCommand::UseLoaded, None, &[], AT);
        (flows, RevocationLab::starting_at(AT))
    }

    #[test]
    fn small_runs_are_compared_in_place_and_once() {
        let (flows, revocation) = labs();
        let mut lab = CompareLab::default();
        assert!(!lab.is_current(inputs_fingerprint(&cx(&flows, &revocation))));
        assert!(lab.handle(CompareCommand::Refresh, cx(&flows, &revocation)).is_empty());
        assert!(lab.is_current(inputs_fingerprint(&cx(&flows, &revocation))));
        let c = lab.comparison.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(c.rows.len(), 9);
        assert_eq!((c.flow.servers, c.flow.users, c.flow.requests), (4, 12, 240));
        assert!(!lab.busy());
    }

    #[test]
    fn large_runs_are_a_job_and_an_older_result_is_dropped() {
        let (mut flows, revocation) = labs();
        flows.handle(FlowCommand::Requests(60_000), None, &[], AT);
        let mut lab = CompareLab::default();
        let first = lab.handle(CompareCommand::Refresh, cx(&flows, &revocation));
        let [CompareEffect::Spawn(first)] = <[_; 1]>::try_from(first).unwrap() else { panic!("a job") };
        assert!(lab.busy());
        // A second request replaces the first: the first's result no longer lands.
        let second = lab.handle(CompareCommand::Refresh, cx(&flows, &revocation));
        let [CompareEffect::Spawn(second)] = <[_; 1]>::try_from(second).unwrap() else { panic!("a job") };
        assert!(lab.handle(first.run(), cx(&flows, &revocation)).is_empty());
        assert!(lab.busy() && lab.comparison.is_none());
        lab.handle(second.run(), cx(&flows, &revocation));
        assert!(!lab.busy());
        assert_eq!(lab.comparison.as_ref().unwrap().as_ref().unwrap().flow.requests, 60_000);
    }

    #[test]
    fn a_report_waits_for_a_running_job_and_a_dead_job_is_said() {
        let (mut flows, revocation) = labs();
        flows.handle(FlowCommand::Requests(60_000), None, &[], AT);
        let mut lab = CompareLab::default();
        let effects = lab.handle(CompareCommand::CopyReport, cx(&flows, &revocation));
        assert!(matches!(effects[0], CompareEffect::Spawn(_)), "{effects:?}");
        let CompareEffect::Error(e) = &effects[1] else { panic!("{effects:?}") };
        assert!(e.contains("still being computed"), "{e}");
        lab.handle(CompareCommand::JobDied("fetching a JWKS".into()), cx(&flows, &revocation));
        assert!(lab.busy(), "another job's death is not this lab's");
        lab.handle(CompareCommand::JobDied(JOB_WHAT.into()), cx(&flows, &revocation));
        assert!(!lab.busy());
        assert_eq!(lab.comparison, Some(Err("the comparison stopped unexpectedly".into())));
    }

    #[test]
    fn the_report_is_markdown_without_the_token_unless_asked() {
        let (flows, revocation) = labs();
        let mut lab = CompareLab::default();
        let typical = flows.credential.as_ref().unwrap().token.clone();
        for include in [false, true] {
            lab.handle(CompareCommand::IncludeToken(include), cx(&flows, &revocation));
            let effects = lab.handle(CompareCommand::SaveReport, cx(&flows, &revocation));
            let [CompareEffect::Save { suggested_name, text }] = <[_; 1]>::try_from(effects).unwrap() else {
                panic!("a save")
            };
            assert_eq!(suggested_name, "sessions-vs-jwt.md");
            assert!(text.starts_with("# Sessions or JWTs"), "{text}");
            assert_eq!(text.matches("\n| **").count(), 9, "one row per factor");
            assert_eq!(text.contains(&typical), include);
        }
    }

    #[test]
    fn answers_give_advice_and_a_highlight_counts() {
        let (flows, revocation) = labs();
        let mut lab = CompareLab::default();
        assert_eq!(lab.advice.recommendation, advise::Recommendation::Sessions);
        let answers = Answers { app: Some(advise::AppKind::Microservices), ..Answers::default() };
        lab.handle(CompareCommand::SetAnswers(answers), cx(&flows, &revocation));
        assert_eq!(lab.advice.recommendation, advise::Recommendation::Jwt);
        lab.handle(CompareCommand::Highlight(Factor::Mobile), cx(&flows, &revocation));
        lab.handle(CompareCommand::Highlight(Factor::Mobile), cx(&flows, &revocation));
        assert_eq!((lab.highlight, lab.focus_serial), (Some(Factor::Mobile), 2));
    }
}
