package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.geminibalance.anthropic.ContentBlock;
import io.github.geminibalance.anthropic.Message;
import io.github.geminibalance.anthropic.StreamEvent;
import io.github.geminibalance.anthropic.Usage;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Folds Anthropic stream events into the {@code message} they describe, the way the Anthropic SDKs'
 * accumulators do: the {@code message_start} message, each block built from its start and deltas (a
 * {@code tool_use} block's input parsed from its {@code input_json_delta}s), then the stop reason and
 * the counts of {@code message_delta} (counts it leaves out keep their {@code message_start} value).
 * Not thread-safe.
 */
public final class MessagesAccumulator {

    private Message start;
    private final Map<Integer, BlockBuilder> blocks = new TreeMap<>();
    private String stopReason;
    private String stopSequence;
    private Usage usage;

    /** An empty accumulator. */
    public MessagesAccumulator() {}

    /** Adds the next event; {@code ping} and {@code error} events change nothing. */
    public void add(StreamEvent event) {
        Objects.requireNonNull(event, "event");
        if (event instanceof StreamEvent.MessageStart s) {
            start = s.message();
            usage = s.message().usage();
        } else if (event instanceof StreamEvent.ContentBlockStart s) {
            blocks.put(s.index(), new BlockBuilder(s.contentBlock()));
        } else if (event instanceof StreamEvent.ContentBlockDelta d) {
            BlockBuilder block = blocks.get(d.index());
            if (block == null) {
                throw new IllegalStateException("a delta for block " + d.index() + " before its start");
            }
            block.add(d.delta());
        } else if (event instanceof StreamEvent.MessageDelta d) {
            stopReason = d.delta().stopReason();
            stopSequence = d.delta().stopSequence();
            usage = merge(usage, d.usage());
        }
    }

    /**
     * The message so far.
     *
     * @throws IllegalStateException before {@code message_start}
     */
    public Message result() {
        if (start == null) {
            throw new IllegalStateException("no message_start yet");
        }
        List<ContentBlock> content = new ArrayList<>();
        blocks.values().forEach(b -> content.add(b.build()));
        return new Message(start.id(), start.type(), start.role(), List.copyOf(content), start.model(), stopReason,
                stopSequence, usage);
    }

    private static Usage merge(Usage base, Usage delta) {
        if (delta == null) {
            return base;
        }
        if (base == null) {
            return delta;
        }
        return new Usage(
                delta.inputTokens() != null ? delta.inputTokens() : base.inputTokens(),
                delta.outputTokens() != null ? delta.outputTokens() : base.outputTokens(),
                delta.cacheCreationInputTokens() != null ? delta.cacheCreationInputTokens() : base.cacheCreationInputTokens(),
                delta.cacheReadInputTokens() != null ? delta.cacheReadInputTokens() : base.cacheReadInputTokens());
    }

    /** One block being built. */
    private static final class BlockBuilder {
        private final ContentBlock start;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder json = new StringBuilder();
        private String signature;

        BlockBuilder(ContentBlock start) {
            this.start = start;
            if (start instanceof ContentBlock.Text t && t.text() != null) {
                text.append(t.text());
            } else if (start instanceof ContentBlock.Thinking t) {
                text.append(t.thinking() == null ? "" : t.thinking());
                signature = t.signature();
            }
        }

        void add(StreamEvent.Delta delta) {
            switch (delta.type()) {
                case "text_delta" -> text.append(delta.text());
                case "thinking_delta" -> text.append(delta.thinking());
                case "signature_delta" -> signature = delta.signature();
                case "input_json_delta" -> json.append(delta.partialJson());
                default -> { }
            }
        }

        ContentBlock build() {
            if (start instanceof ContentBlock.Text) {
                return ContentBlock.Text.of(text.toString());
            }
            if (start instanceof ContentBlock.Thinking) {
                return ContentBlock.Thinking.of(text.toString(), signature);
            }
            if (start instanceof ContentBlock.ToolUse t) {
                JsonNode input = t.input();
                if (json.length() > 0) {
                    try {
                        input = Json.mapper().readTree(json.toString());
                    } catch (IOException e) {
                        throw new IllegalStateException("a tool_use block's input is not JSON", e);
                    }
                }
                return ContentBlock.ToolUse.of(t.id(), t.name(), input == null ? JsonNodeFactory.instance.objectNode() : input);
            }
            return start;
        }
    }
}
