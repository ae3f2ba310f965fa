package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.ImageEditRequest;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.openai.ImageGenerationRequest;
import io.github.geminibalance.openai.ImagesResponse;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The OpenAI image endpoints ({@code /v1/images/generations} and {@code /v1/images/edits}, also under
 * {@code /hf/v1}) and the URLs of the images they keep ({@code GET /images/{id}.{ext}}, no token: the random
 * id is the secret). Images come from the {@link GeminiBalance} facade as base64; {@code response_format:
 * url} hands them to {@link ImageHost}.
 */
@Controller
final class ImagesController {

    /** The most input images of one edit. */
    static final int MAX_INPUT_IMAGES = 16;

    private final GeminiBalance gemini;
    private final RequestRecords records;
    private final ImageHost host;

    ImagesController(GeminiBalance gemini, RequestRecords records, ImageHost host) {
        this.gemini = gemini;
        this.records = records;
        this.host = host;
    }

    /** {@code POST /v1/images/generations}: Imagen or a Gemini image model. */
    @Post(uris = {"/v1/images/generations", "/hf/v1/images/generations"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> generations(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        ImageGenerationRequest request = RequestBodies.read(body, ImageGenerationRequest.class);
        boolean url = "url".equals(request.responseFormat());
        String base = url ? host.base(http) : null;
        return answer(gemini.images(request, AccessLogFilter.trace(http)), base);
    }

    /** {@code POST /v1/images/edits}: multipart, one or more {@code image} files and a {@code prompt}. */
    @Post(uris = {"/v1/images/edits", "/hf/v1/images/edits"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> edits(HttpRequest<?> http, @Nullable @Body byte[] body) {
        MultipartForm form = MultipartForm.parse(http.getHeaders().get(HttpHeaders.CONTENT_TYPE), body);
        ImageEditRequest request = editRequest(form);
        RequestTrace trace = AccessLogFilter.trace(http);
        boolean url = "url".equals(request.responseFormat());
        String base = url ? host.base(http) : null;
        return answer(gemini.imageEdits(request, trace), base);
    }

    /** {@code GET /images/{id}.{ext}}: a kept image until it expires, else 404. */
    @Get(uris = {"/images/{file}"})
    CompletableFuture<MutableHttpResponse<?>> image(@PathVariable String file) {
        int dot = file.lastIndexOf('.');
        String id = dot < 0 ? file : file.substring(0, dot);
        return host.find(id).thenApply(found -> {
            if (found.isEmpty()) {
                return ErrorResponses.of(404, "No such image, or it has expired.", ErrorResponses.INVALID_REQUEST, null,
                        "image_not_found");
            }
            var image = found.get();
            long seconds = Math.max(0, Duration.between(host.now(), image.expiresAt()).getSeconds());
            return HttpResponse.ok(image.bytes())
                    .contentType(MediaType.of(ImageHost.servedType(image.mimeType())))
                    .header(HttpHeaders.CACHE_CONTROL, "private, max-age=" + seconds)
                    .header("X-Content-Type-Options", "nosniff");
        });
    }

    private CompletableFuture<MutableHttpResponse<?>> answer(CompletableFuture<ImagesResponse> images, String base) {
        CompletableFuture<ImagesResponse> shaped = base == null ? images : images.thenCompose(a -> host.host(a, base));
        return shaped.thenApply(ImagesController::json);
    }

    private static ImageEditRequest editRequest(MultipartForm form) {
        if (!form.all("mask").isEmpty()) {
            throw new InvalidRequestException("mask", "mask is not supported: Gemini edits the whole image; say in "
                    + "prompt what to change and where.");
        }
        List<MultipartForm.Part> files = form.all("image");
        if (files.isEmpty()) {
            throw new InvalidRequestException("image", "image is required: send one or more image files.");
        }
        if (files.size() > MAX_INPUT_IMAGES) {
            throw new InvalidRequestException("image", "At most " + MAX_INPUT_IMAGES + " images can be edited at once.");
        }
        List<ImageEditRequest.InputImage> images = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            MultipartForm.Part file = files.get(i);
            String mime = imageType(file);
            if (mime == null) {
                throw new InvalidRequestException("image", "image[" + i + "] is not a PNG, JPEG, WebP or GIF image.");
            }
            images.add(new ImageEditRequest.InputImage(mime, file.bytes()));
        }
        return new ImageEditRequest(form.text("prompt"), blankToNull(form.text("model")), count(form.text("n")),
                blankToNull(form.text("size")), blankToNull(form.text("response_format")),
                blankToNull(form.text("aspect_ratio")), images);
    }

    // The declared type when it is an image type, else what the first bytes say (clients often send
    // application/octet-stream for files).
    private static String imageType(MultipartForm.Part file) {
        byte[] b = file.bytes();
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "image/gif";
        }
        return null;
    }

    private static Integer count(String n) {
        if (n == null || n.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(n.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("n", "n must be a whole number.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static MutableHttpResponse<?> json(Object value) {
        try {
            return HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(value))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize the answer", e); // a bug: 500, logged
        }
    }

    /** Whether a path is a kept image's (served without a token). */
    static boolean isImagePath(String path) {
        return path.startsWith(ImageHost.PREFIX) && path.length() > ImageHost.PREFIX.length()
                && path.indexOf('/', ImageHost.PREFIX.length()) < 0 && !path.toLowerCase(Locale.ROOT).contains("..");
    }
}
