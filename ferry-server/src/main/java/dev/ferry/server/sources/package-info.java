/**
 * Where image bytes come from: {@link dev.ferry.server.sources.HttpSource} for {@code import_from}
 * URLs, always behind a {@link dev.ferry.server.sources.UrlGuard} that applies the operator's
 * {@link dev.ferry.server.sources.UrlPolicy} (schemes, ports, private address ranges, redirects,
 * timeouts, size cap). See docs/security-url.md.
 */
package dev.ferry.server.sources;
