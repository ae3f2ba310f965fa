/** A {@link io.github.geminibalance.spi.KeyStateStore} backed by Redis, for several instances in front of one key set. */
package io.github.geminibalance.redis;
