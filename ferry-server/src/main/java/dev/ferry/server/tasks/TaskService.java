package dev.ferry.server.tasks;

import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.identity.AccessDeniedException;
import dev.ferry.server.identity.Identity;
import dev.ferry.server.images.UuidText;
import dev.ferry.server.policy.Policy;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tasks API's rules: the access policy, what {@code POST /v2/tasks} accepts, who sees which
 * task. Creating a task writes a pending row and wakes the worker pool; it never runs the job.
 */
public final class TaskService {

    static final String ACCESS_DENIED = "You are not authorized to complete tasks_api_access action.";
    /** Rackspace's import_from: {@code container/object} in the caller's object store. */
    private static final Pattern CONTAINER_OBJECT = Pattern.compile("^[^/:?#]{1,256}/[^?#]{1,1024}$");

    private final TaskRepository repository;
    private final Clock clock;
    private final Policy policy;
    private final ImportSourceCheck sourceCheck;
    private final Runnable onCreated;
    private final JsonMapper json;

    /** With Glance's default rules, {@code tasks_api_access} opened to members by {@code access=MEMBER}. */
    public TaskService(TaskRepository repository, Clock clock, FerryConfig.TaskAccess access,
                       ImportSourceCheck sourceCheck, Runnable onCreated, JsonMapper json) {
        this(repository, clock, defaultPolicy(access), sourceCheck, onCreated, json);
    }

    public TaskService(TaskRepository repository, Clock clock, Policy policy,
                       ImportSourceCheck sourceCheck, Runnable onCreated, JsonMapper json) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
        this.policy = policy;
        this.sourceCheck = sourceCheck;
        this.onCreated = onCreated;
    }

    private static Policy defaultPolicy(FerryConfig.TaskAccess access) {
        try {
            return Policy.load(access == FerryConfig.TaskAccess.MEMBER, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // no file is read
        }
    }

    /** Glance's {@code tasks_api_access}: admins by default; checked before anything else. */
    public void checkAccess(Identity who) {
        if (!policy.allows("tasks_api_access", who)) {
            throw new AccessDeniedException(ACCESS_DENIED);
        }
    }

    private boolean seesAll(Identity who) {
        return policy.isAdmin(who);
    }

    /** Creates a pending task after the synchronous checks of its input. */
    public Task create(Identity who, TaskType type, ObjectNode input, String requestId) {
        checkAccess(who);
        policy.enforce("add_task", who);
        if (type == TaskType.IMPORT) {
            checkImportInput(input);
        } else if (type == TaskType.EXPORT) {
            ExportInput.check(input);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String imageField = type == TaskType.EXPORT ? ExportInput.IMAGE_UUID : "image_id";
        String imageId = input != null && input.path(imageField).isString() ? input.get(imageField).asString() : null;
        if (imageId != null && imageId.length() > 36) {
            imageId = null; // Glance's column is 36 wide; a longer value is not an image id
        } else if (type == TaskType.EXPORT) {
            // checked as a UUID above; recorded as the image's own id (lowercase), the one form
            // the race check between exports and GET /v2/images/{id}/tasks compare with
            imageId = UUID.fromString(imageId).toString();
        }
        Task task = new Task(UUID.randomUUID(), type, TaskStatus.PENDING, who.projectId(),
                input == null ? null : json.writeValueAsString(input), null, "", now, now,
                null, requestId, who.userId(), imageId, null, 0);
        repository.insert(task);
        onCreated.run();
        return task;
    }

    private void checkImportInput(ObjectNode input) {
        JsonNode from = input == null ? null : input.get("import_from");
        if (from == null || from.isNull() || (from.isString() && from.asString().isEmpty())) {
            throw new InvalidTaskRequestException("Invalid location: None");
        }
        if (!from.isString()) {
            throw new InvalidTaskRequestException("Invalid location: " + from);
        }
        JsonNode props = input.get("image_properties");
        if (props != null && !props.isNull()) {
            try {
                ImageProperties.parse(props); // the image schema's base properties: refused now, unlike Glance
            } catch (JobFailedException e) {
                throw new InvalidTaskRequestException(e.getMessage());
            }
        }
        String text = from.asString();
        if (!text.contains("://") && CONTAINER_OBJECT.matcher(text).matches()) {
            return; // Rackspace shape; the job reads it from the object store
        }
        sourceCheck.check(text);
    }

    /** One task, if the caller may see it. */
    public Task get(Identity who, String id) {
        checkAccess(who);
        policy.enforce("get_task", who);
        return find(who, id).orElseThrow(() -> new TaskNotFoundException(id));
    }

    private Optional<Task> find(Identity who, String id) {
        if (!UuidText.matches(id)) {
            return Optional.empty();
        }
        return repository.find(UUID.fromString(id)).filter(t -> seesAll(who) || t.owner().equals(who.projectId()));
    }

    /** A page of the tasks the caller may see. */
    public List<Task> list(Identity who, TaskListRequest r) {
        checkAccess(who);
        policy.enforce("get_tasks", who);
        Task marker = null;
        if (r.marker() != null) {
            if (!UuidText.matches(r.marker())) {
                throw new InvalidTaskRequestException("Invalid marker format");
            }
            marker = find(who, r.marker()).orElseThrow(() -> new InvalidTaskRequestException(
                    "Task with the given id " + r.marker() + " was not found"));
        }
        TaskQuery q = new TaskQuery(seesAll(who) ? null : who.projectId(), r.status(), r.type(), r.columnFilters(),
                r.sortKey(), r.ascending(), Math.min(r.limit(), TaskQuery.MAX_LIMIT), marker);
        return repository.list(q);
    }
}
