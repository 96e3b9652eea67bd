//! What "Show me" and "Run it" do on the Compare tab: for each factor row and each
//! misconception, the lab that demonstrates it and the steps that put it on the scenario, on
//! the comparison's own token and settings. A plan of [`DemoStep`]s, egui-free: the window turns
//! each step into its command and opens the lab; a test can follow the same plan on the labs.

use crate::core::labs::compare::Comparison;
use crate::core::labs::compare::Myth;
use crate::core::labs::compare::advise::Factor;
use crate::core::labs::flows::{FlowCommand, FlowScenario, SessionVariant};
use crate::core::labs::revocation::{EventKind, RevocationCommand};
use crate::core::labs::security::lab::{Section, SecurityCommand};
use crate::core::labs::security::surface::SecurityDemo;

/// The labs a demonstration opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lab {
    /// The revocation lab.
    Revocation,
    /// The request-flows lab.
    Flows,
    /// The Security lab.
    Security,
}

/// One step of a demonstration.
#[derive(Debug, Clone, PartialEq)]
pub enum DemoStep {
    /// A Flows lab command.
    Flow(FlowCommand),
    /// A revocation lab command.
    Revocation(RevocationCommand),
    /// A Security lab command.
    Security(SecurityCommand),
    /// Load this token (the typical one, when none is loaded and the audit needs one).
    LoadToken(String),
    /// Add this key (PEM) to the key list: the one that verifies the typical token.
    LoadKey(String),
    /// Show this lab.
    Open(Lab),
}

/// Commands that put the revocation lab on the token's lifetime with `event` right after issue
/// (the worst case every revocation figure of the tab counts, so the lab's jwt exposure is the
/// tab's): the decoded token's lifetime when the comparison is about it (0 s for one that is
/// never valid), else the typical token's as token-ttl; with a lifetime that cannot be told,
/// the lab's token-ttl, as the row says. A token no exp ends (none, or beyond the model's
/// range) is shown by the key rotation that ends it, the lab saying plainly why
/// ([`RevocationCommand::ShowEndlessToken`]): no lifetime is made up for it.
fn on_token_lifetime(c: &Comparison, event: EventKind) -> Vec<DemoStep> {
    let lab = DemoStep::Revocation;
    if c.token.never_expires() {
        return vec![lab(RevocationCommand::ShowEndlessToken)];
    }
    // The typical token starts from the lab's own sample, so nothing of a token cleared since
    // (its login, its "no exp" note) stays in the lab; it is issued at the clock's now, so the
    // login is then, and the lab's rows read at the clock's time.
    let mut out = if c.token.typical {
        vec![lab(RevocationCommand::LoadSample(0)), lab(RevocationCommand::StartNow)]
    } else {
        Vec::new()
    };
    out.push(lab(RevocationCommand::SetEvent(event)));
    match (c.token.typical, c.token.lifetime_seconds) {
        (false, Some(_)) => out.push(lab(RevocationCommand::UseDecodedToken)),
        (true, Some(ttl)) => out.push(lab(RevocationCommand::SetTokenTtl(ttl))),
        (_, None) => {}
    }
    out.push(lab(RevocationCommand::SetEventOffset(0)));
    out
}

/// What "Show me" does for a row: open the lab that demonstrates it, on the scenario preset.
/// `typical_token` is the JWT the comparison used when no token is loaded (the Security tab's
/// audit needs one in the decoder).
#[must_use]
pub fn show_me(factor: Factor, c: &Comparison, token_loaded: bool, typical_token: Option<&str>) -> Vec<DemoStep> {
    let flows = |s: FlowScenario| vec![DemoStep::Flow(FlowCommand::Scenario(s)), DemoStep::Open(Lab::Flows)];
    let focused = |mut commands: Vec<DemoStep>| {
        // Land at the top of the lab, where its controls and lanes are.
        commands.insert(commands.len() - 1, DemoStep::Flow(FlowCommand::Focus));
        commands
    };
    // The revocation lab on the token's lifetime, a logout right after issue (the Revocation
    // row's run; the State and Storage rows' at-scale figures depend on the lifetime only).
    let revocation = |focus: RevocationCommand| {
        let mut out = on_token_lifetime(c, EventKind::Logout);
        out.push(DemoStep::Revocation(focus));
        out.push(DemoStep::Open(Lab::Revocation));
        out
    };
    match factor {
        Factor::State | Factor::Storage => revocation(RevocationCommand::FocusAtScale),
        Factor::Revocation => revocation(RevocationCommand::FocusTop),
        // The row's runs on the row's settings, every one of them set (the scenario alone would
        // keep a fan-out or latency left by another scenario): server 0 dies halfway, and the
        // shared store (the sessions' and the JWT denylist's) goes down from the request the row
        // states, played to the end: the lanes show the row's failed requests and lookups.
        Factor::Scalability => {
            use crate::core::labs::flows::{FailoverVariant, Revocation};
            let f = c.flow;
            focused(vec![
                DemoStep::Flow(FlowCommand::Scenario(FlowScenario::Failover)),
                DemoStep::Flow(FlowCommand::Servers(f.servers)),
                DemoStep::Flow(FlowCommand::Users(f.users)),
                DemoStep::Flow(FlowCommand::Requests(f.requests)),
                DemoStep::Flow(FlowCommand::Services(f.services)),
                DemoStep::Flow(FlowCommand::StoreLatency(f.store_latency_ms)),
                DemoStep::Flow(FlowCommand::FailoverVariant(FailoverVariant::Shared)),
                DemoStep::Flow(FlowCommand::JwtRevocation(Revocation::Denylist)),
                DemoStep::Flow(FlowCommand::StoreDown(Some(f.requests / 2))),
                DemoStep::Flow(FlowCommand::RunToEnd),
                DemoStep::Open(Lab::Flows),
            ])
        }
        Factor::RequestOverhead => focused(flows(FlowScenario::Overhead)),
        Factor::CrossDomain => focused(flows(FlowScenario::CrossDomain)),
        Factor::Mobile => focused(flows(FlowScenario::Mobile)),
        Factor::Microservices => focused(vec![
            DemoStep::Flow(FlowCommand::Scenario(FlowScenario::Microservices)),
            DemoStep::Flow(FlowCommand::Services(c.flow.fan_out())),
            DemoStep::Open(Lab::Flows),
        ]),
        Factor::Complexity => {
            let mut out = Vec::new();
            if let (false, Some(t)) = (token_loaded, typical_token) {
                out.extend(typical_with_key(t));
            }
            out.extend([
                DemoStep::Security(SecurityCommand::Show(Section::Audit)),
                DemoStep::Security(SecurityCommand::SetCookieText(super::well_set_cookie())),
                DemoStep::Security(SecurityCommand::AuditCookie),
                DemoStep::Open(Lab::Security),
            ]);
            out
        }
    }
}

/// The typical token and the demo key's public half that verifies it: Decode verifies it (no
/// "no matching key"), and the confusion attack has the issuer's public key to misuse.
fn typical_with_key(token: &str) -> Vec<DemoStep> {
    let mut out = vec![DemoStep::LoadToken(token.to_owned())];
    if let Ok(pem) = crate::core::labs::flows::credential::demo_public_pem() {
        out.push(DemoStep::LoadKey(pem));
    }
    out
}

/// What a Complexity item's link does: open its demonstration in the Security lab
/// ([`SecurityDemo::commands`]), with the typical token loaded first when none is, for the
/// forge and crack demonstrations, which work on the token in the decoder
/// ([`SecurityDemo::works_on_the_token`]; the others issue a fresh sample at the lab clock).
#[must_use]
pub fn security_demo(demo: SecurityDemo, token_loaded: bool, typical_token: Option<&str>) -> Vec<DemoStep> {
    let mut out = Vec::new();
    if let (false, true, Some(t)) = (token_loaded, demo.works_on_the_token(), typical_token) {
        out.extend(typical_with_key(t));
    }
    out.extend(demo.commands().into_iter().map(DemoStep::Security));
    out.push(DemoStep::Open(Lab::Security));
    out
}

/// What "Run it" does for a misconception: the lab preset on its experiment.
#[must_use]
pub fn run_it(myth: Myth, c: &Comparison) -> Vec<DemoStep> {
    match myth {
        Myth::JwtMoreSecure => {
            let mut out = on_token_lifetime(c, EventKind::TokenStolen);
            if c.token.never_expires() {
                // The claim is that a stolen JWT keeps working: shown by a theft on the lab's
                // token-ttl (the lab's note says it is not the token's, and that only the key
                // rotation ends this one), never by the rotation, where every strategy reads 0 s.
                out.extend([
                    DemoStep::Revocation(RevocationCommand::SetEvent(EventKind::TokenStolen)),
                    DemoStep::Revocation(RevocationCommand::SetEventOffset(0)),
                ]);
            }
            out.push(DemoStep::Revocation(RevocationCommand::FocusTop));
            out.push(DemoStep::Open(Lab::Revocation));
            out
        }
        // The experiment: a shared store, server 0 killed halfway under load, played to the end.
        Myth::SessionsDontScale => {
            let mut out = vec![
                DemoStep::Flow(FlowCommand::Scenario(FlowScenario::Scalability)),
                DemoStep::Flow(FlowCommand::Variant(SessionVariant::Shared)),
            ];
            if c.flow.servers < 2 {
                out.push(DemoStep::Flow(FlowCommand::Servers(2)));
            }
            out.extend([
                DemoStep::Flow(FlowCommand::RunToRequest(c.flow.requests / 2)),
                DemoStep::Flow(FlowCommand::Kill(0)),
                DemoStep::Flow(FlowCommand::RunToEnd),
                DemoStep::Flow(FlowCommand::Focus),
                DemoStep::Open(Lab::Flows),
            ]);
            out
        }
        Myth::JwtAlwaysModern => vec![
            DemoStep::Flow(FlowCommand::Scenario(FlowScenario::Revocation)),
            DemoStep::Flow(FlowCommand::JwtRevocation(crate::core::labs::flows::Revocation::None)),
            DemoStep::Flow(FlowCommand::Focus),
            DemoStep::Open(Lab::Flows),
        ],
    }
}
