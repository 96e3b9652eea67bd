//! `tokenbench advise`: the sessions-vs-JWT decision rule over a team's answers.

use std::fmt::Write as _;

use clap::Args;

use super::{out, out_json};
use crate::core::labs::compare::advise::{self, Advice, Answers, AppKind, Favours};

/// The advisor's questions as flags: `tokenbench advise` and `tokenbench compare` share them.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one flag per yes/no question, as the advisor asks them
pub struct AnswerArgs {
    /// The kind of application.
    #[arg(long, value_enum)]
    pub app: Option<AppKind>,
    /// Revoking a user must take effect at once.
    #[arg(long)]
    pub instant_revocation: bool,
    /// A single server or a small cluster.
    #[arg(long)]
    pub small_cluster: bool,
    /// Single sign-on across domains.
    #[arg(long)]
    pub cross_domain: bool,
    /// OAuth 2.0 or OpenID Connect is part of the system.
    #[arg(long)]
    pub oauth: bool,
    /// Services call each other on a user's behalf.
    #[arg(long)]
    pub service_to_service: bool,
    /// The team is new to cryptographic protocols.
    #[arg(long)]
    pub inexperienced_team: bool,
    /// Per-user session data is large.
    #[arg(long)]
    pub large_session_data: bool,
}

impl AnswerArgs {
    /// The answers these flags give.
    #[must_use]
    pub fn answers(&self) -> Answers {
        Answers {
            app: self.app,
            instant_revocation: self.instant_revocation,
            small_cluster: self.small_cluster,
            cross_domain: self.cross_domain,
            oauth: self.oauth,
            service_to_service: self.service_to_service,
            inexperienced_team: self.inexperienced_team,
            large_session_data: self.large_session_data,
        }
    }
}

/// Arguments of `tokenbench advise`: one flag per advisor question.
#[derive(Debug, Args)]
pub struct AdviseArgs {
    /// The answers.
    #[command(flatten)]
    pub answers: AnswerArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

impl AdviseArgs {
    /// The answers these flags give.
    #[must_use]
    pub fn answers(&self) -> Answers {
        self.answers.answers()
    }
}

pub(super) fn advise_cmd(args: &AdviseArgs) -> u8 {
    let advice = advise::advise(&args.answers());
    if args.json {
        out_json(&serde_json::to_value(&advice).unwrap_or_default());
    } else {
        out(&advice_text(&advice));
    }
    0
}

/// The human form of the advice.
#[must_use]
pub fn advice_text(advice: &Advice) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Recommendation: {}", advice.recommendation.id());
    if advice.reasons.is_empty() {
        s.push_str("\nNo answer speaks for JWTs, so sessions: the simpler default.\n");
    } else {
        s.push_str("\nReasons\n");
        for r in &advice.reasons {
            let side = match r.favours {
                Favours::Sessions => "sessions",
                Favours::Jwt => "jwt",
            };
            let _ = writeln!(s, "  [{side:<8}] {}: {}", r.factor.title(), r.text);
        }
    }
    s.push_str("\nConfiguration\n");
    for c in &advice.configuration {
        let _ = writeln!(s, "  - {c}");
    }
    s
}
