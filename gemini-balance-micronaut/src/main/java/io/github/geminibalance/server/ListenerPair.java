package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceListener;
import java.time.Duration;
import java.util.Objects;

/** Two listeners as one, called in order (the core takes one listener). */
final class ListenerPair implements GeminiBalanceListener {

    private final GeminiBalanceListener first;
    private final GeminiBalanceListener second;

    ListenerPair(GeminiBalanceListener first, GeminiBalanceListener second) {
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
    }

    @Override
    public void onAttempt(String model, String keyId, String outcome, int status, Duration duration) {
        first.onAttempt(model, keyId, outcome, status, duration);
        second.onAttempt(model, keyId, outcome, status, duration);
    }

    @Override
    public void onCooldown(String keyId, String model, Duration cooldown) {
        first.onCooldown(keyId, model, cooldown);
        second.onCooldown(keyId, model, cooldown);
    }

    @Override
    public void onRequest(String operation, String model, int status, Duration duration) {
        first.onRequest(operation, model, status, duration);
        second.onRequest(operation, model, status, duration);
    }

    @Override
    public void onFirstChunk(String model, Duration timeToFirstChunk) {
        first.onFirstChunk(model, timeToFirstChunk);
        second.onFirstChunk(model, timeToFirstChunk);
    }
}
