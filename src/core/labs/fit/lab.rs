//! The "Which fits" lab's state and its one transition, [`FitLab::handle`]: the page on show,
//! the payload slider, the SSO step, and the figures, made once when first needed (signing
//! hundreds of tokens is not a per-frame job).

use super::defaults::{self, DefaultsReport};
use super::hybrids::{self, HybridsReport};
use super::payload::{self, PayloadReport, Sweep};
use super::sso::{self, SsoReport};
use super::start::{self, StartFigures};

/// The lab's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FitPage {
    /// Bytes per request as the claims grow.
    #[default]
    Payload,
    /// The two hybrids side by side.
    Hybrids,
    /// Cross-domain single sign-on.
    Sso,
    /// The frameworks' defaults and the typical server-rendered app.
    Defaults,
}

impl FitPage {
    /// Every page, in order.
    pub const ALL: [FitPage; 4] = [FitPage::Payload, FitPage::Hybrids, FitPage::Sso, FitPage::Defaults];

    /// The page's button.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            FitPage::Payload => "Payload size",
            FitPage::Hybrids => "Hybrids",
            FitPage::Sso => "Cross-domain SSO",
            FitPage::Defaults => "Framework defaults",
        }
    }

    /// The page's one-line caption.
    #[must_use]
    pub fn caption(self) -> &'static str {
        match self {
            FitPage::Payload => {
                "JWT payloads should stay small: every claim rides on every request, while a session sends 34 B whatever it stores"
            }
            FitPage::Hybrids => {
                "Two hybrids: short JWTs renewed with a tracked refresh token, or JWTs for the API and sessions for the admin panel"
            }
            FitPage::Sso => {
                "Why OpenID Connect uses JWTs: cookies stay on their domain, a signed ID token crosses to any site holding the JWKS"
            }
            FitPage::Defaults => {
                "\"JWT is always the modern choice\"? Rails, Django and Laravel default to sessions; a logout shows why"
            }
        }
    }

    /// The `tokenbench simulate` subcommand printing the page's figures.
    #[must_use]
    pub fn command(self) -> &'static str {
        match self {
            FitPage::Payload => "payload",
            FitPage::Hybrids => "hybrids",
            FitPage::Sso => "sso",
            FitPage::Defaults => "defaults",
        }
    }
}

/// Changes to the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitCommand {
    /// Show a page.
    Page(FitPage),
    /// Claims added to the payload page's token (clamped to [`payload::MAX_ADDED`]).
    SetAdded(usize),
    /// The next SSO step.
    SsoNext,
    /// The previous SSO step.
    SsoBack,
    /// The next step of the admin-panel hybrid.
    AdminNext,
    /// The previous step of the admin-panel hybrid.
    AdminBack,
    /// Make the figures the start screen and the page on show need, when not made yet.
    Prepare {
        /// The start screen's too.
        start: bool,
    },
}

/// The lab. Figures are `Err` with the reason when the bundled key could not sign.
#[derive(Debug, Clone, Default)]
pub struct FitLab {
    /// The page on show.
    pub page: FitPage,
    /// Claims added on the payload page.
    pub added: usize,
    /// The SSO step on show (0-based).
    pub sso_step: usize,
    /// The admin-panel hybrid's step on show (0-based).
    pub admin_step: usize,
    /// The start screen's figures.
    pub start: Option<Result<StartFigures, String>>,
    /// The payload sweep (made once).
    sweep: Option<Result<Sweep, String>>,
    /// The payload page's figures for `added`.
    pub payload: Option<Result<PayloadReport, String>>,
    /// The hybrids page's figures.
    pub hybrids: Option<Result<HybridsReport, String>>,
    /// The SSO flow.
    pub sso: Option<Result<SsoReport, String>>,
    /// The defaults page's figures.
    pub defaults: Option<DefaultsReport>,
}

impl FitLab {
    /// Applies one command.
    pub fn handle(&mut self, command: FitCommand) {
        match command {
            FitCommand::Page(p) => {
                self.page = p;
                self.prepare_page();
            }
            FitCommand::SetAdded(n) => {
                self.added = n.min(payload::MAX_ADDED);
                self.payload = None;
                self.prepare_page();
            }
            FitCommand::SsoNext => {
                let last =
                    self.sso.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, |r| r.steps.len().saturating_sub(1));
                self.sso_step = (self.sso_step + 1).min(last);
            }
            FitCommand::SsoBack => self.sso_step = self.sso_step.saturating_sub(1),
            FitCommand::AdminNext => {
                let last = self
                    .hybrids
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map_or(0, |r| r.admin_panel.len().saturating_sub(1));
                self.admin_step = (self.admin_step + 1).min(last);
            }
            FitCommand::AdminBack => self.admin_step = self.admin_step.saturating_sub(1),
            FitCommand::Prepare { start } => {
                if start && self.start.is_none() {
                    self.start = Some(start::figures().map_err(|e| e.to_string()));
                }
                self.prepare_page();
            }
        }
    }

    /// Whether what the start screen (`start`) or the page on show needs is made.
    #[must_use]
    pub fn prepared(&self, start: bool) -> bool {
        let page = match self.page {
            FitPage::Payload => self.payload.is_some(),
            FitPage::Hybrids => self.hybrids.is_some(),
            FitPage::Sso => self.sso.is_some(),
            FitPage::Defaults => self.defaults.is_some(),
        };
        if start { self.start.is_some() } else { page }
    }

    fn prepare_page(&mut self) {
        match self.page {
            FitPage::Payload if self.payload.is_none() => {
                let sweep = self.sweep.get_or_insert_with(|| payload::sweep().map_err(|e| e.to_string()));
                self.payload = Some(match sweep {
                    Ok(s) => payload::report_with(s, self.added).map_err(|e| e.to_string()),
                    Err(e) => Err(e.clone()),
                });
            }
            FitPage::Hybrids if self.hybrids.is_none() => {
                self.hybrids = Some(hybrids::report().map_err(|e| e.to_string()));
            }
            FitPage::Sso if self.sso.is_none() => self.sso = Some(sso::report().map_err(|e| e.to_string())),
            FitPage::Defaults if self.defaults.is_none() => self.defaults = Some(defaults::report()),
            _ => {}
        }
    }
}
