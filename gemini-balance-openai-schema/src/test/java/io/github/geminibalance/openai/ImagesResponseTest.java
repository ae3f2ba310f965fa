package io.github.geminibalance.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI's {@code output_format} read from the images' types, and no field OpenAI lacks on the wire. */
class ImagesResponseTest {

    private static ImagesResponse.Image image(String mime) {
        return new ImagesResponse.Image("AAAA", null, null, mime);
    }

    @Test
    void theSharedTypeIsTheOutputFormat() {
        assertThat(ImagesResponse.of(1, List.of(image("image/png"), image("image/png"))).outputFormat())
                .isEqualTo("png");
        assertThat(ImagesResponse.of(1, List.of(image("image/jpeg"))).outputFormat()).isEqualTo("jpeg");
        assertThat(ImagesResponse.of(1, List.of(image("IMAGE/WEBP"))).outputFormat()).isEqualTo("webp");
    }

    @Test
    void mixedOrUnnamedTypesLeaveItOut() {
        assertThat(ImagesResponse.of(1, List.of(image("image/png"), image("image/jpeg"))).outputFormat()).isNull();
        assertThat(ImagesResponse.of(1, List.of(image("image/gif"))).outputFormat()).isNull();
        assertThat(ImagesResponse.of(1, List.of(image(null))).outputFormat()).isNull();
        assertThat(ImagesResponse.of(1, List.of()).outputFormat()).isNull();
    }

    @Test
    void theWireFormHasOutputFormatAndNoMimeType() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode wire = json.readTree(json.writeValueAsString(ImagesResponse.of(7, List.of(image("image/webp")))));
        assertThat(wire.path("output_format").asText()).isEqualTo("webp");
        assertThat(wire.path("created").asLong()).isEqualTo(7);
        assertThat(wire.path("data").get(0).path("b64_json").asText()).isEqualTo("AAAA");
        assertThat(wire.path("data").get(0).has("mime_type")).isFalse();
        assertThat(json.readTree(json.writeValueAsString(ImagesResponse.of(7, List.of(image("image/png"),
                image("image/webp"))))).has("output_format")).isFalse();
    }
}
