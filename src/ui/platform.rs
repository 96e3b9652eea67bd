//! OS services behind a small interface: clipboard, file dialogs and the files they name. The
//! app talks only to [`Platform`]; tests use [`FakePlatform`] and never open a dialog or touch
//! the clipboard.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::ui::error::UiError;

/// What the app needs from the operating system.
pub trait Platform {
    /// The clipboard's text.
    ///
    /// # Errors
    /// [`UiError::NoClipboard`], or [`UiError::ClipboardWithoutText`] when it holds no text.
    fn read_clipboard(&mut self) -> Result<String, UiError>;

    /// Puts text on the clipboard.
    ///
    /// # Errors
    /// [`UiError::NoClipboard`], or [`UiError::Copy`] when it refuses the text.
    fn write_clipboard(&mut self, text: &str) -> Result<(), UiError>;

    /// Asks the user for files to open (empty when cancelled).
    fn pick_files(&mut self, title: &str, multiple: bool) -> Vec<PathBuf>;

    /// Asks the user for a folder (None when cancelled).
    fn pick_folder(&mut self, title: &str) -> Option<PathBuf>;

    /// Asks the user where to save (None when cancelled).
    fn save_file(&mut self, title: &str, suggested_name: &str) -> Option<PathBuf>;

    /// The bytes of a file, within the input limit every reader shares
    /// ([`crate::core::engine::limits::read_file`]).
    ///
    /// # Errors
    /// When the file cannot be read or is too large, naming the path.
    fn read_file(&mut self, path: &Path) -> crate::core::engine::error::Result<Vec<u8>> {
        crate::core::engine::limits::read_file(path)
    }

    /// Writes a file (a chosen save target).
    ///
    /// # Errors
    /// [`UiError::Save`] when it cannot be written, naming the path and the reason.
    fn write_file(&mut self, path: &Path, bytes: &[u8]) -> Result<(), UiError> {
        std::fs::write(path, bytes)
            .map_err(|e| UiError::Save { path: path.display().to_string(), reason: e.to_string() })
    }

    /// Whether the last dialog that returned nothing could not be shown at all (no portal, no
    /// dialog program), as opposed to being cancelled. False when it cannot be told.
    fn last_dialog_unavailable(&self) -> bool {
        false
    }
}

/// A dialog that returns nothing faster than this was never on screen: no one cancels a file
/// dialog in a fifth of a second. (rfd answers `None` both for a cancel and for a dialog it
/// could not show, e.g. without an XDG desktop portal and without zenity.)
const UNSEEN_DIALOG: std::time::Duration = std::time::Duration::from_millis(200);

/// What to say when a dialog gave nothing: `Err` (with what to do instead) when no dialog could
/// be shown, `Ok` when it was cancelled.
///
/// # Errors
/// [`UiError::NoDialog`] when the platform could not show the dialog.
pub fn nothing_picked(platform: &dyn Platform, instead: &str) -> Result<String, UiError> {
    if platform.last_dialog_unavailable() {
        Err(UiError::NoDialog { instead: instead.to_owned() })
    } else {
        Ok("no file chosen".into())
    }
}

/// The real thing: `arboard` for the clipboard, `rfd` for native dialogs.
#[derive(Default)]
pub struct NativePlatform {
    clipboard: Option<arboard::Clipboard>,
    /// The last dialog came back empty before anyone could have seen it.
    unavailable: bool,
}

impl NativePlatform {
    /// The clipboard, opened on first use (a failed attempt is retried next time).
    fn clipboard(&mut self) -> Result<&mut arboard::Clipboard, UiError> {
        let clipboard = match self.clipboard.take() {
            Some(c) => c,
            None => arboard::Clipboard::new().map_err(|e| UiError::NoClipboard { reason: e.to_string() })?,
        };
        Ok(self.clipboard.insert(clipboard))
    }
}

impl Platform for NativePlatform {
    fn read_clipboard(&mut self) -> Result<String, UiError> {
        self.clipboard()?.get_text().map_err(|e| UiError::ClipboardWithoutText { reason: e.to_string() })
    }

    fn write_clipboard(&mut self, text: &str) -> Result<(), UiError> {
        self.clipboard()?.set_text(text.to_owned()).map_err(|e| UiError::Copy { reason: e.to_string() })
    }

    fn pick_files(&mut self, title: &str, multiple: bool) -> Vec<PathBuf> {
        let started = std::time::Instant::now();
        let dialog = rfd::FileDialog::new().set_title(title);
        let picked: Vec<PathBuf> =
            if multiple { dialog.pick_files().unwrap_or_default() } else { dialog.pick_file().into_iter().collect() };
        self.unavailable = picked.is_empty() && started.elapsed() < UNSEEN_DIALOG;
        picked
    }

    fn pick_folder(&mut self, title: &str) -> Option<PathBuf> {
        let started = std::time::Instant::now();
        let folder = rfd::FileDialog::new().set_title(title).pick_folder();
        self.unavailable = folder.is_none() && started.elapsed() < UNSEEN_DIALOG;
        folder
    }

    fn save_file(&mut self, title: &str, suggested_name: &str) -> Option<PathBuf> {
        let started = std::time::Instant::now();
        let path = rfd::FileDialog::new().set_title(title).set_file_name(suggested_name).save_file();
        self.unavailable = path.is_none() && started.elapsed() < UNSEEN_DIALOG;
        path
    }

    fn last_dialog_unavailable(&self) -> bool {
        self.unavailable
    }
}

/// A scripted platform for tests: a clipboard string, queued file picks, a save target.
#[derive(Debug, Default)]
pub struct FakePlatform {
    /// The clipboard's content.
    pub clipboard: String,
    /// Answers to successive `pick_files` calls.
    pub picks: VecDeque<Vec<PathBuf>>,
    /// Answers to successive `pick_folder` calls.
    pub folders: VecDeque<PathBuf>,
    /// Answer to every `save_file` call.
    pub save_to: Option<PathBuf>,
    /// Titles of the dialogs that were asked for, in order.
    pub dialogs: Vec<String>,
    /// Dialogs cannot be shown: every one returns nothing at once.
    pub no_dialogs: bool,
}

impl Platform for FakePlatform {
    fn read_clipboard(&mut self) -> Result<String, UiError> {
        Ok(self.clipboard.clone())
    }

    fn write_clipboard(&mut self, text: &str) -> Result<(), UiError> {
        text.clone_into(&mut self.clipboard);
        Ok(())
    }

    fn pick_files(&mut self, title: &str, _multiple: bool) -> Vec<PathBuf> {
        self.dialogs.push(title.to_owned());
        if self.no_dialogs {
            return Vec::new();
        }
        self.picks.pop_front().unwrap_or_default()
    }

    fn pick_folder(&mut self, title: &str) -> Option<PathBuf> {
        self.dialogs.push(title.to_owned());
        if self.no_dialogs { None } else { self.folders.pop_front() }
    }

    fn save_file(&mut self, title: &str, _suggested_name: &str) -> Option<PathBuf> {
        self.dialogs.push(title.to_owned());
        if self.no_dialogs { None } else { self.save_to.clone() }
    }

    fn last_dialog_unavailable(&self) -> bool {
        self.no_dialogs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::state::{AppState, Command, Level};

    #[test]
    fn a_dialog_that_cannot_be_shown_is_said_not_silently_ignored() {
        let mut s = AppState::default();
        let mut none = FakePlatform { no_dialogs: true, ..FakePlatform::default() };
        let say = |s: &AppState| s.message.clone().unwrap_or((Level::Info, String::new()));
        s.handle(Command::OpenTokenFile, &mut none);
        assert_eq!(
            say(&s),
            (
                Level::Error,
                "no file dialog is available here: paste the token (Ctrl+V) or drop its file on the window".into()
            )
        );
        s.handle(Command::AddKeyFiles, &mut none);
        assert!(say(&s).1.contains("paste the key"), "{:?}", s.message);
        s.handle(Command::LoadSampleKeys, &mut none);
        s.handle(
            Command::ExportKey {
                index: 0,
                format: crate::core::engine::sign::ExportFormat::Jwk,
                private: false,
                save: true,
            },
            &mut none,
        );
        assert!(say(&s).1.ends_with("use Copy in the Export menu instead"), "{:?}", s.message);
        s.handle(Command::LoadSample(0), &mut none);
        s.handle(Command::SaveToken, &mut none);
        assert_eq!(say(&s), (Level::Error, "no file dialog is available here: copy the token instead".into()));
        s.handle(Command::Revocation(crate::core::labs::revocation::RevocationCommand::OpenScenario), &mut none);
        assert!(say(&s).1.starts_with("no file dialog is available here"), "{:?}", s.message);
        assert_eq!(none.dialogs.len(), 5, "each was asked for: {:?}", none.dialogs);
        // A dialog that was shown and cancelled: said neutrally.
        let mut cancelled = FakePlatform::default();
        s.handle(Command::OpenTokenFile, &mut cancelled);
        assert_eq!(say(&s), (Level::Info, "no file chosen".into()));
        s.handle(Command::SaveToken, &mut cancelled);
        assert_eq!(say(&s), (Level::Info, "no file chosen".into()));
    }
}
