//! Natural order for names people read: runs of digits compare as numbers (`dev-2` before
//! `dev-10`), everything else by character, case-insensitively first.

use std::cmp::Ordering;
use std::iter::Peekable;
use std::str::Chars;

/// Compares `a` and `b` in natural order (ties broken by the plain strings, so it is total).
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let order = number(&mut x).cmp(&number(&mut y));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                let order = c.to_lowercase().cmp(d.to_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// A run of ASCII digits as (significant length, digits), which orders as the number does
/// however long it is.
fn number(chars: &mut Peekable<Chars<'_>>) -> (usize, String) {
    let mut digits = String::new();
    while let Some(c) = chars.next_if(char::is_ascii_digit) {
        if !(digits.is_empty() && c == '0') {
            digits.push(c);
        }
    }
    (digits.len(), digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        let mut names = vec![
            "dev-10",
            "dev-2",
            "Dev-3",
            "dev",
            "dev-02a",
            "dev-1",
            "a99999999999999999999",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        let want = [
            "a99999999999999999999",
            "dev",
            "dev-1",
            "dev-2",
            "dev-02a",
            "Dev-3",
            "dev-10",
        ];
        assert_eq!(names, want);
    }
}
