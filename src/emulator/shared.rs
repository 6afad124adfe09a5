//! What every handler shares: the organization, the clock, the store of issued clients,
//! tokens and credentials, the fault state and the network switch; and admitting a request
//! (counting it, injected latency, faults).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use axum::http::StatusCode;

use super::api::Api;
use super::aws_error::AwsError;
use super::clock::EmuClock;
use super::faults::{FaultState, Faults, Verdict};
use super::network::NetworkSwitch;
use super::org::{Account, Org};
use super::store::Store;

/// Everything the handlers share.
#[derive(Debug)]
pub struct Shared {
    pub org: Org,
    pub clock: EmuClock,
    pub base_url: String,
    /// Account id → position in `org.accounts`, so lookups stay fast in huge orgs.
    accounts_by_id: HashMap<String, usize>,
    store: Mutex<Store>,
    faults: Mutex<FaultState>,
    network: NetworkSwitch,
}

impl Shared {
    pub fn new(org: Org, base_url: String) -> Self {
        let clock = EmuClock::new(org.faults.clock_offset_seconds, org.settings.time_scale);
        let faults = FaultState::new(org.faults.clone(), org.settings.seed);
        let network = NetworkSwitch::default();
        network.set_down(org.faults.network_down);
        let accounts_by_id = org
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        Self {
            org,
            clock,
            base_url,
            accounts_by_id,
            store: Mutex::new(Store::default()),
            faults: Mutex::new(faults),
            network,
        }
    }

    /// An account by id, without scanning the org.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts_by_id
            .get(id)
            .and_then(|&i| self.org.accounts.get(i))
    }

    /// The store, even if a handler panicked while holding it.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fault_state(&self) -> MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn faults(&self) -> Faults {
        self.fault_state().faults().clone()
    }

    /// The switch the network-down fault flips (the listener cuts connections with it).
    pub(super) fn network(&self) -> NetworkSwitch {
        self.network.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.clock.set_offset_seconds(faults.clock_offset_seconds);
        self.network.set_down(faults.network_down);
        self.fault_state().set(faults);
    }

    /// Counts a request, waits out its injected latency and decides whether a fault answers it.
    pub async fn admit(&self, api: Api) -> Result<(), AwsError> {
        let (latency, verdict) = {
            let mut faults = self.fault_state();
            (faults.latency(api), faults.judge(api, super::faults::now()))
        };
        {
            let mut store = self.store();
            let stats = store.stats.entry(api.name()).or_default();
            stats.requests += 1;
            match verdict {
                Verdict::Throttle => stats.throttled += 1,
                Verdict::ServerError => stats.server_errors += 1,
                Verdict::Proceed => {}
            }
        }
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        match verdict {
            Verdict::Proceed => Ok(()),
            Verdict::Throttle => Err(AwsError::portal(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequestsException",
                "Rate exceeded",
            )),
            Verdict::ServerError => Err(server_error(api)),
        }
    }
}

fn server_error(api: Api) -> AwsError {
    match api {
        Api::AssumeRole | Api::GetCallerIdentity | Api::GetSessionToken => AwsError::sts(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Service is unable to handle request.",
        ),
        _ if api.is_portal() => AwsError::portal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "An internal error occurred (injected)",
        ),
        _ => AwsError::oidc(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "server_error",
            "An internal error occurred (injected)",
        ),
    }
}
