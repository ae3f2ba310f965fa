/** A {@link io.github.geminibalance.keys.KeyStateStore} backed by Redis, for several instances in front of one key set. */
package io.github.geminibalance.redis;
