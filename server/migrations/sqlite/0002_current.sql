-- Keeping the portfolio current: extractions kept so that re-deciding runs
-- no plugin, each product's current decision and when it can next change by
-- itself, an index from CVE and component to products, the reference data
-- loaded, subscriptions, and the outbox of notifications with its delivery
-- log. The PostgreSQL migration of the same number must hold the same tables
-- and columns: change both together.

-- The engine's facts cache (assure_engine::factcache): each entry verifies
-- itself against its key and digest, and is discarded when it does not.
CREATE TABLE facts_cache (
    key TEXT PRIMARY KEY,
    entry BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Each product's current decision: what it says (its substance digest,
-- assure_engine::change), and the next instant it can change by itself
-- (NULL: never by itself).
CREATE TABLE product_state (
    product_id TEXT PRIMARY KEY REFERENCES products (id),
    decision_id TEXT NOT NULL REFERENCES decisions (id),
    substance TEXT NOT NULL,
    verdict TEXT NOT NULL,
    next_check_at TEXT,
    next_check_reason TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX product_state_next ON product_state (next_check_at);

-- What each product's current decision holds: CVE ids (`cve`) and component
-- purls (`purl`). A known-exploited catalogue that adds a CVE re-decides the
-- products listed under it, and only those.
CREATE TABLE product_index (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (kind, value, product_id)
);
CREATE INDEX product_index_product ON product_index (product_id);

-- Reference data loaded into the service (`POST /api/v1/reference/{name}`),
-- the newest of each name used for every decision from then on.
CREATE TABLE reference_data (
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    released TEXT NOT NULL,
    content BLOB NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    PRIMARY KEY (name, sha256)
);

-- Who hears about changed decisions: a webhook (target a URL, secret its
-- Standard Webhooks signing key) or an e-mail address, filtered by supplier,
-- product, rule, severity and transition (NULL: any; transitions a
-- comma-separated list).
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    secret TEXT,
    supplier TEXT,
    product TEXT,
    rule TEXT,
    severity TEXT,
    transitions TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT
);

-- Notifications to deliver, one per subscription and change: dedup_key
-- (subscription, product, old decision substance → new) is unique, so the
-- same change is never queued twice. Claimed like jobs; retried with backoff.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    dedup_key TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_at TEXT,
    delivered_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Every delivery attempt and its result.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    outbox_id TEXT NOT NULL REFERENCES outbox (id),
    attempt BIGINT NOT NULL,
    at TEXT NOT NULL,
    ok BIGINT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX deliveries_outbox ON deliveries (outbox_id);
