/**
 * Typed configuration: {@link dev.ferry.server.config.ConfigLoader} reads a properties file, then
 * applies {@code FERRY_*} environment overrides and command-line overrides, rejects unknown keys,
 * and produces an immutable {@link dev.ferry.server.config.FerryConfig}. Nothing here is global:
 * the config object is passed down by the wiring code.
 */
package dev.ferry.server.config;
