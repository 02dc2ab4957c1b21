/**
 * Images: their data's identity ({@link dev.ferry.server.images.Checksums}, computed in one pass by
 * {@link dev.ferry.server.images.ChecksummingInputStream}), and, to come, the image entity and service.
 */
package dev.ferry.server.images;
