package io.github.geminibalance.store;

/**
 * Where the request path hands its records. {@code offer} never blocks and never throws: an
 * implementation that cannot keep up drops records and counts them.
 */
public interface RecordSink {

    /** Hands over one client call's record; false when it was dropped. */
    boolean offer(RequestRecord record);

    /** Hands over one failed attempt's record; false when it was dropped. */
    boolean offer(ErrorRecord record);

    /** How many records were dropped since start (queue full, or writes failed too often): a gauge. */
    long droppedRecords();
}
