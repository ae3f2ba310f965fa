package io.github.geminibalance.translate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.geminibalance.translate.ChatRequestTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.config.MediaLimits;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server-wide budget of image bytes in flight ({@code MAX_MEDIA_INFLIGHT_BYTES}): concurrent
 * requests, each within its own limits, cannot together hold more; the one that would gets a
 * retryable 503, and every byte is given back when the requests end.
 */
class RemoteMediaInflightTest {

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final byte[] IMAGE = new byte[1000];

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // each request may fetch 1024 bytes; all requests together 1500
    private final RemoteMediaFetcher fetcher = new RemoteMediaFetcher(client, new MediaLimits(4, 1024, 1024, 1500),
            Duration.ofSeconds(5), a -> a.getHostAddress().equals("127.0.0.1"));

    private static ChatCompletionRequest image(String path) {
        return parse("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"http://127.0.0.1:%d%s"}}]}]}"""
                .formatted(server.getPort(), path));
    }

    @Test
    void aRequestBeyondTheServerWideBudgetGetsA503WhileTheFirstSucceeds() throws Exception {
        server.stubFor(get("/a.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(IMAGE)));
        server.stubFor(get("/b.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(IMAGE)));
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch built = new CountDownLatch(1);

        // the first request holds its 1000 bytes while its JSON is being built
        CompletableFuture<Integer> first = fetcher.inline(image("/a.png"), inlined -> {
            building.countDown();
            try {
                built.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inlined.messages().get(0).content().parts().get(0).imageUrl().url().length();
        });
        building.await();
        assertThat(fetcher.inflightBytes()).isEqualTo(1000);

        CompletableFuture<ChatCompletionRequest> second = fetcher.inline(image("/b.png"));
        GeminiBalanceException busy = failure(second);

        assertThat(busy).isNotInstanceOf(InvalidRequestException.class);
        assertThat(busy.httpStatus()).isEqualTo(503);
        assertThat(busy.type()).isEqualTo("server_error");
        assertThat(busy.code()).contains("server_busy");
        assertThat(busy.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(busy.getMessage()).contains("MAX_MEDIA_INFLIGHT_BYTES");
        assertThat(fetcher.inflightBytes()).as("the refused request gave its bytes back at once").isEqualTo(1000);

        built.countDown();
        assertThat(first.join()).as("the first request's data URL").isGreaterThan(1000);
        assertThat(fetcher.inflightBytes()).as("both ended").isZero();

        // with the budget free again, the same request is served
        assertThat(fetcher.inline(image("/b.png")).join().messages().get(0).content().parts().get(0).imageUrl().url())
                .startsWith("data:image/png;base64,");
        assertThat(fetcher.inflightBytes()).isZero();
    }

    @Test
    void aRequestRefusedByItsOwnLimitsGivesItsBytesBackAndStaysA400() {
        server.stubFor(get("/big.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(new byte[2000])));

        GeminiBalanceException refused = failure(fetcher.inline(image("/big.png")));

        assertThat(refused.httpStatus()).isEqualTo(400);
        assertThat(refused.code()).contains("image_too_large");
        assertThat(fetcher.inflightBytes()).isZero();
    }

    @Test
    void aBuildThatFailsGivesTheBytesBack() {
        server.stubFor(get("/a.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(IMAGE)));

        CompletableFuture<Object> failed = fetcher.inline(image("/a.png"), inlined -> {
            throw new IllegalStateException("translation failed");
        });

        assertThat(failed).failsWithin(Duration.ofSeconds(30));
        assertThat(fetcher.inflightBytes()).isZero();
    }

    private static GeminiBalanceException failure(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(GeminiBalanceException.class);
            return (GeminiBalanceException) e.getCause();
        }
        throw new AssertionError("did not fail");
    }
}
