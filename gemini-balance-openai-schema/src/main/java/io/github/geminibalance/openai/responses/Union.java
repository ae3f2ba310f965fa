package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.util.List;

/** The string-or-list unions of the Responses request. */
public final class Union {

    private Union() {}

    /**
     * The request's {@code input}: a plain string (one user message) or a list of items. Exactly one of
     * {@link #text()} and {@link #items()} is non-null.
     *
     * @param text the input as a string
     * @param items the input as items
     */
    @JsonDeserialize(using = InputDeserializer.class)
    public record Input(String text, List<InputItem> items) {

        /** Input given as a string. */
        public static Input ofText(String text) {
            return new Input(text, null);
        }

        /** Input given as items. */
        public static Input ofItems(List<InputItem> items) {
            return new Input(null, List.copyOf(items));
        }

        @JsonValue
        Object json() {
            return text != null ? text : items;
        }
    }

    /**
     * A message's {@code content}: a plain string or a list of parts. Exactly one of {@link #text()} and
     * {@link #parts()} is non-null.
     *
     * @param text the content as a string
     * @param parts the content as parts
     */
    @JsonDeserialize(using = ContentDeserializer.class)
    public record Content(String text, List<InputPart> parts) {

        /** Content given as a string. */
        public static Content ofText(String text) {
            return new Content(text, null);
        }

        /** Content given as parts. */
        public static Content ofParts(List<InputPart> parts) {
            return new Content(null, List.copyOf(parts));
        }

        @JsonValue
        Object json() {
            return text != null ? text : parts;
        }
    }

    static final class InputDeserializer extends JsonDeserializer<Input> {
        @Override
        public Input deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return Input.ofText(p.getText());
            }
            if (p.currentToken() == JsonToken.START_ARRAY) {
                return new Input(null, ctxt.readValue(p,
                        ctxt.getTypeFactory().constructCollectionType(List.class, InputItem.class)));
            }
            return (Input) ctxt.handleUnexpectedToken(Input.class, p);
        }
    }

    static final class ContentDeserializer extends JsonDeserializer<Content> {
        @Override
        public Content deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return Content.ofText(p.getText());
            }
            if (p.currentToken() == JsonToken.START_ARRAY) {
                return new Content(null, ctxt.readValue(p,
                        ctxt.getTypeFactory().constructCollectionType(List.class, InputPart.class)));
            }
            return (Content) ctxt.handleUnexpectedToken(Content.class, p);
        }
    }
}
