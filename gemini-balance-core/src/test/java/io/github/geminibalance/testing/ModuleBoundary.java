package io.github.geminibalance.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Enforces the core's module boundary for code that runs on the class path (the server, the examples),
 * where the JVM does not: reads the core's compiled {@code module-info.class} and scans compiled classes
 * for references to core packages it does not export.
 *
 * <p>The scan reads each class file's bytes for internal names ({@code io/github/geminibalance/keys/KeyPool}):
 * every class, method and field a class refers to is named in its constant pool in that form.
 */
public final class ModuleBoundary {

    private static final Pattern INTERNAL_NAME =
            Pattern.compile("io/github/geminibalance/((?:[a-z0-9_]+/)*)[A-Z][A-Za-z0-9_$]*");

    private ModuleBoundary() {}

    /**
     * The core's module descriptor, read from the jar or directory the core's classes were loaded from.
     *
     * @return the descriptor
     */
    public static ModuleDescriptor coreDescriptor() {
        try {
            Path location = Path.of(io.github.geminibalance.GeminiBalance.class.getProtectionDomain()
                    .getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
                    return ModuleDescriptor.read(in);
                }
            }
            try (FileSystem jar = FileSystems.newFileSystem(location, Map.of());
                    InputStream in = Files.newInputStream(jar.getPath("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The core packages that the descriptor does not export.
     *
     * @param core the core's descriptor
     * @return the package names
     */
    public static Set<String> hiddenPackages(ModuleDescriptor core) {
        Set<String> hidden = new TreeSet<>(core.packages());
        core.exports().forEach(e -> {
            if (!e.isQualified()) {
                hidden.remove(e.source());
            }
        });
        return hidden;
    }

    /**
     * Every reference from the classes under {@code classes} to a package of the core that it does not
     * export, as {@code "com/example/Foo.class -> io.github.geminibalance.keys.KeyPool"}.
     *
     * @param classes a class output directory, such as {@code target/classes}
     * @return the violations, sorted; empty when the boundary holds
     */
    public static List<String> violations(Path classes) {
        Set<String> hidden = hiddenPackages(coreDescriptor());
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                if (file.getFileName().toString().equals("module-info.class")) {
                    continue;
                }
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                Matcher m = INTERNAL_NAME.matcher(text);
                while (m.find()) {
                    String pkg = ("io/github/geminibalance/" + m.group(1)).replaceAll("/$", "").replace('/', '.');
                    if (hidden.contains(pkg)) {
                        found.add(classes.relativize(file) + " -> " + m.group().replace('/', '.'));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(found);
    }
}
