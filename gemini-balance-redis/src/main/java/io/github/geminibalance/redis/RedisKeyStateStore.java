package io.github.geminibalance.redis;

import io.github.geminibalance.spi.KeyEvent;
import io.github.geminibalance.spi.KeyStateStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares key state through Redis, so several gemini-balance instances in front of one key set rotate
 * as one and never hand out a key another instance saw rate-limited.
 *
 * <h2>Data in Redis</h2>
 * Every name starts with {@code <namespace>:{<pool>}:}, where {@code <pool>} is a hash of the pool's
 * sorted key ids: two pools with different keys never share anything, and the braces keep a pool's
 * data in one cluster slot.
 * <ul>
 *   <li>{@code rotation}: a counter, advanced ({@code INCRBY}) by each handed-out key and the keys
 *       skipped to reach it. The new value is the
 *       shared rotation position: it goes back to the instance that moved it and, over the
 *       {@code positions} channel, to every other instance.</li>
 *   <li>{@code state}: a hash from key id to {@code INVALID}, {@code DISABLED}, or
 *       {@code DISABLED:<epoch millis>} for a key disabled until a time (ignored once it has passed).</li>
 *   <li>{@code failures}: a hash from key id to its consecutive transient failures.</li>
 *   <li>{@code rest}: a hash from {@code <key id>|<model>} to {@code <epoch millis>:COOLDOWN} or
 *       {@code :EXHAUSTED}. An entry whose time has passed is ignored when read; the hash itself
 *       expires with its longest entry, so nothing piles up.</li>
 *   <li>{@code events}: a pub/sub channel. Every change is broadcast as JSON with the id of the
 *       instance that made it; an instance ignores its own.</li>
 * </ul>
 * Every change is one Lua script that updates the data and publishes the event atomically: a
 * cooldown only ever extends, a failure is {@code HINCRBY} (never below the publisher's own count),
 * INVALID never replaces DISABLED, ENABLED lifts DISABLED (INVALID with it), RESET deletes everything
 * about the key. Instances must have synchronized clocks (NTP): cooldown and disable ends are absolute
 * times.
 *
 * <h2>Keys added at run time</h2>
 * The pool's name comes from the ids given to {@link #attach} and never changes. Keys the pool takes in
 * later ({@link #added}) share state under that name like the first ones: their shared state is loaded
 * into the pool when they are added, and their changes are broadcast as any other.
 *
 * <h2>Never in the way</h2>
 * The pool selects from its own memory; {@link #publish} and {@link #advance} only start an
 * asynchronous command and return. Commands time out after {@link #COMMAND_TIMEOUT}, and nothing is
 * sent while the connection is down. {@link #attach} waits at most {@link #ATTACH_WAIT} for the
 * first synchronisation, so a new instance does not start by handing out keys others know to be
 * resting; when Redis is unreachable it returns at once.
 *
 * <h2>Losing Redis</h2>
 * The first failure of an outage logs one WARN ({@code Redis unavailable, using local key state:
 * <reason>}, never the URL's password) and {@link #healthy()} turns false; the pool goes on with
 * its local state. Lettuce reconnects by itself (and this store retries a first connection that
 * never succeeded). Once both connections are up again the store reconciles: it re-subscribes,
 * re-publishes what the pool still holds (cooldowns in the future, INVALID, DISABLED, failure
 * counts; merged, so the longer cooldown and the higher count win), reloads the shared state into
 * the pool and logs {@code Redis back, key state reconciled}. A RESET made during an outage can be
 * undone by another instance's older knowledge at that point; repeat it.
 */
public final class RedisKeyStateStore implements KeyStateStore {

    /** How long one Redis command may take before it counts as a failure. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

    /** How long {@link #attach} waits for the first synchronisation at most. */
    public static final Duration ATTACH_WAIT = Duration.ofSeconds(1);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration MAINTAIN_EVERY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RedisKeyStateStore.class);

    private final RedisURI uri;
    private final String where;
    private final List<String> secrets;
    private final String namespace;
    private final Clock clock;
    private final String instanceId;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService executor;

    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private final AtomicBoolean connectingCommands = new AtomicBoolean();
    private final AtomicBoolean connectingPubsub = new AtomicBoolean();

    // set once by attach(); names doubles as the "attached" flag and is written last
    private volatile Consumer<KeyEvent> remote;
    private volatile LongConsumer rotation;
    private volatile Supplier<List<KeyEvent>> local;
    private volatile PoolNames names;

    private volatile boolean healthy;
    private volatile boolean closed;
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final AtomicLong outages = new AtomicLong();
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private boolean outageLogged; // guarded by this
    private boolean everSynced; // guarded by this

    private final Object rotationLock = new Object();
    private long position = -1; // guarded by rotationLock

    private RedisKeyStateStore(RedisURI uri, List<String> secrets, String namespace, Clock clock) {
        this.uri = uri;
        this.where = uri.getHost() + ":" + uri.getPort();
        this.secrets = secrets;
        this.namespace = namespace;
        this.clock = clock;
        this.instanceId = UUID.randomUUID().toString();
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while disconnected instead of queueing: reconciliation re-sends what matters
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(10_000)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gemini-balance-redis");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates a store and starts connecting in the background. Returns at once, even when Redis is
     * down: the store then keeps trying, and the pool runs on local state meanwhile.
     *
     * @param redisUrl a Lettuce URL such as {@code redis://:password@host:6379/0} or {@code rediss://...}
     * @param namespace the prefix of every Redis name, such as {@code gemini-balance}
     * @param clock the time source for cooldown ends; instances sharing a pool need synchronized clocks
     * @return the store, not yet attached to a pool
     * @throws IllegalArgumentException if the URL cannot be parsed (the message does not repeat it)
     */
    public static RedisKeyStateStore connect(String redisUrl, String namespace, Clock clock) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(clock, "clock");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("the Redis namespace must not be blank");
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(redisUrl.strip());
        } catch (RuntimeException e) {
            // the parser's message may contain the URL and so its password
            throw new IllegalArgumentException(
                    "REDIS_URL is not a valid Redis URL (expected redis://[[user]:password@]host[:port][/database])");
        }
        uri.setClientName("gemini-balance");
        RedisKeyStateStore store = new RedisKeyStateStore(uri, RedisSecrets.secretsOf(redisUrl), namespace, clock);
        store.start();
        return store;
    }

    private void start() {
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                later(RedisKeyStateStore.this::maintain);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                markDown("connection lost");
            }
        });
        executor.scheduleWithFixedDelay(this::maintain, 0, MAINTAIN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Attaches without a view of the pool's local state: nothing is re-published after an outage. */
    @Override
    public void attach(List<String> keyIds, Consumer<KeyEvent> remote, LongConsumer rotation) {
        attach(keyIds, remote, rotation, List::of);
    }

    /**
     * Subscribes to the pool's channels, loads the shared state into the pool (as remote events and a
     * rotation position) and re-publishes {@code local} after every outage. Waits at most
     * {@link #ATTACH_WAIT} for the first synchronisation.
     *
     * @throws IllegalStateException if the store is already attached to a pool
     */
    @Override
    public void attach(List<String> keyIds, Consumer<KeyEvent> remote, LongConsumer rotation,
            Supplier<List<KeyEvent>> local) {
        Objects.requireNonNull(keyIds, "keyIds");
        synchronized (this) {
            if (names != null) {
                throw new IllegalStateException("this Redis key state store is already attached to a pool");
            }
            this.remote = Objects.requireNonNull(remote, "remote");
            this.rotation = Objects.requireNonNull(rotation, "rotation");
            this.local = Objects.requireNonNull(local, "local");
            this.names = PoolNames.of(namespace, keyIds);
        }
        later(this::maintain);
        try {
            firstAttempt.get(ATTACH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // go on with local state; the store keeps trying
        }
    }

    /**
     * Loads the shared state of keys the pool took in after {@link #attach} into the pool, asynchronously;
     * does nothing while Redis is unreachable (the next reconciliation loads everything).
     */
    @Override
    public void added(List<String> keyIds) {
        PoolNames n = names;
        StatefulRedisConnection<String, String> c = commands;
        if (closed || n == null || c == null || !c.isOpen() || keyIds.isEmpty()) {
            return;
        }
        java.util.Set<String> only = java.util.Set.copyOf(keyIds);
        try {
            RedisScripts.<List<Object>>eval(c, RedisScripts.LOAD, ScriptOutputType.MULTI,
                    new String[] {n.state(), n.failures(), n.rest(), n.rotation()})
                    .whenComplete((snapshot, ex) -> {
                        if (ex != null) {
                            markDown(reason(ex));
                            return;
                        }
                        try {
                            apply(snapshot, only);
                        } catch (RuntimeException e) {
                            markDown(reason(e));
                        }
                    });
        } catch (RuntimeException e) {
            markDown(reason(e));
        }
    }

    /** Writes the change and broadcasts it, asynchronously; does nothing while Redis is unreachable. */
    @Override
    public void publish(KeyEvent event) {
        Objects.requireNonNull(event, "event");
        PoolNames n = names;
        StatefulRedisConnection<String, String> c = commands;
        if (closed || n == null || c == null || !c.isOpen()) {
            return; // reconciliation shares what is still in force once Redis is back
        }
        try {
            send(c, n, event, false).whenComplete((ok, ex) -> {
                if (ex != null) {
                    markDown(reason(ex));
                }
            });
        } catch (RuntimeException e) {
            markDown(reason(e)); // never into the pool
        }
    }

    /** Adds {@code steps} to the shared rotation counter, asynchronously; the pool follows the new value. */
    @Override
    public void advance(int steps) {
        PoolNames n = names;
        StatefulRedisConnection<String, String> c = commands;
        if (closed || n == null || c == null || !c.isOpen()) {
            return;
        }
        try {
            RedisScripts.<Long>eval(c, RedisScripts.ADVANCE, ScriptOutputType.INTEGER, new String[] {n.rotation()},
                    n.positions(), Integer.toString(steps))
                    .whenComplete((value, ex) -> {
                        if (ex != null) {
                            markDown(reason(ex));
                        } else {
                            follow(value, false);
                        }
                    });
        } catch (RuntimeException e) {
            markDown(reason(e));
        }
    }

    /** Whether the store is connected and in step with Redis. */
    @Override
    public boolean healthy() {
        return healthy && !closed;
    }

    /** Closes the connections and the client. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        healthy = false;
        executor.shutdownNow();
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.debug("Redis client shutdown: {}", e.toString());
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("Redis client resources shutdown: {}", e.toString());
        }
    }

    /** The last rotation position handed to the pool, or -1 before the first. */
    long position() {
        synchronized (rotationLock) {
            return position;
        }
    }

    // --- connection upkeep, on the executor

    private void maintain() {
        if (closed) {
            return;
        }
        try {
            connectIfNeeded();
            StatefulRedisConnection<String, String> c = commands;
            StatefulRedisPubSubConnection<String, String> p = pubsub;
            if (!healthy && names != null && c != null && c.isOpen() && p != null && p.isOpen()) {
                sync(c, p);
            }
        } catch (RuntimeException e) {
            markDown(reason(e));
        }
    }

    private void connectIfNeeded() {
        if (commands == null && connectingCommands.compareAndSet(false, true)) {
            client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, ex) -> {
                connectingCommands.set(false);
                if (ex != null) {
                    markDown(reason(ex));
                } else if (closed) {
                    c.closeAsync();
                } else {
                    commands = c;
                    later(this::maintain);
                }
            });
        }
        if (pubsub == null && connectingPubsub.compareAndSet(false, true)) {
            client.connectPubSubAsync(StringCodec.UTF8, uri).whenComplete((p, ex) -> {
                connectingPubsub.set(false);
                if (ex != null) {
                    markDown(reason(ex));
                } else if (closed) {
                    p.closeAsync();
                } else {
                    p.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) {
                            onMessage(channel, message);
                        }
                    });
                    pubsub = p;
                    later(this::maintain);
                }
            });
        }
    }

    // Subscribe first, so nothing published after the load is missed; then share what this instance
    // knows and load what everyone knows.
    private void sync(StatefulRedisConnection<String, String> c, StatefulRedisPubSubConnection<String, String> p) {
        if (!syncing.compareAndSet(false, true)) {
            return;
        }
        long outage = outages.get();
        PoolNames n = names;
        List<KeyEvent> mine;
        try {
            mine = List.copyOf(local.get());
        } catch (RuntimeException e) {
            syncing.set(false);
            throw e;
        }
        p.async().subscribe(n.events(), n.positions()).toCompletableFuture()
                .thenCompose(v -> CompletableFuture.allOf(
                        mine.stream().map(e -> send(c, n, e, true)).toArray(CompletableFuture<?>[]::new)))
                .thenCompose(v -> RedisScripts.<List<Object>>eval(c, RedisScripts.LOAD, ScriptOutputType.MULTI,
                        new String[] {n.state(), n.failures(), n.rest(), n.rotation()}))
                .whenComplete((snapshot, ex) -> {
                    try {
                        if (ex != null) {
                            markDown(reason(ex));
                            return;
                        }
                        apply(snapshot);
                        if (outages.get() == outage) {
                            markUp();
                        }
                    } catch (RuntimeException e) {
                        markDown(reason(e));
                    } finally {
                        syncing.set(false);
                        firstAttempt.complete(null);
                    }
                });
    }

    private void apply(List<Object> snapshot) {
        apply(snapshot, null);
    }

    // Hands the shared state to the pool as remote events: all of it, or only the keys in {@code only}.
    private void apply(List<Object> snapshot, java.util.Set<String> only) {
        long now = clock.millis();
        Consumer<KeyEvent> to = event -> {
            if (only == null || only.contains(event.keyId())) {
                remote.accept(event);
            }
        };
        for (KeyEvent event : RedisWire.snapshotEvents(snapshot, now)) {
            to.accept(event);
        }
        if (only == null) {
            follow(Long.parseLong(String.valueOf(snapshot.get(3))), true);
        }
    }

    // --- messages from other instances, on Lettuce's threads

    private void onMessage(String channel, String message) {
        PoolNames n = names;
        if (n == null || closed) {
            return;
        }
        try {
            if (channel.equals(n.positions())) {
                follow(Long.parseLong(message.strip()), false);
            } else if (channel.equals(n.events())) {
                KeyEvent event = RedisWire.fromJson(message, instanceId);
                if (event != null) {
                    remote.accept(event);
                }
            }
        } catch (RuntimeException e) {
            log.debug("Ignoring a malformed message on {}: {}", channel, e.toString());
        }
    }

    // Positions arrive on two connections (the INCR reply and the channel), so an older one may come
    // last: only move forward, except when a (re)load says where the counter is now.
    private void follow(long value, boolean reload) {
        synchronized (rotationLock) {
            if (!reload && value <= position) {
                return;
            }
            position = value;
            LongConsumer to = rotation;
            if (to != null) {
                to.accept(value);
            }
        }
    }

    // --- health

    private void markDown(String reason) {
        if (closed) {
            return;
        }
        healthy = false;
        outages.incrementAndGet();
        boolean first;
        synchronized (this) {
            first = !outageLogged;
            outageLogged = true;
        }
        if (first) {
            log.warn("Redis unavailable, using local key state: {}", reason);
        }
        firstAttempt.complete(null);
    }

    private void markUp() {
        boolean wasDown;
        boolean firstSync;
        synchronized (this) {
            wasDown = outageLogged;
            firstSync = !everSynced;
            outageLogged = false;
            everSynced = true;
        }
        healthy = true;
        if (wasDown) {
            log.info("Redis back, key state reconciled");
        } else if (firstSync) {
            log.info("Key state shared through Redis at {} (namespace {})", where, namespace);
        }
    }

    /** A short description of a failure, without the URL's password. */
    String reason(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String text = t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
        return RedisSecrets.scrub(text, secrets);
    }

    private void later(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    // --- Redis calls

    private CompletableFuture<Long> send(StatefulRedisConnection<String, String> c, PoolNames n, KeyEvent event,
            boolean merge) {
        return RedisScripts.eval(c, RedisScripts.EVENT, ScriptOutputType.INTEGER,
                new String[] {n.state(), n.failures(), n.rest()},
                RedisWire.toJson(event, instanceId), Long.toString(clock.millis()), n.events(),
                merge ? "merge" : "apply");
    }

}
