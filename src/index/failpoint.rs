//! Fixed failure points in the index's durable-write steps, for the kill tests
//! (`tests/index_kill.rs`). Compiled in only with the `failpoints` feature; without it
//! [`hit`] is an empty function.
//!
//! Every step of a writer where a crash could matter (creating, writing, flushing and syncing a
//! temporary file, renaming it into place, syncing the directory, removing a dead file) calls
//! [`hit`] just before it runs. The steps of a process are numbered from 1 in the order they are
//! reached. The environment variable `NEARDUPE_FAILPOINT` says what happens at them:
//!
//! * unset or empty: nothing.
//! * `count`: each step prints `neardupe failpoint N: STEP` to standard error and the process
//!   goes on, so a test learns how many steps an operation takes and what they are.
//! * `N` (a positive integer): the N-th step prints `neardupe failpoint N: STEP (exiting)` and
//!   the process ends at once with status [`EXIT_STATUS`], as a crash would end it: `_exit`
//!   on Unix (no destructors, no `atexit` handlers, no removal of temporary files, no flush of
//!   buffered output), `abort` elsewhere. A run that never reaches step N completes normally.
//!
//! Anything else is reported once on standard error and ignored.
//!
//! The helpers of `store.rs` call [`hit`], so every writer that writes through them (today
//! `create`, `insert_batch`, merges and `compact`, and the removal of unlisted files) is covered
//! without further hooks.

/// The exit status of a process ended at a failure point.
#[cfg(feature = "failpoints")]
pub(crate) const EXIT_STATUS: i32 = 86;

/// A durable-write step of a writer is about to run: `step` says which (such as `rename`),
/// `file` the file it acts on. See the module documentation.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub(crate) fn hit(_step: &str, _file: &str) {}

/// A durable-write step of a writer is about to run: `step` says which (such as `rename`),
/// `file` the file it acts on. See the module documentation.
#[cfg(feature = "failpoints")]
pub(crate) fn hit(step: &str, file: &str) {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// What `NEARDUPE_FAILPOINT` asks for.
    #[derive(Clone, Copy)]
    enum Mode {
        Off,
        Count,
        At(u64),
    }

    static MODE: OnceLock<Mode> = OnceLock::new();
    static STEPS: AtomicU64 = AtomicU64::new(0);

    let mode = *MODE.get_or_init(|| {
        let value = std::env::var("NEARDUPE_FAILPOINT").unwrap_or_default();
        match value.trim() {
            "" => Mode::Off,
            "count" => Mode::Count,
            v => match v.parse::<u64>() {
                Ok(n) if n > 0 => Mode::At(n),
                _ => {
                    eprintln!(
                        "neardupe: NEARDUPE_FAILPOINT={value:?} ignored (expected `count` or a step number from 1)"
                    );
                    Mode::Off
                }
            },
        }
    });
    let n = match mode {
        Mode::Off => return,
        Mode::Count | Mode::At(_) => STEPS.fetch_add(1, Ordering::SeqCst) + 1,
    };
    match mode {
        Mode::At(at) if at == n => {
            eprintln!("neardupe failpoint {n}: {step} {file} (exiting)");
            die();
        }
        Mode::Count => eprintln!("neardupe failpoint {n}: {step} {file}"),
        _ => {}
    }
}

/// Ends the process at once, as a crash would.
#[cfg(feature = "failpoints")]
fn die() -> ! {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: `_exit` takes any status and never returns; it skips destructors and `atexit`
    // handlers on purpose (a failure point stands for a crash), which cannot cause undefined
    // behaviour: the kernel closes the files and releases the lock.
    unsafe {
        libc::_exit(EXIT_STATUS)
    }
    #[cfg(not(unix))]
    std::process::abort()
}
