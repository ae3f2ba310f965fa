package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

    private static MultipartForm parse(String body, String boundary) {
        return MultipartForm.parse(body.getBytes(StandardCharsets.ISO_8859_1), boundary);
    }

    @Test
    void theBoundaryComesFromTheContentTypeQuotedOrNot() {
        assertThat(MultipartForm.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartForm.boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b;c\"")).isEqualTo("a b;c");
        for (String bad : new String[] {null, "application/json", "multipart/form-data", "multipart/mixed; boundary=x",
                "multipart/form-data; boundary=\"\""}) {
            assertThatThrownBy(() -> MultipartForm.boundary(bad)).as(String.valueOf(bad))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("multipart/form-data");
        }
    }

    @Test
    void fieldsAndTheFileAreReadPastPreambleAndPadding() {
        MultipartForm form = parse("preamble\r\n--xx  \r\n"
                + "Content-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
                + "--xx\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nsecond\r\n"
                + "--xx\r\ncontent-disposition: form-data; name=\"file\"; filename=\"x;y \\\"z\\\".wav\"\r\n"
                + "content-type: audio/wav\r\n\r\nRIFF\r\n--x-not-the-boundary\r\n"
                + "--xx\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nline one\r\nline two\r\n"
                + "--xx--\r\nepilogue", "xx");

        assertThat(form.fields()).containsEntry("model", "whisper-1").containsEntry("prompt", "line one\r\nline two");
        assertThat(form.file().fileName()).isEqualTo("x;y \"z\".wav");
        assertThat(form.file().contentType()).isEqualTo("audio/wav");
        assertThat(new String(form.file().bytes(), StandardCharsets.ISO_8859_1)).isEqualTo("RIFF\r\n--x-not-the-boundary");
    }

    @Test
    void brokenFormsAreClientErrors() {
        for (String bad : new String[] {"", "no boundary at all", "--xx\r\nContent-Disposition: form-data; name=\"a\"",
                "--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue without end",
                "--xx\r\nContent-Type: text/plain\r\n\r\nno name\r\n--xx--", "--xxjunk"}) {
            assertThatThrownBy(() -> parse(bad, "xx")).as(bad).isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("The multipart/form-data body is malformed");
        }
    }
}
