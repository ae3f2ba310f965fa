package io.github.geminibalance.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Responses wire types read and write OpenAI's JSON: unions, open vocabularies, nulls. */
class ResponsesWireTest {

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Test
    void inputIsAStringOrItemsAndContentIsAStringOrParts() throws Exception {
        ResponseRequest text = json.readValue("{\"model\":\"m\",\"input\":\"Hi\"}", ResponseRequest.class);
        ResponseRequest items = json.readValue("""
                {"model":"m","stream":true,"input":[
                  {"role":"user","content":"Hi"},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"a"},
                    {"type":"input_image","image_url":"data:image/png;base64,AA==","detail":"low"}]},
                  {"type":"function_call_output","call_id":"call_1","output":"42"},
                  {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"s"}],"encrypted_content":"e"},
                  {"type":"a_future_item","whatever":1}]}""", ResponseRequest.class);

        assertThat(text.input().text()).isEqualTo("Hi");
        assertThat(text.input().items()).isNull();
        assertThat(text.streamRequested()).isFalse();
        assertThat(items.streamRequested()).isTrue();
        List<InputItem> list = items.input().items();
        assertThat(list.get(0).content().text()).isEqualTo("Hi");
        assertThat(list.get(1).content().parts()).extracting(InputPart::type)
                .containsExactly(ItemTypes.INPUT_TEXT, ItemTypes.INPUT_IMAGE);
        assertThat(list.get(1).content().parts().get(1).imageUrl()).startsWith("data:image/png");
        assertThat(list.get(2).callId()).isEqualTo("call_1");
        assertThat(list.get(2).output().asText()).isEqualTo("42");
        assertThat(list.get(3).summary()).containsExactly(SummaryText.of("s"));
        assertThat(list.get(3).encryptedContent()).isEqualTo("e");
        assertThat(list.get(4).type()).as("an unknown item type passes through").isEqualTo("a_future_item");
        assertThat(json.readTree(json.writeValueAsString(items)).get("input"))
                .isEqualTo(json.readTree(json.writeValueAsString(items.input().items())));
    }

    @Test
    void inputOfAnotherShapeIsAMismatch() {
        assertThatThrownBy(() -> json.readValue("{\"model\":\"m\",\"input\":7}", ResponseRequest.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> json.readValue("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":{}}]}",
                ResponseRequest.class)).isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void aResponseWritesOpenAisNullsAndItemsOnlyTheirOwnMembers() throws Exception {
        Response response = new Response("resp_1", Response.OBJECT, 1767225600L, Statuses.COMPLETED, null, null, null,
                null, "m", List.of(OutputItem.message("msg_1", Statuses.COMPLETED, List.of(OutputContent.text("Hi",
                        List.of(OutputContent.Annotation.urlCitation(0, 2, "https://a.example", "a"))))),
                OutputItem.functionCall("fc_1", Statuses.COMPLETED, "call_1", "f", "{}")),
                true, null, null, true, null, null, null, List.of(), null, "disabled",
                new Response.Usage(3, new Response.Usage.InputDetails(1), 2, new Response.Usage.OutputDetails(0), 5),
                null, Map.of());
        JsonNode tree = json.readTree(json.writeValueAsString(response));

        assertThat(tree.has("error") && tree.get("error").isNull()).isTrue();
        assertThat(tree.get("incomplete_details").isNull()).isTrue();
        assertThat(tree.get("created_at").asLong()).isEqualTo(1767225600L);
        assertThat(tree.at("/usage/input_tokens_details/cached_tokens").asInt()).isEqualTo(1);
        assertThat(tree.at("/usage/output_tokens_details/reasoning_tokens").asInt()).isZero();
        assertThat(tree.at("/output/0/content/0")).isEqualTo(json.readTree("""
                {"type":"output_text","text":"Hi","logprobs":[],"annotations":[
                 {"type":"url_citation","start_index":0,"end_index":2,"url":"https://a.example","title":"a"}]}"""));
        assertThat(tree.at("/output/1")).isEqualTo(json.readTree("""
                {"type":"function_call","id":"fc_1","status":"completed","call_id":"call_1","name":"f","arguments":"{}"}"""));
    }

    @Test
    void streamEventsCarryTheirTypeAndSequenceNumberAndNoNulls() throws Exception {
        JsonNode delta = json.readTree(json.writeValueAsString(ResponseStreamEvent.outputText(
                EventTypes.OUTPUT_TEXT_DELTA, 4, 0, "msg_1", "Hel", null)));
        JsonNode error = json.readTree(json.writeValueAsString(ResponseStreamEvent.error(9, "empty_response",
                "no answer", null)));

        assertThat(delta).isEqualTo(json.readTree("""
                {"type":"response.output_text.delta","sequence_number":4,"output_index":0,"item_id":"msg_1",
                 "content_index":0,"delta":"Hel","logprobs":[]}"""));
        assertThat(error).isEqualTo(json.readTree("""
                {"type":"error","sequence_number":9,"code":"empty_response","message":"no answer"}"""));
    }
}
