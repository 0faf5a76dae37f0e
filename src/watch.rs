//! `walint check --watch`: the file-system events of the folders a check reads, gathered into
//! one batch per burst of changes, and Ctrl-C. What a batch means is the caller's (`cli`):
//! the same check again, reading only the files that changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use notify::event::EventKind;
use notify::{RecursiveMode, Watcher as _};

use crate::discover;

/// How long the files must stay quiet before a batch is checked: an editor's save (a
/// temporary file written, then renamed over the old one) and a `git checkout` come as
/// bursts of events, which make one run.
pub const QUIET: Duration = Duration::from_millis(150);
/// The longest a batch waits for quiet: files written without a pause are checked anyway.
const LONGEST: Duration = Duration::from_secs(2);
/// How often a wait looks whether Ctrl-C was pressed.
const TICK: Duration = Duration::from_millis(100);

/// Set by the signal handler; read between events.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// The watcher of a check's folders.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// What is watched now: canonical paths, none under a folder watched recursively.
    watched: Vec<(PathBuf, bool)>,
}

/// What waiting for changes gave.
pub enum Next {
    Changed(Changes),
    /// Ctrl-C (SIGINT) or SIGTERM.
    Stop,
}

/// One batch of changes.
#[derive(Debug, Default)]
pub struct Changes {
    /// The paths the events name, absolute, without `.` or `..`.
    pub paths: BTreeSet<PathBuf>,
    /// Events were lost (the kernel's queue overflowed, the watcher failed): any file may
    /// have changed.
    pub rescan: bool,
    /// What the watcher reported as errors, for standard error.
    pub errors: Vec<String>,
}

impl Changes {
    /// Whether the batch names `path` (absolute, as [`absolute`] gives it).
    pub fn names(&self, path: &Path) -> bool {
        self.paths.contains(path)
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan && self.errors.is_empty()
    }

    fn add(&mut self, event: notify::Result<notify::Event>) {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                self.errors.push(error.to_string());
                self.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
        }
        // Opening and reading a file changes nothing, and the check itself reads them all.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let outside_git = |path: &PathBuf| !path.components().any(|c| c.as_os_str() == ".git");
        self.paths.extend(
            event
                .paths
                .into_iter()
                .filter(outside_git)
                .map(|p| discover::lexical(&p)),
        );
    }
}

impl Watch {
    /// A watcher with nothing watched yet, and Ctrl-C caught: from now on it ends the wait
    /// for changes (a second Ctrl-C ends walint at once, in the middle of a run).
    pub fn start() -> Result<Watch, String> {
        let (sender, events) = crossbeam_channel::unbounded();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when walint is ending.
            let _ = sender.send(event);
        })
        .map_err(|e| e.to_string())?;
        catch_stop();
        Ok(Watch {
            watcher,
            events,
            watched: Vec::new(),
        })
    }

    /// Watches `wanted` (folders, recursively when `true`) and no longer what it watched
    /// before and does not want now. A path that does not exist is passed over; what cannot
    /// be watched is returned, for standard error.
    pub fn set(&mut self, wanted: Vec<(PathBuf, bool)>) -> Vec<String> {
        let wanted = minimal(wanted);
        let mut problems = Vec::new();
        for (path, recursive) in &self.watched {
            if !wanted.contains(&(path.clone(), *recursive)) {
                // A folder that is gone is no longer watched anyway.
                let _ = self.watcher.unwatch(path);
            }
        }
        for (path, recursive) in &wanted {
            if self.watched.contains(&(path.clone(), *recursive)) {
                continue;
            }
            let mode = if *recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            if let Err(error) = self.watcher.watch(path, mode) {
                problems.push(format!("cannot watch `{}`: {error}", path.display()));
            }
        }
        self.watched = wanted;
        problems
    }

    /// Waits for changes: the first event, then every event until the files have been
    /// quiet for [`QUIET`] (or [`LONGEST`] has passed).
    pub fn next(&self) -> Next {
        let mut changes = Changes::default();
        while changes.is_empty() {
            if stopped() {
                return Next::Stop;
            }
            match self.events.recv_timeout(TICK) {
                Ok(event) => changes.add(event),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Next::Stop,
            }
        }
        let started = Instant::now();
        let mut last = Instant::now();
        loop {
            let quiet_left = QUIET.saturating_sub(last.elapsed());
            if quiet_left.is_zero() || started.elapsed() >= LONGEST {
                break;
            }
            if stopped() {
                return Next::Stop;
            }
            match self.events.recv_timeout(quiet_left.min(TICK)) {
                Ok(event) => {
                    changes.add(event);
                    last = Instant::now();
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Next::Changed(changes)
    }
}

fn stopped() -> bool {
    STOPPED.load(Ordering::SeqCst)
}

/// SIGINT and SIGTERM set [`STOPPED`] once; the handler is then reset, so a second signal
/// ends walint as it would have without the watch.
#[cfg(unix)]
fn catch_stop() {
    extern "C" fn stop(_signal: libc::c_int) {
        // An atomic store is all a signal handler may safely do here.
        STOPPED.store(true, Ordering::SeqCst);
    }
    let handler: extern "C" fn(libc::c_int) = stop;
    // SAFETY: `action` is fully initialised (zeroed, then its handler, flags and an empty
    // mask set) before sigaction reads it, and the handler only stores to an atomic.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as libc::sighandler_t;
        action.sa_flags = libc::SA_RESETHAND;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}

/// Elsewhere Ctrl-C ends walint as the system does.
#[cfg(not(unix))]
fn catch_stop() {}

/// `path` (relative to `cwd` or absolute) as an absolute path without `.` or `..`, the form
/// of [`Changes::paths`]: no link is followed, so two names of a file through a symbolic
/// link differ (a run tells a changed file by its size and time of change too).
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    discover::absolute(path, cwd)
}

/// The folders to watch, canonical, each once, none inside a folder watched recursively
/// (a second watch there would replace the recursive one's).
fn minimal(wanted: Vec<(PathBuf, bool)>) -> Vec<(PathBuf, bool)> {
    let mut paths: Vec<(PathBuf, bool)> = wanted
        .into_iter()
        .filter_map(|(path, recursive)| Some((path.canonicalize().ok()?, recursive)))
        .collect();
    // Recursive first among equal paths, so the non-recursive duplicate is the one dropped.
    paths.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut kept: Vec<(PathBuf, bool)> = Vec::new();
    for (path, recursive) in paths {
        let covered = kept
            .iter()
            .any(|(other, deep)| *other == path || (*deep && path.starts_with(other)));
        if !covered {
            kept.push((path, recursive));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_inside_one_watched_recursively_is_not_watched_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let sub = root.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let other = root.join("c");
        std::fs::create_dir_all(&other).unwrap();
        let kept = minimal(vec![
            (sub.clone(), false),
            (root.join("a"), true),
            (root.join("a"), false),
            (other.clone(), false),
            (root.join("missing"), true),
        ]);
        assert_eq!(kept, [(root.join("a"), true), (other, false)]);
        // A folder watched alone keeps its own mode.
        assert_eq!(minimal(vec![(sub.clone(), false)]), [(sub, false)]);
    }

    #[test]
    fn paths_are_made_absolute_without_dots_and_no_link_is_followed() {
        let cwd = Path::new("/work/shop");
        assert_eq!(
            absolute(cwd, Path::new("./whatsapp/../flows/bot.yaml")),
            Path::new("/work/shop/flows/bot.yaml")
        );
        assert_eq!(
            absolute(cwd, Path::new("/elsewhere/./x.json")),
            Path::new("/elsewhere/x.json")
        );
    }

    #[test]
    fn reading_a_file_is_no_change_and_a_lost_event_asks_for_a_rescan() {
        use notify::event::{AccessKind, AccessMode, DataChange, ModifyKind};
        let mut changes = Changes::default();
        let read = notify::Event::new(EventKind::Access(AccessKind::Close(AccessMode::Read)))
            .add_path("/w/a.yaml".into());
        changes.add(Ok(read));
        assert!(changes.is_empty());
        let written = notify::Event::new(EventKind::Modify(ModifyKind::Data(DataChange::Any)))
            .add_path("/w/./a.yaml".into())
            .add_path("/w/.git/index".into());
        changes.add(Ok(written));
        assert_eq!(
            changes.paths.iter().collect::<Vec<_>>(),
            [Path::new("/w/a.yaml")]
        );
        assert!(!changes.rescan);
        changes.add(Ok(
            notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan)
        ));
        assert!(changes.rescan);
    }
}
