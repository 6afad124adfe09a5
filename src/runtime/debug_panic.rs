//! A panic on demand, for the end-to-end tests that check the terminal is restored after one:
//! in a debug build, with `ROLECALL_DEBUG_PANIC_ON_KEY=<one character>` set, typing that
//! character panics inside the event loop. Release builds ignore the variable.

use crate::core::app::{Key, Msg};

/// The variable naming the key.
pub(crate) const ENV: &str = "ROLECALL_DEBUG_PANIC_ON_KEY";

/// The key that panics, if any (always `None` in release builds).
pub(crate) fn trigger() -> Option<char> {
    #[cfg(debug_assertions)]
    {
        let value = std::env::var(ENV).ok()?;
        let mut chars = value.chars();
        match (chars.next(), chars.next()) {
            (Some(key), None) => Some(key),
            _ => None,
        }
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

/// Panics when `msg` is the trigger key.
pub(crate) fn check(trigger: Option<char>, msg: &Msg) {
    if let (Some(key), Msg::Key(Key::Char(typed))) = (trigger, msg)
        && key == *typed
    {
        panic!("injected panic: {ENV} is set and its key was pressed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_trigger_key_panics() {
        check(Some('!'), &Msg::Key(Key::Char('a')));
        check(None, &Msg::Key(Key::Char('!')));
        check(Some('!'), &Msg::Tick);
        let panicked = std::panic::catch_unwind(|| check(Some('!'), &Msg::Key(Key::Char('!'))));
        assert!(panicked.is_err());
    }
}
