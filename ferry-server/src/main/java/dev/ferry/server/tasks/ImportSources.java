package dev.ferry.server.tasks;

import dev.ferry.format.io.ReadSource;
import dev.ferry.server.sources.BlockCache;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.OpenedStream;
import dev.ferry.server.sources.S3Source;
import dev.ferry.server.sources.SourceException;
import dev.ferry.server.sources.SwiftSource;
import dev.ferry.server.sources.UrlRejectedException;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@code import_from} points: {@code http(s)://...} (behind the URL guard),
 * {@code container/object} or {@code swift://container/object} (the task owner's own Swift
 * account) or {@code s3://bucket/key} (the configured S3 endpoint).
 */
public final class ImportSources {

    private final HttpSource http;
    private final Optional<SwiftSource> swift;
    private final Optional<S3Source> s3;
    private final String storeBucket;

    /**
     * @param storeBucket the bucket where Ferry keeps image data ({@code s3.bucket}): never a source,
     *                    or any user could import another project's private image by its key
     */
    public ImportSources(HttpSource http, Optional<SwiftSource> swift, Optional<S3Source> s3, String storeBucket) {
        this.http = Objects.requireNonNull(http, "http");
        this.swift = Objects.requireNonNull(swift, "swift");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.storeBucket = storeBucket == null ? "" : storeBucket;
    }

    public boolean swiftEnabled() {
        return swift.isPresent();
    }

    public boolean s3Enabled() {
        return s3.isPresent();
    }

    /** A parsed {@code import_from}, checked but not opened. */
    sealed interface Location permits Http, Swift, S3 {
    }

    record Http(URI url) implements Location {
    }

    record Swift(String container, String object) implements Location {
    }

    record S3(String bucket, String key) implements Location {
    }

    /** Parses and checks {@code from}; the failure message is the task's. */
    Location locate(String from) throws JobFailedException {
        String lower = from.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                return new Http(http.guard().checkSyntax(from));
            } catch (UrlRejectedException e) {
                throw new JobFailedException("URI for import does not pass filtering: " + e.getMessage());
            }
        }
        if (lower.startsWith("s3://")) {
            if (s3.isEmpty()) {
                throw new JobFailedException("Importing from '" + from + "' needs S3 settings (s3.endpoint, "
                        + "s3.access_key, s3.secret_key), which this server does not have.");
            }
            String[] parts = split(from.substring("s3://".length()), from);
            if (parts[0].equals(storeBucket)) {
                throw new JobFailedException("Importing from '" + from + "' is refused: bucket " + storeBucket
                        + " holds this server's image data.");
            }
            return new S3(parts[0], parts[1]);
        }
        if (from.contains("://") && !lower.startsWith("swift://")) {
            throw new JobFailedException("Importing from '" + from + "' is not supported: use http(s)://, "
                    + "container/object, swift://container/object or s3://bucket/key.");
        }
        if (swift.isEmpty()) {
            throw new JobFailedException("Importing from '" + from + "' (container/object) needs an object store "
                    + "(swift.auth_url), which this server does not have.");
        }
        String[] parts = split(lower.startsWith("swift://") ? from.substring("swift://".length()) : from, from);
        return new Swift(parts[0], parts[1]);
    }

    private static String[] split(String path, String from) throws JobFailedException {
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new JobFailedException("Invalid location '" + from + "': expected container/object.");
        }
        return new String[] {path.substring(0, slash), path.substring(slash + 1)};
    }

    /**
     * Opens a location for positioned reads, read by {@link BlockCache} blocks: Swift and S3
     * objects always (ranged GETs pinned to the ETag seen first), an http(s) URL when its server
     * answers a ranged GET with a 206 ({@link HttpSource#openRanged}); empty when it does not.
     */
    Optional<ReadSource> openRanged(Location location, String projectId) throws IOException {
        ReadSource ranged = switch (location) {
            case Http h -> http.openRanged(h.url()).orElse(null);
            case Swift s -> swift.orElseThrow().openRanged(projectId, s.container(), s.object());
            case S3 s -> s3.orElseThrow().openRanged(s.bucket(), s.key());
        };
        return ranged == null ? Optional.empty() : Optional.of(new BlockCache(ranged));
    }

    /** The location as an import's {@link ImportJob.Source}: read in order, or by ranges when it can be. */
    ImportJob.Source source(Location location, String projectId) {
        return new ImportJob.Source() {
            @Override
            public OpenedStream open() throws SourceException {
                return ImportSources.this.open(location, projectId);
            }

            @Override
            public Optional<ReadSource> openRanged() throws IOException {
                return ImportSources.this.openRanged(location, projectId);
            }
        };
    }

    /** Opens a location for one sequential read; {@code projectId} selects the Swift account. */
    OpenedStream open(Location location, String projectId) throws SourceException {
        return switch (location) {
            case Http h -> http.open(h.url());
            case Swift s -> swift.orElseThrow().open(projectId, s.container(), s.object());
            case S3 s -> s3.orElseThrow().open(s.bucket(), s.key());
        };
    }
}
