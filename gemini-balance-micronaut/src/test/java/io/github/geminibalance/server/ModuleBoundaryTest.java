package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.ModuleBoundary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The core's module boundary holds for the server, which runs on the class path where the JVM does not
 * enforce it: no main class refers to a core package the core's module descriptor does not export.
 */
class ModuleBoundaryTest {

    @Test
    void mainClassesUseOnlyTheCoresExportedPackages() {
        assertThat(ModuleBoundary.violations(Path.of("target/classes"))).isEmpty();
    }

    @Test
    void theCheckSeesTheCoresHiddenPackages() {
        assertThat(ModuleBoundary.hiddenPackages(ModuleBoundary.coreDescriptor()))
                .contains("io.github.geminibalance.internal", "io.github.geminibalance.keys");
    }
}
