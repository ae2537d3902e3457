"""Schema migrations, applied in order and recorded in the `migrations` table.

Append new migrations to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

CORE = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    venue TEXT NOT NULL DEFAULT '',
    welcome TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    facilitator_hash TEXT NOT NULL DEFAULT '',
    premoderate INTEGER NOT NULL DEFAULT 0,
    word_filter TEXT NOT NULL DEFAULT '',
    retention_days INTEGER NOT NULL DEFAULT 180,
    eval_open INTEGER NOT NULL DEFAULT 0,
    public_base_url TEXT NOT NULL DEFAULT '',
    live_kind TEXT NOT NULL DEFAULT 'welcome',
    live_poll_id INTEGER,
    live_changed_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    seq INTEGER NOT NULL,
    table_no INTEGER,
    joined_at TEXT NOT NULL,
    UNIQUE (event_id, token_hash),
    UNIQUE (event_id, seq)
);
CREATE TABLE polls (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('choice', 'estimate')),
    question TEXT NOT NULL,
    true_value REAL,
    unit TEXT NOT NULL DEFAULT '',
    min_value REAL,
    max_value REAL,
    fact TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'open', 'closed', 'revealed')),
    results_visible INTEGER NOT NULL DEFAULT 0,
    repeat_of INTEGER REFERENCES polls(id) ON DELETE SET NULL
);
CREATE TABLE poll_options (
    id INTEGER PRIMARY KEY,
    poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    is_correct INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    option_id INTEGER REFERENCES poll_options(id) ON DELETE CASCADE,
    value REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    changes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (poll_id, participant_id)
);
CREATE TABLE manual_counts (
    poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    option_id INTEGER NOT NULL REFERENCES poll_options(id) ON DELETE CASCADE,
    count INTEGER NOT NULL CHECK (count >= 0),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (poll_id, option_id)
);
CREATE TABLE wall_prompts (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    prompt_id INTEGER NOT NULL REFERENCES wall_prompts(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'visible'
        CHECK (status IN ('visible', 'hidden', 'pending')),
    held_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE note_plus_ones (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (note_id, participant_id)
);
CREATE TABLE event_tables (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, number)
);
CREATE TABLE vignettes (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES event_tables(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    story TEXT NOT NULL DEFAULT ''
);
CREATE TABLE vignette_prompts (
    id INTEGER PRIMARY KEY,
    vignette_id INTEGER NOT NULL REFERENCES vignettes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE consents (
    table_id INTEGER NOT NULL REFERENCES event_tables(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (table_id, participant_id)
);
CREATE TABLE table_notes (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES event_tables(id) ON DELETE CASCADE,
    vignette_id INTEGER NOT NULL REFERENCES vignettes(id) ON DELETE CASCADE,
    prompt TEXT NOT NULL DEFAULT '',
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE eval_items (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('score', 'likert', 'text')),
    text TEXT NOT NULL
);
CREATE TABLE eval_responses (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (event_id, participant_id)
);
CREATE TABLE eval_answers (
    response_id INTEGER NOT NULL REFERENCES eval_responses(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES eval_items(id) ON DELETE CASCADE,
    value_int INTEGER,
    value_text TEXT,
    PRIMARY KEY (response_id, item_id)
);
CREATE TABLE themes (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (event_id, name)
);
CREATE TABLE codings (
    theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('note', 'table_note', 'eval_answer')),
    item_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (theme_id, source, item_key)
);
CREATE INDEX idx_votes_poll ON votes(poll_id);
CREATE INDEX idx_notes_prompt ON notes(prompt_id, status);
CREATE INDEX idx_table_notes_table ON table_notes(table_id);
CREATE INDEX idx_participants_event ON participants(event_id);
"""

# Wrong sign-ins, keyed by role and event only (no IP, no session); the
# participant indexes make the per-participant posting limit a quick lookup.
LOGIN_ATTEMPTS = """
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('facilitator', 'organiser')),
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_login_attempts ON login_attempts(role, event_id, created_at);
CREATE INDEX idx_notes_participant ON notes(participant_id, created_at);
CREATE INDEX idx_table_notes_participant ON table_notes(participant_id, created_at)
"""

# The door: how many people the organiser expects (0 = not set) and whether
# the facilitator has closed joining; the index makes the join limit (new
# participants of an event in the last minute) a short index range count.
JOINING_DOOR = """
ALTER TABLE events ADD COLUMN expected_attendance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN joining_closed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_participants_joined ON participants(event_id, joined_at)
"""

# Staff sign-in (issue 12/13):
# - staff_secrets: the organiser password generated on first start, as a PBKDF2
#   hash only (when none is configured in secrets.toml or the environment);
# - staff_passes: remembered sign-ins ("stay signed in on this browser today"),
#   each a random token kept in the browser's cookie and here only as its
#   SHA-256, with the fingerprint of the secret it was issued for, so a new
#   passcode or password ends it;
# - sign_in_locks: one row per role and event that a sign-in attempt updates
#   first, so checking and recording wrong attempts is one serialised step on
#   any database (a row lock on PostgreSQL, the write lock on SQLite);
# - login_attempts.client: a random id of the browser session (Streamlit
#   session) that made the attempt, never an address or browser detail.
STAFF_SIGN_IN = """
CREATE TABLE staff_secrets (
    name TEXT PRIMARY KEY,
    value_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE staff_passes (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('facilitator', 'organiser')),
    event_id INTEGER REFERENCES events(id) ON DELETE CASCADE,
    secret_mark TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_staff_passes_expiry ON staff_passes(expires_at);
CREATE TABLE sign_in_locks (
    scope TEXT PRIMARY KEY,
    touched_at TEXT NOT NULL DEFAULT ''
);
ALTER TABLE login_attempts ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_login_attempts_client ON login_attempts(role, event_id, client, created_at)
"""

# Setting aside a flood of devices (issue 22, §5): a facilitator marks the
# devices that joined in a window as set aside. Their rows stay (for the
# record) but every count, result and export leaves them out (the condition
# is storage/set_aside.py's `counted`), and a set-aside device can add
# nothing more. Each window is one set_asides row, so it is restored as a
# whole: the participants it holds point at it (set_aside_id).
SET_ASIDE = """
CREATE TABLE set_asides (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    joined_from TEXT NOT NULL,
    joined_to TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_set_asides_event ON set_asides(event_id);
ALTER TABLE participants ADD COLUMN set_aside_id INTEGER REFERENCES set_asides(id) ON DELETE SET NULL;
CREATE INDEX idx_participants_set_aside ON participants(set_aside_id)
"""

# Pass handoffs (issue 22): a sign-in on a Streamlit page hands its pass to the
# server route that sets the HttpOnly cookie (eventkit/web/staff_routes.py)
# through a one-time code that lasts a minute. Kept here only as the code's
# SHA-256 and the pass sealed with a key made from the code, so the row alone
# gives neither the code nor the pass.
PASS_HANDOFFS = """
CREATE TABLE pass_handoffs (
    code_hash TEXT PRIMARY KEY,
    sealed_pass TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX idx_pass_handoffs_expiry ON pass_handoffs(expires_at)
"""

# Sign-in links (issue 22, §3): a signed-in organiser (or the command line)
# lets one facilitator into one event's control panel with a link that works
# once, for 15 minutes, whatever a guessing storm does to the passcode form.
# Kept here only as the SHA-256 of the link's random token; used_at is set by
# the one UPDATE that uses it, so two tabs cannot both get in with it.
SIGN_IN_LINKS = """
CREATE TABLE sign_in_links (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_sign_in_links_event ON sign_in_links(event_id, expires_at)
"""

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_core", CORE),
    ("0003_login_attempts", LOGIN_ATTEMPTS),
    ("0004_joining_door", JOINING_DOOR),
    ("0005_staff_sign_in", STAFF_SIGN_IN),
    ("0006_set_aside", SET_ASIDE),
    ("0007_pass_handoffs", PASS_HANDOFFS),
    ("0008_sign_in_links", SIGN_IN_LINKS),
]
