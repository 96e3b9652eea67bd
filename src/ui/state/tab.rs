//! The tabs of the window: their order, names and one-line captions.

/// What the centre of the window shows. Adding a tab is one variant here, its entry in
/// [`Tab::ALL`], [`Tab::label`] and [`Tab::caption`], and one arm where `app.rs` draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Tab {
    /// The first start's screen: where the state lives, the two flows, the way to each lab.
    Start,
    /// The token editor and decoded view.
    #[default]
    Decode,
    /// The signing editor.
    Sign,
    /// Sessions vs JWT on the user's numbers, and the advisor.
    Compare,
    /// The "Which fits" lab: payload size, hybrids, cross-domain SSO, frameworks' defaults.
    Fit,
    /// The revocation lab.
    Revocation,
    /// The request-flows lab: session vs JWT lanes.
    Flows,
    /// The security lab: audit, weak-secret cracking, attack forgeries, session risks.
    Security,
    /// The live lab: real servers on loopback, a real store, real requests, load and probe.
    Live,
    /// The leak scan: tokens in logs and folders, live or expired, never shown.
    Leaks,
}

impl Tab {
    /// Every tab, in the order of the tab bar.
    pub const ALL: [Tab; 10] = [
        Tab::Start,
        Tab::Decode,
        Tab::Sign,
        Tab::Compare,
        Tab::Fit,
        Tab::Revocation,
        Tab::Flows,
        Tab::Security,
        Tab::Live,
        Tab::Leaks,
    ];

    /// The tab's name in the tab bar.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Tab::Start => "Start here",
            Tab::Decode => "Decode",
            Tab::Sign => "Sign",
            Tab::Compare => "Compare",
            Tab::Fit => "Which fits",
            Tab::Revocation => "Revocation lab",
            Tab::Flows => "Flows",
            Tab::Security => "Security",
            Tab::Live => "Live",
            Tab::Leaks => "Leaks",
        }
    }

    /// One line on what the tab is for.
    #[must_use]
    pub fn caption(self) -> &'static str {
        match self {
            Tab::Start => "Where the state lives: sessions and JWTs in one screen, and the way to each lab",
            Tab::Decode => "Paste or open a token and read its header and claims",
            Tab::Sign => "Edit a token's header and claims and sign them with a loaded key",
            Tab::Compare => {
                "Sessions or JWTs? Nine factors side by side on your own token and settings, three misconceptions tested, and an advisor"
            }
            Tab::Fit => {
                "When each fits: payload size, two hybrids, cross-domain SSO, and what frameworks use by default"
            }
            Tab::Revocation => "Revoke a login at a chosen instant and watch five strategies react on one clock",
            Tab::Flows => "Session vs JWT request flows side by side, animated and measured with your token",
            Tab::Security => {
                "Audit the token, crack a weak secret, forge attacks and see this verifier reject them, step through session attacks"
            }
            Tab::Live => {
                "Real servers on this machine: log in, stop a server, log out, load and probe them, each beside what the Flows model predicted"
            }
            Tab::Leaks => "Find every token in your logs and folders and which still work, without showing one",
        }
    }

    /// Whether the keys and verdict panels frame the tab; a lab takes the whole width.
    #[must_use]
    pub fn side_panels(self) -> bool {
        matches!(self, Tab::Decode | Tab::Sign)
    }
}
