-- gemini-balance store, schema 4 (PostgreSQL): responses of POST /v1/responses created with store not false, so that
-- GET /v1/responses/{id}, DELETE and previous_response_id work. owner: the label of the client token that
-- created the response (only it sees the response). response: the response object as returned (JSON).
-- conversation: the input items the response ends (its predecessors', its own input and its output), a JSON
-- array. created_at: epoch milliseconds; rows older than AUTO_DELETE_REQUEST_LOGS_DAYS go in the daily clean-up.
CREATE TABLE gb_response (
    id           VARCHAR(200) NOT NULL,
    owner        VARCHAR(100) NOT NULL,
    created_at   BIGINT       NOT NULL,
    model        VARCHAR(128) NOT NULL,
    response     TEXT         NOT NULL,
    conversation TEXT         NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX gb_response_created ON gb_response (created_at);
