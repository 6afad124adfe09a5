//! Large letters for the sign-in user code: a 5 × 5 pixel font drawn with half blocks, so each
//! character is 5 columns wide and 3 rows tall and reads across the room.

/// Rows of the rendering.
pub(crate) const HEIGHT: usize = 3;
/// Columns per character, the gap included.
pub(crate) const ADVANCE: usize = 6;

/// The pixels of one character, five rows of five (`#` set), or `None` if the font lacks it.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c.to_ascii_uppercase() {
        'A' => [".###.", "#...#", "#####", "#...#", "#...#"],
        'B' => ["####.", "#...#", "####.", "#...#", "####."],
        'C' => [".####", "#....", "#....", "#....", ".####"],
        'D' => ["####.", "#...#", "#...#", "#...#", "####."],
        'E' => ["#####", "#....", "####.", "#....", "#####"],
        'F' => ["#####", "#....", "####.", "#....", "#...."],
        'G' => [".####", "#....", "#..##", "#...#", ".####"],
        'H' => ["#...#", "#...#", "#####", "#...#", "#...#"],
        'I' => ["#####", "..#..", "..#..", "..#..", "#####"],
        'J' => ["..###", "...#.", "...#.", "#..#.", ".##.."],
        'K' => ["#...#", "#..#.", "###..", "#..#.", "#...#"],
        'L' => ["#....", "#....", "#....", "#....", "#####"],
        'M' => ["#...#", "##.##", "#.#.#", "#...#", "#...#"],
        'N' => ["#...#", "##..#", "#.#.#", "#..##", "#...#"],
        'O' => [".###.", "#...#", "#...#", "#...#", ".###."],
        'P' => ["####.", "#...#", "####.", "#....", "#...."],
        'Q' => [".###.", "#...#", "#.#.#", "#..#.", ".##.#"],
        'R' => ["####.", "#...#", "####.", "#..#.", "#...#"],
        'S' => [".####", "#....", ".###.", "....#", "####."],
        'T' => ["#####", "..#..", "..#..", "..#..", "..#.."],
        'U' => ["#...#", "#...#", "#...#", "#...#", ".###."],
        'V' => ["#...#", "#...#", "#...#", ".#.#.", "..#.."],
        'W' => ["#...#", "#...#", "#.#.#", "##.##", "#...#"],
        'X' => ["#...#", ".#.#.", "..#..", ".#.#.", "#...#"],
        'Y' => ["#...#", ".#.#.", "..#..", "..#..", "..#.."],
        'Z' => ["#####", "...#.", "..#..", ".#...", "#####"],
        '0' => [".###.", "#..##", "#.#.#", "##..#", ".###."],
        '1' => ["..#..", ".##..", "..#..", "..#..", ".###."],
        '2' => [".###.", "#...#", "..##.", ".#...", "#####"],
        '3' => ["####.", "....#", ".###.", "....#", "####."],
        '4' => ["#..#.", "#..#.", "#####", "...#.", "...#."],
        '5' => ["#####", "#....", "####.", "....#", "####."],
        '6' => [".###.", "#....", "####.", "#...#", ".###."],
        '7' => ["#####", "....#", "...#.", "..#..", "..#.."],
        '8' => [".###.", "#...#", ".###.", "#...#", ".###."],
        '9' => [".###.", "#...#", ".####", "....#", ".###."],
        '-' => [".....", ".....", ".###.", ".....", "....."],
        ' ' => [".....", ".....", ".....", ".....", "....."],
        _ => return None,
    })
}

/// One half-block cell from a top and a bottom pixel.
fn cell(top: bool, bottom: bool) -> char {
    match (top, bottom) {
        (true, true) => '█',
        (true, false) => '▀',
        (false, true) => '▄',
        (false, false) => ' ',
    }
}

/// Width in columns of `text` rendered large.
pub(crate) fn width(text: &str) -> usize {
    (text.chars().count() * ADVANCE).saturating_sub(1)
}

/// `text` in large letters, [`HEIGHT`] lines of [`width`] columns, or `None` when a character
/// is not in the font (the caller then shows the text as it is).
pub(crate) fn render(text: &str) -> Option<Vec<String>> {
    let glyphs: Vec<[&str; 5]> = text.chars().map(glyph).collect::<Option<_>>()?;
    let lit = |g: &[&str; 5], row: usize, col: usize| {
        g.get(row)
            .and_then(|r| r.as_bytes().get(col))
            .is_some_and(|b| *b == b'#')
    };
    let mut lines = vec![String::new(); HEIGHT];
    for (i, g) in glyphs.iter().enumerate() {
        for (line_no, line) in lines.iter_mut().enumerate() {
            if i > 0 {
                line.push(' ');
            }
            for col in 0..5 {
                line.push(cell(lit(g, line_no * 2, col), lit(g, line_no * 2 + 1, col)));
            }
        }
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_user_code() {
        let lines = render("AB-1").unwrap();
        assert_eq!(lines.len(), HEIGHT);
        assert_eq!(lines[0], "▄▀▀▀▄ █▀▀▀▄        ▄█  ");
        assert!(lines.iter().all(|l| l.chars().count() == width("AB-1")));
    }

    #[test]
    fn every_glyph_is_five_by_five() {
        for c in ('A'..='Z').chain('0'..='9').chain(['-', ' ']) {
            let g = glyph(c).unwrap();
            assert!(
                g.iter()
                    .all(|r| r.len() == 5 && r.chars().all(|p| p == '#' || p == '.')),
                "{c}"
            );
        }
    }

    #[test]
    fn unknown_characters_fall_back() {
        assert_eq!(render("AB?C"), None);
        assert_eq!(render("ab").map(|l| l.len()), Some(HEIGHT));
    }
}
