package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.openai.ResponseFormat;

/** {@code response_format} as a response MIME type and an optional JSON Schema. */
record OutputFormat(String mimeType, JsonNode jsonSchema) {

    static OutputFormat of(ResponseFormat format) {
        if (format == null) {
            return new OutputFormat(null, null);
        }
        if (format.type() == null) {
            throw new InvalidRequestException("response_format.type", "response_format.type is required.");
        }
        switch (format.type()) {
            case "text":
                return new OutputFormat(null, null);
            case "json_object":
                return new OutputFormat("application/json", null);
            case "json_schema": {
                if (format.jsonSchema() == null) {
                    throw new InvalidRequestException("response_format.json_schema",
                            "json_schema is required when response_format.type is json_schema.");
                }
                JsonNode schema = format.jsonSchema().schema();
                if (schema == null || schema.isNull()) {
                    return new OutputFormat("application/json", null);
                }
                if (!schema.isObject()) {
                    throw new InvalidRequestException("response_format.json_schema.schema",
                            "The schema must be a JSON object.");
                }
                return new OutputFormat("application/json", schema);
            }
            default:
                throw new InvalidRequestException("response_format.type",
                        "response_format.type must be text, json_object or json_schema.");
        }
    }
}
