/**
 * Tasks: the {@link dev.ferry.server.tasks.Task} resource and its status machine, the service the
 * HTTP layer calls, the repository (one table that is both the API resource and the durable work
 * queue), the lease-based {@link dev.ferry.server.tasks.TaskWorkerPool}, the
 * {@link dev.ferry.server.tasks.TaskReaper}, and the jobs that run tasks.
 */
package dev.ferry.server.tasks;
