package io.github.geminibalance.openai;

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
 * Message content, which OpenAI sends either as a plain string or as a list of typed parts.
 * Exactly one of {@link #text()} and {@link #parts()} is non-null.
 */
@JsonDeserialize(using = MessageContent.Deserializer.class)
public record MessageContent(String text, List<ContentPart> parts) {

    /** Content given as a plain string. */
    public static MessageContent ofText(String text) {
        return new MessageContent(text, null);
    }

    /** Content given as a list of parts. */
    public static MessageContent ofParts(List<ContentPart> parts) {
        return new MessageContent(null, List.copyOf(parts));
    }

    @JsonValue
    Object json() {
        return text != null ? text : parts;
    }

    /** Reads the string-or-array union; any other JSON shape is a mismatched input. */
    static final class Deserializer extends JsonDeserializer<MessageContent> {
        @Override
        public MessageContent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                return ofText(p.getText());
            }
            if (token == JsonToken.START_ARRAY) {
                CollectionType type = ctxt.getTypeFactory().constructCollectionType(List.class, ContentPart.class);
                List<ContentPart> parts = ctxt.readValue(p, type);
                return new MessageContent(null, parts);
            }
            return (MessageContent) ctxt.handleUnexpectedToken(MessageContent.class, p);
        }

        @Override
        public MessageContent getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
