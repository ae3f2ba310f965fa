package io.github.geminibalance.translate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A RIFF/WAVE file around 16-bit little-endian PCM samples: the 44-byte canonical header, then the samples. */
final class WavFile {

    static final int HEADER_BYTES = 44;
    private static final int BITS_PER_SAMPLE = 16;
    private static final int UNKNOWN_SIZE = 0xFFFFFFFF;

    private WavFile() {}

    /**
     * The WAV file of {@code pcm}.
     *
     * @param pcm 16-bit little-endian samples, interleaved when there are several channels
     * @param sampleRate samples per second, such as 24000
     * @param channels 1 for mono
     */
    static byte[] of(byte[] pcm, int sampleRate, int channels) {
        int blockAlign = channels * BITS_PER_SAMPLE / 8;
        int dataBytes = pcm.length - pcm.length % blockAlign; // a torn last sample is dropped
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1) // PCM
                .putShort((short) channels).putInt(sampleRate).putInt(sampleRate * blockAlign)
                .putShort((short) blockAlign).putShort((short) BITS_PER_SAMPLE);
        b.put(ascii("data")).putInt(dataBytes).put(pcm, 0, dataBytes);
        return b.array();
    }

    /**
     * The header of a WAV stream whose length is not known yet: the RIFF and data sizes are 0xFFFFFFFF, as
     * streaming players expect; the samples follow as they come.
     *
     * @param sampleRate samples per second, such as 24000
     * @param channels 1 for mono
     */
    static byte[] streamingHeader(int sampleRate, int channels) {
        int blockAlign = channels * BITS_PER_SAMPLE / 8;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(UNKNOWN_SIZE).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1)
                .putShort((short) channels).putInt(sampleRate).putInt(sampleRate * blockAlign)
                .putShort((short) blockAlign).putShort((short) BITS_PER_SAMPLE);
        b.put(ascii("data")).putInt(UNKNOWN_SIZE);
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
