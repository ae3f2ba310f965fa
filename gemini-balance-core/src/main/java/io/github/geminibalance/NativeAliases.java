package io.github.geminibalance;

import java.util.Map;

/** {@code MODEL_ALIASES} on the native routes: {@code models/<alias>:method} calls the aliased model. */
final class NativeAliases {

    private static final String MODELS = "models/";

    private NativeAliases() {}

    /** The path with its model replaced when it is an alias; otherwise the path unchanged. */
    static String apply(Map<String, String> aliases, String path, String model) {
        String target = aliases.get(model);
        if (target == null || !path.startsWith(MODELS + model)) {
            return path;
        }
        String bare = target.startsWith(MODELS) ? target.substring(MODELS.length()) : target;
        return MODELS + bare + path.substring((MODELS + model).length());
    }
}
