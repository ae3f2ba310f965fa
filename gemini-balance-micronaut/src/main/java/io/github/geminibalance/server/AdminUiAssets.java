package io.github.geminibalance.server;

import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web admin's files: pages, scripts, styles and the language bundles, resources of the server jar
 * under {@value #ROOT}. Every file is read once, at start-up, into memory (a few dozen KiB), with its
 * content type and a strong ETag; only the files named in {@link #FILES} exist, so no path from a URL
 * ever reaches the class path. A missing file stops start-up: it is a packaging bug.
 */
final class AdminUiAssets {

    /** The resource folder of the admin's files. */
    static final String ROOT = "admin-ui/";

    /** Every file of the web admin. Pages are served at their own paths, the rest under {@code /admin/ui/}. */
    static final List<String> FILES = List.of(
            "index.html",
            "login.html",
            "usage.html",
            "logs.html",
            "app.css",
            "common.js",
            "keys.js",
            "settings.html",
            "settings.js",
            "login.js",
            "usage.js",
            "logs.js",
            "favicon.svg",
            "i18n/en.json",
            "i18n/zh-CN.json");

    /**
     * The header every page shares (brand, navigation, live figures, language, log out), put where a page
     * says {@value #INCLUDE}; the link of the page's own {@code data-page} gets {@code aria-current}.
     */
    static final String HEADER = "header.html";
    static final String INCLUDE = "<!--#include header.html";

    /** The uPlot WebJar (the Usage page's charts): its files under {@code /admin/ui/vendor/}. */
    static final String UPLOT_WEBJAR = "META-INF/resources/webjars/uplot/";
    private static final Map<String, String> VENDOR = Map.of(
            "vendor/uplot.min.js", "dist/uPlot.iife.min.js",
            "vendor/uplot.min.css", "dist/uPlot.min.css",
            "vendor/uplot.LICENSE.txt", "LICENSE");

    /** One file: its bytes, content type and ETag. */
    record Asset(byte[] bytes, String contentType, String etag) {}

    private final Map<String, Asset> assets;

    /** Reads every file of {@link #FILES}. */
    AdminUiAssets() {
        Map<String, Asset> map = new LinkedHashMap<>();
        String header = new String(read(HEADER), StandardCharsets.UTF_8);
        for (String name : FILES) {
            byte[] bytes = name.endsWith(".html") ? withHeader(name, read(name), header) : read(name);
            map.put(name, new Asset(bytes, contentType(name), etag(bytes)));
        }
        String uplot = UPLOT_WEBJAR + webJarVersion("uplot") + "/";
        VENDOR.forEach((name, file) -> {
            byte[] bytes = resource(uplot + file);
            map.put(name, new Asset(bytes, contentType(name), etag(bytes)));
        });
        this.assets = Map.copyOf(map);
    }

    /** The file with this name (relative to {@value #ROOT}), or null. */
    @Nullable
    Asset get(String name) {
        return assets.get(name);
    }

    // Puts the shared header in place of the page's include line, marking the page's own link as current.
    static byte[] withHeader(String name, byte[] page, String header) {
        String html = new String(page, StandardCharsets.UTF_8);
        int at = html.indexOf(INCLUDE);
        if (at < 0) {
            return page;
        }
        int end = html.indexOf("-->", at);
        Matcher pageName = PAGE.matcher(html);
        if (end < 0 || !pageName.find()) {
            throw new IllegalStateException("the admin page " + name + " includes the header without a data-page");
        }
        String link = "data-i18n=\"nav." + pageName.group(1) + "\"";
        if (!header.contains(link)) {
            throw new IllegalStateException("the admin header has no link for the page " + name);
        }
        String marked = header.strip().replace(link, "aria-current=\"page\" " + link);
        return (html.substring(0, at) + marked + html.substring(end + "-->".length())).getBytes(StandardCharsets.UTF_8);
    }

    private static final Pattern PAGE = Pattern.compile("<body data-page=\"([a-z]+)\"");

    private static byte[] read(String name) {
        return resource(ROOT + name);
    }

    private static byte[] resource(String path) {
        try (InputStream in = AdminUiAssets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the admin file " + path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin file " + path, e);
        }
    }

    /** The version of an npm WebJar on the class path, from its Maven properties (no version in the code). */
    private static String webJarVersion(String artifact) {
        java.util.Properties properties = new java.util.Properties();
        try (InputStream in = new java.io.ByteArrayInputStream(
                resource("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the version of the WebJar " + artifact, e);
        }
        return properties.getProperty("version");
    }

    static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        if (name.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
