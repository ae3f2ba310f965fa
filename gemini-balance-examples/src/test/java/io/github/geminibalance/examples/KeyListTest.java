package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyListTest {

    @Test
    void splitsOnNewlinesCommasAndWhitespaceAndDropsDuplicatesAndComments() {
        String text = "# my keys\nkey-one, key-two\r\n  key-three\tkey-one\n\n'key-four',\"key-five\"\n";
        assertThat(KeyList.parse(text)).containsExactly("key-one", "key-two", "key-three", "key-four", "key-five");
    }

    @Test
    void readsAJsonList() {
        assertThat(KeyList.parse(" [\"key-one\", \" key-two \", \"key-one\"]\n")).containsExactly("key-one", "key-two");
    }

    @Test
    void rejectsJsonThatIsNotAListOfStringsWithoutQuotingIt() {
        assertThatThrownBy(() -> KeyList.parse("[\"secret-key-123\", 5]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry 2 of the JSON key list is not a string");
        assertThatThrownBy(() -> KeyList.parse("[\"secret-key-123\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the key list starts with [ but is not valid JSON")
                .hasMessageNotContaining("secret");
    }

    @Test
    void emptyTextHasNoKeys() {
        assertThat(KeyList.parse("  \n# nothing\n")).isEmpty();
        assertThat(KeyList.parse(null)).isEmpty();
    }
}
