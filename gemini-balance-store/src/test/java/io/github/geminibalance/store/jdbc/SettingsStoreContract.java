package io.github.geminibalance.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.SettingsRepository;
import io.github.geminibalance.store.StoredSetting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every database must do the same way with setting overrides (table {@code gb_setting}, schema 3).
 * Subclasses start a real database and hand out a fresh, empty one per call of {@link #newDatabase()}.
 */
abstract class SettingsStoreContract {

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

    @Test
    void anOverrideIsStoredReplacedAndRemoved() {
        SettingsRepository settings = open(newDatabase()).settingOverrides();
        assertThat(settings.all()).isEmpty();

        StoredSetting first = settings.put("MAX_RETRIES", "5");
        assertThat(first).isEqualTo(new StoredSetting("MAX_RETRIES", "5", Fixtures.T0));
        clock.advance(Duration.ofMinutes(3));
        settings.put("MAX_RETRIES", "7");
        String json = "[{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"BLOCK_NONE\"}] 中文 ✓";
        settings.put("SAFETY_SETTINGS", json);
        settings.put("KEY_SELECTION", "least_busy");

        assertThat(settings.all().keySet()).containsExactly("KEY_SELECTION", "MAX_RETRIES", "SAFETY_SETTINGS");
        assertThat(settings.get("MAX_RETRIES")).contains(
                new StoredSetting("MAX_RETRIES", "7", Fixtures.T0.plus(Duration.ofMinutes(3))));
        assertThat(settings.get("SAFETY_SETTINGS").orElseThrow().value()).isEqualTo(json);

        assertThat(settings.remove("MAX_RETRIES")).isTrue();
        assertThat(settings.remove("MAX_RETRIES")).isFalse();
        assertThat(settings.get("MAX_RETRIES")).isEmpty();
        assertThat(settings.all().keySet()).containsExactly("KEY_SELECTION", "SAFETY_SETTINGS");
    }

    @Test
    void overridesSurviveAReopenAndAreSharedByStoresOnOneDatabase() {
        Map<String, String> db = newDatabase();
        JdbcStore first = open(db);
        JdbcStore second = open(db); // another instance on the same database
        first.settingOverrides().put("MAX_FAILURES", "4");
        assertThat(second.settingOverrides().get("MAX_FAILURES").orElseThrow().value()).isEqualTo("4");
        second.settingOverrides().remove("MAX_FAILURES");
        second.settingOverrides().put("TIME_OUT", "120");
        assertThat(first.settingOverrides().all().keySet()).containsExactly("TIME_OUT");

        first.close();
        second.close();
        opened.clear();
        assertThat(open(db).settingOverrides().all()).containsOnlyKeys("TIME_OUT");
    }

    @Test
    void theCleanUpReadsTheRetentionOverridesOnEveryRun() {
        JdbcStore store = open(newDatabase());
        assertThat(store.retention().days()).isEqualTo(new Retention.Days(7, 30, 400));

        store.settingOverrides().put("AUTO_DELETE_REQUEST_LOGS_DAYS", "0");
        store.settingOverrides().put("AUTO_DELETE_ERROR_LOGS_DAYS", "3");
        store.settingOverrides().put("USAGE_RETENTION_DAYS", "-2"); // no longer valid: ignored
        assertThat(store.retention().days()).isEqualTo(new Retention.Days(3, 0, 400));

        store.settingOverrides().remove("AUTO_DELETE_ERROR_LOGS_DAYS");
        assertThat(store.retention().days()).isEqualTo(new Retention.Days(7, 0, 400));
    }
}
