/**
 * Shared key state over Redis: an implementation of the core's {@code KeyStateStore} SPI, so several
 * gemini-balance instances with the same keys rotate and rest them together.
 */
module io.github.geminibalance.redis {
    requires transitive io.github.geminibalance.core;
    requires lettuce.core;
    requires io.netty.common; // shutting down the client resources returns a Netty future
    requires org.slf4j;

    exports io.github.geminibalance.redis;
}
