-- The portfolio: supplier -> product -> submitted versions -> decisions,
-- evidence stored once by SHA-256, API tokens, who did what, and the
-- append-only Merkle log of everything decided. The PostgreSQL migration of
-- the same number must hold the same tables and columns: change both together.

CREATE TABLE suppliers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (supplier_id, name)
);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content BLOB NOT NULL
);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
);

CREATE TABLE submission_files (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    path TEXT NOT NULL,
    role TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    size BIGINT NOT NULL,
    PRIMARY KEY (submission_id, path)
);

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    verdict TEXT NOT NULL,
    summary TEXT NOT NULL,
    evaluated_at TEXT NOT NULL,
    bundle_name TEXT NOT NULL,
    bundle_version BIGINT NOT NULL,
    bundle_digest TEXT NOT NULL,
    reference_data TEXT NOT NULL,
    decision_json TEXT NOT NULL,
    record TEXT NOT NULL,
    record_sha256 TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX decisions_product ON decisions (product_id, log_index);

CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    supplier TEXT,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    entry TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX log_entries_object ON log_entries (kind, object_id);

CREATE TABLE log_hashes (
    idx BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);

CREATE TABLE log_head (
    id BIGINT PRIMARY KEY,
    size BIGINT NOT NULL,
    checkpoint TEXT NOT NULL
);

-- Every checkpoint the log has signed, by tree size: an auditor holding an
-- old one asks for a proof that the current log extends it.
CREATE TABLE log_checkpoints (
    size BIGINT PRIMARY KEY,
    checkpoint TEXT NOT NULL
);

-- Uploads accepted to be decided later (`Prefer: respond-async`): any
-- server process sharing the database claims one at a time (PostgreSQL:
-- FOR UPDATE SKIP LOCKED), and a claim left by a process that died is
-- taken again after its lease.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    token_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_at TEXT,
    attempts BIGINT NOT NULL,
    decision_id TEXT,
    problem TEXT,
    finished_at TEXT
);
CREATE INDEX jobs_state ON jobs (state, created_at);
