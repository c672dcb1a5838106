//! Placeholder replaced by the classic routes.

use super::Routes;

pub(super) fn routes() -> Routes {
    Vec::new()
}
