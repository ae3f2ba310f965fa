package io.github.geminibalance.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What needs no Redis at all. */
class RedisKeyStateStoreOfflineTest {

    @Test
    void theSameKeySetNamesTheSamePoolInAnyOrderAndAnotherSetAnother() {
        PoolNames one = PoolNames.of("gemini-balance", List.of("k-1", "k-2", "k-3"));
        PoolNames same = PoolNames.of("gemini-balance", List.of("k-3", "k-1", "k-2"));
        PoolNames other = PoolNames.of("gemini-balance", List.of("k-1", "k-2"));
        PoolNames elsewhere = PoolNames.of("staging", List.of("k-1", "k-2", "k-3"));

        assertThat(same).isEqualTo(one);
        assertThat(other.rotation()).isNotEqualTo(one.rotation());
        assertThat(other.events()).isNotEqualTo(one.events());
        assertThat(elsewhere.rotation()).isNotEqualTo(one.rotation());
        assertThat(one.rotation()).matches("gemini-balance:\\{[0-9a-f]{16}}:rotation");
    }

    @Test
    void reasonsNeverCarryThePassword() {
        List<String> password = RedisSecrets.secretsOf("redis://user:s3cr3t-pa55@cache:6379/0");
        assertThat(password).containsExactly("s3cr3t-pa55");
        assertThat(RedisSecrets.secretsOf("rediss://p%40ss@cache")).containsExactly("p%40ss", "p@ss");
        assertThat(RedisSecrets.secretsOf("redis://cache:6379")).isEmpty();
        assertThat(RedisSecrets.scrub("Unable to connect to redis://user:s3cr3t-pa55@cache:6379", password))
                .isEqualTo("Unable to connect to redis://***@cache:6379");
        assertThat(RedisSecrets.scrub("WRONGPASS s3cr3t-pa55 rejected", password))
                .isEqualTo("WRONGPASS *** rejected");
    }

    @Test
    void aMalformedUrlIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> RedisKeyStateStore.connect("redis://:s3cr3t@[bad", "gemini-balance", Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REDIS_URL")
                .hasMessageNotContaining("s3cr3t");
    }
}
