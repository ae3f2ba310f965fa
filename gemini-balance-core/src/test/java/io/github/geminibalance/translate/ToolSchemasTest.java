package io.github.geminibalance.translate;

import static io.github.geminibalance.translate.ChatRequestTranslatorTest.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which schemas become {@code parameters} (sanitised) and which go whole to {@code parametersJsonSchema}. */
class ToolSchemasTest {

    static Stream<Arguments> subset() {
        return Stream.of(
                Arguments.of("anyOf options are sanitised one by one", """
                        {"type":"object","properties":{"v":{"anyOf":[{"type":"string","title":"S"},{"type":"integer","default":1}]}}}""", """
                        {"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}"""),
                Arguments.of("annotations and unknown keywords are dropped at every level", """
                        {"type":"object","x-order":1,"properties":{"o":{"type":"object","additionalProperties":true,
                          "examples":[{}],"properties":{"n":{"type":"number","format":"decimal","multipleOf":0.5}}},
                          "f":{"type":"number","format":"float","readOnly":true}}}""", """
                        {"type":"object","properties":{"o":{"type":"object","properties":{"n":{"type":"number"}}},
                          "f":{"type":"number","format":"float"}}}"""),
                Arguments.of("a nullable enum keeps its values and Gemini-only keywords survive", """
                        {"type":"object","propertyOrdering":["a"],"properties":{"a":{"type":["null","string"],"enum":["x","y"]}}}""", """
                        {"type":"object","propertyOrdering":["a"],"properties":{"a":{"type":"string","nullable":true,"enum":["x","y"]}}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subset")
    void sanitisesIntoTheOpenApiSubset(String rule, String schema, String expected) {
        ToolSchemas.Declared declared = ToolSchemas.declare(tree(schema), "p");

        assertThat(declared.parametersJsonSchema()).isNull();
        assertThat(declared.parameters()).isEqualTo(tree(expected));
    }

    static Stream<Arguments> fullSchema() {
        return Stream.of(
                Arguments.of("oneOf", "{\"type\":\"object\",\"properties\":{\"v\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}"),
                Arguments.of("two non-null types", "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":[\"string\",\"integer\"]}}}"),
                Arguments.of("a nested object without properties", "{\"type\":\"object\",\"properties\":{\"meta\":{\"type\":\"object\"}}}"),
                Arguments.of("an array without items", "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\"}}}"),
                Arguments.of("a tuple", "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}}}"),
                Arguments.of("required names that are not properties", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"b\"]}"),
                Arguments.of("an untyped property", "{\"type\":\"object\",\"properties\":{\"any\":{\"description\":\"anything\"}}}"),
                Arguments.of("exclusive bounds", "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"exclusiveMinimum\":0}}}"),
                Arguments.of("a non-string const", "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"const\":3}}}"),
                Arguments.of("an enum holding null", "{\"type\":\"object\",\"properties\":{\"e\":{\"type\":[\"string\",\"null\"],\"enum\":[\"a\",null]}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fullSchema")
    void sendsWhatTheSubsetCannotSayAsFullJsonSchemaUnchanged(String rule, String schema) {
        JsonNode original = tree(schema);

        ToolSchemas.Declared declared = ToolSchemas.declare(original, "p");

        assertThat(declared.parameters()).isNull();
        assertThat(declared.parametersJsonSchema()).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noArguments")
    void declaresNoParametersForNoArgumentTools(String schema) {
        ToolSchemas.Declared declared = ToolSchemas.declare(schema == null ? null : tree(schema), "p");

        assertThat(declared.parameters()).isNull();
        assertThat(declared.parametersJsonSchema()).isNull();
    }

    static Stream<String> noArguments() {
        return Stream.of(null, "{}", "{\"type\":\"object\"}", "{\"type\":\"object\",\"properties\":{},\"required\":[]}",
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":{},"
                        + "\"additionalProperties\":false,\"title\":\"NoArgs\"}");
    }
}
