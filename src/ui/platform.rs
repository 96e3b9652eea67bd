//! OS services behind a small interface: clipboard and file dialogs. The app talks only to
//! [`Platform`]; tests use [`FakePlatform`] and never open a dialog or touch the clipboard.

use std::collections::VecDeque;
use std::path::PathBuf;

/// What the app needs from the operating system.
pub trait Platform {
    /// The clipboard's text.
    ///
    /// # Errors
    /// When there is no clipboard or it holds no text.
    fn read_clipboard(&mut self) -> Result<String, String>;

    /// Puts text on the clipboard.
    ///
    /// # Errors
    /// When there is no clipboard.
    fn write_clipboard(&mut self, text: &str) -> Result<(), String>;

    /// Asks the user for files to open (empty when cancelled).
    fn pick_files(&mut self, title: &str, multiple: bool) -> Vec<PathBuf>;

    /// Asks the user where to save (None when cancelled).
    fn save_file(&mut self, title: &str, suggested_name: &str) -> Option<PathBuf>;
}

/// The real thing: `arboard` for the clipboard, `rfd` for native dialogs.
#[derive(Default)]
pub struct NativePlatform {
    clipboard: Option<arboard::Clipboard>,
}

impl NativePlatform {
    fn clipboard(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if self.clipboard.is_none() {
            self.clipboard = Some(arboard::Clipboard::new().map_err(|e| format!("no clipboard: {e}"))?);
        }
        self.clipboard.as_mut().ok_or_else(|| "no clipboard".to_owned())
    }
}

impl Platform for NativePlatform {
    fn read_clipboard(&mut self) -> Result<String, String> {
        self.clipboard()?.get_text().map_err(|e| format!("the clipboard holds no text: {e}"))
    }

    fn write_clipboard(&mut self, text: &str) -> Result<(), String> {
        self.clipboard()?.set_text(text.to_owned()).map_err(|e| format!("cannot copy: {e}"))
    }

    fn pick_files(&mut self, title: &str, multiple: bool) -> Vec<PathBuf> {
        let dialog = rfd::FileDialog::new().set_title(title);
        if multiple { dialog.pick_files().unwrap_or_default() } else { dialog.pick_file().into_iter().collect() }
    }

    fn save_file(&mut self, title: &str, suggested_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).set_file_name(suggested_name).save_file()
    }
}

/// A scripted platform for tests: a clipboard string, queued file picks, a save target.
#[derive(Debug, Default)]
pub struct FakePlatform {
    /// The clipboard's content.
    pub clipboard: String,
    /// Answers to successive `pick_files` calls.
    pub picks: VecDeque<Vec<PathBuf>>,
    /// Answer to every `save_file` call.
    pub save_to: Option<PathBuf>,
    /// Titles of the dialogs that were asked for, in order.
    pub dialogs: Vec<String>,
}

impl Platform for FakePlatform {
    fn read_clipboard(&mut self) -> Result<String, String> {
        Ok(self.clipboard.clone())
    }

    fn write_clipboard(&mut self, text: &str) -> Result<(), String> {
        text.clone_into(&mut self.clipboard);
        Ok(())
    }

    fn pick_files(&mut self, title: &str, _multiple: bool) -> Vec<PathBuf> {
        self.dialogs.push(title.to_owned());
        self.picks.pop_front().unwrap_or_default()
    }

    fn save_file(&mut self, title: &str, _suggested_name: &str) -> Option<PathBuf> {
        self.dialogs.push(title.to_owned());
        self.save_to.clone()
    }
}
