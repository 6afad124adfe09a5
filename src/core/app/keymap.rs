//! Key bindings, per context: the defaults each command declares ([`super::command`]) plus
//! `[keys]` from config.toml (`"ctrl-r" = "refresh-catalog"`). Every key the app reads goes
//! through here, and help and every hint on screen are generated from it, so they say what the
//! keys do. Printable keys not bound in a layer that edits text (the search line, a question)
//! type into it; a letter bound in the catalog (`q`) acts only while the search line is empty,
//! and types into it otherwise.

use std::collections::BTreeMap;

use super::command::{Command, Context};
use super::key::{Key, UnknownKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    layers: BTreeMap<Context, BTreeMap<Key, Command>>,
}

/// A default binding that cannot be: a unit-test failure, never a key silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefaultsError {
    #[error("{command:?}: {source}")]
    Unparsed {
        command: Command,
        source: UnknownKey,
    },
    #[error("{key} in {context:?} is declared for both {first:?} and {second:?}")]
    Conflict {
        key: Key,
        context: Context,
        first: Command,
        second: Command,
    },
}

impl Keymap {
    /// The declared defaults, or the first one that does not parse or clashes.
    pub fn defaults() -> Result<Self, DefaultsError> {
        let mut layers: BTreeMap<Context, BTreeMap<Key, Command>> = BTreeMap::new();
        for &command in Command::ALL {
            for (context, names) in command.defaults() {
                for name in *names {
                    let key = name
                        .parse::<Key>()
                        .map_err(|source| DefaultsError::Unparsed { command, source })?;
                    let layer = layers.entry(*context).or_default();
                    if let Some(first) = layer.insert(key, command) {
                        return Err(DefaultsError::Conflict {
                            key,
                            context: *context,
                            first,
                            second: command,
                        });
                    }
                }
            }
        }
        Ok(Self { layers })
    }

    /// The defaults with `overrides` applied: each binds its key to the command in every
    /// context the command applies in, replacing what the key did there (a key bound to a
    /// global command is taken from the screens too, or they would shadow it).
    pub fn with_overrides(overrides: &BTreeMap<Key, Command>) -> Self {
        let mut map = Self::default();
        for (key, command) in overrides {
            for context in command.contexts() {
                if context == Context::Global {
                    for screen in [Context::SignIn, Context::Catalog] {
                        if let Some(layer) = map.layers.get_mut(&screen) {
                            layer.remove(key);
                        }
                    }
                }
                map.layers
                    .entry(context)
                    .or_default()
                    .insert(*key, *command);
            }
        }
        map
    }

    /// What `key` does in `context` (on a screen, else what it does globally).
    pub fn command(&self, key: Key, context: Context) -> Option<Command> {
        let here = self.layers.get(&context).and_then(|l| l.get(&key));
        let global = || {
            context
                .falls_back_to_global()
                .then(|| self.layers.get(&Context::Global)?.get(&key))
                .flatten()
        };
        here.or_else(global).copied()
    }

    /// Keys that do `command` in `context` (on a screen, global keys included), in key order.
    pub fn keys(&self, command: Command, context: Context) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .layers
            .iter()
            .filter(|(c, _)| {
                **c == context || (context.falls_back_to_global() && **c == Context::Global)
            })
            .flat_map(|(_, layer)| layer.iter())
            .filter(|(_, c)| **c == command)
            .map(|(k, _)| *k)
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Whether `key` does anything anywhere.
    pub fn binds(&self, key: Key) -> bool {
        self.layers.values().any(|layer| layer.contains_key(&key))
    }

    /// Help for `context`: every command with a key there, in [`Command::ALL`] order.
    /// On the catalog, the search line's keys are listed too (it reads them after the catalog).
    pub fn help(&self, context: Context) -> Vec<(Command, Vec<Key>)> {
        let search = context == Context::Catalog;
        Command::ALL
            .iter()
            .map(|c| {
                let mut keys = self.keys(*c, context);
                if search {
                    keys.extend(self.keys(*c, Context::Search));
                }
                (*c, keys)
            })
            .filter(|(_, keys)| !keys.is_empty())
            .collect()
    }

    /// The key to show for `command` in a hint: a named key or a symbol before a chord, a
    /// chord before a letter where letters may type (everywhere but the sign-in screen).
    pub fn hint(&self, command: Command, context: Context) -> Option<String> {
        let letters_type = context != Context::SignIn;
        let rank = |key: &Key| match key {
            Key::Char(c) if c.is_alphanumeric() && letters_type => 3,
            Key::Char(_) => 0,
            Key::Ctrl(_) | Key::Alt(_) => 1,
            Key::F(_) => 2,
            _ => 0,
        };
        self.keys(command, context)
            .into_iter()
            .min_by_key(rank)
            .map(|k| k.to_string())
    }

    /// A hint line: `key what · key what`, each key from the live map; an entry whose
    /// commands have no key here is left out (it cannot be done here).
    pub fn hint_line(&self, context: Context, items: &[(&[Command], &str)]) -> String {
        items
            .iter()
            .filter_map(|(commands, what)| {
                let keys: Option<Vec<String>> =
                    commands.iter().map(|c| self.hint(*c, context)).collect();
                keys.map(|k| format!("{} {what}", k.concat()))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl Default for Keymap {
    /// The declared defaults; `every_default_key_parses_and_none_clash` proves none is lost.
    fn default() -> Self {
        Self::defaults().unwrap_or_else(|_| Self {
            layers: BTreeMap::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[(&str, Command)]) -> BTreeMap<Key, Command> {
        list.iter()
            .map(|(k, c)| (Key::parse(k).unwrap(), *c))
            .collect()
    }

    #[test]
    fn every_default_key_parses_and_none_clash() {
        assert_eq!(Keymap::defaults().map(|_| ()), Ok(()));
        assert_eq!(Keymap::defaults().unwrap(), Keymap::default());
    }

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
    fn menus_and_questions_take_every_key_and_fall_back_to_nothing() {
        let map = Keymap::default();
        assert_eq!(map.command(Key::Char('q'), Context::Menu), None);
        assert_eq!(
            map.command(Key::Ctrl('c'), Context::Menu),
            Some(Command::Quit)
        );
        assert_eq!(
            map.command(Key::Ctrl('c'), Context::Prompt),
            Some(Command::Cancel)
        );
        assert_eq!(map.command(Key::Char('?'), Context::Overlay), None);
        assert_eq!(map.command(Key::Up, Context::Form), Some(Command::Up));
        assert_eq!(map.command(Key::Ctrl('p'), Context::Form), None);
    }

    #[test]
    fn overrides_replace_what_the_key_did() {
        let o = keys(&[
            ("ctrl-g", Command::RefreshCatalog),
            ("ctrl-r", Command::ToggleFavorite),
        ]);
        let map = Keymap::with_overrides(&o);
        assert_eq!(
            map.command(Key::Ctrl('g'), Context::Catalog),
            Some(Command::RefreshCatalog)
        );
        assert_eq!(
            map.command(Key::Ctrl('r'), Context::Catalog),
            Some(Command::ToggleFavorite)
        );
        // A global command takes its key from the screens.
        let map = Keymap::with_overrides(&keys(&[("o", Command::Help)]));
        assert_eq!(
            map.command(Key::Char('o'), Context::SignIn),
            Some(Command::Help)
        );
        // A command of several layers is bound in each.
        let map = Keymap::with_overrides(&keys(&[("ctrl-k", Command::Up)]));
        for context in [Context::Catalog, Context::Menu, Context::Form] {
            assert_eq!(map.command(Key::Ctrl('k'), context), Some(Command::Up));
        }
    }

    #[test]
    fn help_is_generated_from_the_live_map() {
        let o = keys(&[("ctrl-g", Command::RefreshCatalog)]);
        let help = Keymap::with_overrides(&o).help(Context::Catalog);
        let refresh = help
            .iter()
            .find(|(c, _)| *c == Command::RefreshCatalog)
            .unwrap();
        assert_eq!(refresh.1, [Key::Ctrl('g'), Key::Ctrl('r')]);
        assert!(help.iter().all(|(c, _)| *c != Command::OpenBrowser));
        assert!(help.iter().any(|(c, _)| *c == Command::Quit));
    }

    #[test]
    fn hints_prefer_named_keys_and_chords_over_letters() {
        let map = Keymap::default();
        assert_eq!(
            map.hint(Command::Quit, Context::Catalog).as_deref(),
            Some("ctrl-c")
        );
        assert_eq!(
            map.hint(Command::Help, Context::Catalog).as_deref(),
            Some("?")
        );
        assert_eq!(map.hint(Command::Up, Context::Menu).as_deref(), Some("↑"));
        assert_eq!(
            map.hint(Command::RetrySignIn, Context::SignIn).as_deref(),
            Some("r")
        );
        assert_eq!(
            map.hint_line(
                Context::Menu,
                &[
                    (&[Command::Up, Command::Down], "choose"),
                    (&[Command::Choose], "ok")
                ]
            ),
            "↑↓ choose · enter ok"
        );
    }
}
