package io.github.geminibalance.redis;

import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * The Redis names of one pool's shared state: {@code <namespace>:{<pool hash>}:} and the name of each
 * hash, counter and channel (see {@link RedisKeyStateStore}).
 */
record PoolNames(String state, String failures, String rest, String rotation, String events, String positions) {

    static PoolNames of(String namespace, List<String> keyIds) {
        String prefix = namespace + ":{" + poolHash(keyIds) + "}:";
        return new PoolNames(prefix + "state", prefix + "failures", prefix + "rest", prefix + "rotation",
                prefix + "events", prefix + "positions");
    }

    /** A hash of the sorted, distinct key ids: the same key set gives the same name in any order. */
    static String poolHash(List<String> keyIds) {
        String joined = String.join(",", new TreeSet<>(keyIds));
        return HexFormat.of().formatHex(RedisScripts.digest("SHA-256", joined), 0, 8);
    }
}
