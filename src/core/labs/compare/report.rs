//! The comparison as a report: Markdown for people (the Compare tab's export, `tokenbench
//! compare --markdown`) and JSON for scripts (`--json`), both from the same [`Report`].
//!
//! What a report may hold: the figures, the advice, and what the figures were computed from.
//! The token is written only when the user asks for it. Keys never are: an asymmetric key
//! appears as its kind and its RFC 7638 thumbprint (computed over public members only), an HMAC
//! secret as its size alone (its thumbprint is a hash of the secret, which a weak secret would
//! not survive). Audit findings appear by id and severity, never by their message (a weak-secret
//! finding's message quotes the secret).

use crate::core::text::thousands;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Comparison, Row};
use crate::core::engine::clock::format_utc;
use crate::core::engine::keys::{Key, KeyMaterial};
use crate::core::labs::compare::advise::{Advice, Answers, AppKind, Favours, Question};

/// Everything a report is made of.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The figures.
    pub comparison: &'a Comparison,
    /// The advisor's answers.
    pub answers: &'a Answers,
    /// The advice they give.
    pub advice: &'a Advice,
    /// The loaded keys (summarised, never written).
    pub keys: &'a [Key],
    /// The instant the figures were judged at (the workbench's clock).
    pub now: f64,
    /// The token's text, only when the user asked for it in the report.
    pub token: Option<&'a str>,
}

/// How a key appears in a report: its name, kind and public thumbprint; a secret by its size.
#[must_use]
pub fn key_summary(k: &Key) -> String {
    let label = k.label();
    match &k.material {
        KeyMaterial::Oct { .. } => format!("{label}: {}; the secret is not written", k.material.describe()),
        m => {
            let part = if k.private.is_some() { "private key (its private part is not written)" } else { "public key" };
            format!("{label}: {} {part}, RFC 7638 thumbprint {}", m.describe(), k.thumbprint)
        }
    }
}

fn answers_text(a: Answers) -> Vec<String> {
    let mut out = vec![format!("Kind of application: {}", a.app.map_or("not said", AppKind::label))];
    out.extend(Question::ALL.into_iter().filter(|q| a.get(*q)).map(|q| format!("{}: yes", q.label())));
    out
}

fn side(f: Favours) -> &'static str {
    match f {
        Favours::Sessions => "sessions",
        Favours::Jwt => "jwt",
    }
}

/// Text for one Markdown table cell: no line breaks, pipes escaped.
fn table_cell(s: &str) -> String {
    s.replace(['\r', '\n'], " ").replace('|', "\\|")
}

/// Text for a Markdown line (key labels and token sources are the user's): one line.
fn line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// The inputs section: what the figures were computed from (never a key's material).
/// A duration in the shared human words, as the rows say them.
fn words(s: i64) -> String {
    crate::core::text::lifetime_words(s as f64)
}

fn inputs(md: &mut String, report: &Report<'_>) {
    let c = report.comparison;
    let _ = writeln!(md, "## Inputs\n");
    let token = &c.token;
    let _ = writeln!(
        md,
        "- Token: {}; {}, {} B, {}",
        line(&token.source),
        line(&token.alg),
        thousands(token.bytes as u64),
        token.lifetime_text()
    );
    if report.keys.is_empty() {
        let _ = writeln!(md, "- Keys: none loaded");
    } else {
        let _ = writeln!(md, "- Keys:");
        for key in report.keys {
            let _ = writeln!(md, "  - {}", line(&key_summary(key)));
        }
    }
    let flow = &c.flow;
    let _ = writeln!(
        md,
        "- Flows lab: {} servers, {} users, {} requests, fan-out {} (microservices row: {}), store round trip {} ms",
        thousands(u64::from(flow.servers)),
        thousands(u64::from(flow.users)),
        thousands(flow.requests),
        thousands(u64::from(flow.services)),
        thousands(u64::from(flow.fan_out())),
        flow.store_latency_ms
    );
    let scale = &c.scale;
    let _ = writeln!(
        md,
        "- Revocation lab: {} users, {} signed in, {} requests/s, {} revocations/day; access-ttl {}, leeway {}\n",
        thousands(scale.users),
        thousands(scale.active_users),
        thousands(super::whole(scale.requests_per_second)),
        thousands(super::whole(scale.revocations_per_day)),
        words(c.access_ttl),
        words(c.leeway)
    );
    if let Some(text) = report.token {
        let _ = writeln!(md, "The token (included at your request):\n\n```\n{}\n```\n", line(text));
    }
}

/// The advice section: the answers, the recommendation, its reasons and configuration.
fn advice_section(md: &mut String, report: &Report<'_>) {
    let advice = report.advice;
    let _ = writeln!(md, "## Advice\n\nAnswers:\n");
    for answer in answers_text(*report.answers) {
        let _ = writeln!(md, "- {answer}");
    }
    let _ = writeln!(md, "\n**Recommendation: {}**\n", advice.recommendation.id());
    if advice.reasons.is_empty() {
        let _ = writeln!(md, "No answer speaks for JWTs, so sessions: the simpler default.\n");
    } else {
        let _ = writeln!(md, "Reasons (each with the factor row that shows it):\n");
        for reason in &advice.reasons {
            let _ = writeln!(md, "- [{}] {}: {}", side(reason.favours), reason.factor.title(), reason.text);
        }
        md.push('\n');
    }
    let _ = writeln!(md, "Configuration:\n");
    for item in &advice.configuration {
        let _ = writeln!(md, "- {item}");
    }
}

/// The report as Markdown.
#[must_use]
pub fn markdown(report: &Report<'_>) -> String {
    let c = report.comparison;
    let mut md = String::new();
    let _ = writeln!(md, "# Sessions or JWTs: compared on your own numbers\n");
    let _ = writeln!(
        md,
        "Token Workbench {}, judged at {} (the workbench's clock). Every figure below comes from the labs' models \
         run on these inputs, or from a measurement taken on this machine.\n",
        env!("CARGO_PKG_VERSION"),
        format_utc(report.now)
    );
    inputs(&mut md, report);
    let _ = writeln!(md, "## The nine factors\n");
    let _ = writeln!(md, "| Factor | Sessions | JWT |\n|---|---|---|");
    for row in &c.rows {
        let _ = writeln!(
            md,
            "| **{}** | {} | {} |",
            row.factor.title(),
            table_cell(&row.sessions.text),
            table_cell(&row.jwt.text)
        );
    }
    let _ = writeln!(md, "\nWhere each figure comes from:\n");
    for row in &c.rows {
        let _ = writeln!(
            md,
            "- **{}**: {}. Sessions: {}. JWT: {}.",
            row.factor.title(),
            row.caption,
            line(&row.sessions.source),
            line(&row.jwt.source)
        );
    }

    let _ = writeln!(md, "\n## Three misconceptions, tested\n");
    for myth in &c.myths {
        let _ = writeln!(md, "### \"{}\"\n", myth.claim);
        if let Some(context) = &myth.context {
            let _ = writeln!(md, "- Defaults: {}", line(context));
        }
        let _ = writeln!(md, "- Experiment: {}\n- Result: {}\n", myth.experiment, line(&myth.result));
    }

    advice_section(&mut md, report);
    md
}

fn row_json(row: &Row) -> Value {
    json!({
        "factor": row.factor.id(),
        "title": row.factor.title(),
        "caption": row.caption,
        "sessions": row.sessions,
        "jwt": row.jwt,
    })
}

/// The report as one JSON object: `{"token", "keys", "flow", "scale", "access_ttl", "leeway",
/// "rows", "myths", "answers", "advice"}`; `token.text` only when asked for.
#[must_use]
pub fn json(r: &Report<'_>) -> Value {
    let c = r.comparison;
    let mut token = serde_json::to_value(&c.token).unwrap_or_default();
    if let (Some(text), Value::Object(m)) = (r.token, &mut token) {
        m.insert("text".into(), text.into());
    }
    json!({
        "token": token,
        "keys": r.keys.iter().map(key_summary).collect::<Vec<_>>(),
        "flow": c.flow,
        "scale": c.scale,
        "access_ttl": c.access_ttl,
        "leeway": c.leeway,
        "rows": c.rows.iter().map(row_json).collect::<Vec<_>>(),
        "myths": c.myths,
        "answers": r.answers,
        "advice": r.advice,
    })
}
