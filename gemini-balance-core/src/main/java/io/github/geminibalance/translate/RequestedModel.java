package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import java.util.List;

/**
 * The model a client asked for, split into the upstream id and the suffix flags ({@code -search},
 * {@code -non-thinking}, {@code -image}).
 */
record RequestedModel(String upstream, boolean search, boolean nonThinking, boolean image) {

    private static final String PREFIX = "models/";
    private static final String SEARCH = "-search";
    private static final String NON_THINKING = "-non-thinking";

    static RequestedModel parse(String model) {
        return parse(model, List.of());
    }

    /** {@code imageModels}: the upstream ids whose {@code -image} name turns image output on. */
    static RequestedModel parse(String model, List<String> imageModels) {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("model", "model is required.");
        }
        String m = model.trim();
        if (m.startsWith(PREFIX)) {
            m = m.substring(PREFIX.length());
        }
        boolean search = false;
        boolean nonThinking = false;
        while (true) {
            if (m.endsWith(SEARCH)) {
                search = true;
                m = m.substring(0, m.length() - SEARCH.length());
            } else if (m.endsWith(NON_THINKING)) {
                nonThinking = true;
                m = m.substring(0, m.length() - NON_THINKING.length());
            } else {
                break;
            }
        }
        if (m.isEmpty()) {
            throw new InvalidRequestException("model", "The model name is empty once its suffixes are removed.");
        }
        boolean image = false;
        // only for IMAGE_MODELS: gemini-2.5-flash-image is a model of its own, not flash with a suffix
        if (m.endsWith(ModelNames.IMAGE_SUFFIX)
                && imageModels.contains(m.substring(0, m.length() - ModelNames.IMAGE_SUFFIX.length()))) {
            image = true;
            m = m.substring(0, m.length() - ModelNames.IMAGE_SUFFIX.length());
        }
        return new RequestedModel(m, search, nonThinking, image);
    }
}
