package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the Files API reads from clients: file URIs in requests, content types sent to Gemini. */
class FilesNamesTest {

    @Test
    void aFileUriNamesItsFileWhateverTheHost() {
        assertThat(ResourceKeys.nameOfUri("https://generativelanguage.googleapis.com/v1beta/files/abc-123")).isEqualTo("files/abc-123");
        assertThat(ResourceKeys.nameOfUri("http://proxy.example/gemini/v1beta/files/x9")).isEqualTo("files/x9");
        assertThat(ResourceKeys.nameOfUri("https://www.youtube.com/watch?v=abc")).isNull();
        assertThat(ResourceKeys.nameOfUri("https://example.com/files/../etc")).isNull();
        assertThat(ResourceKeys.validFileName("files/abc")).isTrue();
        assertThat(ResourceKeys.validFileName("files/ABC")).isFalse();
        assertThat(ResourceKeys.validFileName("files/a/b")).isFalse();
        assertThat(ResourceKeys.validName("cachedContents/abc_12-x")).isTrue();
        assertThat(ResourceKeys.validName("batches/123abc")).isTrue();
        assertThat(ResourceKeys.validName("batches/../x")).isFalse();
        assertThat(ResourceKeys.validName("uploads/abc")).isFalse();
    }

    @Test
    void aRequestNamesItsFilesResultsFilesAndCachedContentAtAnyDepth() throws Exception {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        ResourceKeys.collectNames(io.github.geminibalance.internal.Json.mapper().readTree("""
                {"cachedContent":"cachedContents/c1",
                 "contents":[{"parts":[{"fileData":{"fileUri":"https://x/v1beta/files/f1"}},{"text":"files/f9"}]}],
                 "batch":{"inputConfig":{"fileName":"files/f2"},"cached_content":"not a name"}}
                """), names);
        assertThat(names).containsExactly("cachedContents/c1", "files/f1", "files/f2");
    }

    @Test
    void onlyBodiesThatMayNameAFileOrACacheAreParsed() {
        java.util.function.Function<String, Boolean> may = t -> ResourceKeys.mayName(t.getBytes(StandardCharsets.UTF_8));
        assertThat(may.apply("{\"fileData\":{\"fileUri\":\"https://x/v1beta/files/a\"}}")).isTrue();
        assertThat(may.apply("{\"cachedContent\":\"cachedContents/a\"}")).isTrue();
        assertThat(may.apply("{\"google\":{\"cached_content\":\"cachedContents/a\"}}")).isTrue();
        assertThat(may.apply("{\"batch\":{\"inputConfig\":{\"fileName\":\"files/a\"}}}")).isTrue();
        // a prompt that mentions files, or even the field names, is not parsed: its quotes are escaped
        assertThat(may.apply("{\"contents\":[{\"parts\":[{\"text\":\"see files/abc and cachedContents/x\"}]}]}"))
                .isFalse();
        assertThat(may.apply("{\"parts\":[{\"text\":\"{\\\"fileUri\\\":\\\"files/a\\\"}\"}]}")).isFalse();
        assertThat(may.apply("\"fileUri")).isFalse();
        assertThat(may.apply("")).isFalse();
    }

    @Test
    void anUploadUrlIsKeptWithoutAnyKeyInIt() {
        assertThat(UploadSessions.withoutKey("https://g/upload/v1beta/files?key=AIzaSECRET&upload_id=u1&upload_protocol=resumable"))
                .isEqualTo("https://g/upload/v1beta/files?upload_id=u1&upload_protocol=resumable");
        assertThat(UploadSessions.withoutKey("https://g/upload/v1beta/files?upload_id=u1&key=AIzaSECRET"))
                .isEqualTo("https://g/upload/v1beta/files?upload_id=u1");
        assertThat(UploadSessions.withoutKey("https://g/upload/v1beta/files?upload_id=u1&monkey=1"))
                .isEqualTo("https://g/upload/v1beta/files?upload_id=u1&monkey=1");
    }

    @Test
    void onlyTheMediaTypeAndAMultipartBoundaryReachGemini() {
        assertThat(UploadHeaders.mediaType("application/json; charset=bogus")).isEqualTo("application/json");
        assertThat(UploadHeaders.mediaType("multipart/related; boundary=abc123")).isEqualTo("multipart/related; boundary=abc123");
        assertThat(UploadHeaders.mediaType("Multipart/Related; charset=x; boundary=\"a b\"")).isEqualTo("multipart/related; boundary=\"a b\"");
        assertThat(UploadHeaders.mediaType("image/png")).isEqualTo("image/png");
        assertThat(UploadHeaders.mediaType("not a type")).isNull();
        assertThat(UploadHeaders.mediaType("")).isNull();
        assertThat(UploadHeaders.mediaType("application/x-www-form-urlencoded")).isNull();
    }
}
