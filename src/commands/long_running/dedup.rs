//! The alert ids already turned into incidents, over a bounded window: a vendor retry of an
//! acknowledged push creates nothing, and memory stays bounded (the oldest ids are forgotten).

use std::collections::{HashSet, VecDeque};

/// The last `capacity` ids seen.
#[derive(Debug)]
pub struct SeenWindow {
    ids: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl SeenWindow {
    /// An empty window remembering up to `capacity` ids.
    pub fn new(capacity: usize) -> Self {
        Self {
            ids: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Whether `id` is in the window.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Remembers `id`, forgetting the oldest id when full.
    pub fn insert(&mut self, id: String) {
        if self.ids.contains(&id) {
            return;
        }
        if self.order.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        self.ids.insert(id.clone());
        self.order.push_back(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_bounded_and_forgets_the_oldest() {
        let mut window = SeenWindow::new(2);
        window.insert("a".to_owned());
        window.insert("b".to_owned());
        window.insert("a".to_owned());
        assert!(window.contains("a") && window.contains("b"));
        window.insert("c".to_owned());
        assert!(!window.contains("a"));
        assert!(window.contains("b") && window.contains("c"));
    }
}
