package io.github.geminibalance.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@code model} label of the metrics bounded. Model names are free text from clients, so a
 * name becomes a label value only once Gemini has accepted it (a successful answer or a rate limit for
 * it), and at most {@link #capacity} names ever do. Every other name is reported as {@link #OTHER}.
 */
final class ModelTags {

    /** The label value of models that are not (yet) admitted. */
    static final String OTHER = "other";
    /** The label value of requests without a model (the model list). */
    static final String NONE = "none";
    /** The default number of distinct model names. */
    static final int DEFAULT_CAPACITY = 100;

    private final int capacity;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    ModelTags(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Admits a model Gemini accepted, unless the capacity is reached; returns its label value. */
    String admit(String model) {
        if (model == null || model.isEmpty()) {
            return NONE;
        }
        if (admitted.contains(model)) {
            return model;
        }
        synchronized (this) {
            if (admitted.size() < capacity) {
                admitted.add(model);
                return model;
            }
        }
        return admitted.contains(model) ? model : OTHER;
    }

    /** The label value of a model without admitting it: itself if admitted, else {@link #OTHER}. */
    String of(String model) {
        if (model == null || model.isEmpty()) {
            return NONE;
        }
        return admitted.contains(model) ? model : OTHER;
    }
}
