package io.github.geminibalance.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A response of {@code POST /v1/responses} kept so that it can be retrieved, deleted and continued
 * ({@code previous_response_id}). The store keeps the JSON as it is given and never reads it.
 *
 * @param id the response's id ({@code resp_...}), at most 200 characters
 * @param owner the label of the client token that created it (only that token sees it); empty when the
 *     server has no client tokens
 * @param createdAt when it was stored (retention counts from here)
 * @param model the model as the client named it
 * @param response the response object as returned to the client (JSON)
 * @param conversation the conversation the response ends, as a JSON array of input items: its predecessors'
 *     items, its own input items and its output items, in order
 */
public record StoredResponse(String id, String owner, Instant createdAt, String model, String response,
        String conversation) {

    /** Checks the components. */
    public StoredResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(conversation, "conversation");
        if (id.isEmpty() || id.length() > 200) {
            throw new IllegalArgumentException("a response id has 1 to 200 characters");
        }
        if (owner.length() > 100) {
            throw new IllegalArgumentException("an owner label has at most 100 characters");
        }
    }

    /** Without the JSON, which can be large and holds the client's conversation. */
    @Override
    public String toString() {
        return "StoredResponse[id=" + id + ", owner=" + owner + ", createdAt=" + createdAt + ", model=" + model
                + ", response=" + response.length() + " chars, conversation=" + conversation.length() + " chars]";
    }
}
