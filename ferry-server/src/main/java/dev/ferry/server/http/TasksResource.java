package dev.ferry.server.http;

import dev.ferry.server.identity.Identity;
import dev.ferry.server.tasks.Task;
import dev.ferry.server.tasks.TaskListRequest;
import dev.ferry.server.tasks.TaskQuery;
import dev.ferry.server.tasks.TaskService;
import dev.ferry.server.tasks.TaskStatus;
import dev.ferry.server.tasks.TaskType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v2/tasks}: create, list, show; every other verb is 405 with Glance's Allow header. */
public final class TasksResource implements HttpService {

    private static final int DEFAULT_LIMIT = 25;
    private static final int MAX_QUERY_PARAMS = 64;

    private final TaskService tasks;
    private final ApiSupport api;
    private final Schemas schemas;
    private final TaskViews views;

    public TasksResource(TaskService tasks, ApiSupport api, Schemas schemas) {
        this.tasks = tasks;
        this.api = api;
        this.schemas = schemas;
        this.views = new TaskViews(api.json());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/", this::create)
                .any("/", TasksResource::collectionNotAllowed)
                .get("/{id}", this::show)
                .delete("/{id}", this::delete)
                .any("/{id}", TasksResource::itemNotAllowed);
    }

    private static void collectionNotAllowed(ServerRequest req, ServerResponse res) {
        throw ApiException.notAllowed(req.prologue().method().text(), "GET, POST");
    }

    // Glance's RejectMethodController answers "GET, DELETE" although DELETE is itself refused
    private static void itemNotAllowed(ServerRequest req, ServerResponse res) {
        throw ApiException.notAllowed(req.prologue().method().text(), "GET, DELETE");
    }

    private void create(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        tasks.checkAccess(who); // before the body is read, as Glance does
        JsonNode body = api.readJson(req);
        if (body.isArray()) {
            throw ApiException.badRequest("Task 'type' is required");
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("Unexpected body type. Expected list/dict.");
        }
        if (!body.has("type")) {
            throw ApiException.badRequest("Task 'type' is required");
        }
        if (!body.has("input")) {
            throw ApiException.badRequest("Task 'input' is required");
        }
        schemas.validateTask(body).ifPresent(message -> {
            throw ApiException.badRequest(message);
        });
        TaskType type = TaskType.parse(body.get("type").asString())
                .orElseThrow(() -> ApiException.badRequest("Invalid type value: " + body.get("type").asString()));
        JsonNode input = body.get("input");
        Task task = tasks.create(who, type, input.isObject() ? (ObjectNode) input : null, api.requestId(req));
        res.header(HeaderNames.LOCATION, api.baseUrl(req) + "/v2/tasks/" + task.id());
        api.sendJson(res, Status.CREATED_201, views.full(task));
    }

    private void show(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        Task task = tasks.get(who, req.path().pathParameters().get("id"));
        api.sendJson(res, Status.OK_200, views.full(task));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        tasks.checkAccess(api.identity(req));
        throw new ApiException(Status.METHOD_NOT_ALLOWED_405, "This operation is currently not permitted on "
                + "Glance Tasks. They are auto deleted after reaching the time based on their expires_at property.",
                "GET");
    }

    private void list(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        tasks.checkAccess(who);
        List<String[]> params = QueryString.parse(req.query().rawValue(), MAX_QUERY_PARAMS);
        Map<String, String> single = new LinkedHashMap<>();
        for (String[] p : params) {
            single.putIfAbsent(p[0], p[1]);
        }
        int limit = DEFAULT_LIMIT;
        if (single.containsKey("limit")) {
            try {
                limit = Integer.parseInt(single.get("limit"));
            } catch (NumberFormatException e) {
                if (single.get("limit").matches("-?\\d+")) {
                    limit = single.get("limit").startsWith("-") ? -1 : TaskQuery.MAX_LIMIT; // out of int range
                } else {
                    throw ApiException.badRequest("limit param must be an integer");
                }
            }
            if (limit < 0) {
                throw ApiException.badRequest("limit param must be positive");
            }
        }
        TaskQuery.SortKey sortKey = TaskQuery.SortKey.CREATED_AT;
        if (single.containsKey("sort_key")) {
            sortKey = TaskQuery.SortKey.parse(single.get("sort_key"))
                    .orElseThrow(() -> ApiException.badRequest("Sort key supplied was not valid."));
        }
        boolean ascending = false;
        if (single.containsKey("sort_dir")) {
            String dir = single.get("sort_dir");
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw ApiException.badRequest("Invalid sort direction: " + dir);
            }
            ascending = dir.equals("asc");
        }
        TaskStatus status = null;
        if (single.containsKey("status")) {
            status = TaskStatus.parse(single.get("status"))
                    .orElseThrow(() -> ApiException.badRequest("Invalid status value: " + single.get("status")));
        }
        TaskType type = null;
        if (single.containsKey("type")) {
            // Glance lets only 'import' be filtered on; Ferry also lets 'export' (a Rackspace type)
            type = TaskType.parse(single.get("type")).filter(t -> t != TaskType.API_IMAGE_IMPORT)
                    .orElseThrow(() -> ApiException.badRequest("Invalid type value: " + single.get("type")));
        }
        Map<String, String> filters = new LinkedHashMap<>();
        for (String column : TaskQuery.FILTER_COLUMNS) {
            if (single.containsKey(column)) {
                filters.put(column, single.get(column));
            }
        }
        List<Task> page = tasks.list(who, new TaskListRequest(status, type, filters, sortKey, ascending,
                Math.min(limit, TaskQuery.MAX_LIMIT), single.get("marker")));

        List<String[]> kept = new ArrayList<>();
        for (String[] p : params) {
            if (!p[0].equals("marker")) {
                kept.add(p);
            }
        }
        String first = QueryString.format("/v2/tasks", kept);
        String next = null;
        if (limit > 0 && page.size() == Math.min(limit, TaskQuery.MAX_LIMIT)) {
            kept.add(new String[] {"marker", page.getLast().id().toString()});
            next = QueryString.format("/v2/tasks", kept);
        }
        api.sendJson(res, Status.OK_200, views.page(page, first, next));
    }
}
