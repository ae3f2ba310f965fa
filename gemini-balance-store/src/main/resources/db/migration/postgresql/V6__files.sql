-- gemini-balance store, schema 6 (PostgreSQL): files uploaded through the Files API (POST /upload/v1beta/files), so
-- that every later request naming a file is sent with the pool key that uploaded it (only that key can see
-- the file at Gemini). name: Gemini's files/{id}. owner: the label of the client token that uploaded it (with
-- FILES_USER_ISOLATION_ENABLED only it lists, reads and deletes the file). key_id: the pool key's id, never the
-- key. created_at, expires_at: epoch milliseconds; Gemini deletes a file 48 hours after its upload.
-- metadata: Gemini's File object as the upload returned it (JSON).
CREATE TABLE gb_file (
    name       VARCHAR(200) NOT NULL,
    owner      VARCHAR(100) NOT NULL,
    key_id     VARCHAR(64)  NOT NULL,
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    metadata   TEXT NOT NULL,
    PRIMARY KEY (name)
);

CREATE INDEX gb_file_expires ON gb_file (expires_at);
CREATE INDEX gb_file_owner ON gb_file (owner, name);
