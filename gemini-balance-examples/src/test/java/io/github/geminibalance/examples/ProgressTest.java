package io.github.geminibalance.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.examples.keycheck.KeyResult;
import io.github.geminibalance.examples.keycheck.KeyVerdict;
import io.github.geminibalance.examples.keycheck.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final KeyResult result = new KeyResult("AIza...x9Q4", "k-00000000", KeyVerdict.VALID, 200, null, null);

    private Progress progress(Progress.Mode mode, boolean terminal) {
        return Progress.create(mode, terminal, new PrintStream(err, true, StandardCharsets.UTF_8), 2);
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndEndsWithANewline() {
        Progress bar = progress(Progress.Mode.AUTO, true);
        bar.accept(result);
        bar.accept(result);
        bar.finish();

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\r[###############...............] 1/2 keys checked"
                + "\r[##############################] 2/2 keys checked\n");
    }

    @Test
    void elsewhereEachKeyIsOneLine() {
        Progress lines = progress(Progress.Mode.AUTO, false);
        lines.accept(result);
        lines.finish();

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("checked 1/2: AIza...x9Q4 VALID\n");
    }

    @Test
    void noneIsSilent() {
        Progress none = progress(Progress.Mode.NONE, true);
        none.accept(result);
        none.finish();

        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
