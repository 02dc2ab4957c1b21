/**
 * Glance's metadata definitions catalog: {@link dev.ferry.server.metadefs.Namespace namespaces} with
 * their resource type associations, objects, properties and tags, kept by the
 * {@link dev.ferry.server.metadefs.MetadefRepository} and guarded (visibility, policy, bounds) by the
 * {@link dev.ferry.server.metadefs.MetadefService}. Objects and properties are JSON documents the HTTP
 * layer has validated against Glance's schemas; this package stores them as they are.
 */
package dev.ferry.server.metadefs;
