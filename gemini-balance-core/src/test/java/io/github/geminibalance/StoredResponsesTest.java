package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.OutputContent;
import io.github.geminibalance.openai.responses.OutputItem;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.openai.responses.Statuses;
import io.github.geminibalance.openai.responses.Union;
import io.github.geminibalance.store.InMemoryResponseRepository;
import io.github.geminibalance.store.ResponseRepository;
import io.github.geminibalance.store.StoreException;
import io.github.geminibalance.store.StoredResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoredResponsesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);
    private StoredResponses stored;

    @AfterEach
    void close() {
        if (stored != null) {
            stored.close();
        }
    }

    private static ResponseRequest request(String input, String previous, Boolean store) {
        return new ResponseRequest("gemini-2.5-flash", Union.Input.ofText(input), null, null, null, null, null, null,
                null, null, null, null, null, store, null, previous, null, null, null, null);
    }

    private static Response answer(String id, String text) {
        return new Response(id, Response.OBJECT, 0, Statuses.COMPLETED, null, null, null, null, "gemini-2.5-flash",
                List.of(OutputItem.message("msg_1", "completed", List.of(OutputContent.text(text, List.of())))),
                true, null, null, true, null, null, null, List.of(), null, "disabled", null, null, Map.of());
    }

    private static GeminiBalanceException failure(CompletableFuture<?> future) {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return GeminiBalanceException.from(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the future succeeded");
    }

    @Test
    void aRequestNamingAResponseStillBeingWrittenWaitsForTheWrite() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryResponseRepository memory = new InMemoryResponseRepository(10);
        ResponseRepository slow = new ResponseRepository() {
            @Override
            public void save(StoredResponse response) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                memory.save(response);
            }

            @Override
            public Optional<StoredResponse> find(String id, String owner) {
                return memory.find(id, owner);
            }

            @Override
            public boolean delete(String id, String owner) {
                return memory.delete(id, owner);
            }

            @Override
            public long deleteCreatedBefore(Instant cutoff) {
                return memory.deleteCreatedBefore(cutoff);
            }
        };
        stored = new StoredResponses(slow, CLOCK);
        stored.save(request("What is the capital of Australia?", null, null), List.of(),
                answer("resp_1", "Canberra."), "t-aaaa");

        CompletableFuture<List<InputItem>> previous = stored.previous(request("And NZ?", "resp_1", null), "t-aaaa");
        Thread.sleep(100);
        assertThat(previous).isNotDone();
        release.countDown();

        List<InputItem> items = previous.get(5, TimeUnit.SECONDS);
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isEqualTo(InputItem.message("user", "What is the capital of Australia?"));
        assertThat(items.get(1).content().parts().get(0).text()).isEqualTo("Canberra.");
    }

    @Test
    void storeFalseKeepsNothingAndAnotherOwnerFindsNothing() throws Exception {
        stored = new StoredResponses(new InMemoryResponseRepository(10), CLOCK);
        stored.save(request("Hi", null, false), List.of(), answer("resp_1", "Hello."), "t-aaaa");
        stored.save(request("Hi", null, null), List.of(), answer("resp_2", "Hello."), "t-aaaa");

        assertThat(failure(stored.get("resp_1", "t-aaaa")).httpStatus()).isEqualTo(404);
        assertThat(stored.get("resp_2", "t-aaaa").get(5, TimeUnit.SECONDS).id()).isEqualTo("resp_2");
        GeminiBalanceException other = failure(stored.previous(request("Hi", "resp_2", null), "t-bbbb"));
        assertThat(other.httpStatus()).isEqualTo(404);
        assertThat(other.param()).contains("previous_response_id");
        assertThat(other.getMessage()).isEqualTo("Previous response with id 'resp_2' not found.");
        assertThat(failure(stored.delete("resp_2", "t-bbbb")).httpStatus()).isEqualTo(404);
        stored.delete("resp_2", "t-aaaa").get(5, TimeUnit.SECONDS);
        assertThat(failure(stored.get("resp_2", "t-aaaa")).httpStatus()).isEqualTo(404);
    }

    @Test
    void aStoreThatKeepsNoResponsesSaysSo() {
        stored = new StoredResponses(ResponseRepository.none(), CLOCK);
        GeminiBalanceException e = failure(stored.previous(request("Hi", "resp_1", null), ""));
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.param()).contains("previous_response_id");
        assertThat(e.getMessage()).contains("keeps no responses");
        assertThat(stored.previous(request("Hi", null, null), "")).isCompletedWithValue(List.of());
        assertThatThrownBy(() -> stored.get("resp_1", "")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("keeps no responses");
    }

    @Test
    void aStoreThatFailsIsA503AndAFailedSaveIsCounted() throws Exception {
        ResponseRepository broken = new ResponseRepository() {
            @Override
            public void save(StoredResponse response) {
                throw new StoreException("database error: gone", null);
            }

            @Override
            public Optional<StoredResponse> find(String id, String owner) {
                throw new StoreException("database error: gone", null);
            }

            @Override
            public boolean delete(String id, String owner) {
                throw new StoreException("database error: gone", null);
            }

            @Override
            public long deleteCreatedBefore(Instant cutoff) {
                return 0;
            }
        };
        stored = new StoredResponses(broken, CLOCK);
        stored.save(request("Hi", null, null), List.of(), answer("resp_1", "Hello."), "");
        GeminiBalanceException e = failure(stored.get("resp_1", ""));
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.code()).contains("store_unavailable");
        assertThat(stored.failedSaves()).isEqualTo(1);
    }
}
