/**
 * Clients for object storage shared by {@code stores} (where images are kept) and {@code sources}
 * (where imports are read from): a small Swift client ({@link dev.ferry.server.objectstorage.SwiftClient},
 * authenticated through {@link dev.ferry.server.objectstorage.SwiftAuth}) and the settings that make
 * the AWS SDK's S3 client work with S3 and with Swift's s3api ({@link dev.ferry.server.objectstorage.S3Clients}).
 */
package dev.ferry.server.objectstorage;
