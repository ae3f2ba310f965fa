package io.github.geminibalance.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    private static final String KEY = "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqx9Q4";

    @Test
    void masksGoogleApiKeys() {
        String out = Secrets.scrub("key " + KEY + " was rejected");

        assertThat(out).isEqualTo("key AIza...x9Q4 was rejected");
    }

    @Test
    void masksEveryKeyInTheText() {
        String other = "AIzaSyB_other_key_with_underscores_0002";

        String out = Secrets.scrub(KEY + "," + other + "\n?key=" + KEY);

        assertThat(out).isEqualTo("AIza...x9Q4,AIza...0002\n?key=AIza...x9Q4");
    }

    @Test
    void masksConsumerNamesInGeminiMessages() {
        String out = Secrets.scrub("Permission denied: Consumer 'api_key:AIzaSyEXAMPLE-not-a-real-key' has been suspended.");

        assertThat(out).startsWith("Permission denied: Consumer 'api_key:").endsWith("' has been suspended.")
                .doesNotContain("EXAMPLE-not-a-real");
    }

    @Test
    void masksConsumerNamesThatAreNotGoogleKeys() {
        String out = Secrets.scrub("Consumer \"api_key:some-long-consumer-identifier\" is blocked");

        assertThat(out).isEqualTo("Consumer \"api_key:some...fier\" is blocked");
        assertThat(Secrets.scrub("api_key:short here")).isEqualTo("api_key:*** here");
    }

    @Test
    void leavesOtherTextAlone() {
        String text = "The model is overloaded. Please try again later. models/gemini-2.5-flash AIza is a prefix; "
                + "AIzaShort; api key: none; {\"apiKey\": \"x\"}";

        assertThat(Secrets.scrub(text)).isEqualTo(text);
        assertThat(Secrets.scrub("")).isEmpty();
        assertThat(Secrets.scrub(null)).isNull();
    }
}
