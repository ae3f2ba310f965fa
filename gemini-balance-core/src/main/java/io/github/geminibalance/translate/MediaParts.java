package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.openai.ContentPart;
import java.util.Locale;
import java.util.Map;

/**
 * Converts one OpenAI content part into a Gemini part: text (and assistant refusal text) to
 * {@code text}; {@code image_url} data URLs, {@code input_audio} and {@code file.file_data} to
 * {@code inlineData}. Empty text yields null (the part is dropped).
 */
final class MediaParts {

    /** Used when a file's media type can be read neither from a data URL nor from its file name. */
    static final String DEFAULT_FILE_MIME = "application/pdf";

    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("pdf", "application/pdf"),
            Map.entry("txt", "text/plain"),
            Map.entry("md", "text/markdown"),
            Map.entry("csv", "text/csv"),
            Map.entry("html", "text/html"),
            Map.entry("htm", "text/html"),
            Map.entry("xml", "text/xml"),
            Map.entry("json", "application/json"),
            Map.entry("js", "text/javascript"),
            Map.entry("py", "text/x-python"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"),
            Map.entry("mp3", "audio/mp3"),
            Map.entry("wav", "audio/wav"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("flac", "audio/flac"),
            Map.entry("aac", "audio/aac"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("webm", "video/webm"));

    private MediaParts() {}

    /**
     * Converts a content part.
     *
     * @param part the OpenAI part
     * @param param the request path of the part, such as {@code messages[1].content[0]}
     * @return the Gemini part, or null for empty text
     * @throws InvalidRequestException naming the field at fault
     */
    static Part toPart(ContentPart part, String param) {
        if (part == null) {
            throw new InvalidRequestException(param, "A content part must be an object.");
        }
        String type = part.type();
        if (type == null) {
            throw new InvalidRequestException(param + ".type", "The content part type is required.");
        }
        return switch (type) {
            case "text" -> text(part.text());
            case "refusal" -> text(part.refusal());
            case "image_url" -> image(part.imageUrl(), param + ".image_url");
            case "input_audio" -> audio(part.inputAudio(), param + ".input_audio");
            case "file" -> file(part.file(), param + ".file");
            default -> throw new InvalidRequestException(param + ".type", "Unsupported content part type '"
                    + type + "'; supported types are text, image_url, input_audio and file.");
        };
    }

    private static Part text(String text) {
        return text == null || text.isEmpty() ? null : Part.text(text);
    }

    private static Part image(ContentPart.ImageUrl image, String param) {
        String url = image == null ? null : image.url();
        if (url == null || url.isBlank()) {
            throw new InvalidRequestException(param + ".url", "The image URL is required.");
        }
        if (DataUrl.isDataUrl(url)) {
            DataUrl data = DataUrl.parse(url, param + ".url");
            if (data.mimeType() == null) {
                throw new InvalidRequestException(param + ".url",
                        "The data URL names no media type (expected data:image/png;base64,...).");
            }
            return Part.inline(data.mimeType(), data.data());
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            throw new InvalidRequestException(param + ".url", "This image URL was not fetched: remote images "
                    + "are downloaded by the server before translation, which did not happen on this path. "
                    + "Send the image as a base64 data: URL instead.");
        }
        throw new InvalidRequestException(param + ".url",
                "Unsupported image URL; use an http(s) URL or a base64 data: URL.");
    }

    private static Part audio(ContentPart.InputAudio audio, String param) {
        if (audio == null) {
            throw new InvalidRequestException(param, "input_audio is required on an input_audio part.");
        }
        String format = audio.format();
        if (format == null || !format.toLowerCase(Locale.ROOT).matches("[a-z0-9][a-z0-9.+-]*")) {
            throw new InvalidRequestException(param + ".format",
                    "The audio format is required (wav, mp3, flac, ogg, ...).");
        }
        String data = audio.data();
        if (data == null || data.isBlank()) {
            throw new InvalidRequestException(param + ".data", "The base64 audio data is required.");
        }
        String mime = "audio/" + format.toLowerCase(Locale.ROOT);
        if (DataUrl.isDataUrl(data)) {
            DataUrl url = DataUrl.parse(data, param + ".data");
            return Part.inline(url.mimeType() != null ? url.mimeType() : mime, url.data());
        }
        DataUrl.requireBase64(data, param + ".data");
        return Part.inline(mime, data);
    }

    private static Part file(ContentPart.FilePart file, String param) {
        if (file == null) {
            throw new InvalidRequestException(param, "file is required on a file part.");
        }
        String data = file.fileData();
        if (data == null || data.isBlank()) {
            if (file.fileId() != null) {
                String uri = geminiFileUri(file.fileId());
                if (uri == null) {
                    throw new InvalidRequestException(param + ".file_id", "file_id: only files uploaded through "
                            + "Gemini's Files API (files/{id} or its uri) are known here; or send the file inline "
                            + "as file_data.");
                }
                String byName = mimeFromFilename(file.filename());
                return new Part(null, null, null, null,
                        new Part.FileData(byName != null ? byName : DEFAULT_FILE_MIME, uri), null, null, null, null);
            }
            throw new InvalidRequestException(param + ".file_data", "file_data is required on a file part.");
        }
        String byName = mimeFromFilename(file.filename());
        if (DataUrl.isDataUrl(data)) {
            DataUrl url = DataUrl.parse(data, param + ".file_data");
            String mime = url.mimeType() != null ? url.mimeType() : byName;
            return Part.inline(mime != null ? mime : DEFAULT_FILE_MIME, url.data());
        }
        DataUrl.requireBase64(data, param + ".file_data");
        return Part.inline(byName != null ? byName : DEFAULT_FILE_MIME, data);
    }

    private static final java.util.regex.Pattern GEMINI_FILE =
            java.util.regex.Pattern.compile("(?:https?://[^\\s?#]+/)?(files/[a-z0-9][a-z0-9-]{0,62})");

    /**
     * The {@code fileData.fileUri} for a Files API file the client names by its name ({@code files/abc}, the
     * URI on Gemini's public host) or its URI, or null when {@code fileId} is neither.
     */
    static String geminiFileUri(String fileId) {
        java.util.regex.Matcher m = GEMINI_FILE.matcher(fileId.strip());
        if (!m.matches()) {
            return null;
        }
        return fileId.strip().startsWith("files/")
                ? "https://generativelanguage.googleapis.com/v1beta/" + m.group(1) : fileId.strip();
    }

    private static String mimeFromFilename(String filename) {
        if (filename == null) {
            return null;
        }
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? null : EXTENSIONS.get(filename.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
