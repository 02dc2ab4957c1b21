package dev.ferry.server.tasks;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A task as the API shows it. {@code input} and {@code result} are the JSON text of an object
 * (or null), kept as stored so that showing a task does not re-parse them;
 * {@code message} is never null ("" when there is nothing to say); {@code expiresAt} is set only
 * once the task is terminal. {@code progress} is null until a job reports some.
 */
public record Task(UUID id, TaskType type, TaskStatus status, String owner, String input, String result,
                   String message, Instant createdAt, Instant updatedAt, Instant expiresAt, String requestId,
                   String userId, String imageId, TaskProgress progress, int attempts) {
    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (expiresAt != null && !status.isTerminal()) {
            throw new IllegalArgumentException("expires_at is only set on terminal tasks");
        }
    }
}
