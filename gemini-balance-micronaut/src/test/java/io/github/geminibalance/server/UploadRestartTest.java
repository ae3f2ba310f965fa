package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable uploads under way are kept in the store (SQLite here): one started before a restart is
 * finished after it, each chunk on the key that started it, and the store never holds a key or a token.
 */
class UploadRestartTest {

    private static final String KEY_A = "AIzaSyTEST-upload-restart-000A";
    private static final String KEY_B = "AIzaSyTEST-upload-restart-000B";
    private static final String TOKEN_B = "sk-test-other-upload-client";
    private static final List<String> KEYS = List.of(KEY_A, KEY_B);

    @TempDir
    Path dir;

    private FakeGemini gemini;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    private TestServer start() {
        return TestServer.startWithDatabase(TestServer.config(gemini, KEYS).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, TOKEN_B)),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("uploads.db").toString())), Map.of());
    }

    /**
     * Stubs the upload {@code name} for each key: the start answers an upload URL of that key (with the key
     * in it, as Gemini's URL has it when the key went in the query), the chunk {@code upload} answers
     * active and {@code upload, finalize} answers the file, only with that same key.
     */
    private void stubUpload(String name, String first, String rest) {
        for (String key : KEYS) {
            String session = "UP-" + name + "-" + key.substring(key.length() - 1);
            String path = "/upload/v1beta/files?upload_id=" + session + "&upload_protocol=resumable";
            gemini.server().stubFor(post(urlEqualTo("/upload/v1beta/files"))
                    .withHeader(FakeGemini.API_KEY_HEADER, equalTo(key))
                    .withHeader("X-Goog-Upload-Command", equalTo("start"))
                    .withRequestBody(matching(".*\"" + name + "\".*"))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Goog-Upload-Status", "active")
                            .withHeader("X-Goog-Upload-URL", "http://127.0.0.1:" + gemini.server().port() + path
                                    + "&key=" + key)));
            gemini.server().stubFor(post(urlEqualTo(path)).withHeader(FakeGemini.API_KEY_HEADER, equalTo(key))
                    .withHeader("X-Goog-Upload-Command", equalTo("upload"))
                    .withHeader("X-Goog-Upload-Offset", equalTo("0"))
                    .withRequestBody(equalTo(first))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Goog-Upload-Status", "active")
                            .withHeader("X-Goog-Upload-Size-Received", String.valueOf(first.length()))));
            gemini.server().stubFor(post(urlEqualTo(path)).withHeader(FakeGemini.API_KEY_HEADER, equalTo(key))
                    .withHeader("X-Goog-Upload-Command", equalTo("upload, finalize"))
                    .withHeader("X-Goog-Upload-Offset", equalTo(String.valueOf(first.length())))
                    .withRequestBody(equalTo(rest))
                    .willReturn(aResponse().withStatus(200).withHeader("X-Goog-Upload-Status", "final")
                            .withHeader("Content-Type", KeyBoundFakes.JSON)
                            .withBody("{\"file\":" + KeyBoundFakes.fileJson(name, first.length() + rest.length()) + "}")));
        }
        gemini.server().stubFor(get(urlEqualTo("/v1beta/files/" + name))
                .willReturn(KeyBoundFakes.ok(KeyBoundFakes.fileJson(name, first.length() + rest.length()))));
    }

    /** Starts the upload {@code name} and returns the path and query of the upload URL the server answered. */
    private String startUpload(String name, int size) throws Exception {
        HttpResponse<String> start = server.send(server.request("/upload/v1beta/files", null)
                .header("x-goog-api-key", TestServer.TOKEN)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", String.valueOf(size))
                .header("X-Goog-Upload-Header-Content-Type", "text/plain").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"display_name\":\"" + name + "\"}}")).build());
        assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
        URI url = URI.create(start.headers().firstValue("X-Goog-Upload-URL").orElseThrow());
        assertThat(url.toString()).doesNotContain(KEY_A).doesNotContain(KEY_B).doesNotContain("UP-" + name);
        return url.getRawPath() + "?" + url.getRawQuery();
    }

    private HttpResponse<String> chunk(String upload, String token, String command, int offset, String bytes)
            throws Exception {
        return server.send(server.request(upload, null).header("x-goog-api-key", token)
                .header("X-Goog-Upload-Command", command).header("X-Goog-Upload-Offset", String.valueOf(offset))
                .POST(HttpRequest.BodyPublishers.ofString(bytes)).build());
    }

    private List<String> keysOn(String regex) {
        return new KeyBoundFakes(gemini).keysOn(regex);
    }

    @Test
    void anUploadStartedBeforeARestartIsFinishedAfterItWithTheKeyThatStartedIt() throws Exception {
        gemini = FakeGemini.start();
        stubUpload("fileone", "first half, ", "second half");
        stubUpload("filetwo", "uno ", "dos");
        server = start();
        String one = startUpload("fileone", 23);
        String two = startUpload("filetwo", 7);
        List<String> startKeys = keysOn("/upload/v1beta/files");
        assertThat(startKeys).as("round robin starts the two uploads on the two keys").containsExactlyInAnyOrder(KEY_A, KEY_B);
        assertThat(chunk(one, TestServer.TOKEN, "upload", 0, "first half, ").statusCode()).isEqualTo(200);
        server.close();

        List<Map<String, String>> rows = rows();
        assertThat(rows).extracting(r -> r.get("name")).filteredOn(n -> n.startsWith("uploads/")).hasSize(2);
        for (Map<String, String> row : rows) {
            assertThat(String.join(" ", row.values())).as("a stored upload holds no key or token: %s", row)
                    .doesNotContain(KEY_A).doesNotContain(KEY_B).doesNotContain("AIza")
                    .doesNotContain(TestServer.TOKEN).doesNotContain("key=");
            assertThat(row.get("key_id")).isIn(new ApiKey(KEY_A).id(), new ApiKey(KEY_B).id());
        }

        server = start();
        // another client cannot continue it after the restart either
        HttpResponse<String> stolen = chunk(two, TOKEN_B, "upload, finalize", 4, "dos");
        assertThat(stolen.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(stolen.body()).at("/error/status").asText()).isEqualTo("NOT_FOUND");

        // each upload's chunks go to its own key, back to back: round robin alone would alternate
        assertThat(chunk(two, TestServer.TOKEN, "upload", 0, "uno ").statusCode()).isEqualTo(200);
        HttpResponse<String> doneTwo = chunk(two, TestServer.TOKEN, "upload, finalize", 4, "dos");
        HttpResponse<String> doneOne = chunk(one, TestServer.TOKEN, "upload, finalize", 12, "second half");
        assertThat(doneTwo.statusCode()).as(doneTwo.body()).isEqualTo(200);
        assertThat(doneOne.statusCode()).as(doneOne.body()).isEqualTo(200);
        assertThat(doneOne.headers().firstValue("X-Goog-Upload-Status")).contains("final");
        JsonNode file = Json.mapper().readTree(doneOne.body()).path("file");
        assertThat(file.path("name").asText()).isEqualTo("files/fileone");
        assertThat(keysOn(".*upload_id=UP-fileone-.*")).containsExactly(startKeys.get(0), startKeys.get(0));
        assertThat(keysOn(".*upload_id=UP-filetwo-.*")).containsExactly(startKeys.get(1), startKeys.get(1));

        // the finished files are kept with their keys; the sessions are gone
        HttpResponse<String> read = server.send(server.request("/v1beta/files/fileone", null)
                .header("x-goog-api-key", TestServer.TOKEN).GET().build());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(keysOn("/v1beta/files/fileone")).containsExactly(startKeys.get(0));
        assertThat(chunk(one, TestServer.TOKEN, "upload, finalize", 12, "second half").statusCode()).isEqualTo(404);
        server.close();
        server = null;
        assertThat(rows()).extracting(r -> r.get("name")).containsExactlyInAnyOrder("files/fileone", "files/filetwo");
    }

    /** Every row of {@code gb_resource}, each column as text. */
    private List<Map<String, String>> rows() throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("uploads.db"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM gb_resource")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
