package io.github.geminibalance.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the calling thread's CPU priority to the lowest nice value (19), so that the store's writer
 * runs on CPU time the request path leaves: while a core has idle time nothing changes, and when the
 * server is CPU-bound, answering clients comes first and records wait in the queue (and are dropped,
 * counted, when it is full) instead of taking CPU from requests.
 *
 * <p>Best effort, Linux only: the thread's id comes from {@code /proc/thread-self} and {@code renice}
 * (util-linux) sets it; lowering one's own priority needs no privilege. Anywhere else, or when
 * {@code renice} is missing, the thread keeps its priority.
 */
final class BackgroundPriority {

    /** The nice value set: the lowest priority. */
    static final int NICE = 19;

    private BackgroundPriority() {}

    /**
     * Lowers the calling thread's priority.
     *
     * @return the thread's Linux id when its nice value is now {@value #NICE}, else -1
     */
    static long lowerCurrentThread() {
        try {
            Path self = Path.of("/proc/thread-self");
            if (!Files.isSymbolicLink(self)) {
                return -1;
            }
            String target = Files.readSymbolicLink(self).toString(); // "<pid>/task/<tid>"
            long tid = Long.parseLong(target.substring(target.lastIndexOf('/') + 1));
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", Long.toString(tid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                return -1;
            }
            return renice.exitValue() == 0 ? tid : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
