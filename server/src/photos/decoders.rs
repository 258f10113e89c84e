//! The threads the pipeline analyses photos on: one per worker, each at a lower scheduling
//! priority (`photos.nice`). While the cores are busy, what phones wait for — chunks, pushes,
//! pulls, on the runtime's threads and the blocking pool — comes first, and photos are
//! processed with the time left over; on an idle server the analyses run at full speed. A
//! thread an analysis starts (the large thumbnail's) inherits the priority.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use tokio::sync::oneshot;
use tracing::warn;

type Job = Box<dyn FnOnce() + Send>;

/// A pool of low-priority threads; they end when it is dropped.
#[derive(Debug)]
pub struct Decoders {
    jobs: mpsc::Sender<Job>,
}

/// Why a job on the pool gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeFailed {
    /// The job panicked (a property of its input: trying again would panic again).
    #[error("panik: {0}")]
    Panicked(String),
    /// The pool's threads are gone (they could not be started, or the server stops).
    #[error("utas analisis foto tidak berjalan")]
    Stopped,
}

impl Decoders {
    /// Starts `threads` threads (at least one), each lowered to `nice` (0–19, Linux's scale;
    /// where the system refuses, the thread keeps its priority and says so in the log).
    #[must_use]
    pub fn start(threads: usize, nice: i32) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..threads.max(1) {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name("photo-decode".to_owned())
                .spawn(move || {
                    lower_priority(nice);
                    loop {
                        // One idle thread waits on the queue at a time; the others wait for
                        // the lock.
                        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                        let Ok(job) = job else { return };
                        job();
                    }
                });
            if let Err(e) = started {
                warn!(error = %e, "a photo analysis thread could not be started");
            }
        }
        Self { jobs }
    }

    /// Runs `job` on one of the pool's threads and waits for its result.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, DecodeFailed> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(job))
                .map_err(|payload| DecodeFailed::Panicked(panic_message(payload.as_ref())));
            // The caller may have gone (its request ended): nobody waits for the result then.
            let _ = done.send(outcome);
        });
        self.jobs.send(job).map_err(|_| DecodeFailed::Stopped)?;
        result.await.map_err(|_| DecodeFailed::Stopped)?
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "tanpa pesan".to_owned())
}

/// Lowers the calling thread's priority: on Linux the nice value belongs to each thread, and
/// `setpriority(PRIO_PROCESS, 0, …)` sets the caller's.
fn lower_priority(nice: i32) {
    if nice == 0 {
        return;
    }
    if let Err(e) = rustix::process::setpriority_process(None, nice) {
        warn!(error = %e, nice, "a photo analysis thread keeps its priority");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own_nice() -> i32 {
        rustix::process::getpriority_process(None).expect("getpriority")
    }

    #[tokio::test]
    async fn jobs_run_at_the_lower_priority_and_the_caller_keeps_its_own() {
        let caller = own_nice();
        // 19, the lowest priority: any thread may lower itself that far.
        let decoders = Decoders::start(2, 19);
        let seen = decoders.run(own_nice).await.expect("ran");
        assert_eq!(seen, 19, "the decode thread's nice value");
        // A thread the job starts inherits it.
        let inherited = decoders
            .run(|| std::thread::spawn(own_nice).join().expect("joined"))
            .await
            .expect("ran");
        assert_eq!(inherited, seen);
        assert_eq!(own_nice(), caller, "the calling thread is untouched");
    }

    #[tokio::test]
    async fn a_job_that_panics_is_an_error_and_the_pool_goes_on() {
        let decoders = Decoders::start(1, 0);
        let failed = decoders
            .run(|| -> u8 { panic!("berkas rusak") })
            .await
            .expect_err("panicked");
        assert_eq!(failed, DecodeFailed::Panicked("berkas rusak".to_owned()));
        assert_eq!(decoders.run(|| 7).await, Ok(7));
    }
}
