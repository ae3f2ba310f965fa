package io.github.geminibalance.server;

import ch.qos.logback.core.ConsoleAppender;
import java.io.BufferedOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code logback.xml}'s console appender: Logback's {@link ConsoleAppender}, which with
 * {@code immediateFlush=false} gathers lines in a buffer of {@value #BUFFER_BYTES} bytes until
 * {@link #flush()} (or the buffer is full, or the appender stops) instead of writing each one to stdout
 * on its own. {@link BatchingAsyncAppender} flushes it after every batch, so a busy server writes its
 * access lines in one system call per batch rather than one per request. With the default
 * {@code immediateFlush=true} it is a plain {@link ConsoleAppender}. Public because Logback instantiates
 * it from {@code logback.xml}.
 */
public class BufferedConsoleAppender<E> extends ConsoleAppender<E> implements Flushable {

    /** The buffer in front of stdout when {@code immediateFlush} is off. */
    static final int BUFFER_BYTES = 64 * 1024;

    /** Called by Logback. */
    public BufferedConsoleAppender() {}

    @Override
    public void setOutputStream(OutputStream out) {
        super.setOutputStream(isImmediateFlush() || out == null ? out : new BufferedOutputStream(out, BUFFER_BYTES));
    }

    /** Writes out the buffered lines. */
    @Override
    public void flush() throws IOException {
        streamWriteLock.lock();
        try {
            OutputStream out = getOutputStream();
            if (out != null) {
                out.flush();
            }
        } finally {
            streamWriteLock.unlock();
        }
    }
}
