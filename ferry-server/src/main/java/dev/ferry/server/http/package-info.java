/**
 * The HTTP API on Helidon SE: one {@link io.helidon.webserver.http.HttpService} per resource,
 * request bounds (body size, JSON depth, content type), JSON-schema validation from the same
 * schema files that are served, identity resolution, and Glance-style JSON error bodies. Handlers
 * translate HTTP to service calls and back; the rules live in the services.
 */
package dev.ferry.server.http;
