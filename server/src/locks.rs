//! Locks that stay usable after a holder panicked. What the server guards with a standard
//! lock is in-memory data changed in single steps (a value replaced, an entry inserted or
//! removed, a clock moved on), so a panic while one was held cannot leave it half-changed:
//! the poison is ignored rather than turned into a panic of every later holder.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Locks `mutex`, poisoned or not.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads under `lock`, poisoned or not.
pub fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

/// Writes under `lock`, poisoned or not.
pub fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_whose_holder_panicked_is_still_read_and_written() {
        let value = RwLock::new(1);
        let counter = Mutex::new(1);
        let _ = std::panic::catch_unwind(|| {
            let _w = value.write().unwrap();
            let _l = counter.lock().unwrap();
            panic!("a holder panics");
        });
        assert!(value.is_poisoned() && counter.is_poisoned());
        *write(&value) += 1;
        *lock(&counter) += 1;
        assert_eq!((*read(&value), *lock(&counter)), (2, 2));
    }
}
