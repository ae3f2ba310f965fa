import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.github.geminibalance.store.jdbc.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fills a SQLite file through the store, as the server would: {@code --keys} keys, then
 * {@code --records} request records spread evenly over the {@code --days} days before now, over 5
 * models, every key (round robin, as the pool serves them) and {@code --clients} client labels, one in
 * ten a 429 failover with an error record. Run with the server jar on the class path (Java's
 * source-file mode), as {@code bench/records.sh} does:
 *
 * <pre>java -cp gemini-balance-server.jar bench/RecordsFill.java --file=/tmp/records.db</pre>
 *
 * <p>Prints the first key (for {@code API_KEYS}), the time taken and the file size.
 */
public final class RecordsFill {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq < 0 ? arg.length() : eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        Path file = Path.of(options.getOrDefault("file", "records.db"));
        int records = Integer.parseInt(options.getOrDefault("records", "1000000"));
        int keyCount = Integer.parseInt(options.getOrDefault("keys", "5000"));
        int days = Integer.parseInt(options.getOrDefault("days", "30"));
        int clientCount = Integer.parseInt(options.getOrDefault("clients", "10"));
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        List<String> models = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-2.5-flash-lite",
                "gemini-embedding-001");
        List<String> keys = new ArrayList<>(keyCount);
        List<String> ids = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) {
            String key = String.format("AIzaSyBENCH-records-key-%015d", i);
            keys.add(key);
            ids.add(io.github.geminibalance.store.StoredKey.of(key, Instant.EPOCH, null).id());
        }
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            clients.add(String.format("t-%08x", 0x10000000 + i * 7919));
        }
        Instant end = Instant.now();
        Instant start = end.minus(Duration.ofDays(days));
        long step = Duration.between(start, end).toMillis() * 1000 / records; // microseconds
        SplittableRandom random = new SplittableRandom(42);
        long t0 = System.nanoTime();
        try (JdbcStore store = JdbcStore.open(DatabaseSettings.from(Map.of("SQLITE_DATABASE", file.toString(),
                "DATABASE_QUEUE_CAPACITY", "100000", "AUTO_DELETE_REQUEST_LOGS_DAYS", "0",
                "AUTO_DELETE_ERROR_LOGS_DAYS", "0")), Clock.systemUTC(), null)) {
            store.keys().seed(keys);
            int errors = 0;
            for (int i = 0; i < records; i++) {
                Instant at = start.plusNanos(step * i * 1000);
                String model = models.get(random.nextInt(models.size()));
                String client = clients.get(random.nextInt(clients.size()));
                String key = ids.get(i % keyCount);
                boolean failover = random.nextInt(10) == 0;
                List<Attempt> attempts = failover
                        ? List.of(new Attempt(ids.get((i + 1) % keyCount), 429), new Attempt(key, 200))
                        : List.of(new Attempt(key, 200));
                int prompt = 20 + random.nextInt(4000);
                offer(store, new RequestRecord(0, at, String.format("%016x", random.nextLong()), "openai.chat", model,
                        model, random.nextBoolean(), client, attempts, 200, 300 + random.nextInt(5000),
                        200 + random.nextInt(900), prompt, random.nextInt(1500), random.nextInt(800),
                        random.nextInt(10) == 0 ? prompt / 2 : 0, "STOP", null));
                if (failover) {
                    errors++;
                    offer(store, new ErrorRecord(0, at.minusMillis(100), null, ids.get((i + 1) % keyCount), 429,
                            "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing "
                                    + "details.", model, client, null));
                }
            }
            if (!store.flush(3_600_000)) {
                throw new IllegalStateException("not written within an hour");
            }
            System.out.printf("RECORDS_FILL records=%d errors=%d keys=%d clients=%d days=%d seconds=%.1f queue_full_waits=%d%n",
                    records, errors, keyCount, clientCount, days, (System.nanoTime() - t0) / 1e9,
                    store.sink().droppedRecords());
        }
        System.out.println("RECORDS_FILL first_key=" + keys.get(0));
    }

    private static void offer(JdbcStore store, Object record) throws InterruptedException {
        while (!(record instanceof RequestRecord r ? store.sink().offer(r) : store.sink().offer((ErrorRecord) record))) {
            Thread.sleep(1); // the queue is full: wait for the writer, never drop a bench record
        }
    }
}
