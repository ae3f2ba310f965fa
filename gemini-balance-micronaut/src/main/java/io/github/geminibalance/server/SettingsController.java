package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.config.ConfigException;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.StoredSetting;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.github.geminibalance.store.StoreException;
import io.github.geminibalance.util.LogText;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings under {@code /admin/config}: every setting with its value and where it came from
 * ({@code GET}); a run-time change stored as an override of the environment ({@code PUT /{name}} with
 * {@code {"value": ...}}), checked with the rules of start-up; back to the environment's value
 * ({@code DELETE /{name}}). Core settings apply to the next request ({@link
 * io.github.geminibalance.SettingsAdmin}); retention settings to the store's next clean-up. Behind
 * {@link AuthFilter} like the rest of the admin API; the store is read and written on the blocking pool.
 * Secrets are never sent ({@link SettingsView}).
 */
@Controller("/admin/config")
final class SettingsController {

    private static final Logger log = LoggerFactory.getLogger(SettingsController.class);

    private final GeminiBalance gemini;
    private final Store store;
    private final SettingsView view;

    SettingsController(GeminiBalance gemini, Store store, SettingSources sources, ServerConfig server,
            DatabaseSettings database) {
        this.gemini = gemini;
        this.store = store;
        List<String> secrets = new ArrayList<>(gemini.keyValues());
        secrets.addAll(server.allowedTokens());
        if (server.authToken() != null) {
            secrets.add(server.authToken());
        }
        if (server.redisUrl() != null) {
            secrets.add(server.redisUrl());
        }
        if (database.password() != null) {
            secrets.add(database.password());
        }
        this.view = new SettingsView(sources, !database.inMemory(), secrets);
    }

    /** {@code GET /admin/config}: every setting, grouped, in page order. */
    @Get(produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> list() {
        return storing(() -> json(view.listing(store.settingOverrides().all())));
    }

    /** {@code PUT /admin/config/{name}}: stores and applies {@code {"value": ...}}; answers the setting. */
    @Put(uri = "/{name}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> put(@PathVariable String name, @Nullable @Body byte[] body) {
        return storing(() -> change(name, body));
    }

    private MutableHttpResponse<byte[]> change(String name, @Nullable byte[] body) {
        SettingsCatalog.Entry entry = SettingsCatalog.get(name);
        if (entry == null) {
            return notFound();
        }
        if (!view.editable(entry)) {
            return notEditable(entry);
        }
        String value = value(body);
        try {
            if (entry.kind() == SettingsCatalog.Kind.RUNTIME) {
                gemini.settings().put(name, value);
            } else {
                DatabaseSettings.retentionDays(name, value); // the start-up rule; throws before storing
                store.settingOverrides().put(name, value);
            }
        } catch (ConfigException refused) {
            return ErrorResponses.of(400, refused.getMessage(), ErrorResponses.INVALID_REQUEST, name, "invalid_setting");
        }
        return json(view.item(entry, store.settingOverrides().get(name).orElse(null)));
    }

    /** {@code DELETE /admin/config/{name}}: removes the override; answers the setting as it is now. */
    @Delete(uri = "/{name}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> delete(@PathVariable String name) {
        return storing(() -> revert(name));
    }

    private MutableHttpResponse<byte[]> revert(String name) {
        SettingsCatalog.Entry entry = SettingsCatalog.get(name);
        if (entry == null) {
            return notFound();
        }
        if (!view.editable(entry)) {
            return notEditable(entry);
        }
        if (entry.kind() == SettingsCatalog.Kind.RUNTIME) {
            gemini.settings().remove(name);
        } else {
            store.settingOverrides().remove(name);
        }
        StoredSetting left = store.settingOverrides().get(name).orElse(null);
        return json(view.item(entry, left));
    }

    /** The body's {@code value}: a string as is; a number, boolean, list or object as its JSON text. */
    private static String value(@Nullable byte[] body) {
        JsonNode root = RequestBodies.read(body, JsonNode.class);
        JsonNode value = root.isObject() ? root.get("value") : null;
        if (value == null || value.isNull()) {
            throw new InvalidRequestException("value", "The body needs \"value\": the new value as it would be "
                    + "written in the environment, such as {\"value\": \"5\"}.");
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    // a database that does not answer: 503, and nothing changed (SettingsAdmin stores before it applies)
    private static MutableHttpResponse<byte[]> storing(Supplier<MutableHttpResponse<byte[]>> work) {
        try {
            return work.get();
        } catch (StoreException e) {
            log.warn("settings: the store failed: {}", LogText.quote(e.getMessage()));
            return ErrorResponses.of(503, "The store's database did not answer; nothing was changed. See the server log.",
                    ErrorResponses.SERVER_ERROR, null, "store_unavailable");
        }
    }

    private static MutableHttpResponse<byte[]> notFound() {
        return ErrorResponses.of(404, "No setting has this name (see GET /admin/config).",
                ErrorResponses.INVALID_REQUEST, "name", "setting_not_found");
    }

    private static MutableHttpResponse<byte[]> notEditable(SettingsCatalog.Entry entry) {
        return ErrorResponses.of(400, entry.name() + " cannot be changed while the server runs: set it in the "
                + "environment or .env and restart.", ErrorResponses.INVALID_REQUEST, entry.name(),
                "restart_required");
    }

    private static MutableHttpResponse<byte[]> json(Object value) {
        try {
            return HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(value))
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize the admin answer", e);
        }
    }
}
