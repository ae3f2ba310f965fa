package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestTraceTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);

    @Test
    void recordsAttemptsFirstByteAndTokens() {
        RequestTrace trace = RequestTrace.start(now::get);
        trace.model("gemini-2.5-flash");
        trace.stream(true);
        int first = trace.attemptStarted("k-aaaa0001");
        int second = trace.attemptStarted("k-bbbb0002");
        trace.attemptEnded(second, 200);
        trace.attemptEnded(first, 429);
        now.addAndGet(5_000_000L);
        trace.firstByte();
        now.addAndGet(5_000_000L);
        trace.firstByte(); // the first one counts
        trace.tokens(1, 2, 3);
        trace.tokens(8, 9, 17); // the last report counts

        assertThat(trace.attempts()).containsExactly(new RequestTrace.Attempt("k-aaaa0001", 429),
                new RequestTrace.Attempt("k-bbbb0002", 200));
        assertThat(trace.keyIds()).containsExactly("k-aaaa0001", "k-bbbb0002");
        assertThat(trace.firstByteNanos()).hasValue(5_000_000L);
        assertThat(trace.elapsedNanos()).isEqualTo(10_000_000L);
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(8, 9, 17));
        assertThat(trace.model()).contains("gemini-2.5-flash");
        assertThat(trace.stream()).contains(true);
    }

    @Test
    void recordsWhatARequestRecordNeeds() {
        RequestTrace trace = RequestTrace.start(now::get);
        trace.modelSent("gemini-2.5-flash");
        trace.tokens(10, 20, 30, 5, 2);
        trace.finishReason("MAX_TOKENS");
        trace.finishReason(null); // nothing to note: the last real reason stays
        now.addAndGet(3_000_000L);
        trace.attemptFailed("k-aaaa0001", 429, "RESOURCE_EXHAUSTED", "quota");
        trace.errorCode("rate_limit_exceeded");

        assertThat(trace.modelSent()).contains("gemini-2.5-flash");
        assertThat(trace.tokens()).contains(new RequestTrace.Tokens(10, 20, 30, 5, 2));
        assertThat(trace.finishReason()).contains("MAX_TOKENS");
        assertThat(trace.failures()).containsExactly(
                new RequestTrace.FailedAttempt("k-aaaa0001", 429, "RESOURCE_EXHAUSTED", "quota", 3_000_000L));
        assertThat(trace.errorCode()).contains("rate_limit_exceeded");
    }

    @Test
    void doneActionsWaitForAnExpectedBody() {
        RequestTrace trace = RequestTrace.start(now::get);
        AtomicInteger runs = new AtomicInteger();
        trace.expectBody();
        trace.whenDone(runs::incrementAndGet);
        assertThat(runs).hasValue(0);

        trace.bodyEnded();
        trace.bodyEnded(); // once only
        assertThat(runs).hasValue(1);

        trace.whenDone(runs::incrementAndGet); // after the end: at once
        assertThat(runs).hasValue(2);
    }

    @Test
    void withoutABodyDoneActionsRunAtOnceAndAFailingActionDoesNotEscape() {
        RequestTrace trace = RequestTrace.start(now::get);
        AtomicInteger runs = new AtomicInteger();
        trace.bodyEnded(); // nothing expected: ignored
        trace.whenDone(() -> {
            throw new IllegalStateException("observer bug");
        });
        trace.whenDone(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
    }

    @Test
    void noneRecordsNothing() {
        RequestTrace none = RequestTrace.none();
        none.model("m");
        none.attemptEnded(none.attemptStarted("k-1"), 200);
        none.tokens(1, 1, 2);
        none.modelSent("m");
        none.finishReason("STOP");
        none.errorCode("x");
        none.attemptFailed("k-1", 500, "INTERNAL", "m");
        none.firstByte();
        none.expectBody();
        AtomicInteger runs = new AtomicInteger();
        none.whenDone(runs::incrementAndGet);

        assertThat(none.recording()).isFalse();
        assertThat(none.attempts()).isEqualTo(List.of());
        assertThat(none.model()).isEmpty();
        assertThat(none.tokens()).isEmpty();
        assertThat(none.modelSent()).isEmpty();
        assertThat(none.finishReason()).isEmpty();
        assertThat(none.errorCode()).isEmpty();
        assertThat(none.failures()).isEmpty();
        assertThat(none.firstByteNanos()).isEmpty();
        assertThat(runs).hasValue(1);
    }
}
