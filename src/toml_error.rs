//! One-line messages for TOML errors: `file:line: cause`.

/// The 1-based line a TOML error points at, and its message on one line.
pub fn locate(text: &str, err: &toml::de::Error) -> (usize, String) {
    let line = err
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    (line, err.message().trim().replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_line() {
        let text = "a = 1\nb = = 2\n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        let (line, message) = locate(text, &err);
        assert_eq!(line, 2);
        assert!(!message.contains('\n'));
    }
}
