/**
 * Images: the {@link dev.ferry.server.images.Image} entity, its repository and service, and their
 * data's identity ({@link dev.ferry.server.images.Checksums}, computed in one pass by
 * {@link dev.ferry.server.images.ChecksummingInputStream} over a
 * {@link dev.ferry.server.images.DigestPair}).
 */
package dev.ferry.server.images;
