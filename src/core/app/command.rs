//! What keys do. Each command is declared once, on one line of [`commands!`]: its variant, the
//! name config.toml uses (`refresh-catalog`), the description `?` help shows, and its default
//! keys in each context where it applies. Adding a command is adding a line here (and what it
//! does, in `update`); adding a default key is adding it to its command's line.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Where a key is read: one layer of the app. The screens (sign-in, catalog) fall back to
/// `Global`; the search line is read after the catalog; a menu, a question or an overlay
/// takes every key and falls back to nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Both screens (sign-in and catalog).
    Global,
    /// The sign-in screen.
    SignIn,
    /// The catalog (list and sessions panel).
    Catalog,
    /// The search line of the catalog: printable keys not bound type into it.
    Search,
    /// The hand-over menu.
    Menu,
    /// A question's line (the MFA code, a field of the form): printable keys type into it.
    Prompt,
    /// The "assume another role" form, read before [`Context::Prompt`].
    Form,
    /// Help and the exports: any key not bound closes them.
    Overlay,
    /// The copy box: a key per thing to copy.
    Copy,
    /// The question before credentials of a marked environment are handed over.
    Confirm,
}

impl Context {
    /// Whether keys not bound here are looked up in [`Context::Global`].
    pub fn falls_back_to_global(self) -> bool {
        matches!(self, Context::SignIn | Context::Catalog)
    }
}

/// Declares every command once: `Variant = "name", "description", { Context: ["key", …], … };`
macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $about:literal,
            { $($ctx:ident: [$($key:literal),* $(,)?]),* $(,)? };
    )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($(#[$doc])* $variant,)*
        }

        impl Command {
            /// Every command, in the order help lists them.
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// The name used in config.toml.
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)* }
            }

            /// What `?` help says it does.
            pub fn description(self) -> &'static str {
                match self { $(Command::$variant => $about,)* }
            }

            /// Its default keys, by context (the names [`Key::parse`](super::key::Key::parse)
            /// reads; a unit test parses every one).
            pub fn defaults(self) -> &'static [(Context, &'static [&'static str])] {
                match self { $(Command::$variant => &[$((Context::$ctx, &[$($key),*])),*],)* }
            }
        }
    };
}

commands! {
    Up = "up", "move up", { Catalog: ["up", "ctrl-p"], Menu: ["up", "ctrl-p"], Form: ["up"], Overlay: ["up"] };
    Down = "down", "move down", { Catalog: ["down", "ctrl-n"], Menu: ["down", "ctrl-n"], Form: ["down"], Overlay: ["down"] };
    PageUp = "page-up", "page up", { Catalog: ["pageup"], Overlay: ["pageup"] };
    PageDown = "page-down", "page down", { Catalog: ["pagedown"], Overlay: ["pagedown"] };
    Top = "top", "first row", { Catalog: ["home"], Overlay: ["home"] };
    Bottom = "bottom", "last row", { Catalog: ["end"], Overlay: ["end"] };
    /// Get credentials for the selected role and open the hand-over menu.
    Assume = "assume", "assume the selected role", { Catalog: ["enter"] };
    ToggleFavorite = "toggle-favorite", "pin or unpin as favorite", { Catalog: ["ctrl-f"] };
    RefreshCatalog = "refresh-catalog", "list accounts and roles again", { Catalog: ["ctrl-r"] };
    RetryAccount = "retry-account", "retry an account whose roles are unavailable", { Catalog: ["ctrl-t"] };
    /// Switch between the role list and the sessions panel.
    SwitchFocus = "switch-focus", "switch between roles and sessions", { Catalog: ["tab"] };
    RefreshCredentials = "refresh-credentials", "refresh the selected session's credentials", { Catalog: ["ctrl-e"] };
    /// Clear the query, close an overlay or the menu, or go back.
    Back = "back", "clear the search / close / back (never quits)", { Global: ["esc"], Menu: ["esc"], Copy: ["esc"], Confirm: ["esc", "n"] };
    Help = "help", "show this help", { Global: ["?", "f1"] };
    Quit = "quit", "quit (q: when the search is empty)", { Global: ["ctrl-c", "ctrl-q", "q"], Menu: ["ctrl-c"], Overlay: ["ctrl-c"], Copy: ["ctrl-c"], Confirm: ["ctrl-c"] };
    OpenBrowser = "open-browser", "open the sign-in page in the browser", { SignIn: ["o"] };
    CopyCode = "copy-code", "copy the code to the clipboard", { SignIn: ["c"] };
    RetrySignIn = "retry-sign-in", "sign in again", { SignIn: ["r", "enter"] };
    /// Open the copy box for the selected row or session (or the menu's credentials).
    Copy = "copy", "copy the account id, role ARN, exports or console URL", { Catalog: ["ctrl-y"], Menu: ["y"] };
    CopyAccountId = "copy-account-id", "copy the account id", { Copy: ["i"] };
    CopyRoleArn = "copy-role-arn", "copy the role ARN", { Copy: ["a"] };
    CopyExports = "copy-exports", "copy the export lines (they hold the secrets)", { Copy: ["e"] };
    CopyConsoleUrl = "copy-console-url", "copy a console sign-in URL (a credential for 15 minutes)", { Copy: ["u"] };
    /// Answer yes to handing over credentials of a marked environment.
    Confirm = "confirm", "yes, hand the credentials over", { Confirm: ["y"] };
    /// Run the selected entry of the hand-over menu.
    Choose = "choose", "run the selected entry", { Menu: ["enter"] };
    /// Answer a question (the MFA code, the form).
    Submit = "submit", "submit the answer", { Prompt: ["enter"] };
    /// Close a question without answering.
    Cancel = "cancel", "cancel the question", { Prompt: ["esc", "ctrl-c"] };
    DeleteChar = "delete-char", "delete the character before the cursor", { Search: ["backspace"], Prompt: ["backspace"] };
    ClearLine = "clear-line", "clear the line", { Search: ["ctrl-u"], Prompt: ["ctrl-u"] };
    NextField = "next-field", "next field of the form", { Form: ["tab"] };
    PrevField = "prev-field", "previous field of the form", { Form: ["backtab"] };
}

impl Command {
    /// The command config.toml calls `name`.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The contexts it has default keys in (where a key bound to it in `[keys]` applies).
    pub fn contexts(self) -> impl Iterator<Item = Context> {
        self.defaults().iter().map(|(context, _)| *context)
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Command;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a command name such as refresh-catalog")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Command, E> {
                Command::from_name(name).ok_or_else(|| {
                    let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                    E::custom(format!(
                        "unknown command `{name}`, expected one of {}",
                        names.join(", ")
                    ))
                })
            }
        }
        deserializer.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for &c in Command::ALL {
            let parsed: Command = serde_json::from_str(&format!("\"{}\"", c.name())).unwrap();
            assert_eq!(parsed, c);
            assert!(!c.description().is_empty());
        }
    }

    #[test]
    fn every_command_has_a_unique_name_and_a_default_key() {
        for (i, c) in Command::ALL.iter().enumerate() {
            assert!(
                Command::ALL[..i].iter().all(|o| o.name() != c.name()),
                "{c:?}"
            );
            assert!(
                c.defaults().iter().any(|(_, keys)| !keys.is_empty()),
                "{c:?}"
            );
        }
    }
}
