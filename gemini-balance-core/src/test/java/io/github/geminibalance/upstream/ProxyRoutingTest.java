package io.github.geminibalance.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.Verdict;
import io.github.geminibalance.retry.Failure;
import io.github.geminibalance.retry.RetryPolicy;
import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.spi.HttpTransport.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PROXIES} in the core: which proxy each attempt leaves through ({@link ProxyRouter}), how
 * {@link GeminiClient} passes over a proxy that fails, the cooldown on an injected clock, and what a
 * failure of every proxy means for the key.
 */
class ProxyRoutingTest {

    private static final Proxy A = Proxy.parse("http://alice:s3cret-a@10.0.0.1:3128");
    private static final Proxy B = Proxy.parse("socks5://bob:s3cret-b@10.0.0.2");
    private static final Proxy C = Proxy.parse("https://10.0.0.3");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MutableClock clock = new MutableClock();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void proxyUrlsParseWithDefaultPortsAndNeverShowTheirPasswords() {
        assertThat(B.port()).isEqualTo(1080);
        assertThat(C.port()).isEqualTo(443);
        assertThat(A.username()).isEqualTo("alice");
        assertThat(A.password()).isEqualTo("s3cret-a");
        assertThat(A.toString()).isEqualTo("http://***:***@10.0.0.1:3128").doesNotContain("s3cret");
        assertThat(Proxy.parse("http://u%40x:p%3Aw@h:1").password()).isEqualTo("p:w");
        assertThat(new HttpTransport.Request("GET", URI.create("http://x/"), Map.of(), null, Duration.ofSeconds(1))
                .via(A).toString()).doesNotContain("s3cret");
    }

    @Test
    void aKeyAlwaysStartsAtTheSameProxyAcrossRoutersAndRestarts() {
        List<Proxy> proxies = List.of(A, B, C);
        Set<Proxy> firsts = new java.util.HashSet<>();
        for (int k = 0; k < 20; k++) {
            String id = new ApiKey("AIzaSyKEY-" + k + "-0123456789abcdef").id();
            Proxy first = new ProxyRouter(proxies, true, clock).order(id).get(0);
            // another router (another process) and more calls: the same proxy
            ProxyRouter other = new ProxyRouter(proxies, true, clock);
            for (int i = 0; i < 5; i++) {
                assertThat(other.order(id).get(0)).isEqualTo(first);
            }
            firsts.add(first);
        }
        assertThat(firsts).as("keys spread over the proxies").hasSize(3);
    }

    @Test
    void withoutTheHashTheProxyRotates() {
        ProxyRouter router = new ProxyRouter(List.of(A, B, C), false, clock);
        List<Proxy> firsts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            firsts.add(router.order("k-00000000").get(0));
        }
        assertThat(firsts).containsExactly(A, B, C, A, B, C);
    }

    @Test
    void aFailedProxyIsPassedOverUntilItsCooldownEnds() throws Exception {
        ProxyRouter router = new ProxyRouter(List.of(A, B), false, clock);
        Recording transport = new Recording(Set.of(A));
        GeminiClient client = client(transport, router);
        ApiKey key = new ApiKey("AIzaSyKEY-one-0123456789abcdef");

        client.exchange(key, "GET", "/models", null, null).get(); // A first in turn: fails, B serves
        assertThat(transport.via).containsExactly(A, B);
        assertThat(router.states().get(0).restingUntil()).isEqualTo(clock.instant().plus(ProxyRouter.COOLDOWN));
        assertThat(router.states().get(0).failures()).isEqualTo(1);

        transport.via.clear();
        client.exchange(key, "GET", "/models", null, null).get(); // A's turn again, but it rests: B
        client.exchange(key, "GET", "/models", null, null).get();
        assertThat(transport.via).containsExactly(B, B);

        clock.advance(ProxyRouter.COOLDOWN.plusSeconds(1));
        transport.failing = Set.of();
        transport.via.clear();
        client.exchange(key, "GET", "/models", null, null).get(); // B's turn
        client.exchange(key, "GET", "/models", null, null).get(); // A's turn: rested, tried again, healthy again
        assertThat(transport.via).containsExactly(B, A);
        assertThat(router.states().get(0).restingUntil()).isNull();
    }

    @Test
    void whenEveryProxyFailsTheKeyIsNotCharged() {
        ProxyRouter router = new ProxyRouter(List.of(A, B), true, clock);
        Recording transport = new Recording(Set.of(A, B));
        GeminiClient client = client(transport, router);

        CompletableFuture<?> call = client.exchange(new ApiKey("AIzaSyKEY-two-0123456789abcdef"), "GET", "/models",
                null, null);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, call::get);
        assertThat(e.getCause()).isInstanceOf(HttpTransport.ProxyException.class);
        assertThat(transport.via).hasSize(2);

        Failure failure = Failure.of(e.getCause());
        assertThat(failure.classification(new RetryPolicy(() -> 3, clock)).verdict()).isEqualTo(Verdict.NEUTRAL);
        assertThat(failure.classification(new RetryPolicy(() -> 3, clock)).retry()).isFalse();
        assertThat(failure.clientError(null).httpStatus()).isEqualTo(502);
        assertThat(failure.clientError(null).code()).contains("proxy_unreachable");
        assertThat(failure.clientError(null).getMessage()).doesNotContain("s3cret");
    }

    @Test
    void customHeadersGoOnEveryCallAndTheClientsOwnWin() throws Exception {
        Recording transport = new Recording(Set.of());
        GeminiClient client = new GeminiClient(transport, URI.create("http://gemini.invalid/v1beta"),
                Duration.ofSeconds(5), Duration.ofSeconds(5), scheduler, ProxyRouter.none(),
                Map.of("x-team", "blue"));
        ApiKey key = new ApiKey("AIzaSyKEY-three-0123456789abcdef");
        client.exchange(key, "POST", "/models/m:generateContent", "{}".getBytes(), "application/json").get();
        client.exchange(key, "POST", "/chat/completions", "{}".getBytes(), "application/json", true).get();

        assertThat(transport.headers).hasSize(2);
        assertThat(transport.headers.get(0)).containsEntry("x-team", "blue").containsEntry("x-goog-api-key", key.value());
        assertThat(transport.headers.get(1)).containsEntry("x-team", "blue")
                .containsEntry("authorization", "Bearer " + key.value());
        assertThat(transport.via).containsOnlyNulls();
    }

    private GeminiClient client(HttpTransport transport, ProxyRouter router) {
        return new GeminiClient(transport, URI.create("http://gemini.invalid/v1beta"), Duration.ofSeconds(5),
                Duration.ofSeconds(5), scheduler, router, Map.of());
    }

    /** Answers 200 with an empty body, except through a failing proxy: a {@link HttpTransport.ProxyException}. */
    private static final class Recording implements HttpTransport {
        final List<Proxy> via = Collections.synchronizedList(new ArrayList<>());
        final List<Map<String, String>> headers = Collections.synchronizedList(new ArrayList<>());
        volatile Set<Proxy> failing;

        Recording(Set<Proxy> failing) {
            this.failing = failing;
        }

        @Override
        public CompletableFuture<Response> send(Request request) {
            via.add(request.proxy());
            headers.add(request.headers());
            if (request.proxy() != null && failing.contains(request.proxy())) {
                return CompletableFuture.failedFuture(new ProxyException("cannot connect through proxy "
                        + request.proxy() + ": connection refused", null));
            }
            return CompletableFuture.completedFuture(new Response(200, "application/json",
                    s -> s.onSubscribe(new java.util.concurrent.Flow.Subscription() {
                        boolean done;

                        @Override
                        public void request(long n) {
                            if (!done) {
                                done = true;
                                s.onComplete();
                            }
                        }

                        @Override
                        public void cancel() {}
                    })));
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-06-15T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
