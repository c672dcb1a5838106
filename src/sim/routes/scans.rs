//! Placeholder replaced by the scans routes.

use super::Routes;

pub(super) fn routes() -> Routes {
    Vec::new()
}
