//! The schema, one migration per version. `PRAGMA user_version` holds the version
//! applied; `PRAGMA application_id` marks the file as ours.

/// "SAKS" in ASCII: tells a saksgang database from any other SQLite file.
pub const APPLICATION_ID: i64 = 0x5341_4B53;

/// Applied in order; migration `i` brings the schema to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: cases, their meetings, and the audit trail.
    r#"
    CREATE TABLE cases (
        key             INTEGER PRIMARY KEY,             -- local and stable: the search index refers to it
        id              TEXT NOT NULL UNIQUE,            -- UUID, stable across machines
        reference       TEXT NOT NULL UNIQUE,            -- e.g. 2026-014
        ref_year        INTEGER NOT NULL,
        ref_seq         INTEGER NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('individual', 'system')),
        school          TEXT NOT NULL,
        grade           TEXT NOT NULL,
        gender          TEXT CHECK (gender IN ('jente', 'gutt', 'annet')),
        teacher         TEXT NOT NULL DEFAULT '',
        description     TEXT NOT NULL DEFAULT '',
        created_on      TEXT NOT NULL,                   -- YYYY-MM-DD
        decision        TEXT CHECK (decision IN ('close', 'continue', 'refer')),
        decided_on      TEXT,
        referral_sent_on TEXT,
        closed_on       TEXT,
        close_reason    TEXT,
        -- Derived by the domain on every write, so that screens can filter and
        -- sort with an index instead of loading cases:
        stage           TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        next_kind       TEXT,                            -- the open deadline
        next_due        TEXT,
        next_planned    TEXT,                            -- a planned meeting that would meet it
        due_sort        TEXT NOT NULL,                   -- next_due, or 9999-12-31 when none
        search_text     TEXT NOT NULL                    -- lower-cased text the search looks in
    );
    CREATE UNIQUE INDEX cases_by_ref ON cases (ref_year, ref_seq);
    CREATE INDEX cases_by_status_ref ON cases (status, ref_year, ref_seq);
    CREATE INDEX cases_by_status_stage_ref ON cases (status, stage, ref_year, ref_seq);
    CREATE INDEX cases_by_status_due ON cases (status, due_sort, ref_year, ref_seq);

    -- Search by any part of a word: a trigram index over cases.search_text, kept
    -- in step by triggers.
    CREATE VIRTUAL TABLE cases_search USING fts5 (
        search_text, content = 'cases', content_rowid = 'key', tokenize = 'trigram'
    );
    CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
        INSERT INTO cases_search (rowid, search_text) VALUES (new.key, new.search_text);
    END;
    CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
        INSERT INTO cases_search (cases_search, rowid, search_text) VALUES ('delete', old.key, old.search_text);
    END;
    CREATE TRIGGER cases_search_update AFTER UPDATE OF search_text ON cases BEGIN
        INSERT INTO cases_search (cases_search, rowid, search_text) VALUES ('delete', old.key, old.search_text);
        INSERT INTO cases_search (rowid, search_text) VALUES (new.key, new.search_text);
    END;

    -- Cases per status and stage for the start screen, kept by triggers so that
    -- showing them never counts 100,000 rows.
    CREATE TABLE stage_counts (
        status TEXT NOT NULL,
        stage  TEXT NOT NULL,
        n      INTEGER NOT NULL,
        PRIMARY KEY (status, stage)
    ) WITHOUT ROWID;
    CREATE TRIGGER stage_counts_insert AFTER INSERT ON cases BEGIN
        INSERT INTO stage_counts VALUES (new.status, new.stage, 1)
            ON CONFLICT (status, stage) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER stage_counts_delete AFTER DELETE ON cases BEGIN
        UPDATE stage_counts SET n = n - 1 WHERE status = old.status AND stage = old.stage;
    END;
    CREATE TRIGGER stage_counts_update AFTER UPDATE OF status, stage ON cases
        WHEN old.status IS NOT new.status OR old.stage IS NOT new.stage BEGIN
        UPDATE stage_counts SET n = n - 1 WHERE status = old.status AND stage = old.stage;
        INSERT INTO stage_counts VALUES (new.status, new.stage, 1)
            ON CONFLICT (status, stage) DO UPDATE SET n = n + 1;
    END;

    CREATE TABLE meetings (
        case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        number  INTEGER NOT NULL CHECK (number BETWEEN 1 AND 3),
        date    TEXT NOT NULL,
        held    INTEGER NOT NULL CHECK (held IN (0, 1)),
        PRIMARY KEY (case_id, number)
    ) WITHOUT ROWID;

    CREATE TABLE audit (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,                           -- RFC 3339, UTC
        actor   TEXT NOT NULL,
        case_id TEXT REFERENCES cases (id),
        action  TEXT NOT NULL,
        detail  TEXT NOT NULL,                           -- JSON object
        hash    TEXT NOT NULL                            -- SHA-256 over the previous entry's hash and this entry
    );
    CREATE INDEX audit_by_case ON audit (case_id, id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#,
    // 2: consent, and the pupil's identity held under it.
    r#"
    ALTER TABLE cases ADD COLUMN consent_given_on TEXT;
    ALTER TABLE cases ADD COLUMN consent_given_by TEXT CHECK (consent_given_by IN ('guardians', 'pupil'));
    ALTER TABLE cases ADD COLUMN consent_scope TEXT;
    ALTER TABLE cases ADD COLUMN consent_expires_on TEXT;
    ALTER TABLE cases ADD COLUMN consent_withdrawn_on TEXT;
    ALTER TABLE cases ADD COLUMN pupil_name TEXT;
    ALTER TABLE cases ADD COLUMN birth_date TEXT;
    -- The start screen warns about consents running out, and about names held
    -- without consent: both read only these indexes, never all cases.
    CREATE INDEX cases_by_consent_expiry ON cases (consent_expires_on) WHERE consent_expires_on IS NOT NULL;
    CREATE INDEX cases_named ON cases (birth_date, consent_given_by, consent_given_on, consent_withdrawn_on,
        consent_expires_on) WHERE pupil_name IS NOT NULL;
    "#,
    // 3: meeting records, as the møte 1-3 forms hold them. The meeting's date stays
    // in `meetings`, where the deadlines are computed from.
    r#"
    CREATE TABLE meeting_records (
        case_id         TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        number          INTEGER NOT NULL CHECK (number BETWEEN 1 AND 3),
        time            TEXT,                            -- HH:MM
        place           TEXT NOT NULL,
        purpose         TEXT NOT NULL,
        other_agreements TEXT NOT NULL,
        approved_by     TEXT NOT NULL,
        approved_on     TEXT,
        decision_responsible TEXT NOT NULL,              -- meeting 3
        agenda_checked  INTEGER NOT NULL,                -- one bit per agenda item
        PRIMARY KEY (case_id, number)
    ) WITHOUT ROWID;
    CREATE TABLE participants (
        case_id   TEXT NOT NULL,
        number    INTEGER NOT NULL,
        position  INTEGER NOT NULL,
        name      TEXT NOT NULL,
        role      TEXT NOT NULL CHECK (role IN ('contact_teacher', 'coordinator', 'school_leader', 'pupil',
                      'guardian', 'ppt', 'health_nurse', 'other')),
        role_text TEXT NOT NULL,
        PRIMARY KEY (case_id, number, position),
        FOREIGN KEY (case_id, number) REFERENCES meeting_records (case_id, number) ON DELETE CASCADE
    ) WITHOUT ROWID;
    -- What each party said; `topic` tells the statement of the meeting from the
    -- services asked of PPT (meeting 3).
    CREATE TABLE statements (
        case_id TEXT NOT NULL,
        number  INTEGER NOT NULL,
        topic   TEXT NOT NULL CHECK (topic IN ('statement', 'services')),
        party   TEXT NOT NULL CHECK (party IN ('school', 'pupil', 'guardians', 'partners')),
        text    TEXT NOT NULL,
        PRIMARY KEY (case_id, number, topic, party),
        FOREIGN KEY (case_id, number) REFERENCES meeting_records (case_id, number) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE tasks (                                 -- meeting 1
        case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('gather_information', 'consider_cooperation', 'arrange_consent',
                        'other')),
        assigned_to TEXT NOT NULL CHECK (assigned_to IN ('school', 'pupil', 'guardians', 'partners')),
        partner     TEXT NOT NULL,
        note        TEXT NOT NULL,
        done        INTEGER NOT NULL CHECK (done IN (0, 1)),
        PRIMARY KEY (case_id, position)
    ) WITHOUT ROWID;
    CREATE TABLE measures (                              -- agreed in meeting 2, evaluated in meeting 3
        case_id      TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        id           INTEGER NOT NULL,
        position     INTEGER NOT NULL,
        content      TEXT NOT NULL,
        scope        TEXT NOT NULL,
        organisation TEXT NOT NULL,
        starts_on    TEXT,
        ends_on      TEXT,
        responsible  TEXT NOT NULL,
        PRIMARY KEY (case_id, id),
        CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on)
    ) WITHOUT ROWID;
    CREATE TABLE evaluations (                           -- meeting 3
        case_id       TEXT NOT NULL,
        measure_id    INTEGER NOT NULL,
        party         TEXT NOT NULL CHECK (party IN ('school', 'pupil', 'guardians', 'partners')),
        how_it_worked TEXT NOT NULL,
        went_well     TEXT NOT NULL,
        obstacles     TEXT NOT NULL,
        PRIMARY KEY (case_id, measure_id, party),
        FOREIGN KEY (case_id, measure_id) REFERENCES measures (case_id, id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    "#,
    // 4: the day the minutes were sent home through the archive system.
    r#"
    ALTER TABLE meeting_records ADD COLUMN sent_home_on TEXT;
    "#,
    // 5: discussion meetings with PPT (drøftingsmøter) and their agendas.
    r#"
    CREATE TABLE discussion_meetings (
        id             TEXT PRIMARY KEY,                 -- UUID
        date           TEXT NOT NULL,
        starts_at      TEXT NOT NULL,                    -- HH:MM
        school         TEXT NOT NULL,
        ppt_contact    TEXT NOT NULL,
        leader_attends INTEGER NOT NULL CHECK (leader_attends IN (0, 1)),
        form_sent_on   TEXT
    ) WITHOUT ROWID;
    CREATE INDEX discussion_meetings_by_date ON discussion_meetings (date);
    CREATE TABLE discussion_items (
        meeting_id TEXT NOT NULL REFERENCES discussion_meetings (id) ON DELETE CASCADE,
        case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        starts_at  TEXT NOT NULL,
        minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 30),
        difficulty TEXT NOT NULL CHECK (difficulty IN ('academic', 'social_behaviour', 'other')),
        advice     TEXT NOT NULL,
        next_step  TEXT NOT NULL,
        PRIMARY KEY (meeting_id, case_id)
    ) WITHOUT ROWID;
    CREATE INDEX discussion_items_by_case ON discussion_items (case_id);
    -- The school's preparation per case: kept, shown in the meeting, never exported.
    CREATE TABLE discussion_preparation (
        meeting_id TEXT NOT NULL,
        case_id    TEXT NOT NULL,
        point      INTEGER NOT NULL,
        text       TEXT NOT NULL,
        PRIMARY KEY (meeting_id, case_id, point),
        FOREIGN KEY (meeting_id, case_id) REFERENCES discussion_items (meeting_id, case_id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    "#,
    // 6: the visit-day kit. A case known here by another reference than the one it
    // travels under keeps that one; every version sent or received is kept, to
    // merge the next kit from; fields both sides changed wait for the user.
    r#"
    ALTER TABLE cases ADD COLUMN travel_reference TEXT;
    CREATE TABLE kit_versions (
        case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,                       -- the version's id (random since schema 7)
        snapshot    TEXT NOT NULL,                       -- JSON, as in a kit
        seen_at     TEXT NOT NULL,
        PRIMARY KEY (case_id, fingerprint)
    );
    CREATE TABLE kit_conflicts (
        id        INTEGER PRIMARY KEY,
        case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        field     TEXT NOT NULL,                         -- dotted path into the snapshot
        here      TEXT NOT NULL,                         -- JSON: the value kept
        kit       TEXT NOT NULL,                         -- JSON: the kit's value
        kit_from  TEXT NOT NULL,                         -- who wrote the kit
        found_at  TEXT NOT NULL,
        resolved  TEXT CHECK (resolved IN ('here', 'kit'))
    );
    CREATE INDEX kit_conflicts_open ON kit_conflicts (case_id) WHERE resolved IS NULL;
    "#,
    // 7: an erasure whose old pages could not yet leave the WAL (another program
    // was reading): finished at the next opening, reported by `check`.
    // Versions kept from kits were named by a SHA-256 of their content; where a name
    // has been erased since, the hash could confirm a guessed name: random ids now.
    r#"
    CREATE TABLE pending_purge (since TEXT NOT NULL);
    -- Minutes naming the pupil or a guardian: their names go with the consent.
    CREATE INDEX participants_family_named ON participants (case_id)
        WHERE role IN ('pupil', 'guardian') AND name <> '';
    UPDATE kit_versions SET fingerprint = lower(hex(randomblob(16)))
        WHERE length(fingerprint) = 64 AND json_extract(snapshot, '$.case.identity') IS NULL;
    "#,
    // 8: cases whose erasure has not yet reached every copy of the database the
    // program made (backups, files a restore moved aside): carried there after the
    // erasure is committed, and again at each opening until none is left.
    r#"
    CREATE TABLE pending_copy_erasure (case_id TEXT PRIMARY KEY) WITHOUT ROWID;
    "#,
    // 9: a change outside the program is found. The audit chain is keyed from
    // here on with a random key kept under the database's encryption; each case's
    // state is sealed to its newest entry (`seals::seal_cases_since`, which the
    // migration runs for every case); a backup records the chain's head as it
    // was copied, so entries removed from the end of the database show.
    r#"
    CREATE TABLE audit_key (key BLOB NOT NULL, keyed_from INTEGER NOT NULL);
    INSERT INTO audit_key SELECT randomblob(32), coalesce(max(id), 0) + 1 FROM audit;
    CREATE TABLE case_seals (
        case_id TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
        salt    BLOB NOT NULL,
        seal    TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE copy_head (made_at TEXT NOT NULL, last_id INTEGER NOT NULL, last_hash TEXT NOT NULL);
    "#,
    // 10: `saksgang list` read from its index alone (the columns of its lines and
    // nothing more): a list of every open case never visits, or encrypted decrypts,
    // the table's pages; and the named cases by an index of their own.
    r#"
    CREATE INDEX cases_list_by_due ON cases (status, due_sort, ref_year, ref_seq,
        reference, stage, school, grade, next_kind, next_due);
    DROP INDEX cases_by_status_due;
    -- The cases holding a name, found without reading every case (the start
    -- screen's warning about names without consent).
    CREATE INDEX cases_with_name ON cases (key) WHERE pupil_name IS NOT NULL;
    "#,
    // 11: a conflict can be settled with a value the user wrote from both sides.
    // SQLite cannot change a CHECK, so the table is made again with its rows.
    r#"
    CREATE TABLE kit_conflicts_11 (
        id        INTEGER PRIMARY KEY,
        case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        field     TEXT NOT NULL,
        here      TEXT NOT NULL,
        kit       TEXT NOT NULL,
        kit_from  TEXT NOT NULL,
        found_at  TEXT NOT NULL,
        resolved  TEXT CHECK (resolved IN ('here', 'kit', 'edited'))
    );
    INSERT INTO kit_conflicts_11 SELECT id, case_id, field, here, kit, kit_from, found_at, resolved FROM kit_conflicts;
    DROP TABLE kit_conflicts;
    ALTER TABLE kit_conflicts_11 RENAME TO kit_conflicts;
    CREATE INDEX kit_conflicts_open ON kit_conflicts (case_id) WHERE resolved IS NULL;
    "#,
    // 12: words of one or two letters ("7b", "5a": a class) are found by an index
    // of their own, as the start of a word: the trigram index cannot hold them,
    // and a scan of every case took most of a second at 100,000.
    r#"
    CREATE VIRTUAL TABLE cases_words USING fts5 (
        search_text, content = 'cases', content_rowid = 'key',
        tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2', detail = 'none'
    );
    INSERT INTO cases_words (cases_words) VALUES ('rebuild');
    CREATE TRIGGER cases_words_insert AFTER INSERT ON cases BEGIN
        INSERT INTO cases_words (rowid, search_text) VALUES (new.key, new.search_text);
    END;
    CREATE TRIGGER cases_words_delete AFTER DELETE ON cases BEGIN
        INSERT INTO cases_words (cases_words, rowid, search_text) VALUES ('delete', old.key, old.search_text);
    END;
    CREATE TRIGGER cases_words_update AFTER UPDATE OF search_text ON cases BEGIN
        INSERT INTO cases_words (cases_words, rowid, search_text) VALUES ('delete', old.key, old.search_text);
        INSERT INTO cases_words (rowid, search_text) VALUES (new.key, new.search_text);
    END;
    "#,
    // 13: PPT's track of a referred case, as in a kit, with what the adviser's
    // lists look it up by.
    r#"
    CREATE TABLE ppt_tracks (
        case_id     TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
        track       TEXT NOT NULL,                       -- JSON, as in a kit
        state       TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'dormant', 'closed')),
        adviser     TEXT,
        received_on TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX ppt_tracks_by_state ON ppt_tracks (state, received_on);
    CREATE INDEX ppt_tracks_by_adviser ON ppt_tracks (adviser, received_on);
    "#,
    // 14: the adviser's start screen read from indexes: each track's next deadline
    // (as the school's is kept in `cases`), the day it was assigned, and the
    // periods (settings) the deadlines were worked out with, so that a change of
    // settings works them out again.
    r#"
    ALTER TABLE ppt_tracks ADD COLUMN assigned_on TEXT;
    ALTER TABLE ppt_tracks ADD COLUMN next_kind TEXT;
    ALTER TABLE ppt_tracks ADD COLUMN next_due TEXT;
    ALTER TABLE ppt_tracks ADD COLUMN due_sort TEXT NOT NULL DEFAULT '9999-12-31';
    CREATE INDEX ppt_tracks_by_due ON ppt_tracks (due_sort, received_on) WHERE state <> 'closed';
    DROP INDEX ppt_tracks_by_adviser;
    CREATE INDEX ppt_tracks_by_adviser ON ppt_tracks (adviser, state);
    CREATE TABLE ppt_periods (periods TEXT NOT NULL);
    "#,
];

/// The schema version from which every case carries a seal.
pub const SEALED_FROM: i64 = 9;

/// The schema version that brings PPT's tracks (`ppt_tracks`).
pub const PPT_TRACKS_FROM: i64 = 13;

/// The schema version this program writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}
