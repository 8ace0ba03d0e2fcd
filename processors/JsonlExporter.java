package io.vigil.processors;

import io.vigil.model.StoredLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Appends stored logs to daily JSONL files {@code <data>/jsonl/logs-YYYY-MM-DD.jsonl} (UTC), one line per
 * log: {@code {"batch_id", "leaf_index", "stored_at", "log": <canonical packet>}} — enough to re-verify
 * signatures and batch roots offline. File names come only from a strict pattern and never leave the folder.
 */
public class JsonlExporter {

    /** The only export names there are. */
    public static final Pattern NAME = Pattern.compile("^logs-\\d{4}-\\d{2}-\\d{2}\\.jsonl$");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final Path folder;

    public JsonlExporter(Path dataDir) {
        this.folder = dataDir.resolve("jsonl").toAbsolutePath().normalize();
    }

    public synchronized void append(List<StoredLog> logs) {
        if (logs.isEmpty()) {
            return;
        }
        Path file = resolve("logs-" + DAY.format(Instant.ofEpochMilli(logs.get(0).storedAt())) + ".jsonl");
        try {
            Files.createDirectories(folder);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (StoredLog log : logs) {
                    out.write("{\"batch_id\":\"" + log.batchId() + "\",\"leaf_index\":" + log.leafIndex()
                            + ",\"stored_at\":" + log.storedAt() + ",\"log\":" + log.packet().canonicalJson() + "}\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** The export files there are, oldest first. */
    public List<String> list() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of an export by name; 400 for a name outside the pattern, 404 when there is no such day. */
    public Path file(String name) {
        Path path = resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new NotFoundException("no export named " + name, null);
        }
        return path;
    }

    private Path resolve(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BadRequestException("export names look like logs-YYYY-MM-DD.jsonl", name);
        }
        Path path = folder.resolve(name).normalize();
        if (!path.getParent().equals(folder)) {
            throw new BadRequestException("export name leaves the export folder", name);
        }
        return path;
    }
}
