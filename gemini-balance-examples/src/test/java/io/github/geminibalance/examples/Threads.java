package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks that a program leaves no non-daemon thread behind, which would keep its JVM from exiting. */
final class Threads {

    private Threads() {}

    /** The live non-daemon threads, except the fake Gemini's (WireMock starts some lazily). */
    static Set<Thread> nonDaemon() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().isAlive() && !e.getKey().isDaemon())
                .filter(e -> !isFakeGemini(e.getKey(), e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    // WireMock's Jetty: its workers run wiremock.* code; its idle scheduler is recognised by name only
    private static boolean isFakeGemini(Thread t, StackTraceElement[] stack) {
        return t.getName().startsWith("Connector-Scheduler") || t.getName().startsWith("qtp")
                || Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("wiremock."));
    }

    /**
     * Asserts that every non-daemon thread started since {@code before} ends (threads being shut down
     * get a few seconds to finish).
     */
    static void assertNoneLeftSince(Set<Thread> before) throws InterruptedException {
        Set<Thread> started = nonDaemon();
        started.removeAll(before);
        for (Thread t : started) {
            t.join(10_000);
        }
        assertThat(started).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
    }
}
