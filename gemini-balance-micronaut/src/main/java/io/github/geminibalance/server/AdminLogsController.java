package io.github.geminibalance.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.Page;
import io.github.geminibalance.store.RecordQueries;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.Store;
import io.github.geminibalance.store.StoreException;
import io.github.geminibalance.store.UsageGroup;
import io.github.geminibalance.store.UsageRow;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over the records: {@code GET /admin/logs/requests}, {@code GET /admin/logs/errors},
 * {@code GET /admin/logs/errors/{id}} and {@code GET /admin/usage} (shapes in docs/api.md). Behind
 * {@code AUTH_TOKEN} like every {@code /admin} route ({@link AuthFilter}); errors in the same envelope
 * as {@link AdminController}'s. The queries read the database, so they run on the blocking executor,
 * never on an event loop; a database that does not answer is a 503 {@code store_unavailable} whose
 * message names no driver, URL or class (the detail goes to the server log). Records show keys by id
 * and clients by label only.
 */
@Controller("/admin")
final class AdminLogsController {

    private static final Logger log = LoggerFactory.getLogger(AdminLogsController.class);

    private final RecordQueries queries;
    private final Clock clock;

    AdminLogsController(Store store, Clock clock) {
        this.queries = store.queries();
        this.clock = clock;
    }

    /** {@code GET /admin/logs/requests}: request records, newest first, filtered and paged. */
    @Get(uri = "/logs/requests", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> requests(HttpRequest<?> request) {
        AdminLogQuery query = AdminLogQuery.records(request.getParameters());
        return answer(() -> {
            Page<RequestRecord> page = queries.requests(query.records());
            List<RequestEntry> data = new ArrayList<>(page.items().size());
            page.items().forEach(r -> data.add(RequestEntry.of(r)));
            return new Listing<>(data, page.nextCursor());
        });
    }

    /** {@code GET /admin/logs/errors}: error records without their bodies, newest first, filtered and paged. */
    @Get(uri = "/logs/errors", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> errors(HttpRequest<?> request) {
        AdminLogQuery query = AdminLogQuery.records(request.getParameters());
        return answer(() -> {
            Page<ErrorRecord> page = queries.errors(query.records());
            List<ErrorEntry> data = new ArrayList<>(page.items().size());
            page.items().forEach(e -> data.add(ErrorEntry.of(e)));
            return new Listing<>(data, page.nextCursor());
        });
    }

    /** {@code GET /admin/logs/errors/{id}}: one error record with the request body, if it was kept. */
    @Get(uri = "/logs/errors/{id}", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> error(@PathVariable String id) {
        long number = AdminLogQuery.id(id);
        return answer(() -> queries.error(number).<Object>map(ErrorDetail::of).orElse(null));
    }

    /** {@code GET /admin/usage}: usage aggregates per day, model, key or client over a range of UTC days. */
    @Get(uri = "/usage", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> usage(HttpRequest<?> request) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        AdminLogQuery.Usage query = AdminLogQuery.usage(request.getParameters(), today);
        return answer(() -> {
            List<UsageEntry> data = new ArrayList<>();
            for (UsageRow row : queries.usage(query.query())) {
                data.add(UsageEntry.of(row));
            }
            return new UsageReport(query.query().from().toString(), query.query().to().toString(), query.groups(),
                    data);
        });
    }

    // null from the query: the record is not (or no longer) kept
    private static MutableHttpResponse<byte[]> answer(Supplier<Object> query) {
        Object value;
        try {
            value = query.get();
        } catch (StoreException e) {
            log.warn("admin query failed: {}", io.github.geminibalance.util.LogText.quote(e.getMessage()));
            return ErrorResponses.of(503, "The store's database did not answer; see the server log.",
                    ErrorResponses.SERVER_ERROR, null, "store_unavailable");
        }
        if (value == null) {
            return ErrorResponses.of(404, "No error record has this id (it may have been deleted by the clean-up,"
                    + " see AUTO_DELETE_ERROR_LOGS_DAYS).", ErrorResponses.INVALID_REQUEST, "id", "record_not_found");
        }
        try {
            return HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(value))
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize the admin answer", e); // a bug: 500, logged
        }
    }

    /** A page of records; {@code next} is the cursor of the next page, null on the last one. */
    record Listing<T>(List<T> data, String next) {}

    /** One attempt: the key's id and Gemini's status (0 when no answer came). */
    record AttemptEntry(@JsonProperty("key_id") String keyId, int status) {}

    /** One request record as the admin API shows it. */
    record RequestEntry(
            long id,
            String at,
            @JsonProperty("request_id") String requestId,
            String route,
            @JsonProperty("model_asked") String modelAsked,
            @JsonProperty("model_sent") String modelSent,
            boolean stream,
            String client,
            List<AttemptEntry> attempts,
            int status,
            @JsonProperty("latency_ms") long latencyMs,
            @JsonProperty("ttfb_ms") Long ttfbMs,
            @JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            @JsonProperty("thinking_tokens") long thinkingTokens,
            @JsonProperty("cached_tokens") long cachedTokens,
            @JsonProperty("finish_reason") String finishReason,
            @JsonProperty("error_code") String errorCode) {

        static RequestEntry of(RequestRecord r) {
            List<AttemptEntry> attempts = new ArrayList<>(r.attempts().size());
            for (Attempt a : r.attempts()) {
                attempts.add(new AttemptEntry(a.keyId(), a.status()));
            }
            return new RequestEntry(r.id(), r.at().toString(), r.requestId(), r.route(), r.modelAsked(), r.modelSent(),
                    r.stream(), r.client(), attempts, r.status(), r.latencyMs(), r.ttfbMs() < 0 ? null : r.ttfbMs(),
                    r.promptTokens(), r.completionTokens(), r.thinkingTokens(), r.cachedTokens(), r.finishReason(),
                    r.errorCode());
        }
    }

    /** One error record in a list (without the request body). */
    record ErrorEntry(
            long id,
            String at,
            @JsonProperty("request_id") String requestId,
            @JsonProperty("key_id") String keyId,
            int status,
            String reason,
            String message,
            String model,
            String client) {

        static ErrorEntry of(ErrorRecord e) {
            return new ErrorEntry(e.id(), e.at().toString(), e.requestId(), e.keyId(), e.status(), e.reason(),
                    e.message(), e.model(), e.client());
        }
    }

    /** One error record with the request body ({@code null} unless {@code ERROR_LOG_RECORD_REQUEST_BODY=true}). */
    record ErrorDetail(
            long id,
            String at,
            @JsonProperty("request_id") String requestId,
            @JsonProperty("key_id") String keyId,
            int status,
            String reason,
            String message,
            String model,
            String client,
            @JsonProperty("request_body") String requestBody) {

        static ErrorDetail of(ErrorRecord e) {
            return new ErrorDetail(e.id(), e.at().toString(), e.requestId(), e.keyId(), e.status(), e.reason(),
                    e.message(), e.model(), e.client(), e.requestBody());
        }
    }

    /** The answer of {@code GET /admin/usage}: the range (UTC days, inclusive), the grouping, the rows. */
    record UsageReport(String from, String to, List<String> group, List<UsageEntry> data) {}

    /** One usage row; the dimensions not grouped by are null, a call without a model or client is {@code ""}. */
    record UsageEntry(
            String day,
            String model,
            @JsonProperty("key_id") String keyId,
            String client,
            long requests,
            long errors,
            @JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            @JsonProperty("thinking_tokens") long thinkingTokens,
            @JsonProperty("cached_tokens") long cachedTokens) {

        static UsageEntry of(UsageRow row) {
            return new UsageEntry(row.day() == null ? null : row.day().toString(), row.model(), row.keyId(),
                    row.client(), row.requests(), row.errors(),
                    row.promptTokens(), row.completionTokens(), row.thinkingTokens(), row.cachedTokens());
        }
    }
}
