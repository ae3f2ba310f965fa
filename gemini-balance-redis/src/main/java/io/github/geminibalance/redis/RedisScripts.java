package io.github.geminibalance.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts that change and read a pool's shared state, each one atomic in Redis, and how they are
 * sent: by their SHA-1, falling back to the body when Redis does not know them yet.
 */
final class RedisScripts {

    private RedisScripts() {
    }

    // KEYS: state, failures, rest. ARGV: event JSON, now (epoch millis), events channel, "merge" or "apply".
    static final Script EVENT = new Script("""
            local e = cjson.decode(ARGV[1])
            local now = tonumber(ARGV[2])
            local t = e['type']
            local id = e['keyId']
            if t == 'COOLDOWN' or t == 'EXHAUSTED' then
              local field = id .. '|' .. e['model']
              local untilMs = tonumber(e['until'])
              local current = redis.call('HGET', KEYS[3], field)
              local currentMs = 0
              if current then currentMs = tonumber(string.match(current, '^(%d+)')) or 0 end
              if untilMs > currentMs then
                redis.call('HSET', KEYS[3], field, string.format('%d', untilMs) .. ':' .. t)
                local ttl = untilMs - now
                if ttl > 0 and redis.call('PTTL', KEYS[3]) < ttl then
                  redis.call('PEXPIRE', KEYS[3], string.format('%d', ttl))
                end
              end
            elseif t == 'INVALID' then
              local current = redis.call('HGET', KEYS[1], id)
              if not current or string.sub(current, 1, 8) ~= 'DISABLED' then redis.call('HSET', KEYS[1], id, 'INVALID') end
            elseif t == 'DISABLED' then
              if e['until'] then
                redis.call('HSET', KEYS[1], id, 'DISABLED:' .. string.format('%d', tonumber(e['until'])))
              else
                redis.call('HSET', KEYS[1], id, 'DISABLED')
              end
            elseif t == 'ENABLED' then
              local current = redis.call('HGET', KEYS[1], id)
              if current and string.sub(current, 1, 8) == 'DISABLED' then redis.call('HDEL', KEYS[1], id) end
            elseif t == 'VALID' then
              if redis.call('HGET', KEYS[1], id) == 'INVALID' then redis.call('HDEL', KEYS[1], id) end
              redis.call('HDEL', KEYS[2], id)
            elseif t == 'RESET' then
              redis.call('HDEL', KEYS[1], id)
              redis.call('HDEL', KEYS[2], id)
              local prefix = id .. '|'
              for _, field in ipairs(redis.call('HKEYS', KEYS[3])) do
                if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[3], field) end
              end
            elseif t == 'FAILURE' then
              local mine = tonumber(e['failures']) or 0
              local n
              if ARGV[4] == 'merge' then
                n = tonumber(redis.call('HGET', KEYS[2], id) or '0')
              else
                n = redis.call('HINCRBY', KEYS[2], id, 1)
              end
              if mine > n then
                n = mine
                redis.call('HSET', KEYS[2], id, string.format('%d', n))
              end
              e['failures'] = n
            elseif t == 'SUCCESS' then
              redis.call('HDEL', KEYS[2], id)
              if e['model'] then redis.call('HDEL', KEYS[3], id .. '|' .. e['model']) end
            end
            redis.call('PUBLISH', ARGV[3], cjson.encode(e))
            return 1
            """);

    // KEYS: rotation. ARGV: positions channel, steps.
    static final Script ADVANCE = new Script("""
            local n = redis.call('INCRBY', KEYS[1], tonumber(ARGV[2]))
            redis.call('PUBLISH', ARGV[1], n)
            return n
            """);

    // KEYS: state, failures, rest, rotation.
    static final Script LOAD = new Script("""
            return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),
                    redis.call('HGETALL', KEYS[3]), redis.call('GET', KEYS[4]) or '0'}
            """);

    // EVALSHA, falling back to EVAL when Redis does not know the script (it restarted, say).
    static <T> CompletableFuture<T> eval(StatefulRedisConnection<String, String> c, Script script,
            ScriptOutputType type, String[] keys, String... args) {
        RedisAsyncCommands<String, String> async = c.async();
        return async.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture()
                .exceptionallyCompose(ex -> {
                    Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                    if (cause instanceof RedisNoScriptException) {
                        return async.<T>eval(script.body(), type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /** A script and the SHA-1 of its body, for {@code EVALSHA}. */
    record Script(String body, String sha) {
        Script(String body) {
            this(body, HexFormat.of().formatHex(digest("SHA-1", body)));
        }
    }

    static byte[] digest(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is always available", e);
        }
    }
}
