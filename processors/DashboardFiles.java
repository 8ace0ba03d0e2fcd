package io.vigil.processors;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the dashboard's build (classpath {@code dashboard/}) at {@code /}: {@code index.html} and
 * {@code assets/<name>.<ext>} only. Camel's own static serving ({@code camel.server.staticEnabled}) is not
 * used: in 4.14 it resolves a request path against the working directory first and then the whole
 * classpath, which would serve {@code data/} (tokens, keys, database) and {@code application.properties}.
 */
public class DashboardFiles {

    private static final Pattern ASSET = Pattern.compile("^/assets/[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.(js|css|svg|png|woff2)$");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "woff2", "font/woff2",
            "html", "text/html; charset=utf-8");

    /** The file's bytes for a request path; 404 for anything else. */
    public byte[] file(String path) {
        String name = path == null || path.isEmpty() || path.equals("/") || path.equals("/index.html") ? "/index.html" : path;
        if (!name.equals("/index.html") && !ASSET.matcher(name).matches()) {
            throw new NotFoundException("no such page", null);
        }
        try (InputStream in = DashboardFiles.class.getResourceAsStream("/dashboard" + name)) {
            if (in == null) {
                throw new NotFoundException(name.equals("/index.html")
                        ? "the dashboard is not built into this jar (mvn package builds it)" : "no such page", null);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InternalErrorException("cannot read the dashboard", null);
        }
    }

    private final Map<String, byte[]> gzipped = new java.util.concurrent.ConcurrentHashMap<>();

    /** The file gzip-compressed (compressed once, then kept: the build's files never change while running). */
    public byte[] file(String path, boolean gzip) {
        byte[] plain = file(path);
        if (!gzip) {
            return plain;
        }
        return gzipped.computeIfAbsent(path, p -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length / 3 + 64);
            try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out) {
                {
                    def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
                }
            }) {
                zip.write(plain);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toByteArray();
        });
    }

    /** Whether an Accept-Encoding header takes gzip. */
    public boolean acceptsGzip(String acceptEncoding) {
        return acceptEncoding != null && java.util.Arrays.stream(acceptEncoding.split(","))
                .map(e -> e.trim().toLowerCase(java.util.Locale.ROOT))
                .anyMatch(e -> e.equals("gzip") || e.startsWith("gzip;") && !e.replace(" ", "").endsWith("q=0"));
    }

    public String contentType(String path) {
        String name = path == null || path.isEmpty() || path.equals("/") ? "index.html" : path;
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
