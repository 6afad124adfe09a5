//! Listing the catalog and retrying an account's roles.

use tokio::sync::mpsc::UnboundedSender;

use crate::catalog::CatalogError;
use crate::core::app::{Msg, msg::Failed};
use crate::ports::identity_center::IdentityCenter;

use super::{Services, rethrow};

pub(super) fn catalog_failed(e: &CatalogError) -> Failed {
    Failed {
        message: e.to_string(),
        needs_sign_in: matches!(e, CatalogError::Unauthorized),
    }
}

impl<I: IdentityCenter + 'static> Services<I> {
    /// Lists the catalog, its progress forwarded on `tx` as it comes.
    pub(super) async fn list_catalog(&self, tx: &UnboundedSender<Msg>) -> Msg {
        let previous = self.cache.load().catalog;
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let forward = {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(event) = events.recv().await {
                    let _ = tx.send(Msg::Catalog(event));
                }
            })
        };
        let result = self
            .lister
            .refresh(&self.cache, previous.as_ref(), Some(events_tx))
            .await;
        rethrow(forward.await);
        Msg::Listed(
            result
                .map(|r| (r.catalog, r.diff))
                .map_err(|e| catalog_failed(&e)),
        )
    }

    pub(super) async fn retry_roles(&self, account_id: String) -> Msg {
        let result = self.lister.fetch_roles(&account_id).await;
        Msg::RolesRetried {
            account_id,
            result: result.map_err(|e| catalog_failed(&e)),
        }
    }
}
