package io.github.geminibalance.translate;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.upstream.SoftFailureException;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audio of Gemini's speech answer, read event by event: the 16-bit PCM of each event's audio parts,
 * with the token counts and whether Gemini finished. A whole answer is one event; a streamed answer
 * ({@code streamGenerateContent}) is many, and for a streamed WAV the first piece carries a header whose
 * sizes say "unknown" ({@link WavFile#streamingHeader}). Not thread-safe: one per answer.
 */
public final class SpeechAudio {

    private static final int DEFAULT_RATE = 24_000;
    private static final Pattern RATE = Pattern.compile("rate=(\\d{3,6})");

    private final boolean wavHeader;
    private int rate = DEFAULT_RATE;
    private boolean started;
    private boolean finished;
    private RequestTrace.Tokens tokens;

    /**
     * A reader of one answer.
     *
     * @param wavHeader whether the first piece starts with a streamed WAV header
     */
    public SpeechAudio(boolean wavHeader) {
        this.wavHeader = wavHeader;
    }

    /**
     * The bytes of one event to pass on: its PCM, behind the WAV header on the first piece when asked for.
     *
     * @param event one of Gemini's answers or stream events
     * @return the bytes, empty when the event holds no audio
     * @throws InvalidRequestException when Gemini blocked the input
     * @throws GeminiBalanceException 502 when the audio is not PCM
     * @throws SoftFailureException when the audio is not valid base64
     */
    public byte[] onEvent(GenerateContentResponse event) {
        if (event.promptFeedback() != null && event.promptFeedback().blockReason() != null) {
            throw new InvalidRequestException(400, "input", "content_filter",
                    "Gemini refused to speak this input (" + event.promptFeedback().blockReason() + ").");
        }
        RequestTrace.Tokens counted = SpeechTranslator.tokens(event);
        if (counted != null) {
            tokens = counted; // each event's usageMetadata is the total so far
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Candidate c : event.candidatesOrEmpty()) {
            if (c.finishReason() != null) {
                finished = true;
            }
            for (Part p : c.parts()) {
                if (p.inlineData() != null && p.inlineData().data() != null && !p.inlineData().data().isEmpty()) {
                    byte[] pcm = pcm(p.inlineData());
                    if (!started && out.size() == 0) {
                        Matcher m = RATE.matcher(p.inlineData().mimeType().toLowerCase(Locale.ROOT));
                        rate = m.find() ? Integer.parseInt(m.group(1)) : DEFAULT_RATE;
                        if (wavHeader) {
                            out.writeBytes(WavFile.streamingHeader(rate, 1));
                        }
                    }
                    out.writeBytes(pcm);
                }
            }
        }
        if (out.size() > 0) {
            started = true;
        }
        return out.toByteArray();
    }

    /** Whether any audio has been read. */
    public boolean producedAudio() {
        return started;
    }

    /** Whether Gemini gave a finish reason. */
    public boolean finished() {
        return finished;
    }

    /** The samples per second of the audio, as Gemini's first audio part named it. */
    public int sampleRate() {
        return rate;
    }

    /** The latest token counts Gemini sent, or null. */
    public RequestTrace.Tokens tokens() {
        return tokens;
    }

    /** The finish reason of a response without audio, for the soft failure's message. */
    static String finishReason(GenerateContentResponse response) {
        return response.candidatesOrEmpty().isEmpty() || response.candidates().get(0).finishReason() == null
                ? "none" : response.candidates().get(0).finishReason().value();
    }

    private static byte[] pcm(Part.Blob blob) {
        String mime = blob.mimeType() == null ? "" : blob.mimeType().toLowerCase(Locale.ROOT);
        if (!mime.startsWith("audio/l16") && !mime.startsWith("audio/pcm")) {
            throw new GeminiBalanceException(502, "server_error", "unexpected_audio", null, null,
                    "Gemini answered with audio this server cannot convert (not PCM).", null);
        }
        try {
            return Base64.getDecoder().decode(blob.data());
        } catch (IllegalArgumentException e) {
            throw new SoftFailureException("BAD_AUDIO", "Gemini answered with audio that is not valid base64");
        }
    }
}
