package io.github.geminibalance;

import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.gemini.Candidate;
import io.github.geminibalance.gemini.Content;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code SHOW_THINKING_PROCESS=false}: Gemini's thought parts are taken out of its answer before any front
 * door translates it, so no door returns them (reasoning_content, thinking blocks, reasoning items), even
 * when a client asked Gemini for them itself.
 */
final class AnswerThoughts {

    private AnswerThoughts() {}

    /** {@code response} as the settings allow it to be shown: without thought parts when thoughts are hidden. */
    static GenerateContentResponse shown(GenerateContentResponse response, AnswerSettings settings) {
        if (settings.showThinkingProcess() || response == null || !hasThought(response)) {
            return response;
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Candidate c : response.candidatesOrEmpty()) {
            if (c == null || c.content() == null) {
                candidates.add(c);
                continue;
            }
            List<Part> parts = c.parts().stream().filter(p -> p == null || !p.thoughtSummary()).toList();
            candidates.add(new Candidate(new Content(c.content().role(), parts), c.finishReason(), c.finishMessage(),
                    c.index(), c.groundingMetadata(), c.avgLogprobs(), c.logprobsResult()));
        }
        return new GenerateContentResponse(candidates, response.promptFeedback(), response.usageMetadata(),
                response.modelVersion(), response.responseId());
    }

    private static boolean hasThought(GenerateContentResponse response) {
        for (Candidate c : response.candidatesOrEmpty()) {
            if (c != null && c.parts().stream().anyMatch(p -> p != null && p.thoughtSummary())) {
                return true;
            }
        }
        return false;
    }
}
