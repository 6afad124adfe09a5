//! crossterm's events in the core's terms.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::core::app::{Key, MouseInput, Msg};

/// A key event as a core key; `None` for releases and keys the app does not use.
pub(crate) fn key(event: KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) if alt => Key::Alt(c),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}

fn mouse(event: MouseEvent) -> Option<MouseInput> {
    match event.kind {
        MouseEventKind::ScrollUp => Some(MouseInput::ScrollUp),
        MouseEventKind::ScrollDown => Some(MouseInput::ScrollDown),
        MouseEventKind::Down(MouseButton::Left) => Some(MouseInput::Click { row: event.row }),
        _ => None,
    }
}

/// A terminal event as a message; a resize needs the layout, so it is returned apart.
pub(crate) enum Input {
    Msg(Msg),
    Resize(u16, u16),
    Ignored,
}

pub(crate) fn translate(event: Event) -> Input {
    match event {
        Event::Key(k) => key(k).map_or(Input::Ignored, |k| Input::Msg(Msg::Key(k))),
        Event::Mouse(m) => mouse(m).map_or(Input::Ignored, |m| Input::Msg(Msg::Mouse(m))),
        Event::Resize(w, h) => Input::Resize(w, h),
        Event::Paste(text) => Input::Msg(Msg::Paste(text)),
        _ => Input::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_keys_and_releases() {
        let press = |code, mods| KeyEvent::new(code, mods);
        assert_eq!(
            key(press(KeyCode::Char('R'), KeyModifiers::CONTROL)),
            Some(Key::Ctrl('r'))
        );
        assert_eq!(
            key(press(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Key::Char('x'))
        );
        let mut release = press(KeyCode::Enter, KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(key(release), None);
    }

    #[test]
    fn a_paste_is_one_message() {
        let Input::Msg(Msg::Paste(text)) = translate(Event::Paste("dev power\n".into())) else {
            panic!("not a paste")
        };
        assert_eq!(text, "dev power\n");
    }
}
