package io.github.geminibalance.translate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.geminibalance.translate.ChatRequestTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.config.MediaLimits;
import io.github.geminibalance.openai.ChatCompletionRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow DNS cannot stall every client's images: host lookups run on a resolver whose lookups are
 * injected here, so that a name server that never answers is a lookup that blocks until the test lets
 * it go.
 */
class RemoteMediaResolverTest {

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Released at the end of each test: the name server of {@code *.stalled.test} never answers until then. */
    private final CountDownLatch nameServer = new CountDownLatch(1);
    private final AtomicInteger stalledNow = new AtomicInteger();
    private final AtomicInteger stalledMax = new AtomicInteger();
    private final Semaphore stalledStarted = new Semaphore(0);

    @AfterEach
    void answer() {
        nameServer.countDown();
    }

    private InetAddress[] lookup(String host) {
        if (!host.endsWith(".stalled.test")) {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new MediaSession.Unavailable("not resolved");
            }
        }
        stalledMax.accumulateAndGet(stalledNow.incrementAndGet(), Math::max);
        stalledStarted.release();
        try {
            nameServer.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stalledNow.decrementAndGet();
        }
        throw new MediaSession.Unavailable("host not resolved");
    }

    private RemoteMediaFetcher fetcher(RemoteMediaFetcher.Resolver resolver, Duration timeout) {
        return new RemoteMediaFetcher(client, new MediaLimits(16, 1024, 16 * 1024), timeout,
                a -> a.getHostAddress().equals("127.0.0.1"), resolver);
    }

    private static ChatCompletionRequest images(List<String> urls) {
        String parts = urls.stream().map(u -> "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + u + "\"}}")
                .collect(Collectors.joining(","));
        return parse("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "]}]}");
    }

    private static List<String> stalledUrls(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> "http://" + prefix + i + ".stalled.test/x.png").toList();
    }

    private static InvalidRequestException refusal(CompletableFuture<ChatCompletionRequest> inlined) {
        try {
            inlined.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(InvalidRequestException.class);
            InvalidRequestException refused = (InvalidRequestException) e.getCause();
            assertThat(refused.httpStatus()).isEqualTo(400);
            assertThat(refused.getMessage()).endsWith("could not be fetched.");
            return refused;
        }
        throw new AssertionError("the fetch did not fail");
    }

    @Test
    void aFloodOfStalledLookupsFromOneRequestLeavesThreadsForAnotherRequest() throws Exception {
        server.stubFor(get("/cat.png").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        RemoteMediaFetcher.Resolver resolver = new RemoteMediaFetcher.Resolver(
                RemoteMediaFetcher.Resolver.THREADS, RemoteMediaFetcher.Resolver.QUEUE, this::lookup);
        // a long timeout: the attacker's lookups are still stalled when the other request is served
        RemoteMediaFetcher fetcher = fetcher(resolver, Duration.ofMinutes(5));

        CompletableFuture<ChatCompletionRequest> flood = fetcher.inline(images(stalledUrls("r", 16)));
        stalledStarted.acquire(MediaSession.PARALLEL);
        ChatCompletionRequest served = fetcher.inline(
                images(List.of("http://127.0.0.1:" + server.getPort() + "/cat.png"))).join();

        assertThat(served.messages().get(0).content().parts().get(0).imageUrl().url()).startsWith("data:image/png;base64,");
        assertThat(flood).as("still waiting for its name server").isNotDone();
        assertThat(stalledMax.get()).as("lookups of one request at once").isEqualTo(MediaSession.PARALLEL);
        assertThat(resolver.queued()).as("the flood's other lookups wait in the request, not the queue").isZero();

        nameServer.countDown();
        refusal(flood);
    }

    @Test
    void theQueueIsBoundedAndAFullQueueRefusesAtOnce() throws Exception {
        RemoteMediaFetcher.Resolver resolver = new RemoteMediaFetcher.Resolver(1, 2, this::lookup);
        RemoteMediaFetcher fetcher = fetcher(resolver, Duration.ofMinutes(5));

        List<CompletableFuture<ChatCompletionRequest>> requests = new ArrayList<>();
        int maxQueued = 0;
        for (int i = 0; i < 6; i++) {
            requests.add(fetcher.inline(images(stalledUrls("q" + i + "-", 1))));
            maxQueued = Math.max(maxQueued, resolver.queued());
        }

        assertThat(maxQueued).isEqualTo(2);
        assertThat(requests.subList(0, 3)).as("one running, two queued").allSatisfy(r -> assertThat(r).isNotDone());
        for (CompletableFuture<ChatCompletionRequest> refused : requests.subList(3, 6)) {
            // refused while the name server still has not answered: nobody waits behind the stalled lookups
            refusal(refused);
        }
        assertThat(nameServer.getCount()).isOne();

        nameServer.countDown();
        requests.subList(0, 3).forEach(RemoteMediaResolverTest::refusal);
        assertThat(resolver.queued()).isZero();
    }

    @Test
    void aLookupStillRunningWhenItsTimeIsUpIsAbandonedAndCounted() throws Exception {
        RemoteMediaFetcher.Resolver resolver = new RemoteMediaFetcher.Resolver(2, 4, this::lookup);
        RemoteMediaFetcher fetcher = fetcher(resolver, Duration.ofMillis(200));

        refusal(fetcher.inline(images(stalledUrls("t", 1))));

        assertThat(resolver.abandoned()).as("its thread is still blocked").isOne();
        assertThat(nameServer.getCount()).as("the request did not wait for the name server").isOne();
        assertThat(resolver.queued()).isZero();
    }

    @Test
    void aLookupStillQueuedWhenItsRequestFailsLeavesTheQueue() throws Exception {
        RemoteMediaFetcher.Resolver resolver = new RemoteMediaFetcher.Resolver(1, 4, this::lookup);
        RemoteMediaFetcher fetcher = fetcher(resolver, Duration.ofMinutes(5));
        CompletableFuture<ChatCompletionRequest> first = fetcher.inline(images(stalledUrls("a", 1)));
        CompletableFuture<ChatCompletionRequest> second = fetcher.inline(images(stalledUrls("b", 2)));
        assertThat(resolver.queued()).isEqualTo(2);

        second.cancel(true); // the client went away

        assertThat(resolver.queued()).isZero();
        assertThat(first).isNotDone();
    }
}
