package io.github.geminibalance;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.geminibalance.config.GeminiBalanceConfig;
import io.github.geminibalance.config.RuntimeSettings;
import io.github.geminibalance.gemini.BatchEmbedContentsResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyChecker;
import io.github.geminibalance.keys.KeyJournal;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.keys.KeySnapshot;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.EmbeddingResponse;
import io.github.geminibalance.openai.Model;
import io.github.geminibalance.openai.ModelList;
import io.github.geminibalance.retry.ErrorMapper;
import io.github.geminibalance.retry.RetryLoop;
import io.github.geminibalance.retry.RetryPolicy;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.spi.KeyStateStore;
import io.github.geminibalance.store.KeyRepository;
import io.github.geminibalance.store.SeedResult;
import io.github.geminibalance.translate.ChatRequestTranslator;
import io.github.geminibalance.translate.EmbeddingTranslator;
import io.github.geminibalance.translate.RemoteMediaFetcher;
import io.github.geminibalance.translate.TranslationOptions;
import io.github.geminibalance.upstream.GeminiClient;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embeddable gemini-balance: OpenAI-shaped chat, streaming chat, embeddings and models over a
 * rotating pool of Gemini API keys. Thread-safe; create one per key pool and {@link #close()} it.
 * The plain methods are asynchronous and never block the calling thread; failures complete the future
 * with a {@link GeminiBalanceException} that says which HTTP status and OpenAI error to answer with.
 * The {@code *Blocking} methods wait for the answer and throw that exception directly.
 *
 * <pre>{@code
 * try (GeminiBalance gb = GeminiBalance.create(ConfigLoader.load())) {
 *     ChatCompletion answer = gb.chatBlocking(ChatCompletionRequest.builder()
 *             .model("gemini-2.5-flash").addUserMessage("Hello").build());
 * }
 * }</pre>
 */
public final class GeminiBalance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GeminiBalance.class);

    /**
     * The time zone of Gemini's daily quotas: a key's requests and tokens "today" are counted, and a daily
     * quota resets, at midnight in this zone.
     */
    public static final java.time.ZoneId QUOTA_ZONE = io.github.geminibalance.keys.KeyPool.QUOTA_ZONE;

    /** The model of {@link #images} when the request names none. */
    public static final String DEFAULT_IMAGE_MODEL = "imagen-4.0-generate-001";
    /** The model of {@link #imageEdits} when the request names none. */
    public static final String DEFAULT_EDIT_MODEL = "gemini-2.5-flash-image";

    /** How long the model list is cached. */
    static final Duration MODELS_TTL = Duration.ofMinutes(5);
    /** How often the keys' request and token counts are written to the store (and once more at close). */
    static final Duration COUNTS_EVERY = Duration.ofSeconds(10);
    /** How often the pool re-reads the store's keys, for changes another instance made ({@link KeyAdmin#sync}). */
    static final Duration SYNC_EVERY = Duration.ofSeconds(60);
    private static final Duration MEDIA_TIMEOUT = Duration.ofSeconds(20);

    private final GeminiBalanceConfig config;
    // the run-time settings every request reads (updateSettings swaps them), and config() with them applied
    private final AtomicReference<RuntimeSettings> runtime;
    private final AtomicReference<GeminiBalanceConfig> effective;
    // the translation's run-time settings, read by every front door's translator for each request
    private final AtomicReference<TranslationOptions> translation;
    private final SettingsAdmin settings;
    private final KeyPool pool;
    private final RetryLoop retry;
    private final GeminiClient client;
    private final ChatPipeline chat;
    private final ModelCatalog catalog;
    private final Housekeeping housekeeping;
    private final Passthrough passthrough;
    private final Files files;
    private final GeminiFiles fileApi;
    private final GeminiResources cacheApi;
    private final GeminiResources batchApi;
    private final MessagesPipeline messages;
    private final ResponsesPipeline responses;
    private final StoredResponses storedResponses;
    private final AudioCalls audio;
    private final ImagePipeline images;
    // the owner of stored responses when the caller names none
    private static final String NO_OWNER = "";
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final java.util.concurrent.ExecutorService httpExecutor;
    private final Clock clock;
    private final GeminiBalanceListener listener;
    private final KeyChecker checker;
    private final KeyAdmin keys;
    private final io.github.geminibalance.store.Store store;
    private final io.github.geminibalance.upstream.ProxyRouter proxies;
    private final VertexExpress vertex; // null without VERTEX_API_KEYS
    private final GeminiVertex vertexApi;

    private GeminiBalance(Builder b) {
        Proxies.check(b.config, b.transport); // before any thread starts
        this.config = b.config;
        this.runtime = new AtomicReference<>(RuntimeSettings.of(config));
        this.effective = new AtomicReference<>(config);
        this.clock = b.clock;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gemini-balance-timer");
            t.setDaemon(true);
            return t;
        });
        if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
            log.warn("The common ForkJoinPool has parallelism {}: the JDK HTTP client will start a thread per "
                    + "upstream call. Run the JVM with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                    java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
        }
        this.httpExecutor = b.httpClient != null ? null : httpExecutor();
        HttpClient http = b.httpClient != null ? b.httpClient : defaultHttpClient(config, httpExecutor);
        this.store = b.keyStore != null ? b.keyStore : io.github.geminibalance.store.Store.inMemory(clock);
        this.pool = seededPool(config, store.keys(), clock, b.store);
        this.listener = b.listener;
        RetryPolicy policy = new RetryPolicy(() -> runtime.get().maxRetries(), clock);
        this.retry = new RetryLoop(pool, policy, listener);
        HttpTransport transport = b.transport != null ? b.transport : HttpTransport.jdk(http);
        this.proxies = Proxies.router(config, clock);
        this.client = new GeminiClient(transport, config.baseUrl(), config.timeout(), config.streamIdleTimeout(),
                scheduler, proxies, config.upstream().customHeaders());
        this.translation = new AtomicReference<>(TranslationOptions.from(config));
        RemoteMediaFetcher media = b.mediaAddresses == null
                ? new RemoteMediaFetcher(http, config.media(), MEDIA_TIMEOUT)
                : new RemoteMediaFetcher(http, config.media(), MEDIA_TIMEOUT, b.mediaAddresses);
        this.chat = new ChatPipeline(new ChatRequestTranslator(translation::get), media, client, retry,
                clock, b.random, listener, scheduler, this::answers);
        this.catalog = new ModelCatalog(retry, client, clock, runtime::get, config.imageModels());
        this.audio = new AudioCalls(retry, client, effective::get);
        ResourceKeys resources = new ResourceKeys(store.resources().keeps() ? store.resources()
                : new io.github.geminibalance.store.InMemoryResourceRepository(), clock);
        this.files = new Files(retry, client, resources, listener, config::timeout);
        chat.pinResourcesWith(resources);
        this.passthrough = new Passthrough(retry, client, chat, listener, config::modelAliases, this::answers,
                resources, files);
        this.fileApi = new GeminiFiles(files, passthrough);
        this.cacheApi = new GeminiResources(new KeyBoundApi(KeyBoundApi.Kind.CACHED_CONTENTS, retry, client,
                resources, files, listener, config::timeout, config::modelAliases, this::answers));
        this.batchApi = new GeminiResources(new KeyBoundApi(KeyBoundApi.Kind.BATCHES, retry, client, resources,
                files, listener, config::timeout, config::modelAliases, this::answers));
        this.messages = new MessagesPipeline(
                new io.github.geminibalance.translate.MessagesRequestTranslator(translation::get), media, client,
                retry, clock, b.random, listener, scheduler, this::answers);
        this.storedResponses = new StoredResponses(store.responses(), clock);
        this.responses = new ResponsesPipeline(
                new io.github.geminibalance.translate.ResponsesRequestTranslator(translation::get), media, client,
                retry, clock, b.random, listener, scheduler, storedResponses, this::answers);
        this.vertex = VertexExpress.of(config, transport, proxies, policy, listener, chat, scheduler, clock);
        this.vertexApi = new GeminiVertex(vertex);
        this.images = new ImagePipeline(retry, client, clock, listener);
        this.checker = new KeyChecker(pool, client, policy, config.testModel());
        this.keys = new KeyAdmin(pool, store.keys(), checker, clock);
        this.settings = new SettingsAdmin(runtime.get(), store.settingOverrides(), this::updateSettings);
        this.housekeeping = new Housekeeping(scheduler, pool, keys, settings, checker);
        housekeeping.start(b.scheduleChecks ? config.checkInterval() : Duration.ZERO, b.keyStore != null);
    }

    // The pool is the store's keys: API_KEYS seeds the store (a key deleted there stays deleted), and
    // the keys come back with their marks (INVALID, exhausted, cooling, disabled) and today's counters.
    private static KeyPool seededPool(GeminiBalanceConfig config, KeyRepository repository, Clock clock,
            KeyStateStore shared) {
        SeedResult seed = repository.seed(config.apiKeys());
        if (!seed.keptDeleted().isEmpty()) {
            log.info("{} key(s) of API_KEYS were deleted through the admin API and stay deleted "
                    + "(restore them with POST /admin/keys/{id}/restore)", seed.keptDeleted().size());
        }
        KeySnapshot snapshot = KeySnapshot.read(repository, seed.usable(), clock.instant());
        // the shared state is named by the configured keys, which every instance of a deployment has,
        // not by the keys added since
        Set<String> poolIds = new java.util.LinkedHashSet<>();
        config.apiKeys().forEach(raw -> poolIds.add(new ApiKey(raw.strip()).id()));
        KeyPool pool = new KeyPool(snapshot, List.copyOf(poolIds), config.maxFailures(), config.keySelection(),
                clock, shared, KeyJournal.of(repository));
        if (pool.size() == 0) {
            log.warn("The key pool is empty: every request fails with 503 until a key is added");
        }
        return pool;
    }

    // the original's answer settings as the next request reads them (FILTERED_MODELS, FAKE_STREAM_*...)
    private io.github.geminibalance.config.AnswerSettings answers() {
        return runtime.get().answers();
    }

    /** Creates an instance from a configuration, with the system clock. */
    public static GeminiBalance create(GeminiBalanceConfig config) {
        return builder(config).build();
    }

    /** A builder, for injecting an HTTP client, a clock or a random source (tests, embedding apps). */
    public static Builder builder(GeminiBalanceConfig config) {
        return new Builder(config);
    }

    // A few threads run every completion: callbacks never block, so more threads would only add
    // context switches (the JDK's default executor is an unbounded cached pool: a thread per busy
    // stream under load).
    private static java.util.concurrent.ExecutorService httpExecutor() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "gemini-balance-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static HttpClient defaultHttpClient(GeminiBalanceConfig config, java.util.concurrent.Executor executor) {
        boolean https = "https".equalsIgnoreCase(config.baseUrl().getScheme());
        return HttpClient.newBuilder()
                .executor(executor)
                // HTTP/2 multiplexes many calls over few connections to Google; plain-HTTP test and
                // bench servers get HTTP/1.1 (no h2c upgrade dance).
                .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The configuration this instance runs with, its run-time settings as they are now. */
    public GeminiBalanceConfig config() {
        return effective.get();
    }

    /**
     * The settings that may change while the instance runs, as the next request will read them.
     *
     * @return the run-time settings in effect
     */
    public RuntimeSettings runtimeSettings() {
        return runtime.get();
    }

    /**
     * Replaces the run-time settings: the next request (its retries, key selection, timeouts and
     * translation) uses them. A request under way keeps its number of attempts and its translated body;
     * its later attempts pick keys and time out by the new values. Nothing is stored: use {@link
     * #settings()} for a change that is kept and shared with other instances.
     *
     * @param next the new settings, built with {@link RuntimeSettings#with(String, String)} or its
     *     constructor
     */
    public void updateSettings(RuntimeSettings next) {
        Objects.requireNonNull(next, "next");
        synchronized (runtime) {
            pool.reconfigure(next.maxFailures(), next.keySelection());
            client.timeouts(next.timeout(), next.streamIdleTimeout());
            GeminiBalanceConfig applied = next.applyTo(config);
            translation.set(TranslationOptions.from(applied)); // MODEL_ALIASES and all, for every door
            effective.set(applied);
            runtime.set(next);
        }
    }

    /**
     * The run-time settings as an operator changes them: stored as overrides of the configuration, so that
     * they survive a restart and reach the other instances sharing the {@linkplain Builder#store store}.
     *
     * @return the settings administration
     */
    public SettingsAdmin settings() {
        return settings;
    }

    /**
     * A non-streamed chat completion (the request's {@code stream} flag is ignored).
     *
     * @return the answer, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<ChatCompletion> chat(ChatCompletionRequest request) {
        return chat(request, RequestTrace.none());
    }

    /** {@link #chat(ChatCompletionRequest)}, noting the model, attempts and tokens in {@code trace}. */
    public CompletableFuture<ChatCompletion> chat(ChatCompletionRequest request, RequestTrace trace) {
        return chat(request, trace, null);
    }

    /**
     * {@link #chat(ChatCompletionRequest, RequestTrace)} for one client: a chat naming a file uploaded
     * through the Files API ({@code file.file_id}) is sent with the file's key if the file is {@code owner}'s
     * ({@code null}: anybody's).
     */
    public CompletableFuture<ChatCompletion> chat(ChatCompletionRequest request, RequestTrace trace, String owner) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "chat", request == null ? "" : request.model(),
                Calls.guard(() -> chat.complete(request, trace, owner)));
    }

    static void note(RequestTrace trace, String model, boolean stream) {
        Objects.requireNonNull(trace, "trace (RequestTrace.none() for none)");
        trace.model(model);
        trace.stream(stream);
    }

    /**
     * A streamed chat completion. The future completes once Gemini has answered and the first chunk is
     * in hand, so failures before that are retried on other keys and surface as a failed future (the
     * HTTP adapter can still answer with a proper status). After that, failures arrive in the stream.
     */
    public CompletableFuture<ChatStream> chatStream(ChatCompletionRequest request) {
        return chatStream(request, RequestTrace.none());
    }

    /**
     * {@link #chatStream(ChatCompletionRequest)}, noting the model, attempts, first chunk and tokens in
     * {@code trace}; the trace's {@linkplain RequestTrace#whenDone done actions} run when the stream ends.
     */
    public CompletableFuture<ChatStream> chatStream(ChatCompletionRequest request, RequestTrace trace) {
        return chatStream(request, trace, null);
    }

    /** {@link #chatStream(ChatCompletionRequest, RequestTrace)}; uploaded files as in {@link #chat(ChatCompletionRequest, RequestTrace, String)}. */
    public CompletableFuture<ChatStream> chatStream(ChatCompletionRequest request, RequestTrace trace, String owner) {
        note(trace, request == null ? null : request.model(), true);
        return Calls.handOver(Calls.observe(listener, "chat_stream", request == null ? "" : request.model(),
                Calls.guard(() -> chat.stream(request, trace, owner))), ChatPipeline::abandon);
    }

    // The future the caller holds is our own: if the caller cancels it or gives up (orTimeout) before
    // the answer arrives, the answer is released instead of holding a key and a connection.

    /**
     * {@link #chat(ChatCompletionRequest)}, waiting for the answer on the calling thread.
     *
     * @param request the request
     * @return the answer
     * @throws GeminiBalanceException if the request fails (the same exception the future would fail with),
     *     or with code {@value #INTERRUPTED} if the calling thread is interrupted while waiting (its
     *     interrupt flag is then set again and the call is cancelled)
     */
    public ChatCompletion chatBlocking(ChatCompletionRequest request) {
        return await(chat(request));
    }

    /**
     * An Anthropic Messages answer ({@code POST /v1/messages}) from Gemini, on the same pool, retries and
     * records as chat; the request's {@code stream} flag is ignored. See {@link MessagesErrors} for how
     * failures look on that API.
     *
     * @param request the Anthropic request
     * @return the {@code message}, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<io.github.geminibalance.anthropic.Message> messages(
            io.github.geminibalance.anthropic.MessageRequest request) {
        return messages(request, RequestTrace.none());
    }

    /** {@link #messages(io.github.geminibalance.anthropic.MessageRequest)}, noting the request in {@code trace}. */
    public CompletableFuture<io.github.geminibalance.anthropic.Message> messages(
            io.github.geminibalance.anthropic.MessageRequest request, RequestTrace trace) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "messages", request == null ? "" : request.model(),
                Calls.guard(() -> messages.complete(request, trace)));
    }

    /**
     * A streamed Anthropic Messages answer. The future completes once Gemini has answered and the first
     * event is in hand, so failures before that are retried on other keys and fail the future; after
     * that, a failure ends the stream with an {@code error} event.
     *
     * @param request the Anthropic request
     * @return the stream, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<MessageStream> messagesStream(io.github.geminibalance.anthropic.MessageRequest request) {
        return messagesStream(request, RequestTrace.none());
    }

    /**
     * {@link #messagesStream(io.github.geminibalance.anthropic.MessageRequest)}, noting the request in
     * {@code trace}; its done actions run when the stream ends.
     */
    public CompletableFuture<MessageStream> messagesStream(io.github.geminibalance.anthropic.MessageRequest request,
            RequestTrace trace) {
        note(trace, request == null ? null : request.model(), true);
        return Calls.handOver(Calls.observe(listener, "messages_stream", request == null ? "" : request.model(),
                Calls.guard(() -> messages.stream(request, trace))), MessagesPipeline::abandon);
    }

    /**
     * An OpenAI Responses answer ({@code POST /v1/responses}) from Gemini, on the same pool, retries and
     * records as chat; the request's {@code stream} flag is ignored. Failures are
     * {@link GeminiBalanceException}s, shown in OpenAI's error envelope as on chat.
     *
     * @param request the Responses request
     * @return the {@code response}, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<io.github.geminibalance.openai.responses.Response> responses(
            io.github.geminibalance.openai.responses.ResponseRequest request) {
        return responses(request, RequestTrace.none());
    }

    /** {@link #responses(io.github.geminibalance.openai.responses.ResponseRequest)}, noting the request in {@code trace}. */
    public CompletableFuture<io.github.geminibalance.openai.responses.Response> responses(
            io.github.geminibalance.openai.responses.ResponseRequest request, RequestTrace trace) {
        return responses(request, trace, NO_OWNER);
    }

    /**
     * {@link #responses(io.github.geminibalance.openai.responses.ResponseRequest, RequestTrace)} for one
     * client: its {@code previous_response_id} is looked up among {@code owner}'s stored responses (a 404
     * naming {@code previous_response_id} when there is none), and the answer is kept in the {@linkplain
     * io.github.geminibalance.store.Store#responses() store} as {@code owner}'s unless {@code store} is
     * false, after it is returned (best effort).
     *
     * @param owner the client's label (its token's), {@code ""} for none
     */
    public CompletableFuture<io.github.geminibalance.openai.responses.Response> responses(
            io.github.geminibalance.openai.responses.ResponseRequest request, RequestTrace trace, String owner) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "responses", request == null ? "" : request.model(),
                Calls.guard(() -> responses.complete(request, trace, Objects.requireNonNull(owner, "owner"))));
    }

    /**
     * A stored response of {@code owner} ({@code GET /v1/responses/{id}}), as it was returned.
     *
     * @param id the response's id
     * @param owner the client's label, {@code ""} for none
     * @return the response, or a future failed with a 404 {@link InvalidRequestException} when {@code owner}
     *     has no such response (another owner's, deleted or expired), a 400 when the store keeps no
     *     responses, a 503 when it cannot be read
     */
    public CompletableFuture<io.github.geminibalance.openai.responses.Response> storedResponse(String id,
            String owner) {
        return Calls.guard(() -> storedResponses.get(Objects.requireNonNull(id, "id"),
                Objects.requireNonNull(owner, "owner")));
    }

    /**
     * Deletes a stored response of {@code owner} ({@code DELETE /v1/responses/{id}}).
     *
     * @param id the response's id
     * @param owner the client's label, {@code ""} for none
     * @return a future completed once deleted, or failed as {@link #storedResponse}'s
     */
    public CompletableFuture<Void> deleteStoredResponse(String id, String owner) {
        return Calls.guard(() -> storedResponses.delete(Objects.requireNonNull(id, "id"),
                Objects.requireNonNull(owner, "owner")));
    }

    /** How many responses could not be stored since the start (the store failed or was too busy). */
    public long responsesNotStored() {
        return storedResponses.failedSaves();
    }

    /**
     * A streamed OpenAI Responses answer. The future completes once Gemini has answered and the first
     * event is in hand, so failures before that are retried on other keys and fail the future; after
     * that, a failure ends the stream with an {@code error} event.
     *
     * @param request the Responses request
     * @return the stream, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<ResponseStream> responsesStream(
            io.github.geminibalance.openai.responses.ResponseRequest request) {
        return responsesStream(request, RequestTrace.none());
    }

    /**
     * {@link #responsesStream(io.github.geminibalance.openai.responses.ResponseRequest)}, noting the request
     * in {@code trace}; its done actions run when the stream ends.
     */
    public CompletableFuture<ResponseStream> responsesStream(
            io.github.geminibalance.openai.responses.ResponseRequest request, RequestTrace trace) {
        return responsesStream(request, trace, NO_OWNER);
    }

    /**
     * {@link #responsesStream(io.github.geminibalance.openai.responses.ResponseRequest, RequestTrace)} for
     * one client, with its stored responses as in {@link #responses(
     * io.github.geminibalance.openai.responses.ResponseRequest, RequestTrace, String)}; the response of the
     * stream's last event is kept.
     *
     * @param owner the client's label (its token's), {@code ""} for none
     */
    public CompletableFuture<ResponseStream> responsesStream(
            io.github.geminibalance.openai.responses.ResponseRequest request, RequestTrace trace, String owner) {
        note(trace, request == null ? null : request.model(), true);
        return Calls.handOver(Calls.observe(listener, "responses_stream", request == null ? "" : request.model(),
                Calls.guard(() -> responses.stream(request, trace, Objects.requireNonNull(owner, "owner")))),
                ResponsesPipeline::abandon);
    }

    /**
     * Counts the prompt tokens of an Anthropic Messages request ({@code POST /v1/messages/count_tokens})
     * with Gemini's {@code countTokens}: system, messages and tools; {@code max_tokens} is not needed.
     *
     * @param request the Anthropic request
     * @return {@code {"input_tokens": N}}, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<io.github.geminibalance.anthropic.CountTokensResponse> countTokens(
            io.github.geminibalance.anthropic.MessageRequest request) {
        return countTokens(request, RequestTrace.none());
    }

    /** {@link #countTokens(io.github.geminibalance.anthropic.MessageRequest)}, noting the attempts in {@code trace}. */
    public CompletableFuture<io.github.geminibalance.anthropic.CountTokensResponse> countTokens(
            io.github.geminibalance.anthropic.MessageRequest request, RequestTrace trace) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "count_tokens", request == null ? "" : request.model(),
                Calls.guard(() -> messages.countTokens(request, trace)));
    }

    /**
     * {@link #embeddings(EmbeddingRequest)}, waiting for the answer on the calling thread.
     *
     * @param request the request
     * @return the embeddings
     * @throws GeminiBalanceException as {@link #chatBlocking} does
     */
    public EmbeddingResponse embeddingsBlocking(EmbeddingRequest request) {
        return await(embeddings(request));
    }

    /**
     * {@link #models()}, waiting for the answer on the calling thread.
     *
     * @return the models
     * @throws GeminiBalanceException as {@link #chatBlocking} does
     */
    public ModelList modelsBlocking() {
        return await(models());
    }

    /** The {@link GeminiBalanceException#code() code} of the failure of a blocking call that was interrupted. */
    public static final String INTERRUPTED = "interrupted";

    /**
     * Waits for a call's future: its value, or its failure as the {@link GeminiBalanceException} it holds
     * (unwrapped from {@code CompletionException}/{@code ExecutionException}; anything else is mapped the
     * way the HTTP adapter would map it).
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true); // stop waiting: the call ends on its own and gives its key back
            Thread.currentThread().interrupt();
            throw new GeminiBalanceException(499, "invalid_request_error", INTERRUPTED, null, null,
                    "the calling thread was interrupted while waiting for the answer", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            throw ErrorMapper.toClient(e, null);
        }
    }

    /** Embeddings for a string or a list of strings, batched 100 per Gemini call, order kept. */
    public CompletableFuture<EmbeddingResponse> embeddings(EmbeddingRequest request) {
        return embeddings(request, RequestTrace.none());
    }

    /** {@link #embeddings(EmbeddingRequest)}, noting the model and every batch's attempts in {@code trace}. */
    public CompletableFuture<EmbeddingResponse> embeddings(EmbeddingRequest request, RequestTrace trace) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "embeddings", request == null ? "" : request.model(), Calls.guard(() -> {
            EmbeddingTranslator.Plan plan = EmbeddingTranslator.plan(request);
            FilteredModels.check(answers(), request.model(), plan.model());
            trace.modelSent(plan.model());
            List<CompletableFuture<BatchEmbedContentsResponse>> calls = new ArrayList<>();
            for (var batch : plan.batches()) {
                byte[] body = ChatPipeline.toJson(batch);
                calls.add(retry.run(plan.model(), Pipeline.traced(trace, retry.policy(),
                        attempt -> client.batchEmbedContents(attempt.key(), plan.model(), body))));
            }
            return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<BatchEmbedContentsResponse> answers = new ArrayList<>(calls.size());
                calls.forEach(c -> answers.add(c.join()));
                return EmbeddingTranslator.response(plan, request.model(), answers);
            });
        }));
    }

    /**
     * Speech ({@code POST /v1/audio/speech}): the text spoken by a Gemini TTS model ({@code TTS_MODEL} for
     * OpenAI's model names), as a WAV file or raw 24 kHz 16-bit mono PCM, on the pool like every call.
     *
     * @param request the OpenAI speech request (its {@code stream_format} is not read: {@link #speechStream}
     *     answers as events)
     * @param trace where the model, attempts and tokens are noted
     * @return the audio, or a future failed with {@link GeminiBalanceException} (400 naming the field for a
     *     bad voice, speed or format)
     */
    public CompletableFuture<AudioResponse> speech(io.github.geminibalance.openai.SpeechRequest request,
            RequestTrace trace) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "audio_speech", request == null ? "" : request.model(),
                Calls.guard(() -> audio.speech(request, trace)));
    }

    /**
     * Speech as server-sent events ({@code POST /v1/audio/speech} with {@code stream_format: "sse"}): Gemini's
     * {@code streamGenerateContent} audio as {@code speech.audio.delta} events as it arrives (PCM as is; for
     * {@code wav} the first piece starts with a header whose sizes say "unknown"), then
     * {@code speech.audio.done} with the token counts. The future completes once the first piece is in hand;
     * failures before it are retried on other keys like any call.
     *
     * @param request the OpenAI speech request (its {@code stream_format} is not read: this is the stream)
     * @param trace where the model, attempts and tokens are noted
     * @return the stream, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<SpeechStream> speechStream(io.github.geminibalance.openai.SpeechRequest request,
            RequestTrace trace) {
        note(trace, request == null ? null : request.model(), true);
        return Calls.handOver(Calls.observe(listener, "audio_speech", request == null ? "" : request.model(),
                Calls.guard(() -> audio.speechStream(request, trace, chat::releaseLater))), SpeechStreams::abandon);
    }

    /**
     * A transcription ({@code POST /v1/audio/transcriptions}) by a Gemini model ({@code TRANSCRIPTION_MODEL}
     * for OpenAI's model names), in the requested format (json, text, srt, vtt, verbose_json).
     *
     * @param request the form's fields and the audio
     * @param trace where the model, attempts and tokens are noted
     * @return the transcript, or a future failed with {@link GeminiBalanceException} (413 for a file over
     *     {@code MAX_MEDIA_BYTES}, 400 for an unsupported audio type)
     */
    public CompletableFuture<AudioResponse> transcription(io.github.geminibalance.openai.TranscriptionRequest request,
            RequestTrace trace) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "audio_transcription", request == null ? "" : request.model(),
                Calls.guard(() -> audio.transcribe(request, false, trace)));
    }

    /**
     * A translation into English ({@code POST /v1/audio/translations}), otherwise as {@link #transcription}.
     *
     * @param request the form's fields and the audio
     * @param trace where the model, attempts and tokens are noted
     * @return the English text, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<AudioResponse> translation(io.github.geminibalance.openai.TranscriptionRequest request,
            RequestTrace trace) {
        note(trace, request == null ? null : request.model(), false);
        return Calls.observe(listener, "audio_translation", request == null ? "" : request.model(),
                Calls.guard(() -> audio.transcribe(request, true, trace)));
    }

    /**
     * Generates images ({@code POST /v1/images/generations}): Imagen models through {@code :predict},
     * Gemini image models through {@code :generateContent} with image output, each call on a pooled key
     * with the pool's retries; the model goes through {@code MODEL_ALIASES} and {@code FILTERED_MODELS}. The
     * images are always base64 ({@code b64_json}, each with its {@link
     * io.github.geminibalance.openai.ImagesResponse.Image#mimeType() mimeType}, and the answer's {@code
     * output_format} when they share one type); serving them for {@code response_format: url} is the caller's
     * part.
     *
     * @param request the OpenAI request; its model defaults to {@value #DEFAULT_IMAGE_MODEL}
     * @param trace where the model and attempts are noted
     * @return the images, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<io.github.geminibalance.openai.ImagesResponse> images(
            io.github.geminibalance.openai.ImageGenerationRequest request, RequestTrace trace) {
        return images.generate(request, trace, config());
    }

    /**
     * Edits images ({@code POST /v1/images/edits}) with a Gemini image model: the input images and the
     * prompt go in one turn, one call per image asked for. Answers like {@link #images}.
     *
     * @param request the edit; its model defaults to {@value #DEFAULT_EDIT_MODEL}
     * @param trace where the model and attempts are noted
     * @return the images, or a future failed with {@link GeminiBalanceException}
     */
    public CompletableFuture<io.github.geminibalance.openai.ImagesResponse> imageEdits(ImageEditRequest request,
            RequestTrace trace) {
        return images.edit(request, trace, config());
    }

    /**
     * Gemini's models in OpenAI shape (every page), ids without {@code models/}, plus a
     * {@code <id>-search} entry for every chat model that supports Google Search grounding and for every
     * configured search model. Cached for a few minutes.
     */
    public CompletableFuture<ModelList> models() {
        return models(RequestTrace.none());
    }

    /** {@link #models()}, noting the attempts in {@code trace} (none when the list is cached). */
    public CompletableFuture<ModelList> models(RequestTrace trace) {
        note(trace, null, false);
        return Calls.observe(listener, "models", "", Calls.guard(() -> catalog.list(trace)));
    }



    /**
     * Forwards a native Gemini REST call with a pooled key, retried on other keys like any request:
     * {@code path} is relative to the API version, such as {@code models/gemini-2.5-flash:generateContent};
     * {@code query} is passed through (without any {@code key} parameter, which is the client's token).
     * The body is forwarded as is, so every Gemini feature works; the answer is streamed back unchanged.
     *
     * @param method the HTTP method
     * @param path the resource path, such as {@code models} or {@code models/x:streamGenerateContent}
     * @param query the query string without the leading {@code ?}, or null
     * @param body the request body, or null
     */
    public CompletableFuture<NativeResponse> forward(String method, String path, String query, byte[] body) {
        return forward(method, path, query, body, RequestTrace.none());
    }

    /**
     * {@link #forward(String, String, String, byte[])}, noting the model, attempts, failures and first
     * body bytes in {@code trace}; its done actions run when the body ends. For {@code generateContent}
     * and {@code streamGenerateContent} the tokens and the finish reason are picked from the body as it
     * passes (it is relayed unchanged, never parsed whole).
     */
    public CompletableFuture<NativeResponse> forward(String method, String path, String query, byte[] body,
            RequestTrace trace) {
        return forward(method, path, query, body, trace, null);
    }

    /**
     * {@link #forward(String, String, String, byte[], RequestTrace)} for one client: a request naming a file
     * uploaded through this pool ({@code fileData.fileUri}) is sent with the key that uploaded it, if the
     * file is {@code owner}'s ({@code null}: anybody's); a file of another owner is not looked up.
     */
    public CompletableFuture<NativeResponse> forward(String method, String path, String query, byte[] body,
            RequestTrace trace, String owner) {
        CompletableFuture<NativeResponse> answer = passthrough.forward(method, path, query, body, trace, owner);
        if (vertex == null) {
            return answer;
        }
        // VERTEX_FALLBACK: a generate call the Gemini pool has no key for goes to the Vertex pool
        return answer.exceptionallyCompose(e -> vertex.takesOver(method, path, e)
                ? vertex.forward(path, query, body, trace) : CompletableFuture.failedFuture(e));
    }

    /**
     * The Vertex AI express pool ({@code VERTEX_API_KEYS}): its routes and its keys.
     *
     * @return the Vertex pool's API (its calls fail with a 503 without {@code VERTEX_API_KEYS})
     */
    public GeminiVertex vertex() {
        return vertexApi;
    }

    /**
     * The upstream proxies ({@code PROXIES}), credentials masked, with their health.
     *
     * @return the proxies, in configured order; empty when calls connect directly
     */
    public List<ProxyStatus> proxyStatus() {
        return Proxies.status(proxies);
    }

    /**
     * Gemini's Files API through the pool: uploads, metadata, listing and deletion, each file kept with the
     * key that uploaded it.
     *
     * @return the files API of this pool
     */
    public GeminiFiles files() {
        return fileApi;
    }

    /**
     * Gemini's context caches ({@code cachedContents}) through the pool, each kept with the key that made
     * it; a generation request naming one ({@code cachedContent}) is sent with that key, from any door.
     *
     * @return the cached contents of this pool
     */
    public GeminiResources cachedContents() {
        return cacheApi;
    }

    /**
     * Gemini's batch mode ({@code batchGenerateContent}, {@code asyncBatchEmbedContent}, {@code batches})
     * through the pool, each batch kept with the key that made it, and its results file too.
     *
     * @return the batches of this pool
     */
    public GeminiResources batches() {
        return batchApi;
    }

    /**
     * Google's own OpenAI-compatible layer, pooled: sends {@code <BASE_URL>/openai/<path>} with a pool key
     * (as {@code Authorization: Bearer}), with the retries and key verdicts of every call, and hands back
     * Gemini's answer unchanged (status, content type, body as it arrives; streams as they come). For clients
     * that want Google's own translation rather than this library's. The body is forwarded byte for byte; its
     * {@code model} names the model whose key rests apply, and is noted in {@code trace} with {@code stream}.
     * Model aliases do not apply (the body is not changed). A call Gemini refuses with a non-2xx status fails
     * as any other upstream failure, with a {@link GeminiBalanceException}.
     *
     * @param method {@code GET}, {@code POST} or {@code DELETE}
     * @param path the path after {@code /openai/}, such as {@code chat/completions} (checked by the caller)
     * @param query the raw query, or null
     * @param body the request body (empty for a {@code GET})
     * @param trace where the model, the attempts and the first bytes are noted; its done actions run when
     *     the body ends
     * @return Gemini's answer; its body must be read or cancelled
     */
    public CompletableFuture<NativeResponse> forwardOpenAiLayer(String method, String path, String query, byte[] body,
            RequestTrace trace) {
        return passthrough.forwardOpenAiLayer(method, path, query, body, trace);
    }

    // "models/gemini-2.5-flash:generateContent" -> "gemini-2.5-flash"; other resources share one bucket

    /** Every key's state, masked, for health and admin endpoints. */
    public List<KeyStatus> keyStatus() {
        return pool.status();
    }

    /** Whether some key could serve a request now. */
    public boolean hasUsableKey() {
        return pool.anyUsable();
    }

    /**
     * The models for which Gemini itself is failing right now (transient failures on several keys in a
     * row, no success since), with the time each was first seen failing. While a model is listed its
     * transient failures are neither retried nor charged to keys; see docs/keys.md.
     */
    public java.util.Map<String, java.time.Instant> failingUpstreamModels() {
        return retry.circuit().openModels();
    }

    /** The key pool, for tests in this module. */
    KeyPool keyPool() {
        return pool;
    }

    /**
     * The pool's raw keys, for an adapter that must mask them in what Gemini sends back (a model can quote
     * a URL with {@code ?key=}). The same list instance is returned until keys are added or removed, so a
     * caller can keep what it derives from it and compare by identity. Never show, log or return them.
     *
     * @return the keys, in rotation order
     */
    public List<String> keyValues() {
        return pool.values();
    }

    /**
     * The pool's keys for an operator: add, delete, restore, disable until a time, enable, reset and note
     * keys at run time, stored so that a restart keeps them (see {@link KeyAdmin}).
     *
     * @return the key administration
     */
    public KeyAdmin keys() {
        return keys;
    }

    /**
     * Puts a key back into rotation: clears its failures, cooldowns and exhaustion (also an admin's
     * disable). Waits until the change is stored ({@link KeyAdmin#reset} does not).
     *
     * @param id the key's id, such as {@code k-3f9a1c07}
     * @return false when no key of the pool has this id
     * @throws GeminiBalanceException when the store cannot be written
     */
    public boolean resetKey(String id) {
        return await(keys.reset(id)).isPresent();
    }

    /**
     * Takes a key out of rotation until {@link #resetKey} (a key check does not bring it back). Waits until
     * the change is stored ({@link KeyAdmin#disable} does not, and takes an end).
     *
     * @param id the key's id
     * @return false when no key of the pool has this id
     * @throws GeminiBalanceException when the store cannot be written
     */
    public boolean disableKey(String id) {
        return await(keys.disable(id, null)).isPresent();
    }

    /**
     * How many keys are in each state now; every state is present.
     *
     * @return state to number of keys
     */
    public Map<KeyState, Integer> keyStateCounts() {
        return pool.stateCounts();
    }

    /**
     * Whether the key state store (Redis, say) is reachable; always true for in-memory state.
     *
     * @return the store's health
     */
    public boolean keyStateStoreHealthy() {
        return pool.store().healthy();
    }

    /**
     * A reader configured like the core's own JSON mapper (unknown properties ignored, null rejected
     * for primitives). Immutable and thread-safe; derive typed readers with
     * {@link ObjectReader#forType(Class)}.
     *
     * @return the shared reader
     */
    public static ObjectReader jsonReader() {
        return JSON_READER;
    }

    /**
     * A writer configured like the core's own JSON mapper. Immutable and thread-safe.
     *
     * @return the shared writer
     */
    public static ObjectWriter jsonWriter() {
        return JSON_WRITER;
    }

    private static final ObjectReader JSON_READER = Json.mapper().reader();
    private static final ObjectWriter JSON_WRITER = Json.mapper().writer();

    /**
     * Re-validates the keys that need it now (invalid ones and ones with failures), or every key when
     * {@code all} is true; keys that pass return to ACTIVE. Keys an admin disabled are never checked
     * (a passing check would re-enable them): only an admin reset brings them back.
     */
    public CompletableFuture<List<KeyCheckResult>> checkKeys(boolean all) {
        return checkKeyResults(all).thenApply(results -> results.stream()
                .map(r -> new KeyCheckResult(r.id(), r.masked(), r.valid(), r.status(), r.reason())).toList());
    }

    private CompletableFuture<List<KeyChecker.Result>> checkKeyResults(boolean all) {
        if (!all) {
            return checker.checkNeeded();
        }
        Set<String> disabled = new HashSet<>();
        for (KeyStatus s : pool.status()) {
            if (s.state() == KeyState.DISABLED) {
                disabled.add(s.id());
            }
        }
        return checker.check(pool.keys().stream().filter(k -> !disabled.contains(k.id())).toList());
    }


    /** Where the keys, their marks, the records and the usage are kept. */
    public io.github.geminibalance.store.Store store() {
        return store;
    }

    /**
     * Writes the keys' counters, lets key changes under way finish and releases the timer thread (the
     * shared HTTP client closes with its last reference). The {@linkplain Builder#store store} is the
     * caller's to close, after this.
     */
    @Override
    public void close() {
        keys.close();
        storedResponses.close();
        housekeeping.flushCounts();
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        pool.store().close();
        if (httpExecutor != null) {
            httpExecutor.shutdown();
        }
    }

    // Anything thrown synchronously (validation, our own bug) becomes a failed future in the OpenAI shape.

    /** Builds a {@link GeminiBalance}; only the configuration is required. */
    public static final class Builder {
        private final GeminiBalanceConfig config;
        private HttpClient httpClient;
        private HttpTransport transport;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = RandomGenerator.getDefault();
        private ScheduledExecutorService scheduler;
        private GeminiBalanceListener listener = GeminiBalanceListener.NONE;
        private boolean scheduleChecks = true;
        private KeyStateStore store = KeyStateStore.local();
        private io.github.geminibalance.store.Store keyStore;
        private java.util.function.Predicate<java.net.InetAddress> mediaAddresses;

        private Builder(GeminiBalanceConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * The HTTP client to call Gemini with (default: a new one, HTTP/2 for https).
         *
         * @param v the value
         * @return this builder
         */
        public Builder httpClient(HttpClient v) { httpClient = Objects.requireNonNull(v); return this; }
        /**
         * How calls to Gemini travel (default: over the {@linkplain #httpClient HTTP client}). The HTTP
         * client still fetches image URLs.
         */
        public Builder transport(HttpTransport v) { transport = Objects.requireNonNull(v); return this; }
        /**
         * The clock for cooldowns and {@code created} (default: system UTC).
         *
         * @param v the value
         * @return this builder
         */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }
        /**
         * The randomness for ids (default: the JDK's default generator).
         *
         * @param v the value
         * @return this builder
         */
        public Builder random(RandomGenerator v) { random = Objects.requireNonNull(v); return this; }
        /**
         * The scheduler for stream idle timers and key checks (default: one daemon thread).
         *
         * @param v the value
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService v) { scheduler = Objects.requireNonNull(v); return this; }

        /**
         * A listener for metrics (default: none).
         *
         * @param v the value
         * @return this builder
         */
        public Builder listener(GeminiBalanceListener v) { listener = Objects.requireNonNull(v); return this; }
        /**
         * Where key state is shared with other instances (default: nowhere, in-memory only).
         *
         * @param v the value
         * @return this builder
         */
        public Builder keyStateStore(KeyStateStore v) { store = Objects.requireNonNull(v); return this; }
        /**
         * Where the keys, their marks, the records and the usage are kept (default: {@link
         * io.github.geminibalance.store.Store#inMemory(Clock) in memory}). The configured keys seed it; the
         * caller closes it after this instance.
         *
         * @param v the value
         * @return this builder
         */
        public Builder store(io.github.geminibalance.store.Store v) { keyStore = Objects.requireNonNull(v); return this; }
        /**
         * Whether to re-validate keys every {@code checkInterval} (default: true).
         *
         * @param v the value
         * @return this builder
         */
        public Builder scheduleKeyChecks(boolean v) { scheduleChecks = v; return this; }
        /**
         * Which addresses remote images may be fetched from, instead of the public addresses that are not
         * this host's ({@link io.github.geminibalance.translate.PublicAddressPolicy}). For tests against
         * a local server, or a deployment whose HTTP client goes through an egress proxy.
         */
        public Builder mediaAddressPolicy(java.util.function.Predicate<java.net.InetAddress> v) {
            mediaAddresses = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Builds the instance.
         *
         * @throws IllegalArgumentException when the configuration has no key and no {@linkplain #store
         *     store} was given (a store may hold the keys, or get them through {@link GeminiBalance#keys()})
         */
        public GeminiBalance build() {
            if (keyStore == null && config.apiKeys().isEmpty()) {
                throw new IllegalArgumentException("apiKeys must hold at least one key (or give the builder a "
                        + "store to keep the keys in)");
            }
            return new GeminiBalance(this);
        }
    }

}
