package io.github.geminibalance;

import io.github.geminibalance.config.RuntimeSettings;
import io.github.geminibalance.gemini.ListModelsResponse;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.openai.Model;
import io.github.geminibalance.openai.ModelList;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.translate.ModelNames;
import io.github.geminibalance.upstream.GeminiClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Gemini's models in OpenAI's shape, every page, plus a {@code -search} entry for the models that can
 * search and a {@code -image} entry for the listed models of {@code IMAGE_MODELS}; fetched with a pooled key
 * and kept for {@link GeminiBalance#MODELS_TTL}.
 */
final class ModelCatalog {

    /** The pool bucket of model listings (they name no model). */
    static final String POOL_KEY = "models.list";

    private final RetryLoop retry;
    private final GeminiClient client;
    private final Clock clock;
    private final Supplier<RuntimeSettings> settings;
    private final List<String> imageModels;
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    ModelCatalog(RetryLoop retry, GeminiClient client, Clock clock, Supplier<RuntimeSettings> settings) {
        this(retry, client, clock, settings, List.of());
    }

    ModelCatalog(RetryLoop retry, GeminiClient client, Clock clock, Supplier<RuntimeSettings> settings,
            List<String> imageModels) {
        this.imageModels = List.copyOf(imageModels);
        this.retry = retry;
        this.client = client;
        this.clock = clock;
        this.settings = settings;
    }

    /** The list, from the cache while it is fresh; the attempts are noted in {@code trace}. */
    CompletableFuture<ModelList> list(RequestTrace trace) {
        Cached c = cached.get();
        if (c != null && c.expires.isAfter(clock.instant())) {
            return CompletableFuture.completedFuture(visible(c.list));
        }
        return retry.run(POOL_KEY, Pipeline.traced(trace, retry.policy(),
                attempt -> listAll(attempt.key(), null, new ArrayList<>(), 0)))
                .thenApply(all -> {
                    ModelList list = toModelList(all);
                    cached.set(new Cached(list, clock.instant().plus(GeminiBalance.MODELS_TTL)));
                    return visible(list);
                });
    }

    private CompletableFuture<List<ListModelsResponse.GeminiModel>> listAll(ApiKey key, String pageToken,
            List<ListModelsResponse.GeminiModel> acc, int pages) {
        return client.listModels(key, pageToken).thenCompose(page -> {
            if (page.models() != null) {
                acc.addAll(page.models());
            }
            String next = page.nextPageToken();
            if (next == null || next.isEmpty() || pages >= 50) {
                return CompletableFuture.completedFuture(acc);
            }
            return listAll(key, next, acc, pages + 1);
        });
    }

    private ModelList toModelList(List<ListModelsResponse.GeminiModel> all) {
        List<Model> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ListModelsResponse.GeminiModel m : all) {
            String id = m.id();
            if (id == null || !seen.add(id)) {
                continue;
            }
            out.add(Model.google(id));
            boolean chatModel = m.supports("generateContent");
            if (chatModel && (ModelNames.supportsSearch(id) || settings.get().searchModels().contains(id))
                    && seen.add(id + ModelNames.SEARCH_SUFFIX)) {
                out.add(Model.google(id + ModelNames.SEARCH_SUFFIX));
            }
            if (chatModel && imageModels.contains(id) && seen.add(id + ModelNames.IMAGE_SUFFIX)) {
                out.add(Model.google(id + ModelNames.IMAGE_SUFFIX));
            }
        }
        return ModelList.of(out);
    }

    // FILTERED_MODELS as it is now (it may change at run time): the models, and their -search and -image entries
    private ModelList visible(ModelList list) {
        io.github.geminibalance.config.AnswerSettings answers = settings.get().answers();
        if (answers.filteredModels().isEmpty()) {
            return list;
        }
        List<Model> kept = new ArrayList<>();
        for (Model m : list.data()) {
            String base = m.id();
            for (String suffix : List.of(ModelNames.SEARCH_SUFFIX, ModelNames.IMAGE_SUFFIX)) {
                if (base.endsWith(suffix)) {
                    base = base.substring(0, base.length() - suffix.length());
                }
            }
            if (!answers.filtered(m.id()) && !answers.filtered(base)) {
                kept.add(m);
            }
        }
        return kept.size() == list.data().size() ? list : ModelList.of(kept);
    }

    private record Cached(ModelList list, Instant expires) {}
}
