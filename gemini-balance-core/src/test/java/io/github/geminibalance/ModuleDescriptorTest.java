package io.github.geminibalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.ModuleBoundary;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's module descriptor: what it exports, and that the exported API never hands out a type of a
 * package it does not export (the SPIs, the facade and the configuration are usable from outside).
 */
class ModuleDescriptorTest {

    private static final Path CLASSES = Path.of("target/classes");

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsOnlyTheApi() throws IOException {
        ModuleDescriptor d = descriptor();

        assertThat(d.name()).isEqualTo("io.github.geminibalance.core");
        assertThat(d.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("io.github.geminibalance", "io.github.geminibalance.config",
                        "io.github.geminibalance.spi", "io.github.geminibalance.store", "io.github.geminibalance.util");
        assertThat(ModuleBoundary.hiddenPackages(d)).contains("io.github.geminibalance.internal",
                "io.github.geminibalance.keys", "io.github.geminibalance.retry", "io.github.geminibalance.translate",
                "io.github.geminibalance.gemini", "io.github.geminibalance.upstream");
    }

    @Test
    void theBoundaryCheckFindsReferencesToHiddenPackages() {
        // the core's own classes use its implementation everywhere: the check must see that
        assertThat(ModuleBoundary.violations(CLASSES))
                .anyMatch(v -> v.startsWith("io/github/geminibalance/GeminiBalance.class -> ")
                        && v.endsWith("io.github.geminibalance.keys.KeyPool"));
    }

    @Test
    void jacksonMayReadEveryPackageItBindsByReflection() throws IOException {
        ModuleDescriptor d = descriptor();
        Set<String> open = d.opens().stream().map(ModuleDescriptor.Opens::source).collect(Collectors.toSet());

        assertThat(open).contains("io.github.geminibalance.gemini", "io.github.geminibalance.translate",
                "io.github.geminibalance.upstream");
        assertThat(d.opens()).allSatisfy(o -> assertThat(o.targets()).containsExactly("com.fasterxml.jackson.databind"));
    }

    @Test
    void theExportedApiUsesOnlyExportedTypes() throws Exception {
        ModuleDescriptor d = descriptor();
        Set<String> hidden = ModuleBoundary.hiddenPackages(d);
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : exportedTypes(d)) {
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            List<Type> signature = new ArrayList<>();
            if (type.getGenericSuperclass() != null) {
                signature.add(type.getGenericSuperclass());
            }
            signature.addAll(List.of(type.getGenericInterfaces()));
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    collect(m, signature);
                    signature.add(m.getGenericReturnType());
                }
            }
            for (var c : type.getDeclaredConstructors()) {
                if (visible(c.getModifiers())) {
                    collect(c, signature);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    signature.add(f.getGenericType());
                }
            }
            if (type.isRecord()) {
                for (RecordComponent rc : type.getRecordComponents()) {
                    signature.add(rc.getGenericType());
                }
            }
            Set<String> bad = new TreeSet<>();
            for (Type t : signature) {
                rawTypes(t).stream().filter(c -> hidden.contains(c.getPackageName()))
                        .forEach(c -> bad.add(c.getName()));
            }
            bad.forEach(b -> leaks.add(type.getName() + " exposes " + b));
        }

        assertThat(leaks).isEmpty();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void collect(Executable e, List<Type> into) {
        into.addAll(List.of(e.getGenericParameterTypes()));
        into.addAll(List.of(e.getGenericExceptionTypes()));
    }

    private static List<Class<?>> rawTypes(Type t) {
        List<Class<?>> out = new ArrayList<>();
        if (t instanceof Class<?> c) {
            out.add(c.isArray() ? c.getComponentType() : c);
        } else if (t instanceof ParameterizedType p) {
            out.addAll(rawTypes(p.getRawType()));
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(rawTypes(a));
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                out.addAll(rawTypes(b));
            }
            for (Type b : w.getLowerBounds()) {
                out.addAll(rawTypes(b));
            }
        }
        return out;
    }

    private static List<Class<?>> exportedTypes(ModuleDescriptor d) throws Exception {
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = CLASSES.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.equals("module-info") || name.endsWith("package-info")) {
                    continue;
                }
                String pkg = name.substring(0, name.lastIndexOf('.'));
                if (exported.contains(pkg)) {
                    types.add(Class.forName(name, false, ModuleDescriptorTest.class.getClassLoader()));
                }
            }
        }
        return types;
    }
}
