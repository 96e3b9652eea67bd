//! Cross-domain single sign-on with OpenID Connect: one login at an identity provider
//! (`id.example`) used by two sites on other domains (`shop.example`, `forum.example`). A
//! browser sends a cookie only to the domain that set it, so neither site can read the other's
//! (or the provider's) cookie; what crosses is an ID token the provider signs (RS256, the
//! bundled demo key) and each site verifies with the provider's published JWKS, checking `iss`
//! and that `aud` names itself.

use serde::Serialize;
use serde_json::json;

use crate::core::engine::error::{Error, Result};
use crate::core::engine::keys::{self, Key};
use crate::core::engine::sign::{self, ExportFormat};
use crate::core::engine::token::{self, JsonObject};
use crate::core::engine::verify::{self, Policy};
use crate::core::labs::flows::credential;
use crate::core::labs::flows::sequence::session_id;

/// The identity provider's issuer.
pub const ISSUER: &str = "https://id.example";
/// Where the provider publishes its keys.
pub const JWKS_URL: &str = "https://id.example/.well-known/jwks.json";
/// The first site.
pub const SHOP: &str = "https://shop.example";
/// The second site, on another domain.
pub const FORUM: &str = "https://forum.example";
/// The ID tokens' lifetime: 5 minutes (they only carry the login to the site).
pub const ID_TOKEN_TTL: i64 = 300;
/// Seconds after issue at which the sites verify.
pub const VERIFY_AFTER: i64 = 5;

/// A site's verification of an ID token with the published JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The site that verifies.
    pub site: &'static str,
    /// The token's `aud`.
    pub audience: &'static str,
    /// The verifier's one-line verdict ([`verify::Verification::summary`]).
    pub summary: String,
    /// Whether the site accepts it.
    pub valid: bool,
}

/// One step of the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsoStep {
    /// What happens.
    pub title: &'static str,
    /// Why it matters.
    pub note: String,
    /// What travels at this step: requests, redirects, headers.
    pub wire: Vec<String>,
    /// The cookies the browser holds after the step, each with the one domain it goes to.
    pub cookie_jar: Vec<String>,
    /// A token issued at this step: its audience and bytes.
    pub token: Option<(&'static str, usize)>,
    /// Verifications made at this step.
    pub checks: Vec<Check>,
}

/// The whole flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsoReport {
    /// The published JWKS's size in bytes and its keys' kids.
    pub jwks_bytes: usize,
    /// The kids in it.
    pub jwks_kids: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<SsoStep>,
}

/// The ID token the provider signs for `audience`.
fn id_token(audience: &str, key: &Key) -> Result<String> {
    let claims = json!({
        "iss": ISSUER, "sub": "248289761001", "aud": audience, "iat": super::FLOW_AT,
        "exp": super::FLOW_AT + ID_TOKEN_TTL, "auth_time": super::FLOW_AT, "nonce": "n-0S6_WzA2Mj",
        "email": "janedoe@example.com",
    });
    let header = json!({"typ": "JWT", "kid": credential::TYPICAL_KID});
    let (Some(claims), Some(header)) = (claims.as_object(), header.as_object()) else {
        return Err(Error::Sign("the ID token's JSON is not an object".into()));
    };
    sign::sign(&JsonObject::clone(header), claims, "RS256", key)
}

/// `site` verifies `token` with the keys of the published JWKS, expecting the issuer and
/// itself as the audience.
fn check(site: &'static str, audience: &'static str, token: &str, published: &[Key]) -> Result<Check> {
    let parsed = token::parse(token)?;
    let policy = Policy {
        issuer: Some(ISSUER.into()),
        audience: vec![site.into()],
        algorithms: vec!["RS256".into()],
        ..Policy::default()
    };
    let v = verify::verify(&parsed, published, &policy, (super::FLOW_AT + VERIFY_AFTER) as f64);
    Ok(Check { site, audience, summary: v.summary(), valid: v.valid })
}

/// Steps through the flow.
///
/// # Errors
/// When the bundled key fails to sign or its JWKS to load (they do not).
pub fn report() -> Result<SsoReport> {
    let key = credential::demo_key()?;
    let jwks = sign::export(&key, ExportFormat::Jwks, false)?;
    let published = keys::load(jwks.as_bytes(), JWKS_URL)?;
    let shop_token = id_token(SHOP, &key)?;
    let forum_token = id_token(FORUM, &key)?;
    let (idp_sid, shop_sid) = (session_id(101), session_id(102));
    let idp_cookie = format!("id.example: idp_sid={idp_sid}");
    let shop_cookie = format!("shop.example: sid={shop_sid}");
    let authorize = |client: &str, site: &str| {
        format!(
            "Location: {ISSUER}/authorize?client_id={client}&redirect_uri={site}/callback&response_type=code&scope=openid"
        )
    };
    let steps = vec![
        SsoStep {
            title: "1. Visit shop.example: not logged in",
            note: "The shop holds no login of its own: it sends the browser to the identity provider.".into(),
            wire: vec!["GET https://shop.example/ (no Cookie: the browser holds none)".into(), authorize("shop", SHOP)],
            cookie_jar: vec![],
            token: None,
            checks: vec![],
        },
        SsoStep {
            title: "2. Log in once, at id.example",
            note: "The password goes to the provider only. Its cookie is host-only: the browser will send it to id.example and nowhere else.".into(),
            wire: vec![
                "POST https://id.example/login (user name, password)".into(),
                format!("Set-Cookie: idp_sid={idp_sid}; HttpOnly; Secure; SameSite=Lax"),
            ],
            cookie_jar: vec![idp_cookie.clone()],
            token: None,
            checks: vec![],
        },
        SsoStep {
            title: "3. id.example signs an ID token for shop.example",
            note: format!(
                "The shop exchanges the code from the redirect for an RS256 ID token with aud {SHOP}: {} B, valid {ID_TOKEN_TTL} s.",
                shop_token.len()
            ),
            wire: vec![
                "GET https://shop.example/callback?code=... (redirected by id.example)".into(),
                "shop.example -> POST https://id.example/token: id_token=eyJ...".into(),
            ],
            cookie_jar: vec![idp_cookie.clone()],
            token: Some((SHOP, shop_token.len())),
            checks: vec![],
        },
        SsoStep {
            title: "4. shop.example verifies it with the published JWKS",
            note: format!(
                "The shop fetched {JWKS_URL} ({} B, public keys only): no shared store and no call per request. It then sets its own session cookie.",
                jwks.len()
            ),
            wire: vec![format!("GET {JWKS_URL}"), format!("Set-Cookie: sid={shop_sid} (from shop.example)")],
            cookie_jar: vec![idp_cookie.clone(), shop_cookie.clone()],
            token: None,
            checks: vec![check(SHOP, SHOP, &shop_token, &published)?],
        },
        SsoStep {
            title: "5. Visit forum.example: no cookie crosses domains",
            note: "The browser holds two cookies, neither for forum.example, so the request carries none; a site cannot set a cookie for another domain either. The forum asks the provider.".into(),
            wire: vec!["GET https://forum.example/ (no Cookie header)".into(), authorize("forum", FORUM)],
            cookie_jar: vec![idp_cookie.clone(), shop_cookie.clone()],
            token: None,
            checks: vec![],
        },
        SsoStep {
            title: "6. id.example knows the browser: no password asked",
            note: format!(
                "The browser sends the provider its own cookie; the provider signs a second ID token, aud {FORUM}: {} B.",
                forum_token.len()
            ),
            wire: vec![
                format!("GET {ISSUER}/authorize?client_id=forum&... with Cookie: idp_sid={idp_sid}"),
                "forum.example -> POST https://id.example/token: id_token=eyJ...".into(),
            ],
            cookie_jar: vec![idp_cookie.clone(), shop_cookie.clone()],
            token: Some((FORUM, forum_token.len())),
            checks: vec![],
        },
        SsoStep {
            title: "7. forum.example verifies with the same JWKS",
            note: "One login, two domains: each site checks the signature with the provider's public key and that aud names itself, so the shop's token is refused at the forum.".into(),
            wire: vec![format!("GET {JWKS_URL}")],
            cookie_jar: vec![idp_cookie, shop_cookie, format!("forum.example: sid={}", session_id(103))],
            token: None,
            checks: vec![check(FORUM, FORUM, &forum_token, &published)?, check(FORUM, SHOP, &shop_token, &published)?],
        },
    ];
    Ok(SsoReport { jwks_bytes: jwks.len(), jwks_kids: published.iter().filter_map(|k| k.kid.clone()).collect(), steps })
}

impl SsoStep {
    /// The lines the window shows for this step and `simulate sso` prints.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.title.to_owned(), self.note.clone()];
        out.extend(self.wire.iter().cloned());
        if self.cookie_jar.is_empty() {
            out.push("Browser cookies: none".into());
        } else {
            out.push(format!("Browser cookies: {}", self.cookie_jar.join("; ")));
        }
        if let Some((aud, bytes)) = self.token {
            out.push(format!("ID token: RS256, aud {aud}, {bytes} B"));
        }
        for c in &self.checks {
            let verdict = if c.valid { "accepts" } else { "refuses" };
            out.push(format!("{} {verdict} the token for {}: {}", c.site, c.audience, c.summary));
        }
        out
    }
}
