//! One machine-readable line per headline figure, `bench-summary KEY VALUE`, next to each
//! bench's own tables: `tests/bench.sh` collects them into the one table the README shows.

/// Prints `value` (in the unit `key` names) for `tests/bench.sh`.
pub fn report(key: &str, value: f64) {
    println!("bench-summary {key} {value:.3}");
}

/// The `p`th percentile of sorted durations (nearest rank).
#[allow(dead_code)]
pub fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    if sorted.is_empty() {
        return std::time::Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
