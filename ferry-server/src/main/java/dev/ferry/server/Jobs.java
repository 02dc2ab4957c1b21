package dev.ferry.server;

import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.tasks.ImportSourceCheck;
import dev.ferry.server.tasks.InvalidTaskRequestException;
import dev.ferry.server.tasks.Job;
import dev.ferry.server.tasks.TaskRepository;
import dev.ferry.server.tasks.TaskType;
import dev.ferry.server.tasks.UnavailableJob;
import java.util.EnumMap;
import java.util.Map;

/** Wiring of the jobs per task type and of the import URL check. */
final class Jobs {

    private Jobs() {
    }

    static Map<TaskType, Job> create(FerryConfig config, TaskRepository tasks) {
        Map<TaskType, Job> jobs = new EnumMap<>(TaskType.class);
        jobs.put(TaskType.IMPORT, new UnavailableJob("Import tasks cannot run on this server yet."));
        jobs.put(TaskType.EXPORT, new UnavailableJob("Export tasks need an object store (store.type=swift), "
                + "which this server does not support yet."));
        jobs.put(TaskType.API_IMAGE_IMPORT, new UnavailableJob("api_image_import tasks are run by the "
                + "interoperable image import API (POST /v2/images/{id}/import), which this server does not offer."));
        return jobs;
    }

    static ImportSourceCheck sourceCheck(FerryConfig config) {
        return url -> {
            if (url.startsWith("file://") || url.startsWith("filesystem://")) {
                throw new InvalidTaskRequestException(
                        "File based imports are not allowed. Please use a non-local source of image data.");
            }
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new InvalidTaskRequestException("The given uri is not valid. Please specify a valid uri from "
                        + "the following list of supported uri ['http', 'https']");
            }
        };
    }
}
