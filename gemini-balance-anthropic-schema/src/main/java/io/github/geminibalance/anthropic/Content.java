package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.type.CollectionType;
import java.io.IOException;
import java.util.List;

/**
 * Content that Anthropic accepts either as a plain string or as a list of blocks (a message's
 * {@code content}, {@code system}, a {@code tool_result}'s {@code content}). Exactly one of
 * {@link #text()} and {@link #blocks()} is non-null.
 */
@JsonDeserialize(using = Content.Deserializer.class)
public record Content(String text, List<InputBlock> blocks) {

    /** Content given as a plain string. */
    public static Content ofText(String text) {
        return new Content(text, null);
    }

    /** Content given as a list of blocks. */
    public static Content ofBlocks(List<InputBlock> blocks) {
        return new Content(null, List.copyOf(blocks));
    }

    @JsonValue
    Object json() {
        return text != null ? text : blocks;
    }

    /** Reads the string-or-array union; any other JSON shape is a mismatched input. */
    static final class Deserializer extends JsonDeserializer<Content> {
        @Override
        public Content deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                return ofText(p.getText());
            }
            if (token == JsonToken.START_ARRAY) {
                CollectionType type = ctxt.getTypeFactory().constructCollectionType(List.class, InputBlock.class);
                List<InputBlock> blocks = ctxt.readValue(p, type);
                return new Content(null, blocks);
            }
            return (Content) ctxt.handleUnexpectedToken(Content.class, p);
        }

        @Override
        public Content getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
