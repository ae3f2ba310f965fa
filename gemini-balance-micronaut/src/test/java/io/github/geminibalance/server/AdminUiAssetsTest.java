package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin's files as packaged: every one is there, and the two language bundles have the same keys, which
 * cover every string the pages and scripts ask for.
 */
class AdminUiAssetsTest {

    private final AdminUiAssets assets = new AdminUiAssets();

    private String text(String name) {
        return new String(assets.get(name).bytes(), StandardCharsets.UTF_8);
    }

    private Set<String> bundle(String language) throws Exception {
        JsonNode json = Json.mapper().readTree(text("i18n/" + language + ".json"));
        Set<String> keys = new TreeSet<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            assertThat(json.path(key).asText()).as("%s in %s", key, language).isNotBlank();
            keys.add(key);
        }
        return keys;
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void everyFileIsPackagedWithItsType() {
        for (String name : AdminUiAssets.FILES) {
            AdminUiAssets.Asset asset = assets.get(name);
            assertThat(asset.bytes()).as(name).isNotEmpty();
            assertThat(asset.contentType()).as(name).isNotEqualTo("application/octet-stream");
            assertThat(asset.etag()).matches("\"[0-9a-f]{24}\"");
        }
        assertThat(assets.get("../application.properties")).isNull();
    }

    @Test
    void everyPageGetsTheSharedHeaderWithItsOwnLinkCurrent() {
        for (String page : new String[] {"index", "usage", "logs", "settings"}) {
            String html = text(page + ".html");
            assertThat(html).as(page).doesNotContain("#include").contains("<header class=\"top\">");
            assertThat(matches(html, "<a href=\"[^\"]+\" aria-current=\"page\" data-i18n=\"nav\\.([a-z]+)\""))
                    .as(page + ": the current link").containsExactly(page.equals("index") ? "keys" : page);
            assertThat(html).as(page + ": the live figures and log out").contains("id=\"live-requests\"", "id=\"logout\"");
        }
        assertThat(text("login.html")).as("the login page has no header").doesNotContain("main-nav");
    }

    @Test
    void anIncludeWithoutAPageNameIsAPackagingBug() {
        byte[] page = "<body>\n<!--#include header.html-->\n</body>".getBytes(StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminUiAssets.withHeader("x.html", page, "<header/>"))
                .hasMessageContaining("x.html");
    }

    @Test
    void bothLanguagesHaveTheSameStrings() throws Exception {
        assertThat(bundle("zh-CN")).isEqualTo(bundle("en"));
    }

    @Test
    void everyStringThePagesAskForExists() throws Exception {
        Set<String> known = bundle("en");
        Set<String> used = new TreeSet<>();
        for (String name : AdminUiAssets.FILES) {
            if (name.endsWith(".html")) {
                used.addAll(matches(text(name), "data-i18n=\"([^\"]+)\""));
                for (String pairs : matches(text(name), "data-i18n-attr=\"([^\"]+)\"")) {
                    for (String pair : pairs.split(";")) {
                        used.add(pair.substring(pair.indexOf(':') + 1).strip());
                    }
                }
            } else if (name.endsWith(".js")) {
                // literal keys: t('keys.title'), show('login.wrong', ...); keys built at run time are listed below
                used.addAll(matches(text(name), "\\b(?:t|GB\\.t|show)\\('([a-zA-Z]+(?:\\.[a-zA-Z]+)+)'"));
            }
        }
        for (String state : new String[] {"ACTIVE", "COOLING", "EXHAUSTED", "FAILING", "INVALID", "DISABLED", "DELETED"}) {
            used.add("state." + state);
        }
        for (String action : new String[] {"check", "reset", "disable", "enable", "restore", "delete", "note"}) {
            used.add("action." + action);
        }
        used.add("page.title.keys");
        used.add("page.title.login");
        assertThat(known).containsAll(used);
    }
}
