package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.ResponseRepository;
import io.github.geminibalance.store.StoredResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every database must do the same way with stored responses (table {@code gb_response}, schema 4).
 * Subclasses start a real database and hand out a fresh, empty one per call of {@link #newDatabase()}.
 */
abstract class ResponsesStoreContract {

    final MutableClock clock = new MutableClock(Fixtures.T0);
    private final ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    private final List<JdbcStore> opened = new ArrayList<>();

    /** Raw settings naming a new, empty database. */
    abstract Map<String, String> newDatabase();

    JdbcStore open(Map<String, String> raw) {
        JdbcStore store = JdbcStore.open(DatabaseSettings.from(raw), clock, idle);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStore::close);
        idle.shutdownNow();
    }

    private StoredResponse response(String id, String owner, String text) {
        return new StoredResponse(id, owner, clock.instant(), "gemini-2.5-flash",
                "{\"id\":\"" + id + "\",\"object\":\"response\",\"output_text\":\"" + text + "\"}",
                "[{\"type\":\"message\",\"role\":\"user\",\"content\":\"" + text + "\"}]");
    }

    @Test
    void aResponseIsStoredFoundByItsOwnerOnlyAndDeleted() {
        ResponseRepository responses = open(newDatabase()).responses();
        assertThat(responses.keeps()).isTrue();
        StoredResponse stored = response("resp_1", "t-aaaa", "中文 ✓ \\\"quoted\\\"");
        responses.save(stored);

        assertThat(responses.find("resp_1", "t-aaaa")).contains(stored);
        assertThat(responses.find("resp_1", "t-bbbb")).isEmpty();
        assertThat(responses.find("resp_2", "t-aaaa")).isEmpty();

        assertThat(responses.delete("resp_1", "t-bbbb")).isFalse();
        assertThat(responses.find("resp_1", "t-aaaa")).isPresent();
        assertThat(responses.delete("resp_1", "t-aaaa")).isTrue();
        assertThat(responses.delete("resp_1", "t-aaaa")).isFalse();
        assertThat(responses.find("resp_1", "t-aaaa")).isEmpty();
    }

    @Test
    void savingAgainReplacesTheOwnersResponseButNeverAnotherOwners() {
        ResponseRepository responses = open(newDatabase()).responses();
        responses.save(response("resp_1", "t-aaaa", "first"));
        clock.advance(Duration.ofSeconds(5));
        StoredResponse second = response("resp_1", "t-aaaa", "second");
        responses.save(second);
        assertThat(responses.find("resp_1", "t-aaaa")).contains(second);

        responses.save(response("resp_1", "t-bbbb", "intruder"));
        assertThat(responses.find("resp_1", "t-aaaa")).contains(second);
        assertThat(responses.find("resp_1", "t-bbbb")).isEmpty();
    }

    @Test
    void aLargeConversationAndALongModelNameAreKept() {
        ResponseRepository responses = open(newDatabase()).responses();
        String big = "x".repeat(300_000); // beyond MySQL's TEXT (64 KB): the table uses LONGTEXT there
        StoredResponse stored = new StoredResponse("resp_big", "", clock.instant(), "m".repeat(150), "{}",
                "[\"" + big + "\"]");
        responses.save(stored);
        StoredResponse found = responses.find("resp_big", "").orElseThrow();
        assertThat(found.conversation()).isEqualTo(stored.conversation());
        assertThat(found.model()).isEqualTo("m".repeat(128));
    }

    @Test
    void responsesSurviveAReopenAndAreSharedByStoresOnOneDatabase() {
        Map<String, String> db = newDatabase();
        JdbcStore first = open(db);
        JdbcStore second = open(db); // another instance on the same database
        StoredResponse stored = response("resp_1", "t-aaaa", "hello");
        first.responses().save(stored);
        assertThat(second.responses().find("resp_1", "t-aaaa")).contains(stored);
        first.close();
        opened.remove(first);
        assertThat(open(db).responses().find("resp_1", "t-aaaa")).contains(stored);
    }

    @Test
    void theDailyCleanUpDeletesResponsesOlderThanTheRequestRecordRetention() {
        Map<String, String> raw = new HashMap<>(newDatabase());
        raw.put("AUTO_DELETE_REQUEST_LOGS_DAYS", "30");
        JdbcStore store = open(raw);
        store.responses().save(response("resp_old", "t-aaaa", "old"));
        clock.advance(Duration.ofDays(20));
        store.responses().save(response("resp_new", "t-aaaa", "new"));
        clock.advance(Duration.ofDays(11)); // resp_old is 31 days old, resp_new 11

        Retention.Result result = store.retention().runOnce();
        assertThat(result.responses()).isEqualTo(1);
        assertThat(store.responses().find("resp_old", "t-aaaa")).isEmpty();
        assertThat(store.responses().find("resp_new", "t-aaaa")).isPresent();
    }

    @Test
    void aRetentionOfZeroKeepsResponses() {
        Map<String, String> raw = new HashMap<>(newDatabase());
        raw.put("AUTO_DELETE_REQUEST_LOGS_DAYS", "0");
        JdbcStore store = open(raw);
        store.responses().save(response("resp_old", "t-aaaa", "old"));
        clock.advance(Duration.ofDays(400));
        assertThat(store.retention().runOnce().responses()).isZero();
        assertThat(store.responses().find("resp_old", "t-aaaa")).isPresent();
    }
}
