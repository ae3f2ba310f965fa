package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Calls the admin API of a {@link TestServer} with the admin token and keeps every answer, so a test can
 * check at the end that no raw key was ever answered.
 */
final class AdminClient {

    static final String ADMIN_TOKEN = "admin-test-token-keys-0001";

    private final TestServer server;
    private final List<String> bodies = new ArrayList<>();

    AdminClient(TestServer server) {
        this.server = server;
    }

    static String id(String key) {
        return new ApiKey(key).id();
    }

    HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = server.request(path, ADMIN_TOKEN);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = server.send(request.build());
        bodies.add(response.body());
        return response;
    }

    /** The JSON answer of a call that must succeed. */
    JsonNode ok(String method, String path, String json) throws Exception {
        HttpResponse<String> response = send(method, path, json);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        return Json.mapper().readTree(response.body());
    }

    JsonNode list() throws Exception {
        return ok("GET", "/admin/keys", null);
    }

    /** The entry of a key in {@code GET /admin/keys}, or null when the key is not in the pool. */
    JsonNode entry(String key) throws Exception {
        for (JsonNode k : list().path("keys")) {
            if (k.path("id").asText().equals(id(key))) {
                return k;
            }
        }
        return null;
    }

    /** {@code POST /admin/keys} with these keys. */
    JsonNode add(Collection<String> keys, boolean check) throws Exception {
        StringBuilder json = new StringBuilder("{\"keys\": [");
        String comma = "";
        for (String k : keys) {
            json.append(comma).append(Json.mapper().writeValueAsString(k));
            comma = ", ";
        }
        json.append("], \"check\": ").append(check).append('}');
        return ok("POST", "/admin/keys", json.toString());
    }

    /** Fails if any answer so far holds one of {@code keys}. */
    void assertNoneAnswered(Collection<String> keys) {
        for (String body : bodies) {
            for (String key : keys) {
                assertThat(body).as("an admin answer holds a raw key").doesNotContain(key);
            }
        }
    }
}
