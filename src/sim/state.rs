//! Everything the simulator's handlers share: its settings, the alert store, scans, the signing
//! key of its tokens, and a clock that tests can move forward through `/_sim/clock` instead of
//! sleeping.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::SimConfig;
use super::faults::Faults;
use super::store::AlertStore;

/// A scan the simulator is running or has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanRecord {
    pub(crate) hostname: String,
    pub(crate) started: i64,
}

/// The shared state behind every handler; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct SimState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: SimConfig,
    store: RwLock<AlertStore>,
    scans: Mutex<HashMap<String, ScanRecord>>,
    idempotency: Mutex<HashMap<String, u64>>,
    clock_offset: AtomicI64,
    faults: Faults,
}

impl SimState {
    /// State for `config` holding `store`.
    pub(crate) fn new(config: SimConfig, store: AlertStore) -> Self {
        let faults = Faults::new(&config);
        Self {
            inner: Arc::new(Inner {
                config,
                store: RwLock::new(store),
                scans: Mutex::new(HashMap::new()),
                idempotency: Mutex::new(HashMap::new()),
                clock_offset: AtomicI64::new(0),
                faults,
            }),
        }
    }

    pub(crate) fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The simulator's now, unix seconds: the wall clock plus whatever tests advanced it by.
    pub(crate) fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Moves the simulator's clock forward (tests of expiry and completion).
    pub(crate) fn advance_clock(&self, seconds: i64) {
        self.inner
            .clock_offset
            .fetch_add(seconds, Ordering::Relaxed);
    }

    pub(crate) fn store(&self) -> RwLockReadGuard<'_, AlertStore> {
        // A handler that panicked mid-read left the data intact; keep serving.
        self.inner
            .store
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn store_mut(&self) -> RwLockWriteGuard<'_, AlertStore> {
        self.inner
            .store
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn scans(&self) -> MutexGuard<'_, HashMap<String, ScanRecord>> {
        self.inner
            .scans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn idempotency(&self) -> MutexGuard<'_, HashMap<String, u64>> {
        self.inner
            .idempotency
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
