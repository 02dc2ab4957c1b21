package dev.ferry.server.tasks;

import java.util.Map;

/** A list request as parsed from the query string, before the marker is looked up. */
public record TaskListRequest(TaskStatus status, TaskType type, Map<String, String> columnFilters,
                              TaskQuery.SortKey sortKey, boolean ascending, int limit, String marker) {
}
