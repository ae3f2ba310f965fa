package io.github.geminibalance.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.geminibalance.config.ConfigLoader;
import io.github.geminibalance.config.SettingValues;
import io.github.geminibalance.store.StoredSetting;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings as {@code GET /admin/config} shows them: each with its value, where that value came from
 * and whether it can change now. A secret's value is never sent ({@code value} is null, {@code is_set}
 * says whether it has one); in every other value, URL credentials and anything equal to a secret are
 * replaced by {@value #MASK}, so a key pasted into the wrong setting does not leak either.
 */
final class SettingsView {

    /** What replaces a secret in a value. */
    static final String MASK = "********";

    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@");
    private static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_\\-]{20,}");

    private final SettingSources sources;
    private final boolean retentionEditable;
    private final List<String> secrets;

    /**
     * A view over these sources.
     *
     * @param sources the environment and {@code .env}
     * @param retentionEditable whether the retention settings can change (there is a database)
     * @param knownSecrets values that must never appear (the pool's keys, tokens, passwords)
     */
    SettingsView(SettingSources sources, boolean retentionEditable, Collection<String> knownSecrets) {
        this.sources = sources;
        this.retentionEditable = retentionEditable;
        Set<String> all = new LinkedHashSet<>();
        for (String s : knownSecrets) {
            addSecret(all, s);
        }
        for (SettingsCatalog.Entry e : SettingsCatalog.all()) {
            if (e.secret()) {
                addSecret(all, sources.environment().get(e.name()));
                addSecret(all, sources.dotEnv().get(e.name()));
            }
        }
        // longest first, so that a token containing another is masked whole
        this.secrets = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    private static void addSecret(Set<String> into, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        into.add(value.strip());
        try {
            for (String entry : SettingValues.list("secret", value.strip())) {
                if (entry.length() >= 4) {
                    into.add(entry);
                }
            }
        } catch (RuntimeException notAList) {
            // the whole value is masked all the same
        }
    }

    /** One setting on the page. */
    record Item(
            String name,
            String group,
            String value,
            boolean secret,
            @JsonProperty("is_set") boolean set,
            String source,
            boolean editable,
            @JsonProperty("restart_required") boolean restartRequired,
            @JsonProperty("default") String defaultValue,
            @JsonProperty("description_key") String descriptionKey,
            @JsonProperty("base_value") String baseValue,
            @JsonProperty("base_source") String baseSource,
            @JsonProperty("updated_at") String updatedAt) {}

    /** The answer of {@code GET /admin/config}. */
    record Listing(List<Item> settings) {}

    /** Whether a setting can change now. */
    boolean editable(SettingsCatalog.Entry e) {
        return e.kind() == SettingsCatalog.Kind.RUNTIME
                || e.kind() == SettingsCatalog.Kind.RETENTION && retentionEditable;
    }

    /** Every setting, in page order. */
    Listing listing(Map<String, StoredSetting> stored) {
        List<Item> items = new ArrayList<>();
        for (SettingsCatalog.Entry e : SettingsCatalog.all()) {
            items.add(item(e, stored.get(e.name())));
        }
        return new Listing(items);
    }

    /** One setting, with its stored override if any (ignored unless the setting is editable). */
    Item item(SettingsCatalog.Entry e, StoredSetting override) {
        boolean editable = editable(e);
        SettingSources.Source base = sources.sourceOf(e.name());
        String baseRaw = sources.valueOf(e.name());
        boolean overridden = editable && override != null;
        String raw = overridden ? override.value() : baseRaw;
        boolean set = raw != null && !raw.isBlank();
        String value = e.secret() ? null : scrub(raw == null ? e.defaultValue() : raw);
        String baseValue = e.secret() ? null : scrub(baseRaw == null ? e.defaultValue() : baseRaw);
        return new Item(e.name(), e.group(), value, e.secret(), set,
                overridden ? SettingSources.Source.STORED.label() : base.label(), editable,
                e.kind() == SettingsCatalog.Kind.RESTART, e.secret() ? null : scrub(e.defaultValue()),
                "setting." + e.name(), baseValue, base.label(), overridden ? override.updatedAt().toString() : null);
    }

    /** A value with URL credentials, known secrets and Google keys masked. */
    String scrub(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String out = URL_CREDENTIALS.matcher(value).replaceAll("$1" + MASK + "@");
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return GOOGLE_KEY.matcher(out).replaceAll(MASK);
    }
}
