-- gemini-balance store, schema 1 (MySQL, MariaDB). Times are epoch milliseconds (UTC); days are epoch days (UTC for
-- usage, the caller's quota day for key counters).
CREATE TABLE gb_key (
    id             VARCHAR(32)  NOT NULL PRIMARY KEY,
    key_value      VARCHAR(256) NOT NULL,
    masked         VARCHAR(64)  NOT NULL,
    added_at       BIGINT       NOT NULL,
    note           VARCHAR(500),
    deleted        SMALLINT     NOT NULL DEFAULT 0,
    deleted_at     BIGINT,
    disabled       SMALLINT     NOT NULL DEFAULT 0,
    disabled_until BIGINT,
    seq            INTEGER      NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE gb_key_mark (
    key_id    VARCHAR(32)  NOT NULL,
    kind      VARCHAR(16)  NOT NULL,
    model     VARCHAR(128) NOT NULL,
    until_at  BIGINT,
    reason    VARCHAR(500),
    marked_at BIGINT       NOT NULL,
    PRIMARY KEY (key_id, kind, model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE gb_key_counter (
    key_id   VARCHAR(32) NOT NULL,
    day      INTEGER     NOT NULL,
    requests BIGINT      NOT NULL,
    tokens   BIGINT      NOT NULL,
    PRIMARY KEY (key_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE gb_request (
    id                BIGINT AUTO_INCREMENT PRIMARY KEY,
    at_ms             BIGINT       NOT NULL,
    request_id        VARCHAR(64),
    route             VARCHAR(64),
    model_asked       VARCHAR(128),
    model             VARCHAR(128) NOT NULL,
    stream            SMALLINT     NOT NULL,
    client            VARCHAR(128) NOT NULL,
    key_id            VARCHAR(32)  NOT NULL,
    attempts          VARCHAR(1000) NOT NULL,
    status            INTEGER      NOT NULL,
    latency_ms        BIGINT       NOT NULL,
    ttfb_ms           BIGINT       NOT NULL,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    thinking_tokens   BIGINT       NOT NULL,
    cached_tokens     BIGINT       NOT NULL,
    finish_reason     VARCHAR(32),
    error_code        VARCHAR(64),
    model_sent        VARCHAR(128)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX gb_request_at ON gb_request (at_ms, id);
CREATE INDEX gb_request_model_at ON gb_request (model, at_ms, id);
CREATE INDEX gb_request_key_at ON gb_request (key_id, at_ms, id);
CREATE INDEX gb_request_status_at ON gb_request (status, at_ms, id);
CREATE INDEX gb_request_client_at ON gb_request (client, at_ms, id);

CREATE TABLE gb_error (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    at_ms        BIGINT       NOT NULL,
    request_id   VARCHAR(64),
    key_id       VARCHAR(32)  NOT NULL,
    status       INTEGER      NOT NULL,
    reason       VARCHAR(64),
    message      TEXT,
    model        VARCHAR(128) NOT NULL,
    client       VARCHAR(128) NOT NULL,
    request_body MEDIUMTEXT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX gb_error_at ON gb_error (at_ms, id);
CREATE INDEX gb_error_model_at ON gb_error (model, at_ms, id);
CREATE INDEX gb_error_key_at ON gb_error (key_id, at_ms, id);
CREATE INDEX gb_error_status_at ON gb_error (status, at_ms, id);
CREATE INDEX gb_error_client_at ON gb_error (client, at_ms, id);

CREATE TABLE gb_usage (
    day               INTEGER      NOT NULL,
    model             VARCHAR(128) NOT NULL,
    key_id            VARCHAR(32)  NOT NULL,
    client            VARCHAR(128) NOT NULL,
    requests          BIGINT       NOT NULL,
    errors            BIGINT       NOT NULL,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    thinking_tokens   BIGINT       NOT NULL,
    cached_tokens     BIGINT       NOT NULL,
    PRIMARY KEY (day, model, key_id, client)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
