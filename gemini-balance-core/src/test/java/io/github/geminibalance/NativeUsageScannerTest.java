package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeUsageScannerTest {

    private static NativeUsageScanner scan(String text, int piece) {
        NativeUsageScanner scanner = new NativeUsageScanner();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += piece) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i));
            int position = buffer.position();
            scanner.feed(buffer);
            assertThat(buffer.position()).as("the buffer is left as it was").isEqualTo(position);
        }
        return scanner;
    }

    private static RequestTrace report(NativeUsageScanner scanner) {
        RequestTrace trace = RequestTrace.start(System::nanoTime);
        scanner.report(trace);
        return trace;
    }

    @Test
    void findsTheCountsAndTheFinishReasonOfAnAnswerCutAnywhere() {
        String answer = GeminiFixtures.textResponse("ok");
        for (int piece : new int[] {1, 2, 3, 7, 64, 100_000}) {
            RequestTrace trace = report(scan(answer, piece));
            assertThat(trace.tokens()).as("pieces of %d", piece).contains(new RequestTrace.Tokens(9, 49, 58, 41, 0));
            assertThat(trace.finishReason()).as("pieces of %d", piece).contains("STOP");
        }
    }

    @Test
    void theLastEventOfAStreamWinsInBothStreamFormats() {
        List<String> events = GeminiFixtures.textStream("Hello", " there, how are you");
        String sse = GeminiFixtures.sseBody(events);
        String array = "[" + String.join("\r\n,\r\n", events) + "]";
        for (String body : List.of(sse, array, GeminiFixtures.textStreamSse())) {
            for (int piece : new int[] {1, 5, 4096}) {
                RequestTrace trace = report(scan(body, piece));
                assertThat(trace.finishReason()).contains("STOP");
                assertThat(trace.tokens()).isPresent();
            }
        }
        assertThat(report(scan(sse, 3)).tokens()).contains(new RequestTrace.Tokens(8, 7, 15));
        assertThat(report(scan(GeminiFixtures.textStreamSse(), 3)).tokens()).contains(new RequestTrace.Tokens(8, 17, 25));
    }

    @Test
    void textThatQuotesTheKeysIsNotTakenForThem() {
        String body = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"say \\\"usageMetadata\\\": {\\\"totalTokenCount\\\": 999}"
                + " and \\\"finishReason\\\": \\\"X\\\"\"}, {\"functionCall\": {\"name\": \"f\", \"args\": {\"usageMetadata\":"
                + " {\"totalTokenCount\": 5}, \"finishReason\": \"ARG\"}}}]}, \"finishReason\": \"MAX_TOKENS\"}],"
                + " \"usageMetadata\": {\"promptTokenCount\": 3, \"candidatesTokenCount\": 4, \"totalTokenCount\": 7,"
                + " \"promptTokensDetails\": [{\"modality\": \"TEXT\", \"tokenCount\": 3}]}}";
        for (int piece : new int[] {1, 2, 1000}) {
            RequestTrace trace = report(scan(body, piece));
            assertThat(trace.tokens()).contains(new RequestTrace.Tokens(3, 4, 7));
            assertThat(trace.finishReason()).contains("MAX_TOKENS");
        }
    }

    @Test
    void aBlockedPromptAndAnAnswerWithoutCountsAreReportedAsSuch() {
        RequestTrace blocked = report(scan(GeminiFixtures.blockedPrompt(), 2));
        assertThat(blocked.finishReason()).hasValueSatisfying(r -> assertThat(r).startsWith("BLOCKED_"));

        RequestTrace nothing = report(scan("{\"totalTokens\": 10}", 1));
        assertThat(nothing.tokens()).isEmpty();
        assertThat(nothing.finishReason()).isEmpty();

        RequestTrace broken = report(scan("{\"usageMetadata\": {\"promptTokenCount\": 3, \"candidat", 1));
        assertThat(broken.tokens()).isEmpty();
    }
}
