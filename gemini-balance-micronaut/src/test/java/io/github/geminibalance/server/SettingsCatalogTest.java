package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.config.RuntimeSettings;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The settings catalog, the docs' tables, the defaults of the code and the page's strings agree. */
class SettingsCatalogTest {

    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]+)` \\|(.*)$");

    private static Set<String> catalogNames() {
        return SettingsCatalog.all().stream().map(SettingsCatalog.Entry::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Test
    void everySettingOfTheDocsIsInTheCatalogAndTheOtherWayRound() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
        Set<String> documented = new LinkedHashSet<>();
        Matcher m = TABLE_ROW.matcher(docs);
        while (m.find()) {
            documented.add(m.group(1));
        }
        documented.add("SEARCH_MODELS"); // documented in MODEL_SEARCH's row
        assertThat(catalogNames()).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void theDocsMarkExactlyTheEditableSettingsAsChangeableAtRunTime() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
        Set<String> marked = new LinkedHashSet<>();
        Matcher m = TABLE_ROW.matcher(docs);
        while (m.find()) {
            if (m.group(2).contains("*run time*")) {
                marked.add(m.group(1));
            }
        }
        Set<String> editable = SettingsCatalog.all().stream().filter(e -> e.kind() != SettingsCatalog.Kind.RESTART)
                .map(SettingsCatalog.Entry::name).collect(Collectors.toSet());
        assertThat(marked).containsExactlyInAnyOrderElementsOf(editable);
    }

    @Test
    void theEditableSettingsAreTheCoresRunTimeSettingsAndTheRetention() {
        Set<String> runtime = SettingsCatalog.all().stream().filter(e -> e.kind() == SettingsCatalog.Kind.RUNTIME)
                .map(SettingsCatalog.Entry::name).collect(Collectors.toSet());
        assertThat(runtime).containsExactlyInAnyOrderElementsOf(RuntimeSettings.NAMES);
        Set<String> retention = SettingsCatalog.all().stream()
                .filter(e -> e.kind() == SettingsCatalog.Kind.RETENTION).map(SettingsCatalog.Entry::name)
                .collect(Collectors.toSet());
        assertThat(retention).containsExactlyInAnyOrderElementsOf(DatabaseSettings.RETENTION_SETTINGS);
    }

    @Test
    void theDefaultsShownAreTheDefaultsOfTheCode() {
        RuntimeSettings defaults = RuntimeSettings.of(GeminiBalanceConfig.builder().build());
        for (String name : RuntimeSettings.NAMES) {
            String shown = SettingsCatalog.get(name).defaultValue();
            assertThat(defaults.with(name, shown)).as(name + " = " + shown).isEqualTo(defaults);
        }
        DatabaseSettings database = DatabaseSettings.from(Map.of());
        assertThat(SettingsCatalog.get("AUTO_DELETE_ERROR_LOGS_DAYS").defaultValue())
                .isEqualTo(Integer.toString(database.errorLogDays()));
        assertThat(SettingsCatalog.get("AUTO_DELETE_REQUEST_LOGS_DAYS").defaultValue())
                .isEqualTo(Integer.toString(database.requestLogDays()));
        assertThat(SettingsCatalog.get("USAGE_RETENTION_DAYS").defaultValue())
                .isEqualTo(Integer.toString(database.usageDays()));
    }

    @Test
    void secretsAreTheKeysTokensPasswordsAndUrlsThatMayCarryThem() {
        Set<String> secret = SettingsCatalog.all().stream().filter(SettingsCatalog.Entry::secret)
                .map(SettingsCatalog.Entry::name).collect(Collectors.toSet());
        assertThat(secret).containsExactlyInAnyOrder("API_KEYS", "ALLOWED_TOKENS", "AUTH_TOKEN", "REDIS_URL",
                "DATABASE_URL", "DATABASE_PASSWORD", "MYSQL_PASSWORD", "PROXIES", "CUSTOM_HEADERS", "VERTEX_API_KEYS");
        assertThat(SettingsCatalog.all()).noneMatch(e -> e.secret() && e.kind() != SettingsCatalog.Kind.RESTART);
    }

    @Test
    void everySettingHasADescriptionInBothLanguages() throws Exception {
        for (String bundle : new String[] {"en.json", "zh-CN.json"}) {
            JsonNode strings = Json.mapper().readTree(SettingsCatalogTest.class.getClassLoader()
                    .getResourceAsStream("admin-ui/i18n/" + bundle));
            for (SettingsCatalog.Entry e : SettingsCatalog.all()) {
                assertThat(strings.path("setting." + e.name()).asText()).as(bundle + " " + e.name()).isNotBlank();
                assertThat(strings.path("settings.group." + e.group()).asText()).as(bundle + " " + e.group())
                        .isNotBlank();
            }
        }
    }
}
