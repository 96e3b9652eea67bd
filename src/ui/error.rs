//! The one error type of the window: what the operating system refused (clipboard, dialogs,
//! files, the display) and what the signing editor cannot use. The status bar and the Sign tab
//! show its `Display` as it is, so every variant says what is wrong and where in words a person
//! can act on. The engine's own [`Error`] passes through unchanged.

use crate::core::engine::error::Error;

/// Everything the window's own code can fail at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UiError {
    /// The system clipboard cannot be opened.
    #[error("no clipboard: {reason}")]
    NoClipboard {
        /// The clipboard library's message.
        reason: String,
    },

    /// The clipboard is empty or holds something other than text.
    #[error("the clipboard holds no text: {reason}")]
    ClipboardWithoutText {
        /// The clipboard library's message.
        reason: String,
    },

    /// Text could not be put on the clipboard.
    #[error("cannot copy: {reason}")]
    Copy {
        /// The clipboard library's message.
        reason: String,
    },

    /// A file chosen in a save dialog could not be written.
    #[error("cannot save {path}: {reason}")]
    Save {
        /// The path, as shown.
        path: String,
        /// The operating system's message.
        reason: String,
    },

    /// A file dialog could not be shown at all (no portal, no dialog program).
    #[error("no file dialog is available here: {instead}")]
    NoDialog {
        /// What to do instead ("copy the token instead").
        instead: String,
    },

    /// The window could not open on the display.
    #[error(
        "the display {display:?} could not be used ({said}); check that a desktop session is running there, or use a \
         subcommand such as `tokenbench verify` (see `tokenbench --help`)"
    )]
    Display {
        /// `$DISPLAY` (or `$WAYLAND_DISPLAY`), empty when neither is set.
        display: String,
        /// The windowing library's message, on one line and without its source locations.
        said: String,
    },

    /// The signing editor's header or claims text is not JSON.
    #[error("the {what} is not valid JSON: {reason}")]
    EditorJson {
        /// Which editor: "header" or "claims".
        what: &'static str,
        /// The parser's message, with line and column.
        reason: String,
    },

    /// The signing editor's header or claims text is JSON but not an object.
    #[error("the {what} must be a JSON object, not {found}")]
    EditorNotAnObject {
        /// Which editor: "header" or "claims".
        what: &'static str,
        /// The JSON type found instead.
        found: &'static str,
    },

    /// "Edit this token" on an encrypted token.
    #[error("an encrypted token (JWE) cannot be re-signed as a JWS: its content is unreadable")]
    JweNotResignable,

    /// The header cannot be signed as a JWS (the engine's sentence, e.g. a JWE header).
    #[error("{0}")]
    HeaderNotSignable(String),

    /// Sign was pressed with no key chosen.
    #[error("choose a key to sign with")]
    NoSigningKey,

    /// The chosen key left the key list.
    #[error("the chosen key was removed")]
    SigningKeyRemoved,

    /// What the engine refused (a key that cannot sign, an unusable input).
    #[error(transparent)]
    Engine(#[from] Error),
}

/// The status bar holds text: an error is shown as its `Display`.
impl From<UiError> for String {
    fn from(e: UiError) -> Self {
        e.to_string()
    }
}
