/**
 * Ferry's server. {@link dev.ferry.server.FerryServer} is the one place where components are
 * created and wired with plain {@code new}: config → database → repositories → services →
 * HTTP resources, plus the worker pool and reaper. Subpackages hold the parts.
 */
package dev.ferry.server;
