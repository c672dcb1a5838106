//! Placeholder replaced by the alerts routes.

use super::Routes;

pub(super) fn routes() -> Routes {
    Vec::new()
}
