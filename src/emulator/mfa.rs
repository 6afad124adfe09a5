//! MFA devices — placeholder being written.
use super::server::Shared;

pub fn current_code(_shared: &Shared, _serial: &str) -> Option<String> {
    None
}
