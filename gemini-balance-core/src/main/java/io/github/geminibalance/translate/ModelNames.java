package io.github.geminibalance.translate;

import java.util.Locale;

/** Model-id helpers shared by the translators. */
public final class ModelNames {

    /** The suffix that adds Google Search grounding. */
    public static final String SEARCH_SUFFIX = "-search";
    /** The suffix that turns image output on for a model of {@code IMAGE_MODELS}. */
    public static final String IMAGE_SUFFIX = "-image";
    /** The suffix that turns thinking off (or to its minimum). */
    public static final String NON_THINKING_SUFFIX = "-non-thinking";

    private ModelNames() {}

    /** The id without a leading {@code models/}; null stays null. */
    public static String stripPrefix(String model) {
        if (model == null) {
            return null;
        }
        String m = model.strip();
        return m.startsWith("models/") ? m.substring("models/".length()) : m;
    }

    /**
     * Whether a model is a Gemini image model ({@code gemini-2.5-flash-image}, {@code
     * gemini-3-pro-image-preview}...), which answers chat with text and images.
     */
    public static boolean isImageModel(String id) {
        String m = id.toLowerCase(Locale.ROOT);
        return m.startsWith("gemini-") && m.contains("-image");
    }

    /**
     * Whether Google Search grounding is offered for a Gemini model id in the model list: Gemini 2 and
     * later chat models, not the specialised ones (embedding, image, speech, live audio).
     */
    public static boolean supportsSearch(String id) {
        String m = id.toLowerCase(Locale.ROOT);
        if (!m.startsWith("gemini-")) {
            return false;
        }
        for (String excluded : new String[] {"embedding", "image", "tts", "live", "audio", "robotics", "computer-use"}) {
            if (m.contains(excluded)) {
                return false;
            }
        }
        char major = m.length() > 7 ? m.charAt(7) : '0';
        return Character.isDigit(major) && major >= '2';
    }
}
