package io.github.geminibalance.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InMemoryResponseRepositoryTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private static StoredResponse response(String id, String owner, Instant at) {
        return new StoredResponse(id, owner, at, "gemini-2.5-flash", "{\"id\":\"" + id + "\"}", "[]");
    }

    @Test
    void theMemoryStoreKeepsResponsesForTheirOwnerOnly() {
        ResponseRepository responses = Store.inMemory(Clock.fixed(T0, ZoneOffset.UTC)).responses();
        assertThat(responses.keeps()).isTrue();
        StoredResponse stored = response("resp_1", "t-aaaa", T0);
        responses.save(stored);
        responses.save(response("resp_1", "t-bbbb", T0)); // never replaces another owner's

        assertThat(responses.find("resp_1", "t-aaaa")).contains(stored);
        assertThat(responses.find("resp_1", "t-bbbb")).isEmpty();
        assertThat(responses.delete("resp_1", "t-bbbb")).isFalse();
        assertThat(responses.delete("resp_1", "t-aaaa")).isTrue();
        assertThat(responses.find("resp_1", "t-aaaa")).isEmpty();
    }

    @Test
    void beyondItsCapacityTheOldestIsForgottenFirst() {
        InMemoryResponseRepository responses = new InMemoryResponseRepository(2);
        responses.save(response("resp_1", "", T0));
        responses.save(response("resp_2", "", T0));
        responses.save(response("resp_1", "", T0)); // stored again: the newest now
        responses.save(response("resp_3", "", T0));

        assertThat(responses.find("resp_2", "")).isEmpty();
        assertThat(responses.find("resp_1", "")).isPresent();
        assertThat(responses.find("resp_3", "")).isPresent();
    }

    @Test
    void deleteCreatedBeforeKeepsTheYounger() {
        InMemoryResponseRepository responses = new InMemoryResponseRepository(10);
        responses.save(response("resp_old", "", T0));
        responses.save(response("resp_new", "", T0.plus(Duration.ofDays(2))));
        assertThat(responses.deleteCreatedBefore(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
        assertThat(responses.find("resp_old", "")).isEmpty();
        assertThat(responses.find("resp_new", "")).isPresent();
    }

    @Test
    void aStoreWithoutResponsesKeepsNone() {
        ResponseRepository none = ResponseRepository.none();
        none.save(response("resp_1", "", T0));
        assertThat(none.keeps()).isFalse();
        assertThat(none.find("resp_1", "")).isEmpty();
    }

    @Test
    void toStringLeavesTheConversationOut() {
        StoredResponse stored = new StoredResponse("resp_1", "t-aaaa", T0, "m", "{\"secret\":1}",
                "[\"my private question\"]");
        assertThat(stored.toString()).doesNotContain("private").doesNotContain("secret").contains("resp_1");
    }
}
