//! One machine-readable line per headline figure, `bench-summary KEY VALUE`, next to each
//! bench's own tables: `tests/bench.sh` collects them into the one table the README shows.

/// Prints `value` (in the unit `key` names) for `tests/bench.sh`.
pub fn report(key: &str, value: f64) {
    println!("bench-summary {key} {value:.3}");
}
