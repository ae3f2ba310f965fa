package io.github.geminibalance.examples.keycheck;

import java.util.List;

/**
 * The outcome of checking one key. Holds no secret: only the masked key and its stable id.
 *
 * @param masked the key with all but its first and last four characters hidden ({@code AIza...x9Q4})
 * @param id a stable non-secret id derived from a hash of the key ({@code k-3f9a1c07}), as the server shows it
 * @param verdict the verdict
 * @param status the HTTP status of the probe, or 0 when no answer came
 * @param reason a short non-secret reason such as {@code API_KEY_INVALID}, or null for a valid key
 * @param models the ids of the models the key may use, or null when they could not be listed
 */
public record KeyResult(String masked, String id, KeyVerdict verdict, int status, String reason, List<String> models) {

    /** Copies the model list. */
    public KeyResult {
        models = models == null ? null : List.copyOf(models);
    }
}
