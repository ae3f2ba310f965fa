package io.github.geminibalance.server;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.OutputImage;
import io.github.geminibalance.openai.ResponseMessage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images of chat answers served by URL: each data URL in a message's or delta's {@code images} is kept
 * by {@link ImageHost} and replaced, there and in the markdown of the content, by its URL. Without a store
 * that keeps images, or when the request names no usable address, the data URLs stay.
 */
final class ChatImages {

    private static final Pattern DATA_URL = Pattern.compile("data:(image/[a-zA-Z0-9.+-]+);base64,([A-Za-z0-9+/=]+)");
    private static final ObjectReader CHUNK_READER = GeminiBalance.jsonReader().forType(ChatCompletionChunk.class);

    private final ImageHost host;

    ChatImages(ImageHost host) {
        this.host = host;
    }

    /** A completion with its images served from {@code base} (null: left as they are). */
    ChatCompletion serve(ChatCompletion completion, String base) {
        if (base == null || completion.choices() == null) {
            return completion;
        }
        List<ChatCompletion.Choice> choices = new ArrayList<>();
        boolean changed = false;
        for (ChatCompletion.Choice choice : completion.choices()) {
            ResponseMessage m = choice.message();
            if (m == null || m.images() == null || m.images().isEmpty()) {
                choices.add(choice);
                continue;
            }
            Served served = serve(m.content(), m.images(), base);
            changed = true;
            choices.add(new ChatCompletion.Choice(choice.index(), new ResponseMessage(m.role(), served.content(),
                    m.reasoningContent(), m.refusal(), m.toolCalls(), m.annotations(), served.images()),
                    choice.logprobs(), choice.finishReason()));
        }
        return changed ? new ChatCompletion(completion.id(), completion.object(), completion.created(),
                completion.model(), List.copyOf(choices), completion.usage()) : completion;
    }

    /** A stream event's data with its images served from {@code base}; other events unchanged. */
    String serveChunk(String data, String base) {
        if (base == null || !data.contains("\"images\":[")) {
            return data;
        }
        try {
            ChatCompletionChunk chunk = CHUNK_READER.readValue(data);
            if (chunk.choices() == null) {
                return data;
            }
            List<ChatCompletionChunk.Choice> choices = new ArrayList<>();
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                ChatCompletionChunk.Delta d = choice.delta();
                if (d == null || d.images() == null || d.images().isEmpty()) {
                    choices.add(choice);
                    continue;
                }
                Served served = serve(d.content(), d.images(), base);
                choices.add(new ChatCompletionChunk.Choice(choice.index(), new ChatCompletionChunk.Delta(d.role(),
                        served.content(), d.reasoningContent(), d.refusal(), d.toolCalls(), d.annotations(),
                        served.images()), choice.logprobs(), choice.finishReason()));
            }
            return GeminiBalance.jsonWriter().writeValueAsString(new ChatCompletionChunk(chunk.id(), chunk.object(),
                    chunk.created(), chunk.model(), List.copyOf(choices), chunk.usage()));
        } catch (java.io.IOException | RuntimeException e) {
            return data; // not a chunk (an error event): as it is
        }
    }

    private record Served(String content, List<OutputImage> images) {}

    private Served serve(String content, List<OutputImage> images, String base) {
        List<OutputImage> out = new ArrayList<>();
        String text = content;
        for (OutputImage image : images) {
            String url = image.imageUrl() == null ? null : image.imageUrl().url();
            Matcher m = url == null ? null : DATA_URL.matcher(url);
            String served = null;
            if (m != null && m.matches()) {
                try {
                    served = host.keepLater(m.group(1), Base64.getDecoder().decode(m.group(2)), base);
                } catch (IllegalArgumentException notBase64) {
                    served = null;
                }
            }
            if (served == null) {
                out.add(image);
                continue;
            }
            out.add(OutputImage.of(served));
            if (text != null) {
                text = text.replace(url, served);
            }
        }
        return new Served(text, List.copyOf(out));
    }
}
