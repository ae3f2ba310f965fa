-- gemini-balance store, schema 5 (PostgreSQL): images generated with response_format url, served at
-- GET /images/{id}.{ext} until expires_at (IMAGE_URL_TTL_HOURS after created_at). id: random, at least 128 bits;
-- knowing it is what allows the download. created_at, expires_at: epoch milliseconds; expired rows go in the
-- daily clean-up.
CREATE TABLE gb_image (
    id         VARCHAR(64)  NOT NULL,
    mime       VARCHAR(100) NOT NULL,
    bytes      BYTEA        NOT NULL,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX gb_image_expires ON gb_image (expires_at);
