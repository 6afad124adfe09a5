//! Generator — being written (placeholder so the crate builds).
use super::org::Org;

pub fn generate(_accounts: usize, _seed: u64) -> Org {
    Org::default()
}
