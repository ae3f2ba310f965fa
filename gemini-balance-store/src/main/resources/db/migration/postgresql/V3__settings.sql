-- gemini-balance store, schema 3 (PostgreSQL): settings an operator changed at run time (the admin's Settings
-- page). Each row overrides the environment's value of the same name on every instance sharing this
-- database, until it is deleted. Values are raw strings, checked with the start-up rules before they are
-- written; secrets are never stored here. updated_at: epoch milliseconds.
CREATE TABLE gb_setting (
    name          VARCHAR(100) NOT NULL,
    setting_value TEXT         NOT NULL,
    updated_at    BIGINT       NOT NULL,
    PRIMARY KEY (name)
);
