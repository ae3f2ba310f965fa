package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.config.KeySelection;
import io.github.geminibalance.config.RuntimeSettings;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Run-time settings: changed, stored, refused, reverted and shared, against the fake Gemini. */
class SettingsAdminTest {

    static final String MODEL = "gemini-2.5-flash";

    static FakeGemini fake;
    private final KeyAdminTest.MovableClock clock = new KeyAdminTest.MovableClock(Instant.parse("2026-06-15T12:00:00Z"));
    private final List<GeminiBalance> instances = new ArrayList<>();
    private Store store;

    @BeforeAll
    static void startFake() {
        fake = FakeGemini.start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        store = Store.inMemory(clock);
    }

    @AfterEach
    void close() {
        instances.forEach(GeminiBalance::close);
    }

    static String key(int i) {
        return "AIzaSySettings" + String.format("%025d", i);
    }

    private GeminiBalance balance(int keys, int maxRetries) {
        List<String> raw = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            raw.add(key(i));
        }
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(raw).baseUrl(fake.baseUrl())
                .maxRetries(maxRetries).build();
        GeminiBalance gb = GeminiBalance.builder(config).clock(clock).store(store).scheduleKeyChecks(false).build();
        instances.add(gb);
        return gb;
    }

    private static ChatCompletionRequest hello() {
        return ChatCompletionRequest.of(MODEL, List.of(ChatMessage.of("user", "Hello")));
    }

    private static void failsWith429(GeminiBalance gb) {
        assertThatThrownBy(() -> gb.chat(hello()).join()).isInstanceOf(CompletionException.class)
                .satisfies(t -> assertThat(((GeminiBalanceException) t.getCause()).httpStatus()).isEqualTo(429));
    }

    @Test
    void aRunTimeChangeKeepsTheModelAliasesOfEveryFrontDoor() throws Exception {
        fake.generateContent("gemini-2.5-pro", null,
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ok\"}],\"role\":\"model\"},"
                        + "\"finishReason\":\"STOP\",\"index\":0}]}");
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of(key(0))).baseUrl(fake.baseUrl())
                .modelAliases(java.util.Map.of("claude-sonnet-4-5", "gemini-2.5-pro")).build();
        GeminiBalance gb = GeminiBalance.builder(config).clock(clock).store(store).scheduleKeyChecks(false).build();
        instances.add(gb);

        gb.settings().put("SAFETY_SETTINGS", "[]"); // swaps the translation options of every door

        gb.chat(ChatCompletionRequest.of("claude-sonnet-4-5", List.of(ChatMessage.of("user", "Hi")))).join();
        gb.messages(io.github.geminibalance.internal.Json.mapper().readValue(
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                io.github.geminibalance.anthropic.MessageRequest.class)).join();
        assertThat(fake.requestBodies("gemini-2.5-pro", "generateContent")).hasSize(2)
                .allSatisfy(body -> assertThat(body.has("safetySettings")).as("the changed setting applied").isFalse());
    }

    @Test
    void aChangedMaxRetriesIsUsedByTheNextRequest() {
        fake.rateLimited(MODEL, null, "38s"); // every key: each attempt rests its key, the next takes another
        GeminiBalance gb = balance(8, 2);

        failsWith429(gb);
        assertThat(fake.requestCount()).isEqualTo(2);

        RuntimeSettings now = gb.settings().put("MAX_RETRIES", "4");
        assertThat(now.maxRetries()).isEqualTo(4);
        assertThat(gb.runtimeSettings().maxRetries()).isEqualTo(4);
        assertThat(gb.config().maxRetries()).isEqualTo(4);

        failsWith429(gb);
        assertThat(fake.requestCount()).isEqualTo(2 + 4);
        assertThat(store.settingOverrides().get("MAX_RETRIES")).hasValueSatisfying(s -> {
            assertThat(s.value()).isEqualTo("4");
            assertThat(s.updatedAt()).isEqualTo(clock.instant());
        });
    }

    @Test
    void removingTheOverrideGoesBackToTheConfiguredValue() {
        fake.rateLimited(MODEL, null, "38s");
        GeminiBalance gb = balance(8, 1);
        gb.settings().put("MAX_RETRIES", "3");
        assertThat(gb.settings().remove("MAX_RETRIES")).isTrue();
        assertThat(gb.settings().remove("MAX_RETRIES")).isFalse();

        failsWith429(gb);
        assertThat(fake.requestCount()).isEqualTo(1);
        assertThat(store.settingOverrides().all()).isEmpty();
    }

    @Test
    void aRefusedValueIsNeitherStoredNorApplied() {
        GeminiBalance gb = balance(2, 3);

        assertThatThrownBy(() -> gb.settings().put("MAX_RETRIES", "0")).isInstanceOfSatisfying(ConfigException.class,
                e -> {
                    assertThat(e.setting()).isEqualTo("MAX_RETRIES");
                    assertThat(e.getMessage()).contains("MAX_RETRIES must be a whole number >= 1, got \"0\"");
                });
        assertThatThrownBy(() -> gb.settings().put("TIME_OUT", "soon"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("TIME_OUT"));
        assertThatThrownBy(() -> gb.settings().put("SAFETY_SETTINGS", "[{\"category\": \"HARM_CATEGORY_NOPE\"}]"))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("SAFETY_SETTINGS"));
        assertThatThrownBy(() -> gb.settings().put("KEY_SELECTION", "random"))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("KEY_SELECTION"));
        // not a run-time setting: refused whatever the value
        assertThatThrownBy(() -> gb.settings().put("BASE_URL", "http://localhost:1/v1beta"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo("BASE_URL");
                    assertThat(e.getMessage()).contains("restart required");
                });

        assertThat(store.settingOverrides().all()).isEmpty();
        assertThat(gb.runtimeSettings()).isEqualTo(RuntimeSettings.of(gb.config()));
        assertThat(gb.runtimeSettings().maxRetries()).isEqualTo(3);
    }

    @Test
    void everyRunTimeSettingIsReadAndApplied() {
        GeminiBalance gb = balance(2, 3);
        gb.settings().put("MAX_FAILURES", "2");
        gb.settings().put("TIME_OUT", "30");
        gb.settings().put("STREAM_IDLE_TIMEOUT", "15");
        gb.settings().put("KEY_SELECTION", "least_busy");
        gb.settings().put("MODEL_SEARCH", "gemini-2.5-pro, gemini-2.5-flash");
        gb.settings().put("TOOLS_CODE_EXECUTION_ENABLED", "yes");
        gb.settings().put("THINKING_BUDGET_MAP", "{\"gemini-2.5-flash\": 512}");
        RuntimeSettings s = gb.settings().put("SAFETY_SETTINGS",
                "[{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"BLOCK_NONE\"}]");

        assertThat(s.maxFailures()).isEqualTo(2);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.keySelection()).isEqualTo(KeySelection.LEAST_BUSY);
        assertThat(s.searchModels()).containsExactly("gemini-2.5-pro", "gemini-2.5-flash");
        assertThat(s.codeExecutionEnabled()).isTrue();
        assertThat(s.thinkingBudgets()).containsEntry("gemini-2.5-flash", 512);
        assertThat(s.safetySettings()).containsExactly(java.util.Map.entry("HARM_CATEGORY_HARASSMENT", "BLOCK_NONE"));
        assertThat(gb.runtimeSettings()).isEqualTo(s);

        // the next chat request is translated with the new options
        fake.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        gb.chatBlocking(hello());
        var body = fake.requestBodies(MODEL, "generateContent").get(0);
        assertThat(body.toString()).contains("googleSearch").contains("\"thinkingBudget\":512")
                .contains("HARM_CATEGORY_HARASSMENT").doesNotContain("HARM_CATEGORY_HATE_SPEECH");
    }

    @Test
    void storedOverridesWinAtStartAndReachOtherInstancesOnSync() {
        GeminiBalance first = balance(2, 3);
        first.settings().put("MAX_RETRIES", "5");

        GeminiBalance second = balance(2, 3); // same store: a restart, or another instance
        assertThat(second.runtimeSettings().maxRetries()).isEqualTo(5);
        assertThat(second.settings().configured().maxRetries()).isEqualTo(3);

        first.settings().put("MAX_FAILURES", "4");
        assertThat(second.runtimeSettings().maxFailures()).isEqualTo(10);
        assertThat(second.settings().sync()).isTrue();
        assertThat(second.runtimeSettings().maxFailures()).isEqualTo(4);
        assertThat(second.settings().sync()).isFalse();

        first.settings().remove("MAX_RETRIES");
        second.settings().sync();
        assertThat(second.runtimeSettings().maxRetries()).isEqualTo(3);
    }

    @Test
    void aStoredValueThatNoLongerPassesIsSkippedAtStart() {
        store.settingOverrides().put("MAX_RETRIES", "many");
        store.settingOverrides().put("MAX_FAILURES", "6");
        GeminiBalance gb = balance(2, 3);
        assertThat(gb.runtimeSettings().maxRetries()).isEqualTo(3);
        assertThat(gb.runtimeSettings().maxFailures()).isEqualTo(6);
    }

    @Test
    void updateSettingsAppliesWithoutStoring() {
        fake.rateLimited(MODEL, null, "38s");
        GeminiBalance gb = balance(8, 1);
        gb.updateSettings(gb.runtimeSettings().with("MAX_RETRIES", "3"));
        failsWith429(gb);
        assertThat(fake.requestCount()).isEqualTo(3);
        assertThat(store.settingOverrides().all()).isEmpty();
    }
}
