//! What the app keeps between runs: favorites and recents, the role ARN history, the regions
//! picked with `r` (no secrets in any). Written on blocking tasks: atomic writes wait on the disk.

use std::path::{Path, PathBuf};

use crate::core::frecency::Frecency;
use crate::ports::identity_center::IdentityCenter;

use super::{Services, rethrow};

/// Writes `value` as JSON to `path`, atomically and private; a failure is logged as `what`.
async fn save_json<T: serde::Serialize + Send + 'static>(
    path: Option<&Path>,
    value: T,
    what: &'static str,
) {
    let Some(path) = path.map(PathBuf::from) else {
        return;
    };
    let saved = tokio::task::spawn_blocking(move || {
        if let Ok(json) = serde_json::to_vec(&value)
            && let Err(e) = crate::adapters::atomic_file::write_atomic(&path, &json, 0o600)
        {
            tracing::warn!(error = %e, "cannot save {what}");
        }
    })
    .await;
    rethrow(saved);
}

/// The JSON saved by an earlier run at `path` (nothing: the default).
pub(crate) fn load_json<T: serde::de::DeserializeOwned + Default>(path: Option<&Path>) -> T {
    path.and_then(|p| {
        crate::adapters::read_file::read(p, crate::adapters::read_file::CONFIG_LIMIT).ok()
    })
    .and_then(|bytes| serde_json::from_slice(&bytes).ok())
    .unwrap_or_default()
}

impl<I: IdentityCenter + 'static> Services<I> {
    pub(super) async fn save_frecency(&self, frecency: Frecency) {
        save_json(
            self.frecency_file.as_deref(),
            frecency,
            "favorites and recents",
        )
        .await;
    }

    pub(super) async fn save_regions(&self, regions: std::collections::BTreeMap<String, String>) {
        save_json(self.regions_file.as_deref(), regions, "the regions picked").await;
    }

    pub(super) async fn save_role_history(&self, history: Vec<String>) {
        save_json(self.history_file.as_deref(), history, "the role history").await;
    }
}
