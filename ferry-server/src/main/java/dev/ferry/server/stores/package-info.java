/**
 * Where image data is kept: the {@link dev.ferry.server.stores.BlobStore} SPI and its
 * implementations ({@link dev.ferry.server.stores.FileStore}; Swift and S3 to come). Writes are
 * all-or-nothing: a blob is visible only once complete and durable.
 */
package dev.ferry.server.stores;
