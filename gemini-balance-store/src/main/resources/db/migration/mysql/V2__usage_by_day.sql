-- gemini-balance store, schema 2 (MySQL/MariaDB): usage per UTC day, model and client, without the key. The writer
-- keeps it next to gb_usage in the same transaction. Reports that neither group nor filter by key
-- (per day, per model, per client) read it: a pool of thousands of keys makes gb_usage about as large
-- as the request records, and this table stays a few rows per day and model.
CREATE TABLE gb_usage_day (
    day               INTEGER      NOT NULL,
    model             VARCHAR(128) NOT NULL,
    client            VARCHAR(128) NOT NULL,
    requests          BIGINT       NOT NULL,
    errors            BIGINT       NOT NULL,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    thinking_tokens   BIGINT       NOT NULL,
    cached_tokens     BIGINT       NOT NULL,
    PRIMARY KEY (day, model, client)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO gb_usage_day (day, model, client, requests, errors, prompt_tokens, completion_tokens, thinking_tokens,
        cached_tokens)
    SELECT day, model, client, SUM(requests), SUM(errors), SUM(prompt_tokens), SUM(completion_tokens),
        SUM(thinking_tokens), SUM(cached_tokens)
    FROM gb_usage GROUP BY day, model, client;
