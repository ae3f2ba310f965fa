package io.github.geminibalance.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private final Store store = Store.inMemory(Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void seedAddsNewKeysAndNeverResurrectsDeletedOnes() {
        SeedResult first = store.keys().seed(List.of("AIzaSy-aaaaaaaaaaaaaaaa1", "AIzaSy-bbbbbbbbbbbbbbbb2"));
        assertThat(first.added()).hasSize(2);
        String b = first.added().get(1);
        store.keys().delete(b);
        StoredKey c = store.keys().add("AIzaSy-cccccccccccccccc3", "by hand");
        store.keys().disable(c.id(), null);
        SeedResult second = store.keys().seed(List.of("AIzaSy-aaaaaaaaaaaaaaaa1", "AIzaSy-bbbbbbbbbbbbbbbb2"));
        assertThat(second.added()).isEmpty();
        assertThat(second.keptDeleted()).containsExactly(b);
        assertThat(second.usable()).extracting(StoredKey::id).containsExactly(first.added().get(0), c.id());
        assertThat(store.keys().find(c.id()).orElseThrow().disabledAt(T0)).isTrue();
        assertThat(store.keys().find(c.id()).orElseThrow().toString()).doesNotContain("cccccccccccc");
        assertThat(store.keys().deleted()).extracting(StoredKey::id).containsExactly(b);
    }

    @Test
    void marksEndAndCountersAdd() {
        store.keys().mark(new KeyMark("k-1", MarkKind.COOLDOWN, "m", T0.plusSeconds(10), "429", T0));
        store.keys().mark(KeyMark.invalid("k-2", "API_KEY_INVALID", T0));
        assertThat(store.keys().marks(T0)).hasSize(2);
        assertThat(store.keys().marks(T0.plusSeconds(10))).extracting(KeyMark::keyId).containsExactly("k-2");
        LocalDate day = LocalDate.of(2026, 11, 1);
        store.keys().count("k-1", day, 1, 10);
        store.keys().count("k-1", day, 2, 5);
        assertThat(store.keys().counters(day)).containsExactly(new KeyCounter("k-1", day, 3, 15));
    }

    @Test
    void recordsPageNewestFirstByCursorAndForgetTheOldest() {
        InMemoryRecordStore records = new InMemoryRecordStore(100, 10);
        for (int i = 0; i < 130; i++) {
            records.offer(new RequestRecord(0, T0.plusSeconds(i / 2), "r" + i, "openai.chat", "m", "m", false,
                    i % 2 == 0 ? "a" : "b", List.of(new Attempt("k-" + (i % 3), 200)), 200, 1, 1, 1, 1, 0, 0, "STOP",
                    null));
        }
        List<String> ids = new ArrayList<>();
        RecordQuery query = RecordQuery.latest(30).client("a");
        while (true) {
            Page<RequestRecord> page = records.requests(query);
            page.items().forEach(r -> ids.add(r.requestId()));
            if (page.nextCursor() == null) {
                break;
            }
            query = query.after(page.nextCursor());
        }
        assertThat(ids).hasSize(50).startsWith("r128", "r126").endsWith("r30");
        assertThat(records.usage(UsageQuery.of(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 1),
                UsageGroup.CLIENT))).extracting(UsageRow::client, UsageRow::requests)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 65L), org.assertj.core.groups.Tuple.tuple("b", 65L));
    }

    @Test
    void cursorsAreOpaqueAndChecked() {
        Cursor cursor = new Cursor(1234, 56);
        assertThat(Cursor.parse(cursor.encode())).isEqualTo(cursor);
        assertThatThrownBy(() -> RecordQuery.latest(10).after("not-a-cursor")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecordQuery.latest(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Attempt.parseAll(Attempt.formatAll(List.of(new Attempt("k-1", 429), new Attempt("k-2", 200)))))
                .containsExactly(new Attempt("k-1", 429), new Attempt("k-2", 200));
    }
}
