//! The attack surface each side has, counted: the session risks (fixation, hijacking) against
//! the JWT pitfalls (the `none` algorithm, algorithm confusion, a weak HMAC secret, leakage, no
//! revocation), each said to apply or not to this token and this verifier, with why, and linked
//! to the Security lab's demonstration of it ([`SecurityDemo`]).
//!
//! Deterministic and egui-free: Compare's Complexity row and `tokenbench compare` read the same
//! [`attack_surface`].

use serde::Serialize;

use crate::core::engine::audit::{Finding, Severity, human_duration};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::forge::Attack;
use crate::core::engine::token::{self, Token};
use crate::core::labs::security::lab::{Section, SecurityCommand};
use crate::core::labs::security::session_risk::ScenarioKind;
use crate::core::labs::security::token_times;

/// A demonstration in the Security lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecurityDemo {
    /// Session risks: session fixation.
    Fixation,
    /// Session risks: a stolen session cookie.
    Hijacking,
    /// Forge attacks: `alg: none`.
    NoneAlg,
    /// Forge attacks: algorithm confusion.
    AlgConfusion,
    /// Crack the secret.
    WeakSecret,
    /// Leaks via logs and URLs.
    Leakage,
    /// Session risks: a stolen JWT, which a logout does not end.
    NoRevocation,
}

impl SecurityDemo {
    /// The Security lab commands that put the lab on this demonstration.
    #[must_use]
    pub fn commands(self) -> Vec<SecurityCommand> {
        let scenario = |k| vec![SecurityCommand::Show(Section::Sessions), SecurityCommand::ShowScenario(k)];
        match self {
            Self::Fixation => scenario(ScenarioKind::Fixation),
            Self::Hijacking => scenario(ScenarioKind::CookieTheft),
            Self::NoRevocation => scenario(ScenarioKind::JwtTheft),
            Self::NoneAlg => vec![SecurityCommand::Show(Section::Forge), SecurityCommand::OpenAttack(Attack::None)],
            Self::AlgConfusion => {
                vec![SecurityCommand::Show(Section::Forge), SecurityCommand::OpenAttack(Attack::Confusion)]
            }
            Self::WeakSecret => vec![SecurityCommand::Show(Section::Crack)],
            Self::Leakage => vec![SecurityCommand::Show(Section::Leakage)],
        }
    }

    /// True for the demonstrations that work on the token in the decoder (forge, crack); the
    /// session scenarios and the leaks issue their own sample at the lab clock when no token is
    /// loaded, so a typical token loaded for them would only go stale.
    #[must_use]
    pub fn works_on_the_token(self) -> bool {
        matches!(self, Self::NoneAlg | Self::AlgConfusion | Self::WeakSecret)
    }

    /// Where the demonstration is, as a link says it.
    #[must_use]
    pub fn place(self) -> &'static str {
        match self {
            Self::Fixation => "Session risks: Session fixation",
            Self::Hijacking => "Session risks: Stolen session cookie",
            Self::NoRevocation => "Session risks: Stolen JWT",
            Self::NoneAlg => "Forge attacks: alg: none",
            Self::AlgConfusion => "Forge attacks: Algorithm confusion",
            Self::WeakSecret => "Crack the secret",
            Self::Leakage => "Leaks via logs and URLs",
        }
    }
}

/// One risk or pitfall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurfaceItem {
    /// A stable id.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Whether it applies to this token (or session) and this verifier.
    pub applies: bool,
    /// Why, on this token's figures.
    pub reason: String,
    /// Its demonstration in the Security lab.
    pub demo: SecurityDemo,
}

/// Both sides' items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Surface {
    /// The session risks.
    pub sessions: Vec<SurfaceItem>,
    /// The JWT pitfalls.
    pub jwt: Vec<SurfaceItem>,
}

impl Surface {
    /// How many of a side's items apply.
    #[must_use]
    pub fn applying(items: &[SurfaceItem]) -> usize {
        items.iter().filter(|i| i.applies).count()
    }

    /// The sessions' cell: "2 risks, both apply to every session: session fixation, hijacking".
    #[must_use]
    pub fn sessions_text(&self) -> String {
        let n = self.sessions.len();
        let applying = Self::applying(&self.sessions);
        format!("{n} risks, {applying} apply to every session: {}", names(&self.sessions))
    }

    /// The JWT's cell: "5 pitfalls, 3 apply to the typical token: algorithm confusion, …".
    #[must_use]
    pub fn jwt_text(&self, token_what: &str) -> String {
        let n = self.jwt.len();
        let applying = Self::applying(&self.jwt);
        format!("{n} pitfalls, {applying} apply to {token_what}: {}", names(&self.jwt))
    }
}

fn names(items: &[SurfaceItem]) -> String {
    let on: Vec<&str> = items.iter().filter(|i| i.applies).map(|i| i.name).collect();
    if on.is_empty() { "none".to_owned() } else { on.join(", ") }
}

/// The attack surface of `t` as judged at `now`, with its audit `findings` (the one judgment's
/// ids: `weak-secret`, `alg-confusion`, `alg-none`) and the well-set cookie's `cookie_findings`.
#[must_use]
pub fn attack_surface(t: &Token, findings: &[Finding], cookie_findings: &[Finding], now: UnixSeconds) -> Surface {
    let has = |id: &str| findings.iter().any(|f| f.id == id);
    let alg = t.alg().unwrap_or("");
    let upper = alg.to_ascii_uppercase();
    let hmac = upper.starts_with("HS");
    let jwe = t.kind == token::Kind::Jwe;
    // A JWE's alg (RSA-OAEP, dir, A128KW…) wraps a content key; no signature is verified with it.
    let asymmetric = !jwe && (["RS", "PS", "ES"].iter().any(|p| upper.starts_with(p)) || upper == "EDDSA");
    let item = |id, name, applies, reason: String, demo| SurfaceItem { id, name, applies, reason, demo };
    let cookie_note = if cookie_findings.is_empty() {
        "HttpOnly and Secure keep scripts and sniffers from this cookie, and a logout ends a copy at once"
    } else {
        "the cookie audit has findings: see them on the Security tab"
    };
    let sessions = vec![
        item(
            "session-fixation",
            "session fixation",
            true,
            "an id planted before login stays valid unless the server issues a new one at login".to_owned(),
            SecurityDemo::Fixation,
        ),
        item(
            "session-hijacking",
            "hijacking",
            true,
            format!("a copied cookie is the session until it ends; {cookie_note}"),
            SecurityDemo::Hijacking,
        ),
    ];
    let none = if upper == "NONE" || has("alg-none") {
        (true, "the token is unsigned (alg none): anyone can write one".to_owned())
    } else {
        (false, format!("alg {alg}, and this verifier refuses unsigned tokens"))
    };
    let confusion = if jwe {
        (
            false,
            format!(
                "an encrypted token (JWE): alg {alg} manages the content key, and algorithm confusion needs a \
                 signature to verify"
            ),
        )
    } else if has("alg-confusion") {
        (true, "the token looks forged with a public key as its HMAC secret".to_owned())
    } else if asymmetric {
        (
            true,
            format!(
                "alg {alg}: its public key is public, so a verifier that takes alg from the header accepts it as an \
                 HMAC secret (this one binds each key to one algorithm)"
            ),
        )
    } else {
        (false, format!("alg {alg}: there is no public key to misuse"))
    };
    // Only a high finding is a weakness found; an informational one says what was not tried.
    let weak_found = findings.iter().find(|f| f.id == "weak-secret" && f.severity != Severity::Info);
    let not_tried =
        findings.iter().any(|f| f.id == "weak-secret" && f.message.starts_with("the wordlist was not tried"));
    let weak = match weak_found {
        Some(f) if f.message.contains("in a public wordlist") => {
            (true, "its HMAC secret is in a public wordlist".to_owned())
        }
        Some(f) => (true, f.short().to_owned()),
        None if hmac && not_tried => (
            true,
            format!(
                "alg {alg}: one captured token lets anyone guess the secret offline (the wordlist was not tried \
                 here: the token is too large)"
            ),
        ),
        None if hmac => (true, format!("alg {alg}: one captured token lets anyone guess the secret offline")),
        None => (false, format!("alg {alg}: no shared secret to guess")),
    };
    let (leak, revocation) = lifetime_items(t, now);
    let jwt = vec![
        item("none-alg", "the none algorithm", none.0, none.1, SecurityDemo::NoneAlg),
        item("alg-confusion", "algorithm confusion", confusion.0, confusion.1, SecurityDemo::AlgConfusion),
        item("weak-secret", "a weak HMAC secret", weak.0, weak.1, SecurityDemo::WeakSecret),
        item("leakage", "leakage through logs and URLs", leak.0, leak.1, SecurityDemo::Leakage),
        item("no-revocation", "no revocation", revocation.0, revocation.1, SecurityDemo::NoRevocation),
    ];
    Surface { sessions, jwt }
}

/// The leakage and no-revocation items, from the token's time claims read by the engine's rules
/// ([`token_times::read`]): an unusable exp makes the token refused (never "no exp"), encrypted
/// claims leave exp unknown (not absent), a token not valid yet says until when.
fn lifetime_items(t: &Token, now: UnixSeconds) -> ((bool, String), (bool, String)) {
    let times = match token_times::read(t, now) {
        Err(why) => {
            let refused = format!("the token is refused: {why}");
            return ((false, format!("{refused}; a copy is refused too")), (false, refused));
        }
        Ok(None) => {
            let unknown = if t.kind == token::Kind::Jwe {
                "its claims are encrypted (JWE): its exp is unknown here, not absent"
            } else {
                "its claims cannot be read: its exp is unknown here"
            };
            return (
                (true, format!("{unknown}; a copy from a log works until that exp")),
                (true, format!("{unknown}; nothing on the server can end it before that exp")),
            );
        }
        Ok(Some(times)) => times,
    };
    if let Some((_, until)) = token_times::not_valid_until(&times, now) {
        return (
            (true, format!("{until}: a copy from a log works from then on")),
            (true, format!("{until}; from then, nothing on the server can end it")),
        );
    }
    let leak = match times.exp {
        Some(e) if e > now => (true, format!("a copy from a log or a URL works for {} more", human_duration(e - now))),
        Some(_) => (false, "it has expired: a copy is refused".to_owned()),
        None => (true, "no exp: a copy from a log works until the signing key is rotated".to_owned()),
    };
    let revocation = match (times.exp, times.iat) {
        (Some(e), _) if e <= now => (false, "it has expired: nothing left to revoke".to_owned()),
        (Some(e), Some(i)) => (
            true,
            format!(
                "nothing on the server can end it: a logout leaves it valid for its lifetime, {}",
                human_duration(e - i)
            ),
        ),
        (Some(e), None) => (
            true,
            format!("nothing on the server can end it: a logout leaves it valid for {} more", human_duration(e - now)),
        ),
        (None, _) => (true, "no exp and no server state: only rotating the signing key ends it".to_owned()),
    };
    (leak, revocation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys::{self, SecretEncoding};
    use crate::core::engine::sign::sign;
    use crate::core::engine::token::JsonObject;

    fn hs256(claims: &serde_json::Value, secret: &[u8]) -> Token {
        let key = keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
        token::parse(&sign(&JsonObject::new(), claims.as_object().unwrap(), "HS256", &key).unwrap()).unwrap()
    }

    fn applying(s: &Surface) -> Vec<&str> {
        s.jwt.iter().filter(|i| i.applies).map(|i| i.id).collect()
    }

    #[test]
    fn an_rs256_token_with_15_minutes_has_three_pitfalls_and_sessions_two_risks() {
        let t = token::parse(&crate::core::labs::flows::credential::typical_token(1_700_000_000).unwrap()).unwrap();
        let s = attack_surface(&t, &[], &[], 1_700_000_000.0);
        assert_eq!(applying(&s), ["alg-confusion", "leakage", "no-revocation"]);
        assert_eq!(s.sessions_text(), "2 risks, 2 apply to every session: session fixation, hijacking");
        assert_eq!(
            s.jwt_text("the typical token"),
            "5 pitfalls, 3 apply to the typical token: algorithm confusion, leakage through logs and URLs, no revocation"
        );
        assert_eq!(s.jwt[3].reason, "a copy from a log or a URL works for 15 min more");
        assert_eq!(
            s.jwt[4].reason,
            "nothing on the server can end it: a logout leaves it valid for its lifetime, 15 min"
        );
        assert_eq!(s.jwt[0].reason, "alg RS256, and this verifier refuses unsigned tokens");
    }

    #[test]
    fn an_hs256_token_without_exp_has_a_guessable_secret_and_never_ends() {
        let t = hs256(&serde_json::json!({"sub": "a"}), b"secret");
        let s = attack_surface(&t, &[], &[], 0.0);
        assert_eq!(applying(&s), ["weak-secret", "leakage", "no-revocation"]);
        assert_eq!(s.jwt[2].reason, "alg HS256: one captured token lets anyone guess the secret offline");
        let expired = hs256(&serde_json::json!({"exp": 10}), b"secret");
        let s = attack_surface(&expired, &[], &[], 20.0);
        assert_eq!(applying(&s), ["weak-secret"]);
        assert_eq!(s.jwt[3].reason, "it has expired: a copy is refused");
    }

    #[test]
    fn every_demo_opens_its_section() {
        for (demo, section) in [
            (SecurityDemo::Fixation, Section::Sessions),
            (SecurityDemo::Hijacking, Section::Sessions),
            (SecurityDemo::NoRevocation, Section::Sessions),
            (SecurityDemo::NoneAlg, Section::Forge),
            (SecurityDemo::AlgConfusion, Section::Forge),
            (SecurityDemo::WeakSecret, Section::Crack),
            (SecurityDemo::Leakage, Section::Leakage),
        ] {
            assert_eq!(demo.commands()[0], SecurityCommand::Show(section), "{demo:?}");
        }
        assert_eq!(SecurityDemo::Hijacking.commands()[1], SecurityCommand::ShowScenario(ScenarioKind::CookieTheft));
    }

    #[test]
    fn an_unusable_exp_is_refused_and_a_future_nbf_says_until_when() {
        let s = attack_surface(&hs256(&serde_json::json!({"exp": "soon"}), b"secret"), &[], &[], 0.0);
        assert_eq!(applying(&s), ["weak-secret"]);
        assert_eq!(
            s.jwt[4].reason,
            "the token is refused: \"exp\" must be a NumericDate (a JSON number of seconds since 1970), but the token \
             has a string: tokenbench verify calls it invalid"
        );
        let far = attack_surface(&hs256(&serde_json::json!({"exp": 1e300}), b"secret"), &[], &[], 0.0);
        assert!(far.jwt[3].reason.starts_with("the token is refused: \"exp\" is 1e300, more than"), "{:?}", far.jwt[3]);
        let later = attack_surface(&hs256(&serde_json::json!({"nbf": 100, "exp": 200}), b"secret"), &[], &[], 0.0);
        assert_eq!(
            later.jwt[3].reason,
            "not valid until 1970-01-01 00:01:40 UTC (its nbf or iat is in the future): a copy from a log works from \
             then on"
        );
    }

    #[test]
    fn a_wordlist_not_tried_is_said_never_claimed_as_a_hit() {
        let t = hs256(&serde_json::json!({"exp": 100}), b"secret");
        let not_tried = Finding {
            id: "weak-secret",
            severity: Severity::Info,
            message: "the wordlist was not tried here: the token is too large to test it instantly; use Crack the \
                      secret (tokenbench crack)"
                .to_owned(),
            reference: "RFC 8725 §3.5",
        };
        let s = attack_surface(&t, &[not_tried], &[], 0.0);
        assert_eq!(
            s.jwt[2].reason,
            "alg HS256: one captured token lets anyone guess the secret offline (the wordlist was not tried here: the \
             token is too large)"
        );
    }

    #[test]
    fn a_jwe_has_no_algorithm_confusion_and_an_unknown_exp() {
        use base64::Engine as _;
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#);
        let jwe = token::parse(&format!("{header}.AAAA.AAAA.AAAA.AAAA")).unwrap();
        let s = attack_surface(&jwe, &[], &[], 0.0);
        assert_eq!(applying(&s), ["leakage", "no-revocation"]);
        assert_eq!(
            s.jwt[1].reason,
            "an encrypted token (JWE): alg RSA-OAEP manages the content key, and algorithm confusion needs a signature \
             to verify"
        );
        assert_eq!(
            s.jwt[3].reason,
            "its claims are encrypted (JWE): its exp is unknown here, not absent; a copy from a log works until that exp"
        );
    }
}
