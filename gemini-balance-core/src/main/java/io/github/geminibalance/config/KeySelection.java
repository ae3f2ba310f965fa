package io.github.geminibalance.config;

import java.util.Locale;
import java.util.Optional;

/** How the key pool picks the key for the next request ({@code KEY_SELECTION}). */
public enum KeySelection {
    /** Strict rotation over the usable keys ({@code round_robin}, the default). */
    ROUND_ROBIN,
    /** The usable key with the fewest requests in flight; rotation breaks ties ({@code least_busy}). */
    LEAST_BUSY;

    /**
     * Parses a setting value: {@code round_robin} or {@code least_busy}, in any case, with {@code -} or
     * {@code _} between the words; surrounding whitespace is ignored.
     *
     * @param value the setting's value
     * @return the strategy, or empty when the value names none
     */
    public static Optional<KeySelection> parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "round_robin" -> Optional.of(ROUND_ROBIN);
            case "least_busy" -> Optional.of(LEAST_BUSY);
            default -> Optional.empty();
        };
    }

    /** The setting's spelling: {@code round_robin} or {@code least_busy}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
