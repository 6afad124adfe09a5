//! The account catalog: list every account and role the signed-in user can reach, fast and
//! politely, and keep it on disk so start-up is instant.
//!
//! One [`Lister`] runs ListAccounts (pages of up to 100) and then ListAccountRoles for every
//! account on a bounded pool of workers, all behind one shared adaptive [`Pacer`]. Transient
//! failures (429, 5xx, network) are retried with jittered exponential backoff until a
//! per-account deadline; an account that is still failing then is reported as
//! [`Roles::Unavailable`](crate::core::catalog::Roles) and can be retried alone with
//! [`Lister::fetch_roles`]. `Unauthorized` stops the whole listing (sign in again), and so
//! does no answer at all until the deadline (`Unreachable`: the network went away), so a
//! half-listed catalog never replaces the last complete one.
//!
//! | module | holds |
//! |---|---|
//! | [`options`] | [`ListOptions`]: page size, workers, deadline, rates, backoff |
//! | [`error`] | [`CatalogError`]: why a whole listing failed |
//! | [`progress`] | the CLI's one-line progress display built from the events |
//! | [`pacer`] | [`Pacer`]: the shared async request pacer around `core::rate::AdaptiveRate` |
//! | [`retry`] | one call retried until its deadline |
//! | [`queue`] | the queue of accounts waiting for roles, and [`PriorityHandle`] |
//! | [`lister`] | [`Lister`]: the listing itself and single-account retries |
//! | [`fetch`] | the ListAccounts pager and the ListAccountRoles worker |
//! | [`cache`] | [`CatalogCache`]: the versioned on-disk catalog |
//! | [`refresh`] | [`Lister::refresh`]: list, diff with the last catalog, save |
//!
//! Nothing here logs a token: only counts, rates and account ids, at debug level.
//!
//! How the CLI and the TUI use it:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use rolecall::adapters::aws_identity_center::AwsIdentityCenter;
//! # async fn demo(idc: Arc<AwsIdentityCenter>, token: rolecall::secret::Secret<String>,
//! #               paths: rolecall::paths::Paths) {
//! use std::io::IsTerminal;
//! use rolecall::catalog::{CatalogCache, ListOptions, Lister, render_progress};
//!
//! let cache = CatalogCache::for_session(&paths, "acme");
//! let shown = cache.load(); // instant start-up; `shown.notice` says why a file was ignored
//! let lister = Lister::new(idc, "acme", token, ListOptions::default());
//! let priority = lister.priority(); // the TUI calls `priority.prioritize_all(&ids)` for the rows on screen
//! let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
//! let redraw = std::io::stderr().is_terminal();
//! let progress = tokio::spawn(render_progress(rx, std::io::stderr(), redraw));
//! let refreshed = lister.refresh(&cache, shown.catalog.as_ref(), Some(tx)).await;
//! let _ = progress.await;
//! # }
//! ```

pub(crate) mod cache;
pub(crate) mod error;
pub(crate) mod fetch;
pub(crate) mod lister;
pub(crate) mod options;
pub(crate) mod pacer;
pub(crate) mod progress;
pub(crate) mod queue;
pub(crate) mod refresh;
pub(crate) mod retry;

pub use crate::core::listing::{CatalogEvent, ListSummary, replace_roles};
pub use cache::{CacheLoad, CatalogCache};
pub use error::CatalogError;
pub use lister::Lister;
pub use options::ListOptions;
pub use pacer::Pacer;
pub use progress::{ProgressLine, render_progress};
pub use queue::PriorityHandle;
pub use refresh::Refreshed;
