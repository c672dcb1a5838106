//! The alert ids already turned into incidents, over a bounded window: a vendor retry of an
//! acknowledged push creates nothing, and memory stays bounded (the oldest ids are forgotten).
//! Ids are kept as 64-bit keyed hashes (SipHash with a per-process random key), about 30 bytes
//! each with the set's overhead, instead of the strings: 200,000 ids take ~6 MB, not ~40 MB. Two
//! ids of one window collide with odds of about n²/2⁶⁵ (1 in 10⁹ for 200,000 ids), and the key
//! is secret, so a sender cannot aim for a collision.

use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::BuildHasher;

/// The last `capacity` ids seen.
#[derive(Debug)]
pub struct SeenWindow {
    keys: HashSet<u64>,
    order: VecDeque<u64>,
    capacity: usize,
    hasher: RandomState,
}

impl SeenWindow {
    /// An empty window remembering up to `capacity` ids.
    pub fn new(capacity: usize) -> Self {
        Self {
            keys: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
            hasher: RandomState::new(),
        }
    }

    fn key(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// Whether `id` is in the window.
    pub fn contains(&self, id: &str) -> bool {
        self.keys.contains(&self.key(id))
    }

    /// Remembers `id`, forgetting the oldest id when full.
    pub fn insert(&mut self, id: &str) {
        let key = self.key(id);
        if self.keys.contains(&key) {
            return;
        }
        if self.order.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.keys.remove(&oldest);
        }
        self.keys.insert(key);
        self.order.push_back(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_bounded_and_forgets_the_oldest() {
        let mut window = SeenWindow::new(2);
        window.insert("a");
        window.insert("b");
        window.insert("a");
        assert!(window.contains("a") && window.contains("b"));
        window.insert("c");
        assert!(!window.contains("a"));
        assert!(window.contains("b") && window.contains("c"));
    }
}
