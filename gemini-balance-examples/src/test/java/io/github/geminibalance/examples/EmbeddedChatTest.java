package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedChatTest {

    @Test
    void printsTheWholeAndTheStreamedAnswer() {
        try (FakeGemini fake = FakeGemini.start()) {
            fake.generateContent("gemini-2.5-flash", null, GeminiFixtures.textResponse("Hello, hola, hallo."));
            fake.streamGenerateContent("gemini-2.5-flash", null, GeminiFixtures.textStream("Hello,", " hola,", " hallo."));
            GeminiBalanceConfig config = GeminiBalanceConfig.builder()
                    .apiKeys(List.of("AIzaSyExampleKey000000000000000000000001"))
                    .allowedTokens(List.of("unused"))
                    .baseUrl(fake.baseUrl())
                    .build();
            try (GeminiBalance gb = GeminiBalance.builder(config).scheduleKeyChecks(false).build()) {
                String out = EmbeddedChat.run(gb, "gemini-2.5-flash", "Say hello");
                assertThat(out).isEqualTo("answer: Hello, hola, hallo.\nstreamed: Hello, hola, hallo.");
            }
        }
    }
}
