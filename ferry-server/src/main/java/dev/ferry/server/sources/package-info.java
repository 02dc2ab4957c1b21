/**
 * Where image bytes come from: {@link dev.ferry.server.sources.HttpSource} for {@code import_from}
 * URLs, always behind a {@link dev.ferry.server.sources.UrlGuard} that applies the operator's
 * {@link dev.ferry.server.sources.UrlPolicy} (schemes, ports, private address ranges, redirects,
 * timeouts, size cap), and {@link dev.ferry.server.sources.HttpRangeSource} for positioned reads of
 * such a URL through the same client when its server does ranges. See docs/security-url.md.
 * {@link dev.ferry.server.sources.BlockCache} reads any ranged source by blocks. Object-store sources:
 * {@link dev.ferry.server.sources.SwiftSource} (a project's Swift account, read with the operator's
 * reseller-admin credentials) and {@link dev.ferry.server.sources.S3Source}, each as a stream or as
 * a ranged {@link dev.ferry.format.io.ReadSource}. See docs/object-storage.md.
 */
package dev.ferry.server.sources;
