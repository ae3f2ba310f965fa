package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A chat's {@code file.file_id} names a Files API file by its name or URI; OpenAI's own ids are not known. */
class MediaPartsFileIdTest {

    @Test
    void filesApiNamesAndUrisBecomeFileUris() {
        assertThat(MediaParts.geminiFileUri("files/abc-123"))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/files/abc-123");
        assertThat(MediaParts.geminiFileUri("https://generativelanguage.googleapis.com/v1beta/files/x9"))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/files/x9");
        assertThat(MediaParts.geminiFileUri("file-abc123")).isNull();
        assertThat(MediaParts.geminiFileUri("files/../secrets")).isNull();
        assertThat(MediaParts.geminiFileUri("https://example.com/x?files/abc")).isNull();
    }
}
