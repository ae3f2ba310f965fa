package io.github.geminibalance.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.ItemTypes;
import io.github.geminibalance.openai.responses.OutputContent;
import io.github.geminibalance.openai.responses.OutputItem;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.Statuses;
import io.github.geminibalance.openai.responses.SummaryText;
import io.github.geminibalance.openai.responses.Union;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesHistoryTest {

    private static Response answer(List<OutputItem> output) {
        return new Response("resp_1", Response.OBJECT, 0, Statuses.COMPLETED, null, null, null, null, "m", output,
                true, null, null, true, null, null, null, List.of(), null, "disabled", null, null, Map.of());
    }

    @Test
    void theConversationIsThePreviousItemsTheInputAndTheOutputAsInputItems() {
        List<InputItem> previous = List.of(InputItem.message("user", "Earlier"));
        Response response = answer(List.of(
                OutputItem.reasoning("rs_1", List.of(SummaryText.of("Thinking")), "c2ln"),
                OutputItem.message("msg_1", "completed", List.of(OutputContent.text("Sure.", List.of()))),
                OutputItem.functionCall("fc_1", "completed", "call_gabc.c2ln", "get_weather", "{\"city\":\"Oslo\"}")));

        List<InputItem> items = ResponsesHistory.conversation(previous, Union.Input.ofText("Now"), response);

        assertThat(items).hasSize(5);
        assertThat(items.get(0)).isEqualTo(previous.get(0));
        assertThat(items.get(1)).isEqualTo(InputItem.message("user", "Now"));
        assertThat(items.get(2).type()).isEqualTo(ItemTypes.REASONING);
        assertThat(items.get(2).encryptedContent()).isEqualTo("c2ln");
        assertThat(items.get(2).summary()).containsExactly(SummaryText.of("Thinking"));
        assertThat(items.get(3).role()).isEqualTo("assistant");
        assertThat(items.get(3).content().parts()).singleElement()
                .satisfies(p -> assertThat(p.text()).isEqualTo("Sure."))
                .satisfies(p -> assertThat(p.type()).isEqualTo(ItemTypes.OUTPUT_TEXT));
        assertThat(items.get(4).callId()).isEqualTo("call_gabc.c2ln");
        assertThat(items.get(4).name()).isEqualTo("get_weather");
        assertThat(items.get(4).arguments()).isEqualTo("{\"city\":\"Oslo\"}");
    }

    @Test
    void theItemsSurviveTheirJson() {
        List<InputItem> items = ResponsesHistory.conversation(List.of(), Union.Input.ofText("Hi 中文"), answer(List.of(
                OutputItem.functionCall("fc_1", "completed", "call_gabc.c2ln", "f", "{}"))));
        assertThat(ResponsesHistory.fromJson(ResponsesHistory.toJson(items))).isEqualTo(items);
    }
}
