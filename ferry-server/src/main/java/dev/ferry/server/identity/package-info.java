/**
 * Who is calling: {@link dev.ferry.server.identity.Identity} (project, user, roles) and the
 * resolvers that derive it from request headers — {@link dev.ferry.server.identity.NoAuthResolver}
 * (trusted headers, Glance's unauthenticated context) and
 * {@link dev.ferry.server.identity.StaticTokenResolver} (a tokens file, for operators without
 * Keystone) and {@link dev.ferry.server.identity.KeystoneResolver} (Keystone v3 token validation
 * with a {@link dev.ferry.server.identity.TokenCache}). Resolvers see headers through a plain lookup function, not through an HTTP API.
 */
package dev.ferry.server.identity;
