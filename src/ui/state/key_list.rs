//! The key list's commands: loading, fetching, generating, naming, removing and exporting
//! keys. Network and key generation run as background jobs whose answers come back as commands.

use super::{AppState, Command, KEY_ERRORS_KEPT, SAMPLE_KEYS, file_name};
use crate::core::engine::fetch;
use crate::core::engine::keys::{self, SecretEncoding};
use crate::core::engine::sign::{self, ExportFormat};
use crate::core::jobs::{Delivered, Job};
use crate::core::text::plural;
use crate::ui::platform::Platform;

impl AppState {
    /// The key list's commands.
    pub(super) fn handle_keys(&mut self, command: Command, platform: &mut dyn Platform) {
        match command {
            Command::AddKeyFiles => {
                let paths = platform.pick_files("Add key files", true);
                if paths.is_empty() {
                    self.nothing_picked(platform, "paste the key under \"Paste a key\" or drop its file on the window");
                } else {
                    self.handle(Command::LoadKeyFiles(paths), platform);
                }
            }
            Command::LoadKeyFiles(paths) => {
                for path in paths {
                    let name = file_name(&path);
                    self.add_keys(platform.read_file(&path).and_then(|bytes| keys::load(&bytes, &name)));
                }
            }
            Command::LoadSecretFile(path) => {
                let label = file_name(&path);
                let loaded =
                    platform.read_file(&path).and_then(|bytes| keys::load_secret(&bytes, SecretEncoding::Raw, &label));
                self.add_keys(loaded.map(|k| vec![k]));
            }
            Command::AddKeyText(text) => self.add_keys(keys::load(text.trim().as_bytes(), "pasted key")),
            Command::AddSecret { text, encoding } => {
                let label = match encoding {
                    SecretEncoding::Utf8 | SecretEncoding::Raw => "secret (text)",
                    SecretEncoding::Base64 => "secret (base64)",
                    SecretEncoding::Hex => "secret (hex)",
                };
                self.add_keys(keys::load_secret(text.as_bytes(), encoding, label).map(|k| vec![k]));
            }
            Command::RemoveKey(i) => self.remove_key(i),
            Command::RenameKey { index, name } => {
                if let Some(key) = self.keys.get_mut(index) {
                    let name = name.trim();
                    key.name = (!name.is_empty()).then(|| name.to_owned());
                    self.reverify();
                }
            }
            Command::DismissKeyError(i) if i < self.key_errors.len() => {
                self.key_errors.remove(i);
            }
            Command::FetchKeys(url) => {
                // Network waits never block the window; the fetch has its own deadline.
                self.fetch_error = None;
                let target = url.clone();
                self.fetching.push(url.clone());
                self.jobs.spawn(Job::new(format!("fetching {url}"), move || Command::KeysFetched {
                    result: Delivered::new(fetch::fetch_keys(&target, fetch::DEFAULT_TIMEOUT)),
                    url,
                }));
            }
            Command::KeysFetched { url, result } => {
                if let Some(i) = self.fetching.iter().position(|u| *u == url) {
                    self.fetching.remove(i);
                }
                match result.take() {
                    Some(Ok(f)) => {
                        let n = f.keys.len();
                        self.add_keys(Ok(f.keys));
                        let issuer = f.issuer.map_or_else(String::new, |i| format!("; the issuer is {i}"));
                        self.info(format!("fetched {n} key{} from {}{issuer}", plural(n), f.jwks_url));
                    }
                    Some(Err(e)) => {
                        self.fetch_error = Some(e.to_string());
                        self.error(e.to_string());
                    }
                    None => {}
                }
            }
            // RSA 4096 takes seconds: never on the UI thread.
            Command::GenerateKey(spec) => {
                self.generating.push(spec);
                self.jobs.spawn(Job::new(format!("generating {}", spec.label()), move || Command::KeyGenerated {
                    spec,
                    result: Delivered::new(sign::generate(spec)),
                }));
            }
            Command::KeyGenerated { spec, result } => {
                if let Some(i) = self.generating.iter().position(|s| *s == spec) {
                    self.generating.remove(i);
                }
                if let Some(result) = result.take() {
                    self.add_keys(result.map(|k| vec![k]));
                }
            }
            Command::ExportKey { index, format, private, save } => {
                self.export_key(index, format, private, save, platform);
            }
            _ => {}
        }
    }

    pub(super) fn load_sample_keys(&mut self) {
        let loaded: crate::core::engine::error::Result<Vec<keys::Key>> = SAMPLE_KEYS
            .iter()
            .map(|(name, text)| {
                if text.starts_with("-----") || text.starts_with('{') {
                    keys::load(text.as_bytes(), name)
                } else {
                    keys::load_secret(text.as_bytes(), SecretEncoding::Utf8, name).map(|k| vec![k])
                }
            })
            .collect::<crate::core::engine::error::Result<Vec<_>>>()
            .map(|sets| sets.into_iter().flatten().collect());
        self.add_keys(loaded);
    }

    pub(super) fn remove_key(&mut self, i: usize) {
        if self.keys.remove(i).is_some() {
            // Keep the signing choice pointing at the same key, or at none if it was removed.
            self.sign.key_removed(i);
            self.refresh_fitting();
            self.reverify();
        }
    }

    pub(super) fn export_key(
        &mut self,
        index: usize,
        format: ExportFormat,
        private: bool,
        save: bool,
        platform: &mut dyn Platform,
    ) {
        let Some(key) = self.keys.keys().get(index) else { return };
        let text = match sign::export(key, format, private) {
            Ok(t) => t,
            Err(e) => return self.error(e.to_string()),
        };
        if !save {
            return match platform.write_clipboard(&text) {
                Ok(()) => self.info(format!("copied the {} key", if private { "private" } else { "public" })),
                Err(e) => self.error(e),
            };
        }
        let name = match (format, private) {
            (ExportFormat::Pem, true) => "private-key.pem",
            (ExportFormat::Pem, false) => "public-key.pem",
            (ExportFormat::Jwk, _) => "key.jwk.json",
            (ExportFormat::Jwks, _) => "jwks.json",
        };
        match platform.save_file("Save the key", name) {
            Some(path) => match platform.write_file(&path, text.as_bytes()) {
                Ok(()) => self.info(format!("saved {}", path.display())),
                Err(e) => self.error(e),
            },
            None => self.nothing_picked(platform, "use Copy in the Export menu instead"),
        }
    }

    pub(super) fn add_keys(&mut self, loaded: crate::core::engine::error::Result<Vec<keys::Key>>) {
        match loaded {
            Ok(new) => {
                let first_new = self.keys.len();
                // A key already in the list (same thumbprint, so the same secret bytes for a
                // secret) is not added twice: the list says where it is instead.
                let mut already = Vec::new();
                for key in new {
                    match self.keys.duplicate_of(&key) {
                        Some(i) => already.push(format!("#{} {}", i + 1, self.keys.keys()[i].label())),
                        None => self.keys.push(key),
                    }
                }
                let n = self.keys.len() - first_new;
                if self.sign.key.is_none()
                    && let Some(i) = (first_new..self.keys.len()).find(|&i| self.keys.keys()[i].signs())
                {
                    self.sign.choose_key(Some(i), &self.keys);
                }
                // The same 100,000-key set loaded twice names five of them, not every one.
                let named = |many: &[String]| match many.len() {
                    0..=5 => many.join(", "),
                    len => format!("{} and {} more", many[..5].join(", "), len - 5),
                };
                let repeated = match already.as_slice() {
                    [] => String::new(),
                    [one] if n == 0 => format!("already loaded as {one}"),
                    [one] => format!("; 1 was already loaded as {one}"),
                    many if n == 0 => format!("already loaded as {}", named(many)),
                    many => format!("; {} were already loaded as {}", many.len(), named(many)),
                };
                if n == 0 {
                    self.info(repeated);
                } else {
                    self.info(format!("added {n} key{}{repeated}", plural(n)));
                }
                // Loaded through any command (a drop, the samples menu, a fetch): the JWE's
                // Decrypt section offers the new keys that fit.
                self.refresh_fitting();
                self.reverify();
            }
            Err(e) => {
                // Shown where the key would be, until dismissed.
                self.key_errors.insert(0, e.to_string());
                self.key_errors.truncate(KEY_ERRORS_KEPT);
                self.error(e.to_string());
            }
        }
    }
}
