//! The case list's queries on a thread of their own, with their own read
//! connection: a search typed, counting to the end, a window far down the list.
//! The event loop never waits for one. Each new request supersedes the one
//! running (it is interrupted), and only the newest request's result is shown:
//! the list keeps the last result meanwhile, marked as searching.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};

use anyhow::Result;
use zeroize::Zeroizing;

use super::kit::Waker;
use super::pager::CasePager;
use crate::store::{Store, is_interrupted};

/// What the list asks for: the pager as it stands, counted and read again
/// (`refresh`), then moved to `target`.
struct Request {
    generation: u64,
    pager: CasePager,
    refresh: bool,
    target: Option<u64>,
    height: u64,
}

struct Done {
    generation: u64,
    pager: Result<CasePager>,
}

pub struct Searcher {
    requests: mpsc::Sender<Request>,
    results: mpsc::Receiver<Done>,
    /// Set by the thread once its connection is open.
    interrupt: Arc<Mutex<Option<rusqlite::InterruptHandle>>>,
    /// The newest request's number, and that of the newest result taken.
    asked: u64,
    answered: u64,
    /// A refresh was asked and not answered: a move asked meanwhile starts from
    /// the same new count, not the rows on screen.
    refresh_pending: bool,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The thread is stopped and waited for before the program ends: OpenSSL's
/// clean-up at exit must not pull the ground from under a key derivation or a
/// page being decrypted (the process then died by a signal at quit).
impl Drop for Searcher {
    fn drop(&mut self) {
        let (closed, _) = mpsc::channel();
        drop(std::mem::replace(&mut self.requests, closed));
        if let Ok(slot) = self.interrupt.lock()
            && let Some(handle) = slot.as_ref()
        {
            handle.interrupt();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Searcher {
    /// Starts the thread; it opens its connection first (a key derivation when
    /// the file is encrypted) and answers requests in order, the newest first.
    pub fn start(db: PathBuf, passphrase: Option<Zeroizing<String>>, wake: Waker) -> Searcher {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, results) = mpsc::channel();
        let interrupt = Arc::new(Mutex::new(None));
        let handle = Arc::clone(&interrupt);
        let thread = std::thread::spawn(move || {
            let store = match Store::open_reader(&db, passphrase.as_ref().map(|p| p.as_str())) {
                Ok(store) => store,
                Err(error) => {
                    // Every request gets the reason; the list says it.
                    let why = format!("{error:#}");
                    while let Ok(request) = inbox.recv() {
                        let done = Done { generation: request.generation, pager: Err(anyhow::anyhow!(why.clone())) };
                        if outbox.send(done).is_err() {
                            return;
                        }
                        wake();
                    }
                    return;
                }
            };
            if let Ok(mut slot) = handle.lock() {
                *slot = Some(store.interrupt_handle());
            }
            serve(&store, &inbox, &outbox, &wake);
        });
        Searcher { requests, results, interrupt, asked: 0, answered: 0, refresh_pending: false, thread: Some(thread) }
    }

    /// Asks for `pager` counted and read again (`target` None) or moved to the
    /// row `target`; whatever was running for an older request is stopped.
    pub fn ask(&mut self, pager: &CasePager, target: Option<u64>, height: u64) {
        self.refresh_pending = target.is_none() || (self.refresh_pending && self.busy());
        self.asked += 1;
        let request =
            Request { generation: self.asked, pager: pager.clone(), refresh: self.refresh_pending, target, height };
        if self.requests.send(request).is_ok()
            && let Ok(slot) = self.interrupt.lock()
            && let Some(handle) = slot.as_ref()
        {
            handle.interrupt();
        }
    }

    /// An answer is still to come for the newest request.
    pub fn busy(&self) -> bool {
        self.answered < self.asked
    }

    /// The newest request's result, once it is in; older results are dropped
    /// unseen.
    pub fn take(&mut self) -> Option<Result<CasePager>> {
        let mut newest = None;
        while let Ok(done) = self.results.try_recv() {
            if done.generation == self.asked {
                self.answered = done.generation;
                newest = Some(done.pager);
            }
        }
        newest
    }
}

/// Answers requests until the app is gone. A request is skipped for a newer one
/// waiting; one interrupted although no newer came (the interrupt was meant for
/// the one before) is run again, unless the app is gone.
fn serve(store: &Store, inbox: &mpsc::Receiver<Request>, outbox: &mpsc::Sender<Done>, wake: &Waker) {
    let mut next: Option<Request> = None;
    loop {
        let mut request = match next.take() {
            Some(request) => request,
            None => match inbox.recv() {
                Ok(request) => request,
                Err(_) => return,
            },
        };
        while let Ok(newer) = inbox.try_recv() {
            request = newer;
        }
        let mut pager = request.pager.clone();
        let refreshed = if request.refresh { pager.refresh(store, request.height) } else { Ok(()) };
        let outcome = match request.target {
            Some(index) => refreshed.and_then(|()| pager.select(store, index, request.height)),
            None => refreshed,
        };
        if let Err(error) = &outcome
            && is_interrupted(error)
        {
            next = match inbox.try_recv() {
                Ok(newer) => Some(newer),
                Err(mpsc::TryRecvError::Empty) => Some(request),
                // The app is gone: it interrupted to be done.
                Err(mpsc::TryRecvError::Disconnected) => return,
            };
            continue;
        }
        let done = Done { generation: request.generation, pager: outcome.map(|()| pager) };
        if outbox.send(done).is_err() {
            return;
        }
        wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CaseQuery;

    fn searcher(dir: &std::path::Path) -> (Searcher, mpsc::Receiver<()>) {
        let db = dir.join("s.db");
        let mut store = Store::open(&db, "test", None).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        store.create_with_history(&crate::demo::demo_cases(300, today, 7), today).unwrap();
        drop(store);
        let (woke, wakes) = mpsc::channel();
        let wake: Waker = Arc::new(move || {
            let _ = woke.send(());
        });
        (Searcher::start(db, None, wake), wakes)
    }

    fn searching(text: &str) -> CasePager {
        CasePager::new(CaseQuery { search: text.into(), ..CaseQuery::default() })
    }

    #[test]
    fn only_the_newest_request_is_answered_and_an_older_result_is_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let (mut searcher, wakes) = searcher(dir.path());
        for text in ["s", "sk", "sko", "skol", "skole"] {
            searcher.ask(&searching(text), None, 20);
        }
        assert!(searcher.busy());
        let shown = loop {
            wakes.recv_timeout(std::time::Duration::from_secs(20)).expect("an answer comes");
            if let Some(result) = searcher.take() {
                break result.unwrap();
            }
        };
        assert_eq!(shown.query.search, "skole", "the result shown is the newest request's");
        assert!(shown.total > 0);
        assert!(!searcher.busy());
        // Answers to the older requests that still come in are dropped.
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(searcher.take().is_none());
    }

    #[test]
    fn a_move_far_down_is_answered_with_the_selection_there() {
        let dir = tempfile::tempdir().unwrap();
        let (mut searcher, wakes) = searcher(dir.path());
        searcher.ask(&CasePager::new(CaseQuery::default()), None, 20);
        let counted = loop {
            wakes.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
            if let Some(result) = searcher.take() {
                break result.unwrap();
            }
        };
        searcher.ask(&counted, Some(u64::MAX), 20);
        let moved = loop {
            wakes.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
            if let Some(result) = searcher.take() {
                break result.unwrap();
            }
        };
        assert_eq!(moved.selected, counted.total - 1);
        assert!(moved.selected_row().is_some(), "the row at the end is read");
    }

    #[test]
    fn a_connection_that_cannot_open_answers_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (woke, wakes) = mpsc::channel();
        let wake: Waker = Arc::new(move || {
            let _ = woke.send(());
        });
        let mut searcher = Searcher::start(dir.path().join("finnes-ikke.db"), None, wake);
        searcher.ask(&searching("skole"), None, 20);
        wakes.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
        assert!(searcher.take().unwrap().is_err());
    }
}
