package dev.ferry.server.objectstorage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Swift behind Keystone v3: a password authentication scoped to a project
 * ({@code POST /v3/auth/tokens}) answers the token in {@code X-Subject-Token} and, in the body,
 * the catalog whose {@code object-store} endpoint of the chosen interface is the storage URL of
 * that project's account. The user and the project are named in their domains (by name, as
 * {@code swift.user_domain} and {@code swift.project_domain} say; {@code Default} unless set).
 *
 * <p>The session is renewed five minutes before the token's {@code expires_at} (half-way for
 * short tokens), so that a long upload does not start a segment with a token about to expire.
 * Keystone's answer is read up to {@link #MAX_RESPONSE_BYTES}: a catalog is a few kilobytes.
 */
public final class KeystoneV3Auth implements SwiftAuth {

    static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI tokensUrl;
    private final String projectDomain;
    private final String project;
    private final String userDomain;
    private final String user;
    private final String password;
    private final String endpointInterface;
    private final Duration timeout;
    private final HttpClient http;
    private SwiftSession current;
    private Instant renewAt = Instant.MAX;

    /**
     * @param keystoneUrl       the v3 root, e.g. {@code http://127.0.0.1:5000/v3}
     * @param endpointInterface the catalog interface to use: {@code public}, {@code internal} or {@code admin}
     */
    public KeystoneV3Auth(URI keystoneUrl, String projectDomain, String project, String userDomain, String user,
                          String password, String endpointInterface, Duration timeout) {
        Objects.requireNonNull(keystoneUrl, "keystoneUrl");
        String base = keystoneUrl.toString();
        this.tokensUrl = URI.create((base.endsWith("/") ? base : base + "/") + "auth/tokens");
        this.projectDomain = requireText(projectDomain, "projectDomain");
        this.project = requireText(project, "project");
        this.userDomain = requireText(userDomain, "userDomain");
        this.user = requireText(user, "user");
        this.password = Objects.requireNonNull(password, "password");
        this.endpointInterface = requireText(endpointInterface, "endpointInterface");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    @Override
    public synchronized SwiftSession session() throws IOException {
        if (current == null || !Instant.now().isBefore(renewAt)) {
            Instant started = Instant.now();
            Authenticated a = authenticate();
            current = a.session();
            Duration left = Duration.between(started, a.expiresAt());
            renewAt = started.plus(left.compareTo(Duration.ofMinutes(10)) > 0 ? left.minusMinutes(5) : left.dividedBy(2));
        }
        return current;
    }

    @Override
    public synchronized void invalidate(SwiftSession stale) {
        if (current == stale) {
            current = null;
        }
    }

    record Authenticated(SwiftSession session, Instant expiresAt) {
    }

    private Authenticated authenticate() throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(tokensUrl).timeout(timeout)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(requestBody(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new SwiftException("Keystone authentication at " + tokensUrl + " timed out after "
                    + timeout.toMillis() + " ms", 0);
        } catch (ConnectException e) {
            throw new SwiftException("cannot connect to Keystone at " + tokensUrl, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while authenticating to Keystone");
        }
        int status = response.statusCode();
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        }
        if (status == 401 || status == 403) {
            throw new SwiftException("Keystone refused Swift credentials of user " + user + " in project " + project
                    + " (HTTP " + status + ")", status);
        }
        if (status != 201 && status != 200) {
            throw new SwiftException("Keystone authentication at " + tokensUrl + " answered HTTP " + status, status);
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            throw new SwiftException("Keystone's token answer is larger than " + MAX_RESPONSE_BYTES + " bytes", status);
        }
        String token = response.headers().firstValue("X-Subject-Token").orElseThrow(
                () -> new SwiftException("Keystone gave no X-Subject-Token", status));
        return readAnswer(body, token, status, endpointInterface, project);
    }

    /**
     * Reads Keystone's token answer (a remote server's JSON, bounded by the caller): the session
     * for the one {@code object-store} endpoint of {@code endpointInterface} and when it expires,
     * or a {@link SwiftException}; never another exception, whatever the JSON holds.
     */
    static Authenticated readAnswer(byte[] body, String token, int status, String endpointInterface, String project)
            throws SwiftException {
        JsonNode t;
        try {
            t = JSON.readTree(body).path("token");
        } catch (JacksonException e) {
            throw new SwiftException("Keystone's token answer is not JSON", status);
        }
        URI storage = storageUrl(t.path("catalog"), endpointInterface, project);
        Instant expires;
        try {
            JsonNode at = t.path("expires_at");
            if (at.isMissingNode() || at.isNull()) {
                expires = Instant.now().plus(Duration.ofHours(1));
            } else if (at.isString()) {
                expires = Instant.parse(at.asString());
            } else { // asString() on an object or array throws JsonNodeException, a runtime exception
                throw new SwiftException("Keystone's token has an unreadable expires_at", status);
            }
        } catch (DateTimeParseException e) {
            throw new SwiftException("Keystone's token has an unreadable expires_at", status);
        }
        try {
            return new Authenticated(new SwiftSession(token.strip(), storage), expires);
        } catch (IllegalArgumentException e) {
            throw new SwiftException("Keystone's answer is unusable for Swift: " + e.getMessage(), status);
        }
    }

    /** The {@code object-store} endpoint of the configured interface; exactly one must match. */
    private static URI storageUrl(JsonNode catalog, String endpointInterface, String project) throws SwiftException {
        URI found = null;
        for (JsonNode service : catalog) {
            if (!"object-store".equals(service.path("type").asString(""))) {
                continue;
            }
            for (JsonNode endpoint : service.path("endpoints")) {
                if (endpointInterface.equals(endpoint.path("interface").asString(""))) {
                    if (found != null) {
                        throw new SwiftException("Keystone's catalog has more than one " + endpointInterface
                                + " object-store endpoint", 0);
                    }
                    try {
                        found = URI.create(endpoint.path("url").asString(""));
                    } catch (IllegalArgumentException e) {
                        throw new SwiftException("Keystone's catalog has an invalid object-store URL", 0);
                    }
                }
            }
        }
        if (found == null) {
            throw new SwiftException("Keystone's catalog for project " + project + " has no " + endpointInterface
                    + " object-store endpoint", 0);
        }
        return found;
    }

    private String requestBody() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode auth = f.objectNode();
        ObjectNode identity = auth.putObject("identity");
        identity.putArray("methods").add("password");
        ObjectNode u = identity.putObject("password").putObject("user");
        u.put("name", user);
        u.putObject("domain").put("name", userDomain);
        u.put("password", password);
        ObjectNode p = auth.putObject("scope").putObject("project");
        p.put("name", project);
        p.putObject("domain").put("name", projectDomain);
        ObjectNode root = f.objectNode();
        root.set("auth", auth);
        return root.toString();
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    @Override
    public String toString() {
        return "KeystoneV3Auth[" + tokensUrl + ", " + project + ":" + user + "]"; // never the password
    }
}
