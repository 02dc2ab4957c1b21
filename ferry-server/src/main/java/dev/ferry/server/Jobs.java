package dev.ferry.server;

import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import dev.ferry.server.sources.UrlRejectedException;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.SwiftExportTarget;
import dev.ferry.server.tasks.ExportJob;
import dev.ferry.server.tasks.ImportJob;
import dev.ferry.server.tasks.ImportPolicy;
import dev.ferry.server.tasks.ImportSources;
import dev.ferry.server.tasks.ImportSourceCheck;
import dev.ferry.server.tasks.InvalidTaskRequestException;
import dev.ferry.server.tasks.Job;
import dev.ferry.server.tasks.StagingArea;
import dev.ferry.server.tasks.TaskRepository;
import dev.ferry.server.tasks.TaskType;
import dev.ferry.server.tasks.UnavailableJob;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of the jobs per task type and of the synchronous import URL check. */
final class Jobs {

    private Jobs() {
    }

    static UrlPolicy urlPolicy(FerryConfig.Url url) {
        return new UrlPolicy(Set.of("http", "https"), url.allowedHosts(), url.deniedHosts(),
                new LinkedHashSet<>(url.allowedPorts()), new LinkedHashSet<>(url.deniedPorts()), url.maxRedirects(), url.connectTimeout(), url.readTimeout(),
                url.maxBytes());
    }

    static Map<TaskType, Job> create(ImportSources sources, Stores stores, ImageRepository images, Clock clock,
                                     JsonMapper json, ImportPolicy policy, StagingArea staging,
                                     Optional<SwiftExportTarget> exports, TaskRepository tasks) {
        Map<TaskType, Job> jobs = new EnumMap<>(TaskType.class);
        ImportJob importJob = new ImportJob(sources, stores, images, clock, json, policy, staging);
        jobs.put(TaskType.IMPORT, importJob);
        jobs.put(TaskType.API_IMAGE_IMPORT, importJob); // the interoperable import: same pipeline, existing image
        jobs.put(TaskType.EXPORT, exports.<Job>map(target -> new ExportJob(stores, images, target, staging, json, tasks))
                .orElseGet(() -> new UnavailableJob("Export tasks need an object store (swift.auth_url), "
                        + "which this server does not have.")));
        return jobs;
    }

    /** Glance's texts for the three kinds of refusal, with UrlGuard's reason added. */
    static ImportSourceCheck sourceCheck(UrlGuard guard, ImportSources sources) {
        return url -> {
            String lower = url.toLowerCase(java.util.Locale.ROOT);
            if ((lower.startsWith("swift://") && sources.swiftEnabled()) || (lower.startsWith("s3://") && sources.s3Enabled())) {
                return; // object names are checked by the source when the job opens them
            }
            if (url.startsWith("file://") || url.startsWith("filesystem://")) {
                throw new InvalidTaskRequestException(
                        "File based imports are not allowed. Please use a non-local source of image data.");
            }
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new InvalidTaskRequestException("The given uri is not valid. Please specify a valid uri from "
                        + "the following list of supported uri ['http', 'https']");
            }
            try {
                guard.checkSyntax(url);
            } catch (UrlRejectedException e) {
                throw new InvalidTaskRequestException("URI for legacy import task does not pass filtering: "
                        + (url.length() > 300 ? url.substring(0, 300) + "..." : url) + " (" + e.getMessage() + ")");
            }
        };
    }
}
