package io.github.geminibalance.server;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires the image settings ({@code IMAGE_URL_TTL_HOURS}, {@code PUBLIC_BASE_URL}); tests replace them. */
@Factory
final class ImageFactory {

    /** The image settings; {@code Application.main} has already checked they load. */
    @Singleton
    ImageSettings imageSettings() {
        return ImageSettings.from(GeminiBalanceFactory.rawSettings());
    }
}
