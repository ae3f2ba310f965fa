package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audio types a transcription accepts, and the MIME type Gemini gets for each: from the upload's
 * {@code Content-Type}, or from its file name's extension when that type is missing or generic.
 */
final class AudioMimes {

    /** The types Gemini is sent, as the 400 for anything else lists them. */
    static final List<String> SUPPORTED = List.of("audio/wav", "audio/mp3", "audio/aiff", "audio/aac", "audio/ogg",
            "audio/flac", "audio/mp4", "audio/webm");

    private static final Map<String, String> BY_TYPE = byType();
    private static final Map<String, String> BY_EXTENSION = byExtension();

    private AudioMimes() {}

    private static Map<String, String> byType() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String t : List.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave")) {
            m.put(t, "audio/wav");
        }
        for (String t : List.of("audio/mp3", "audio/mpeg", "audio/mpga", "audio/x-mp3", "audio/mpeg3")) {
            m.put(t, "audio/mp3");
        }
        m.put("audio/aiff", "audio/aiff");
        m.put("audio/x-aiff", "audio/aiff");
        m.put("audio/aac", "audio/aac");
        m.put("audio/x-aac", "audio/aac");
        m.put("audio/ogg", "audio/ogg");
        m.put("audio/opus", "audio/ogg");
        m.put("audio/flac", "audio/flac");
        m.put("audio/x-flac", "audio/flac");
        for (String t : List.of("audio/mp4", "audio/m4a", "audio/x-m4a", "video/mp4")) {
            m.put(t, "audio/mp4");
        }
        m.put("audio/webm", "audio/webm");
        m.put("video/webm", "audio/webm");
        return m;
    }

    private static Map<String, String> byExtension() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("wav", "audio/wav");
        m.put("mp3", "audio/mp3");
        m.put("mpga", "audio/mp3");
        m.put("mpeg", "audio/mp3");
        m.put("aif", "audio/aiff");
        m.put("aiff", "audio/aiff");
        m.put("aac", "audio/aac");
        m.put("ogg", "audio/ogg");
        m.put("oga", "audio/ogg");
        m.put("opus", "audio/ogg");
        m.put("flac", "audio/flac");
        m.put("m4a", "audio/mp4");
        m.put("mp4", "audio/mp4");
        m.put("webm", "audio/webm");
        return m;
    }

    /**
     * The MIME type to send Gemini: the declared type's, else (when it is missing or generic) the file
     * name's extension's, else the one the bytes start like.
     *
     * @param declared the upload's {@code Content-Type}, or null
     * @param fileName the upload's file name, or null
     * @param bytes the audio
     * @throws InvalidRequestException (400, {@code file}) listing the supported types
     */
    static String of(String declared, String fileName, byte[] bytes) {
        String type = declared == null ? "" : declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        String mapped = BY_TYPE.get(type);
        if (mapped != null) {
            return mapped;
        }
        boolean generic = type.isEmpty() || type.equals("application/octet-stream");
        if (generic && fileName != null) {
            int dot = fileName.lastIndexOf('.');
            mapped = dot < 0 ? null : BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
            if (mapped != null) {
                return mapped;
            }
        }
        if (generic) {
            mapped = sniff(bytes);
            if (mapped != null) {
                return mapped;
            }
        }
        throw new InvalidRequestException(400, "file", "unsupported_audio_format", "The file is not audio of a "
                + "supported type. Supported: " + String.join(", ", SUPPORTED) + " (files named ." + String.join(", .",
                        BY_EXTENSION.keySet()) + " when sent as application/octet-stream).");
    }

    // the signatures the supported containers start with
    private static String sniff(byte[] b) {
        if (at(b, 0, "RIFF") && at(b, 8, "WAVE")) {
            return "audio/wav";
        }
        if (at(b, 0, "FORM") && (at(b, 8, "AIFF") || at(b, 8, "AIFC"))) {
            return "audio/aiff";
        }
        if (at(b, 0, "OggS")) {
            return "audio/ogg";
        }
        if (at(b, 0, "fLaC")) {
            return "audio/flac";
        }
        if (at(b, 4, "ftyp")) {
            return "audio/mp4";
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0x1a && (b[1] & 0xff) == 0x45 && (b[2] & 0xff) == 0xdf
                && (b[3] & 0xff) == 0xa3) {
            return "audio/webm";
        }
        if (at(b, 0, "ID3")) {
            return "audio/mp3";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && ((b[1] & 0xff) & 0xf6) == 0xf0) {
            return "audio/aac"; // ADTS: sync word, layer 0
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && ((b[1] & 0xff) & 0xe0) == 0xe0) {
            return "audio/mp3"; // an MPEG audio frame without ID3 tags
        }
        return null;
    }

    private static boolean at(byte[] b, int offset, String ascii) {
        if (b.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[offset + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
