//! The real binary in an 80×24 pseudo-terminal, its screen read through vt100.
//! Shared by the end-to-end tests and the speed benchmark.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// The passphrase the sessions use unless a test types its own.
pub const PASSPHRASE: &str = "korrekt hest batteri stift";

pub struct Session {
    pub screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    /// Starts saksgang on `db` with today fixed at 23.11.2026, no settings file and
    /// the passphrase in the environment.
    pub fn start(db: &Path) -> Session {
        Session::start_with(db, Some(PASSPHRASE))
    }

    /// As `start`; without a passphrase the program asks for one in the terminal.
    pub fn start_with(db: &Path, passphrase: Option<&str>) -> Session {
        Session::command(db, passphrase, &[])
    }

    /// `saksgang ARGS` on `db`, as `start_with` runs the screens.
    pub fn command(db: &Path, passphrase: Option<&str>, args: &[&str]) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_saksgang"));
        command.arg("--db");
        command.arg(db);
        command.args(["--today", "2026-11-23"]);
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env_remove("SAKSGANG_KIT_PASSPHRASE");
        command.env("SAKSGANG_CONFIG", db.with_file_name("none.toml"));
        command.env_remove("SAKSGANG_LANG");
        match passphrase {
            Some(p) => command.env("SAKSGANG_PASSPHRASE", p),
            None => command.env_remove("SAKSGANG_PASSPHRASE"),
        }
        let child = pair.slave.spawn_command(command).expect("the program starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let size = |n| NonZeroU16::new(n).unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(24), size(80), 0)));
        let sink = Arc::clone(&screen);
        // Drained on its own thread so the program never blocks on a full pty.
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        Session { screen, writer, child }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; panics with the screen after 20 s.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(text, |screen| screen.contains(text));
    }

    /// Waits until the screen is as `shows` wants it, looking every 0.2 ms, and
    /// says how long that took; panics with the screen after 20 s.
    pub fn wait_until(&self, what: &str, shows: impl Fn(&str) -> bool) -> Duration {
        let started = Instant::now();
        while !shows(&self.contents()) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{what:?} never appeared; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        started.elapsed()
    }

    /// Types `keys` and gives the event loop a moment, as a person would.
    pub fn send(&mut self, keys: &str) {
        self.write(keys);
        std::thread::sleep(Duration::from_millis(50));
    }

    /// Writes `keys` at once, as a quick typist or a paste would.
    pub fn write(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Kills the program at once, as a closed terminal or a crash would.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
    }

    pub fn process_id(&self) -> Option<u32> {
        self.child.process_id()
    }

    pub fn wait_for_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!("the program did not quit; the screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
