package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.ChatMessage;
import io.github.geminibalance.store.KeyMark;
import io.github.geminibalance.store.MarkKind;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys managed at run time through the facade, on the in-memory store, against the fake Gemini. */
class KeyAdminTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String TEST_MODEL = "gemini-test-model";

    static FakeGemini fake;
    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-15T12:00:00Z"));
    private GeminiBalance gb;
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
        fake.generateContent(MODEL, null, GeminiFixtures.textResponse("ok"));
        fake.generateContent(TEST_MODEL, null, GeminiFixtures.textResponse("h"));
    }

    @AfterEach
    void close() {
        if (gb != null) {
            gb.close();
        }
    }

    static String key(int i) {
        return "AIzaSyAdmin" + String.format("%028d", i);
    }

    private GeminiBalance balance(List<String> keys) {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(keys).baseUrl(fake.baseUrl())
                .testModel(TEST_MODEL).build();
        store = Store.inMemory(clock);
        gb = GeminiBalance.builder(config).clock(clock).store(store).scheduleKeyChecks(false).build();
        return gb;
    }

    private static ChatCompletionRequest hello() {
        return ChatCompletionRequest.of(MODEL, List.of(ChatMessage.of("user", "Hello")));
    }

    private static GeminiBalanceException failure(Throwable t) {
        Throwable c = t instanceof CompletionException ? t.getCause() : t;
        assertThat(c).isInstanceOf(GeminiBalanceException.class);
        return (GeminiBalanceException) c;
    }

    @Test
    void withoutAStoreTheConfigurationMustHoldAKey() {
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of()).baseUrl(fake.baseUrl()).build();
        assertThatThrownBy(() -> GeminiBalance.builder(config).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one key");
    }

    @Test
    void anEmptyPoolAnswers503AndTheFirstKeyAddedServesAtOnce() {
        GeminiBalance balance = balance(List.of());
        assertThat(balance.keyStatus()).isEmpty();
        assertThat(balance.hasUsableKey()).isFalse();
        assertThatThrownBy(() -> balance.chat(hello()).join()).satisfies(t -> {
            GeminiBalanceException e = failure(t);
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.code()).contains("no_usable_key");
            assertThat(e.getMessage()).contains("no Gemini API key in the pool");
        });

        KeyAdmin.AddResult result = balance.keys().add(List.of(key(1)), false).join();
        assertThat(result.added()).containsExactly(new ApiKey(key(1)).id());
        assertThat(balance.chat(hello()).join().choices().get(0).message().content()).isEqualTo("ok");
        assertThat(fake.keysUsed()).containsExactly(key(1));
    }

    @Test
    void addRejectsMalformedEntriesOneByOneWithoutQuotingThem() {
        GeminiBalance balance = balance(List.of(key(0)));
        List<String> entries = new ArrayList<>(List.of(
                "  " + key(1) + "\n",           // 0: surrounding whitespace is fine
                "",                              // 1
                "AIzaSy has a space inside 00000000000", // 2
                "AIzaSy+plus/slash=000000000000000000000", // 3
                "sk-abcdefghijklmnopqrstuvwxyz0123456789", // 4
                "AIzaSyTooShort",               // 5
                key(1),                          // 6: the same as 0
                key(0)));                        // 7: already in the pool
        entries.add(null);                       // 8
        KeyAdmin.AddResult result = balance.keys().add(entries, false).join();

        assertThat(result.added()).containsExactly(new ApiKey(key(1)).id());
        assertThat(result.existing()).containsExactly(new ApiKey(key(0)).id());
        assertThat(result.rejected()).extracting(KeyAdmin.Rejected::index).containsExactly(1, 2, 3, 4, 5, 6, 8);
        assertThat(result.rejected()).extracting(KeyAdmin.Rejected::reason).containsExactly(
                "empty",
                "contains whitespace (one key per entry)",
                "contains a character other than a letter, a digit, '-' or '_'",
                "does not start with AIza, as Gemini API keys do",
                "has 14 characters; a Gemini API key has 39 (AIza and 35 more)",
                "the same key as entry 0",
                "not a string");
        assertThat(result.checked()).isEmpty();
        assertThat(balance.keyStatus()).hasSize(2);
        assertThatThrownBy(() -> balance.keys().add(java.util.Collections.nCopies(KeyAdmin.MAX_KEYS_PER_ADD + 1, key(2)),
                false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addWithCheckKeepsARejectedKeyOutOfRotation() {
        GeminiBalance balance = balance(List.of());
        fake.error(TEST_MODEL, key(2), GeminiErrorKind.API_KEY_INVALID_400);
        KeyAdmin.AddResult result = balance.keys().add(List.of(key(1), key(2)), true).join();

        assertThat(result.added()).hasSize(2);
        assertThat(result.checked()).extracting(KeyCheckResult::id, KeyCheckResult::valid).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(new ApiKey(key(1)).id(), true),
                org.assertj.core.groups.Tuple.tuple(new ApiKey(key(2)).id(), false));
        assertThat(status(key(2)).state()).isEqualTo(KeyState.INVALID);
        assertThat(store.keys().marks(clock.instant())).extracting(KeyMark::keyId, KeyMark::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(new ApiKey(key(2)).id(), MarkKind.INVALID));
        fake.server().resetRequests();
        for (int i = 0; i < 4; i++) {
            balance.chat(hello()).join();
        }
        assertThat(fake.keysUsed()).containsOnly(key(1));
    }

    @Test
    void manyKeysAddedWithCheckAreEachTestedOnceAFewAtATime() {
        GeminiBalance balance = balance(List.of());
        List<String> keys = new ArrayList<>();
        for (int i = 100; i < 125; i++) {
            keys.add(key(i));
        }
        KeyAdmin.AddResult result = balance.keys().add(keys, true).join();
        assertThat(result.added()).hasSize(25);
        assertThat(result.checked()).extracting(KeyCheckResult::id).containsExactlyElementsOf(result.added());
        assertThat(result.checked()).allMatch(KeyCheckResult::valid);
        assertThat(fake.requestBodies(TEST_MODEL, "generateContent")).hasSize(25);
        assertThat(fake.keysUsed()).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void deleteRestoreAndBulkDeleteByState() {
        GeminiBalance balance = balance(List.of(key(0), key(1), key(2), key(3)));
        String a = new ApiKey(key(0)).id();
        fake.error(MODEL, key(1), GeminiErrorKind.API_KEY_INVALID_400);
        fake.error(MODEL, key(2), GeminiErrorKind.API_KEY_INVALID_400);
        for (int i = 0; i < 4; i++) {
            balance.chat(hello()).join();
        }
        assertThat(balance.keyStateCounts().get(KeyState.INVALID)).isEqualTo(2);

        KeyAdmin.DeleteResult byState = balance.keys().deleteInState(KeyState.INVALID).join();
        assertThat(byState.deleted()).containsExactlyInAnyOrder(new ApiKey(key(1)).id(), new ApiKey(key(2)).id());
        assertThat(balance.keyStatus()).hasSize(2);

        KeyAdmin.DeletedKey deleted = balance.keys().delete(a).join().orElseThrow();
        assertThat(deleted.masked()).isEqualTo(ApiKey.mask(key(0)));
        assertThat(deleted.deletedAt()).isEqualTo(clock.instant());
        assertThat(balance.keys().delete("k-00000000").join()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(balance.keys().delete(a).join().orElseThrow().deletedAt()).as("deleting again changes nothing")
                .isEqualTo(deleted.deletedAt());
        assertThat(balance.keys().deleted().join()).extracting(KeyAdmin.DeletedKey::id).first().isEqualTo(a);

        KeyAdmin.DeleteResult byIds = balance.keys().delete(List.of("k-00000000", new ApiKey(key(3)).id(), a)).join();
        assertThat(byIds.deleted()).containsExactly(new ApiKey(key(3)).id());
        assertThat(byIds.notFound()).containsExactly(0, 2);
        assertThat(balance.keyStatus()).isEmpty();

        KeyStatus back = balance.keys().restore(new ApiKey(key(1)).id()).join().orElseThrow();
        assertThat(back.state()).as("restored with its marks").isEqualTo(KeyState.INVALID);
        assertThat(balance.keys().restore(a).join().orElseThrow().state()).isEqualTo(KeyState.ACTIVE);
        assertThat(balance.keys().restore("k-00000000").join()).isEmpty();
        assertThat(balance.chat(hello()).join().choices()).hasSize(1);
        assertThat(balance.keyStatus()).extracting(KeyStatus::id).containsExactly(new ApiKey(key(1)).id(), a);
    }

    @Test
    void disableUntilATimeEnableResetAndNote() {
        GeminiBalance balance = balance(List.of(key(0), key(1)));
        String a = new ApiKey(key(0)).id();
        Instant until = clock.instant().plus(Duration.ofHours(3));
        KeyStatus disabled = balance.keys().disable(a, until).join().orElseThrow();
        assertThat(disabled.state()).isEqualTo(KeyState.DISABLED);
        assertThat(disabled.disabledUntil()).isEqualTo(until);
        assertThat(store.keys().find(a).orElseThrow().disabledUntil()).isEqualTo(until);
        assertThatThrownBy(() -> balance.keys().disable(a, clock.instant()).join())
                .satisfies(t -> assertThat(failure(t).param()).contains("until"));
        clock.advance(Duration.ofHours(3));
        assertThat(status(key(0)).state()).isEqualTo(KeyState.ACTIVE);

        assertThat(balance.disableKey(a)).isTrue();
        assertThat(store.keys().find(a).orElseThrow().disabledAt(clock.instant())).isTrue();
        assertThat(balance.keys().enable(a).join().orElseThrow().state()).isEqualTo(KeyState.ACTIVE);
        assertThat(store.keys().find(a).orElseThrow().disabled()).isFalse();
        assertThat(balance.disableKey(a)).isTrue();
        assertThat(balance.resetKey(a)).isTrue();
        assertThat(store.keys().find(a).orElseThrow().disabled()).isFalse();
        assertThat(balance.resetKey("k-00000000")).isFalse();

        assertThat(balance.keys().note(a, "  team A  ").join().orElseThrow().note()).isEqualTo("team A");
        assertThat(store.keys().find(a).orElseThrow().note()).isEqualTo("team A");
        assertThatThrownBy(() -> balance.keys().note(a, "backup of " + key(5)).join())
                .satisfies(t -> assertThat(failure(t).getMessage()).doesNotContain(key(5)).contains("API key"));
        assertThatThrownBy(() -> balance.keys().note(a, "x".repeat(501)).join())
                .satisfies(t -> assertThat(failure(t).httpStatus()).isEqualTo(400));
        assertThat(balance.keys().note(a, null).join().orElseThrow().note()).isNull();
        assertThat(balance.keys().note("k-00000000", "x").join()).isEmpty();
    }

    @Test
    void countersReachTheStoreWhenTheFacadeCloses() {
        GeminiBalance balance = balance(List.of(key(0)));
        for (int i = 0; i < 3; i++) {
            balance.chat(hello()).join();
        }
        balance.close();
        gb = null;
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(),
                io.github.geminibalance.keys.KeyPool.QUOTA_ZONE);
        assertThat(store.keys().counters(today)).singleElement().satisfies(c -> {
            assertThat(c.requests()).isEqualTo(3);
            assertThat(c.tokens()).isPositive();
        });
    }

    @Test
    void anInstanceOnTheSameStoreTakesInAnotherInstancesChangesWhenItSyncs() {
        GeminiBalance first = balance(List.of(key(0), key(1)));
        GeminiBalanceConfig config = GeminiBalanceConfig.builder().apiKeys(List.of(key(0), key(1)))
                .baseUrl(fake.baseUrl()).build();
        try (GeminiBalance second = GeminiBalance.builder(config).clock(clock).store(store).scheduleKeyChecks(false)
                .build()) {
            String a = new ApiKey(key(0)).id();
            String b = new ApiKey(key(1)).id();
            first.keys().add(List.of(key(2)), false).join();
            first.keys().delete(b).join();
            first.keys().disable(a, clock.instant().plusSeconds(600)).join();
            first.keys().note(a, "shared").join();
            assertThat(second.keyStatus()).extracting(KeyStatus::id).containsExactly(a, b);

            assertThat(second.keys().sync().join()).isEqualTo(4);
            assertThat(second.keyStatus()).extracting(KeyStatus::id).containsExactly(a, new ApiKey(key(2)).id());
            KeyStatus shared = second.keyStatus().get(0);
            assertThat(shared.state()).isEqualTo(KeyState.DISABLED);
            assertThat(shared.disabledUntil()).isEqualTo(clock.instant().plusSeconds(600));
            assertThat(shared.note()).isEqualTo("shared");

            first.keys().enable(a).join();
            assertThat(second.keys().sync().join()).isEqualTo(1);
            assertThat(second.keyStatus().get(0).state()).isEqualTo(KeyState.ACTIVE);
            assertThat(second.keys().sync().join()).as("nothing left to do").isZero();
        }
    }

    private KeyStatus status(String raw) {
        String id = new ApiKey(raw).id();
        return gb.keyStatus().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
