//! Placeholder replaced by the reputation routes.

use super::Routes;

pub(super) fn routes() -> Routes {
    Vec::new()
}
