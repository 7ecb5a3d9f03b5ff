//! A byte and item budget for a queue whose items are of any size: a queue bounded by count
//! alone holds as much memory as its largest items allow, so the queues that can hold
//! client-chosen text (spans waiting for export, messages waiting for a shared store) take
//! room here before an item goes in and give it back once it is out.

use std::sync::atomic::{AtomicUsize, Ordering};

/// What a queue may hold: at most `max_bytes` bytes in at most `max_items` items.
#[derive(Debug)]
pub(crate) struct Budget {
    max_bytes: usize,
    max_items: usize,
    bytes: AtomicUsize,
    items: AtomicUsize,
}

impl Budget {
    /// A budget of `max_bytes` bytes and `max_items` items.
    pub const fn new(max_bytes: usize, max_items: usize) -> Budget {
        Budget { max_bytes, max_items, bytes: AtomicUsize::new(0), items: AtomicUsize::new(0) }
    }

    /// Takes room for one item of `size` bytes: false (and nothing taken) when it does not fit.
    pub fn take(&self, size: usize) -> bool {
        let bytes = self.bytes.fetch_add(size, Ordering::AcqRel) + size;
        let items = self.items.fetch_add(1, Ordering::AcqRel) + 1;
        if bytes <= self.max_bytes && items <= self.max_items {
            return true;
        }
        self.give_back(size, 1);
        false
    }

    /// Gives back the room of `items` items of `bytes` bytes in all.
    pub fn give_back(&self, bytes: usize, items: usize) {
        self.bytes.fetch_sub(bytes, Ordering::AcqRel);
        self.items.fetch_sub(items, Ordering::AcqRel);
    }

    /// Bytes held now.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// The most bytes it holds.
    #[cfg(feature = "otel")]
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// The most items it holds.
    #[cfg(feature = "otel")]
    pub fn max_items(&self) -> usize {
        self.max_items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_that_does_not_fit_takes_nothing() {
        let budget = Budget::new(100, 2);
        assert!(budget.take(60));
        assert!(!budget.take(41), "over the bytes");
        assert!(budget.take(40));
        assert!(!budget.take(0), "over the items");
        assert_eq!(budget.bytes(), 100);
        budget.give_back(60, 1);
        assert!(budget.take(50));
        assert_eq!(budget.bytes(), 90);
    }
}
