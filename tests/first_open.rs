//! Stores opened from many threads at once as a process starts: each must be whole.
//!
//! Its own test binary, because the race it guards against exists only while a process
//! opens its very first SQLite connections.

use chrono::NaiveDate;
use saksgang::domain::{CaseDetails, CaseKind};
use saksgang::store::Store;

#[test]
fn stores_opened_at_once_by_many_threads_can_all_be_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|n| {
            let plain = dir.path().join(format!("plain-{n}.db"));
            std::thread::spawn(move || {
                let mut store = Store::open(&plain, "tester", None)?;
                let details = CaseDetails {
                    kind: CaseKind::System,
                    school: "Øvre Å skole".into(),
                    grade: "6. trinn".into(),
                    gender: None,
                    teacher: "Bjørn".into(),
                    description: "Uro i klassen".into(),
                };
                store.create_case(details, today, today)?;
                drop(store);
                saksgang::store::encrypt_database(&plain, "tester", "korrekt hest batteri stift")
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
}
