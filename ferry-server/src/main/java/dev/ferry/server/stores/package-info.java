/**
 * Where image data is kept: the {@link dev.ferry.server.stores.BlobStore} SPI and its
 * implementations ({@link dev.ferry.server.stores.FileStore}, {@link dev.ferry.server.stores.SwiftStore},
 * {@link dev.ferry.server.stores.S3Store}; docs/object-storage.md). Writes are
 * all-or-nothing: a blob is visible only once complete and durable.
 */
package dev.ferry.server.stores;
