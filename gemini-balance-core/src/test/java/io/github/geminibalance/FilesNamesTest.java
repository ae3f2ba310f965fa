package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the Files API reads from clients: file URIs in requests, content types sent to Gemini. */
class FilesNamesTest {

    @Test
    void aFileUriNamesItsFileWhateverTheHost() {
        assertThat(Files.nameOfUri("https://generativelanguage.googleapis.com/v1beta/files/abc-123")).isEqualTo("files/abc-123");
        assertThat(Files.nameOfUri("http://proxy.example/gemini/v1beta/files/x9")).isEqualTo("files/x9");
        assertThat(Files.nameOfUri("https://www.youtube.com/watch?v=abc")).isNull();
        assertThat(Files.nameOfUri("https://example.com/files/../etc")).isNull();
        assertThat(Files.validName("files/abc")).isTrue();
        assertThat(Files.validName("files/ABC")).isFalse();
        assertThat(Files.validName("files/a/b")).isFalse();
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
