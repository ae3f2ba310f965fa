package io.github.geminibalance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.gemini.PredictResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ImageGenerationRequest;
import io.github.geminibalance.openai.ImagesResponse;
import io.github.geminibalance.translate.ModelAliases;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAI image requests checked and turned into Gemini bodies, and Gemini's answers into images.
 * Imagen models ({@code imagen-*}) are called with {@code :predict}; Gemini image models
 * ({@code gemini-*image*}) with {@code :generateContent} asking for image output. {@code size} becomes
 * the nearest aspect ratio the model family supports; {@code aspect_ratio} wins over it.
 */
final class ImageRequests {

    /** The most images one request may ask for (OpenAI's own limit). */
    static final int MAX_IMAGES = 10;
    /** Imagen's most images per {@code :predict}. */
    static final int IMAGEN_BATCH = 4;

    private static final List<String> IMAGEN_RATIOS = List.of("1:1", "3:4", "4:3", "9:16", "16:9");
    private static final List<String> GEMINI_RATIOS =
            List.of("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9");
    private static final List<String> IMAGEN_SIZES = List.of("1K", "2K");
    private static final List<String> GEMINI_SIZES = List.of("1K", "2K", "4K");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,5})x([0-9]{1,5})");

    private ImageRequests() {}

    /** Which API a model is called through. */
    enum Family { IMAGEN, GEMINI }

    /**
     * A checked request.
     *
     * @param model the Gemini model id
     * @param family how it is called
     * @param prompt the prompt
     * @param n how many images
     * @param aspectRatio the aspect ratio, or null for the model's default
     * @param imageSize the image size, or null for the model's default
     * @param url whether the client wants URLs ({@code response_format: url})
     */
    record Plan(String model, Family family, String prompt, int n, String aspectRatio, String imageSize,
            boolean url) {}

    /** Checks a generation request, its model first replaced as {@code MODEL_ALIASES} says. */
    static Plan plan(ImageGenerationRequest r, Map<String, String> aliases) {
        if (r == null) {
            throw new InvalidRequestException(null, "the request body is empty");
        }
        String model = model(ModelAliases.resolve(aliases, r.model()), GeminiBalance.DEFAULT_IMAGE_MODEL);
        Family family = family(model);
        return new Plan(model, family, prompt(r.prompt()), count(r.n()),
                aspectRatio(family, r.aspectRatio(), r.size()), imageSize(family, r.imageSize()),
                url(r.responseFormat()));
    }

    /** Checks an edit request: Gemini image models only, after {@code MODEL_ALIASES}. */
    static Plan plan(ImageEditRequest r, Map<String, String> aliases) {
        if (r == null) {
            throw new InvalidRequestException(null, "the request is empty");
        }
        String model = model(ModelAliases.resolve(aliases, r.model()), GeminiBalance.DEFAULT_EDIT_MODEL);
        if (family(model) != Family.GEMINI) {
            throw new InvalidRequestException("model", "Image edits need a Gemini image model (gemini-*-image*), such as "
                    + GeminiBalance.DEFAULT_EDIT_MODEL + "; Imagen models only generate.");
        }
        if (r.images().isEmpty()) {
            throw new InvalidRequestException("image", "image is required: send one or more image files.");
        }
        for (int i = 0; i < r.images().size(); i++) {
            String mime = r.images().get(i).mimeType().toLowerCase(Locale.ROOT);
            if (!mime.startsWith("image/")) {
                throw new InvalidRequestException("image", "image[" + i + "] must be an image (PNG, JPEG or WebP).");
            }
        }
        return new Plan(model, Family.GEMINI, prompt(r.prompt()), count(r.n()),
                aspectRatio(Family.GEMINI, r.aspectRatio(), r.size()), null, url(r.responseFormat()));
    }

    private static String model(String requested, String fallback) {
        if (requested == null || requested.isBlank()) {
            return fallback;
        }
        String m = requested.strip();
        return m.startsWith("models/") ? m.substring("models/".length()) : m;
    }

    static Family family(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.startsWith("imagen-")) {
            return Family.IMAGEN;
        }
        if (m.startsWith("gemini-") && m.contains("image")) {
            return Family.GEMINI;
        }
        throw new InvalidRequestException("model", "model must be an Imagen model (imagen-*), such as "
                + GeminiBalance.DEFAULT_IMAGE_MODEL + ", or a Gemini image model (gemini-*-image*), such as "
                + GeminiBalance.DEFAULT_EDIT_MODEL + ".");
    }

    private static String prompt(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new InvalidRequestException("prompt", "prompt is required.");
        }
        return prompt;
    }

    private static int count(Integer n) {
        int count = n == null ? 1 : n;
        if (count < 1 || count > MAX_IMAGES) {
            throw new InvalidRequestException("n", "n must be between 1 and " + MAX_IMAGES + ".");
        }
        return count;
    }

    private static boolean url(String format) {
        if (format == null || format.equals("b64_json")) {
            return false;
        }
        if (format.equals("url")) {
            return true;
        }
        throw new InvalidRequestException("response_format", "response_format must be b64_json or url.");
    }

    private static String aspectRatio(Family family, String ratio, String size) {
        List<String> allowed = family == Family.IMAGEN ? IMAGEN_RATIOS : GEMINI_RATIOS;
        if (ratio != null && !ratio.isBlank()) {
            String r = ratio.strip();
            if (!allowed.contains(r)) {
                throw new InvalidRequestException("aspect_ratio", "aspect_ratio must be one of "
                        + String.join(", ", allowed) + " for this model.");
            }
            return r;
        }
        if (size == null || size.isBlank() || size.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        Matcher m = SIZE.matcher(size.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0 || Integer.parseInt(m.group(2)) == 0) {
            throw new InvalidRequestException("size", "size must be WIDTHxHEIGHT, such as 1024x1024 or 1792x1024, or auto.");
        }
        return nearest(allowed, Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2)));
    }

    /** The ratio of {@code allowed} closest to {@code wanted}, by how many times wider or taller it is. */
    static String nearest(List<String> allowed, double wanted) {
        String best = null;
        double distance = Double.MAX_VALUE;
        for (String ratio : allowed) {
            String[] wh = ratio.split(":");
            double d = Math.abs(Math.log(Double.parseDouble(wh[0]) / Double.parseDouble(wh[1])) - Math.log(wanted));
            if (d < distance - 1e-9) {
                distance = d;
                best = ratio;
            }
        }
        return best;
    }

    private static String imageSize(Family family, String size) {
        if (size == null || size.isBlank()) {
            return null;
        }
        List<String> allowed = family == Family.IMAGEN ? IMAGEN_SIZES : GEMINI_SIZES;
        String s = size.strip().toUpperCase(Locale.ROOT);
        if (!allowed.contains(s)) {
            throw new InvalidRequestException("image_size", "image_size must be one of " + String.join(", ", allowed)
                    + " for this model.");
        }
        return s;
    }

    /** The {@code :predict} body for {@code count} images. */
    static byte[] imagenBody(Plan plan, int count) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("instances").addObject().put("prompt", plan.prompt());
        ObjectNode parameters = body.putObject("parameters");
        parameters.put("sampleCount", count);
        if (plan.aspectRatio() != null) {
            parameters.put("aspectRatio", plan.aspectRatio());
        }
        if (plan.imageSize() != null) {
            parameters.put("sampleImageSize", plan.imageSize());
        }
        return Json.bytes(body);
    }

    /** The {@code :generateContent} body asking for one image, with the input images before the prompt. */
    static byte[] geminiBody(Plan plan, List<ImageEditRequest.InputImage> inputs) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode content = body.putArray("contents").addObject();
        content.put("role", "user");
        ArrayNode parts = content.putArray("parts");
        Base64.Encoder base64 = Base64.getEncoder();
        for (ImageEditRequest.InputImage image : inputs) {
            ObjectNode inline = parts.addObject().putObject("inlineData");
            inline.put("mimeType", image.mimeType());
            inline.put("data", base64.encodeToString(image.bytes()));
        }
        parts.addObject().put("text", plan.prompt());
        ObjectNode generation = body.putObject("generationConfig");
        generation.putArray("responseModalities").add("IMAGE");
        if (plan.aspectRatio() != null || plan.imageSize() != null) {
            ObjectNode imageConfig = generation.putObject("imageConfig");
            if (plan.aspectRatio() != null) {
                imageConfig.put("aspectRatio", plan.aspectRatio());
            }
            if (plan.imageSize() != null) {
                imageConfig.put("imageSize", plan.imageSize());
            }
        }
        return Json.bytes(body);
    }

    /** The images of an Imagen answer; a 400 when the safety filter removed them all. */
    static List<ImagesResponse.Image> images(PredictResponse response) {
        List<ImagesResponse.Image> out = new ArrayList<>();
        String filtered = null;
        for (PredictResponse.Prediction p : response.predictionsOrEmpty()) {
            if (p != null && p.bytesBase64Encoded() != null && !p.bytesBase64Encoded().isEmpty()) {
                out.add(image(p.bytesBase64Encoded(), p.mimeType()));
            } else if (p != null && p.raiFilteredReason() != null) {
                filtered = p.raiFilteredReason();
            }
        }
        if (out.isEmpty()) {
            throw noImage(filtered == null ? "Gemini returned no image for this prompt."
                    : "Gemini's safety filter removed the image: " + oneLine(filtered));
        }
        return out;
    }

    /** The images of a Gemini answer (thought drafts skipped); a 400 when it holds none. */
    static List<ImagesResponse.Image> images(GenerateContentResponse response) {
        List<ImagesResponse.Image> out = new ArrayList<>();
        for (Candidate candidate : response.candidatesOrEmpty()) {
            if (candidate == null) {
                continue;
            }
            for (Part part : candidate.parts()) {
                if (part != null && !part.thoughtSummary() && part.inlineData() != null
                        && part.inlineData().data() != null && !part.inlineData().data().isEmpty()) {
                    out.add(image(part.inlineData().data(), part.inlineData().mimeType()));
                }
            }
        }
        if (out.isEmpty()) {
            String why = "Gemini returned no image for this prompt";
            if (response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
                why = "Gemini blocked the prompt: " + oneLine(response.promptFeedback().blockReason());
            } else if (!response.candidatesOrEmpty().isEmpty() && response.candidatesOrEmpty().get(0) != null
                    && response.candidatesOrEmpty().get(0).finishReason() != null) {
                why += " (finish reason " + response.candidatesOrEmpty().get(0).finishReason().value() + ")";
            }
            throw noImage(why + ".");
        }
        return out;
    }

    private static ImagesResponse.Image image(String base64, String mime) {
        return new ImagesResponse.Image(base64, null, null, mime == null || mime.isBlank() ? "image/png" : mime);
    }

    private static GeminiBalanceException noImage(String message) {
        return new InvalidRequestException(400, null, "image_generation_failed", message);
    }

    private static String oneLine(String text) {
        String t = text.replaceAll("[\\p{Cntrl}]", " ");
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
