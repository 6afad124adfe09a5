//! Key bindings: defaults plus `[keys]` from config.toml (`"ctrl-r" = "refresh-catalog"`).
//! Printable keys not bound for the current screen type into the search; a letter bound in
//! the catalog (`q`) acts only while the search line is empty, and types into it otherwise.

use std::collections::BTreeMap;

use super::command::{Command, Context};
use super::key::Key;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Key, Vec<Command>>,
}

const DEFAULTS: &[(&str, Command)] = &[
    ("up", Command::Up),
    ("ctrl-p", Command::Up),
    ("down", Command::Down),
    ("ctrl-n", Command::Down),
    ("pageup", Command::PageUp),
    ("pagedown", Command::PageDown),
    ("home", Command::Top),
    ("end", Command::Bottom),
    ("enter", Command::Assume),
    ("ctrl-f", Command::ToggleFavorite),
    ("ctrl-r", Command::RefreshCatalog),
    ("ctrl-t", Command::RetryAccount),
    ("tab", Command::SwitchFocus),
    ("ctrl-e", Command::RefreshCredentials),
    ("esc", Command::Back),
    ("?", Command::Help),
    ("f1", Command::Help),
    ("ctrl-c", Command::Quit),
    ("ctrl-q", Command::Quit),
    ("q", Command::Quit),
    ("o", Command::OpenBrowser),
    ("c", Command::CopyCode),
    ("r", Command::RetrySignIn),
    ("enter", Command::RetrySignIn),
];

/// A bad `[keys]` entry: which key and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown key {0:?} (use names like ctrl-r, alt-x, enter, esc, up, pageup, f1, ?)")]
    UnknownKey(String),
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings: BTreeMap<Key, Vec<Command>> = BTreeMap::new();
        for (name, command) in DEFAULTS {
            if let Some(key) = Key::parse(name) {
                bindings.entry(key).or_default().push(*command);
            }
        }
        Self { bindings }
    }
}

impl Keymap {
    /// The defaults with `overrides` applied: each entry replaces what its key did.
    pub fn with_overrides(overrides: &BTreeMap<String, Command>) -> Result<Self, KeymapError> {
        let mut map = Self::default();
        for (name, command) in overrides {
            let key = Key::parse(name).ok_or_else(|| KeymapError::UnknownKey(name.clone()))?;
            let context = command.context();
            let entry = map.bindings.entry(key).or_default();
            entry.retain(|c| c.context() != context && context != Context::Global);
            entry.insert(0, *command);
        }
        Ok(map)
    }

    /// What `key` does in `context`: a command of that context, else a global one.
    pub fn command(&self, key: Key, context: Context) -> Option<Command> {
        let commands = self.bindings.get(&key)?;
        commands
            .iter()
            .find(|c| c.context() == context)
            .or_else(|| commands.iter().find(|c| c.context() == Context::Global))
            .copied()
    }

    /// Keys bound to `command`, for help and hints.
    pub fn keys_for(&self, command: Command) -> Vec<Key> {
        self.bindings
            .iter()
            .filter(|(_, cs)| cs.contains(&command))
            .map(|(k, _)| *k)
            .collect()
    }

    /// Help rows: (keys, description) for every bound command, in `Command::ALL` order.
    pub fn help(&self) -> Vec<(String, &'static str)> {
        Command::ALL
            .iter()
            .filter_map(|c| {
                let keys = self.keys_for(*c);
                (!keys.is_empty()).then(|| {
                    let names: Vec<String> = keys.iter().map(Key::to_string).collect();
                    (names.join(" "), c.description())
                })
            })
            .collect()
    }

    /// A key of `command` for the status-bar hints: the first, but not a letter where the
    /// catalog's search may take it (a letter types into a search that is not empty).
    pub fn hint(&self, command: Command) -> Option<String> {
        let keys = self.keys_for(command);
        let may_type = command.context() != Context::SignIn;
        keys.iter()
            .find(|k| !(may_type && matches!(k, Key::Char(c) if c.is_alphanumeric())))
            .or(keys.first())
            .map(Key::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_only_act_on_the_sign_in_screen() {
        let map = Keymap::default();
        assert_eq!(
            map.command(Key::Char('o'), Context::SignIn),
            Some(Command::OpenBrowser)
        );
        assert_eq!(map.command(Key::Char('o'), Context::Catalog), None);
        assert_eq!(
            map.command(Key::Enter, Context::Catalog),
            Some(Command::Assume)
        );
        assert_eq!(
            map.command(Key::Enter, Context::SignIn),
            Some(Command::RetrySignIn)
        );
        assert_eq!(map.command(Key::Esc, Context::Catalog), Some(Command::Back));
    }

    #[test]
    fn overrides_replace_and_unknown_keys_fail() {
        let mut o = BTreeMap::new();
        o.insert("ctrl-g".to_owned(), Command::RefreshCatalog);
        o.insert("ctrl-r".to_owned(), Command::ToggleFavorite);
        let map = Keymap::with_overrides(&o).unwrap();
        assert_eq!(
            map.command(Key::Ctrl('g'), Context::Catalog),
            Some(Command::RefreshCatalog)
        );
        assert_eq!(
            map.command(Key::Ctrl('r'), Context::Catalog),
            Some(Command::ToggleFavorite)
        );
        o.insert("hyper-x".to_owned(), Command::Quit);
        assert_eq!(
            Keymap::with_overrides(&o),
            Err(KeymapError::UnknownKey("hyper-x".into()))
        );
    }

    #[test]
    fn help_is_generated_from_the_live_map() {
        let mut o = BTreeMap::new();
        o.insert("ctrl-g".to_owned(), Command::RefreshCatalog);
        let help = Keymap::with_overrides(&o).unwrap().help();
        let refresh = help
            .iter()
            .find(|(_, d)| *d == Command::RefreshCatalog.description())
            .unwrap();
        assert_eq!(refresh.0, "ctrl-g ctrl-r");
    }
}
