package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.NativeResponse;
import io.github.geminibalance.util.Secrets;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The pool's keys are masked in successful native answers, whole or streamed, also when a key is cut
 * across two pieces of the stream; text without a key passes untouched (the same array, no copy).
 */
class KeyScrubberTest {

    private static final String KEY = "AIzaSyFAKE-scrub-key-000000001";
    private static final String OTHER = "AIzaSyFAKE-scrub-key-000000002";
    private static final String MASKED = Secrets.mask(KEY);
    private final KeyScrubber scrubber = new KeyScrubber(List.of(KEY, OTHER, "key-a",
            "sk-not-a-google-key-0001"));

    @Test
    void masksEveryPoolKeyAndNothingElse() {
        String text = "a " + KEY + " b ?key=" + OTHER + "&x AIzaSyNOT-a-pool-key-123456 key-a sk-not-a-google-key-0001";

        String scrubbed = new String(scrubber.scrub(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

        assertThat(scrubbed).isEqualTo("a " + MASKED + " b ?key=" + Secrets.mask(OTHER)
                + "&x AIzaSyNOT-a-pool-key-123456 key-a " + Secrets.mask("sk-not-a-google-key-0001"));
        assertThat(scrubber.scrub(text)).isEqualTo(scrubbed);
    }

    @Test
    void textWithoutAKeyIsNotCopied() {
        byte[] bytes = "{\"candidates\": [{\"text\": \"AIza is a prefix, not a key\"}]}".getBytes(StandardCharsets.UTF_8);

        assertThat(scrubber.scrub(bytes)).isSameAs(bytes);
    }

    @Test
    void aKeysFirstCharactersAtTheEndAreHeldBack() {
        byte[] bytes = ("data ?key=" + KEY.substring(0, 10)).getBytes(StandardCharsets.UTF_8);

        assertThat(scrubber.partialKeyStart(bytes, bytes.length)).isEqualTo("data ?key=".length());
        assertThat(scrubber.partialKeyStart("done\r\n\r\n".getBytes(StandardCharsets.UTF_8), 8)).isEqualTo(8);
    }

    @Test
    void aCallsAnswerIsScrubbed() throws Exception {
        String answer = "{\"uri\": \"https://x/files/1?key=" + KEY + "\"}";

        assertThat(relay(false, "application/json", answer)).isEqualTo("{\"uri\": \"https://x/files/1?key=" + MASKED + "\"}");
    }

    @Test
    void aKeyCutAcrossServerSentEventPiecesIsScrubbed() throws Exception {
        String event = "data: {\"text\": \"?key=" + KEY + "\"}\r\n\r\n";

        String relayed = relay(true, "text/event-stream", event.substring(0, 20), event.substring(20, 31), event.substring(31));

        assertThat(relayed).isEqualTo(event.replace(KEY, MASKED));
    }

    @Test
    void aKeyCutAcrossJsonArrayPiecesIsScrubbed() throws Exception {
        String array = "[{\"text\": \"?key=" + KEY + "\"}\r\n]";

        String relayed = relay(true, "application/json", array.substring(0, 22), array.substring(22, 30), array.substring(30));

        assertThat(relayed).isEqualTo(array.replace(KEY, MASKED));
    }

    @Test
    void aLargeEventInManySmallPiecesIsRelayedWholeAndScrubbed() throws Exception {
        // 4 MB in one event, then a short one, cut into 997-byte pieces (so the blank lines ending the
        // events, the key and the "data:" prefixes fall across pieces); the relay holds the event until
        // its blank line, scanning only what each piece adds
        String big = "data: {\"text\": \"" + "x".repeat(2_000_000) + "?key=" + KEY + "&" + "y".repeat(2_000_000)
                + "\"}\r\n\r\n";
        String small = "data: {\"text\": \"end\"}\n\n";
        String stream = big + small;
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < stream.length(); i += 997) {
            pieces.add(stream.substring(i, Math.min(stream.length(), i + 997)));
        }

        String relayed = relay(true, "text/event-stream", pieces.toArray(String[]::new));

        assertThat(relayed).isEqualTo(stream.replace(KEY, MASKED));
    }

    @Test
    void anEventWhoseBlankLineIsCutAcrossPiecesIsReleasedWhenItCompletes() throws Exception {
        String first = "data: {\"text\": \"a\"}\r\n\r\n";
        String second = "data: {\"text\": \"b\"}\r\n\r\n";

        String relayed = relay(true, "text/event-stream", first.substring(0, first.length() - 3), "\n\r", "\n",
                second.substring(0, second.length() - 1), "\n");

        assertThat(relayed).isEqualTo(first + second);
        assertThat(NativeRelay.eventsEnd((first + "data").getBytes(StandardCharsets.UTF_8), first.length() - 1,
                first.length() + 4)).as("a blank line found from its last byte on").isEqualTo(first.length());
    }

    private String relay(boolean stream, String contentType, String... pieces) throws Exception {
        NativeResponse response = new NativeResponse(200, contentType, new Pieces(pieces));
        MutableHttpResponse<byte[]> out = new NativeRelay(scrubber)
                .answer(HttpRequest.POST("/v1beta/models/m:streamGenerateContent", ""), response, stream)
                .get(10, TimeUnit.SECONDS);
        Object body = out.body();
        if (body instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        @SuppressWarnings("unchecked")
        Publisher<byte[]> publisher = (Publisher<byte[]>) body;
        return collect(publisher).get(10, TimeUnit.SECONDS);
    }

    private static CompletableFuture<String> collect(Publisher<byte[]> publisher) {
        CompletableFuture<String> done = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        publisher.subscribe(new Subscriber<>() {
            @Override public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override public void onNext(byte[] piece) {
                try {
                    bytes.write(piece);
                } catch (IOException impossible) {
                    done.completeExceptionally(impossible);
                }
            }

            @Override public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override public void onComplete() {
                done.complete(bytes.toString(StandardCharsets.UTF_8));
            }
        });
        return done;
    }

    /** A body that arrives in the given pieces, one per request(1). */
    private record Pieces(String... pieces) implements Flow.Publisher<ByteBuffer> {
        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private int next;
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && !done; i++) {
                        if (next < pieces.length) {
                            subscriber.onNext(ByteBuffer.wrap(pieces[next++].getBytes(StandardCharsets.UTF_8)));
                        } else {
                            done = true;
                            subscriber.onComplete();
                        }
                    }
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }
    }
}
