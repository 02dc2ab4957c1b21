package dev.ferry.server.identity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates {@code X-Auth-Token} against Keystone v3 the way keystonemiddleware's auth_token
 * does: Ferry authenticates as its service user, then asks {@code GET /v3/auth/tokens} with the
 * user's token in {@code X-Subject-Token}; the token's project, user and role names become the
 * {@link Identity}. Valid tokens are cached ({@link TokenCache}); an unknown token while Keystone
 * cannot be reached is an {@link IdentityUnavailableException} (503), never a pass.
 */
public final class KeystoneResolver implements IdentityResolver {

    /** Where Keystone is and who Ferry is there; {@code url} ends in {@code /v3}. */
    public record Settings(String url, String user, String password, String project, String userDomain,
                           String projectDomain, Duration timeout) {
        public Settings {
            Objects.requireNonNull(url, "url");
            url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            if (user.isEmpty() || password.isEmpty() || project.isEmpty()) {
                throw new IllegalArgumentException("keystone needs a service user, password and project");
            }
        }

        @Override
        public String toString() {
            return "Settings[url=" + url + ", user=" + user + ", project=" + project + "]";
        }
    }

    static final int MAX_TOKEN_CHARS = 8192;
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final Duration SERVICE_TOKEN_MARGIN = Duration.ofSeconds(60);

    private final Settings settings;
    private final HttpClient http;
    private final Clock clock;
    private final TokenCache cache;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private String serviceToken;
    private Instant serviceTokenExpires = Instant.MIN;

    public KeystoneResolver(Settings settings, HttpClient http, Clock clock, TokenCache cache) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        this.cache = cache;
    }

    /** With a client that neither follows redirects nor waits longer than the configured timeout. */
    public static KeystoneResolver create(Settings settings, Clock clock, TokenCache cache) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new KeystoneResolver(settings, http, clock, cache);
    }

    @Override
    public String challenge() {
        return "Keystone uri=\"" + settings.url() + "\"";
    }

    @Override
    public Identity resolve(Function<String, Optional<String>> header) {
        String token = header.apply("X-Auth-Token").map(String::trim).orElse("");
        if (token.isEmpty()) {
            throw new UnauthenticatedException("Authentication required: send a valid X-Auth-Token.");
        }
        if (token.length() > MAX_TOKEN_CHARS || !token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new UnauthenticatedException("Authentication required: the X-Auth-Token is not valid.");
        }
        String digest = sha256(token);
        Optional<Identity> cached = cache.get(digest);
        if (cached.isPresent()) {
            return cached.get();
        }
        Validated v = validate(token);
        cache.put(digest, v.identity(), v.expires());
        return v.identity();
    }

    record Validated(Identity identity, Instant expires) {
    }

    private Validated validate(String token) {
        HttpResponse<byte[]> r = askKeystone(token, serviceToken(false));
        if (r.statusCode() == 401 || r.statusCode() == 403) { // our service token expired or was revoked
            r = askKeystone(token, serviceToken(true));
        }
        if (r.statusCode() == 404) {
            throw new UnauthenticatedException("Authentication required: the X-Auth-Token is not valid.");
        }
        if (r.statusCode() != 200 && r.statusCode() != 203) {
            throw new IdentityUnavailableException("Keystone answered " + r.statusCode()
                    + " when validating a token.", null);
        }
        return readToken(r.body(), clock.instant());
    }

    /**
     * Reads Keystone's answer to a token validation (a remote server's JSON, bounded by the
     * caller): the identity and expiry, or {@link UnauthenticatedException} /
     * {@link IdentityUnavailableException}; never another exception, whatever the JSON holds.
     */
    static Validated readToken(byte[] body, Instant now) {
        JsonNode t = parse(body).path("token");
        String project = t.path("project").path("id").asString("");
        String user = t.path("user").path("id").asString("");
        if (project.isEmpty() || user.isEmpty()) {
            throw new UnauthenticatedException("Authentication required: the token is not scoped to a project.");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode role : t.path("roles")) {
            String name = role.path("name").asString("");
            if (!name.isEmpty() && name.length() <= 255 && roles.size() < 64) {
                roles.add(name);
            }
        }
        Instant expires = expiry(t);
        if (expires != null && !now.isBefore(expires)) {
            throw new UnauthenticatedException("Authentication required: the X-Auth-Token has expired.");
        }
        try {
            return new Validated(new Identity(project, user, roles), expires);
        } catch (IllegalArgumentException e) {
            throw new UnauthenticatedException("Authentication required: the token's identity is not usable.");
        }
    }

    private static Instant expiry(JsonNode token) {
        String text = token.path("expires_at").asString("");
        try {
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null; // a token Keystone just called valid; the cache TTL still bounds it
        }
    }

    private HttpResponse<byte[]> askKeystone(String subject, String service) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.url() + "/auth/tokens?nocatalog"))
                .timeout(settings.timeout())
                .header("X-Auth-Token", service)
                .header("X-Subject-Token", subject)
                .header("Accept", "application/json")
                .GET().build();
        return send(req);
    }

    /** Ferry's own project-scoped token, renewed a minute before it expires or when {@code renew}. */
    private synchronized String serviceToken(boolean renew) {
        if (!renew && serviceToken != null && clock.instant().plus(SERVICE_TOKEN_MARGIN).isBefore(serviceTokenExpires)) {
            return serviceToken;
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode identity = body.putObject("auth").putObject("identity");
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        user.put("name", settings.user());
        user.put("password", settings.password());
        user.putObject("domain").put("name", settings.userDomain());
        ObjectNode project = ((ObjectNode) body.get("auth")).putObject("scope").putObject("project");
        project.put("name", settings.project());
        project.putObject("domain").put("name", settings.projectDomain());
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.url() + "/auth/tokens?nocatalog"))
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<byte[]> r = send(req);
        String token = r.headers().firstValue("X-Subject-Token").orElse("");
        if (r.statusCode() != 201 || token.isEmpty()) {
            throw new IdentityUnavailableException("Ferry's service user could not authenticate to Keystone (HTTP "
                    + r.statusCode() + "); check keystone.user, keystone.password and keystone.project.", null);
        }
        Instant expires = expiry(parse(r.body()).path("token"));
        serviceToken = token;
        serviceTokenExpires = expires == null ? clock.instant().plus(Duration.ofMinutes(5)) : expires;
        return serviceToken;
    }

    private HttpResponse<byte[]> send(HttpRequest req) {
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
            if (body.length > MAX_RESPONSE_BYTES) {
                throw new IdentityUnavailableException("Keystone's answer is larger than " + MAX_RESPONSE_BYTES
                        + " bytes.", null);
            }
            return new BufferedResponse(r, body);
        } catch (IOException e) {
            throw new IdentityUnavailableException("Keystone at " + settings.url() + " cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityUnavailableException("interrupted while asking Keystone", e);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (JacksonException e) {
            throw new IdentityUnavailableException("Keystone's answer is not JSON.", e);
        }
    }

    static String sha256(String token) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response whose body was read within the size bound. */
    private record BufferedResponse(HttpResponse<InputStream> raw, byte[] body) implements HttpResponse<byte[]> {
        public int statusCode() {
            return raw.statusCode();
        }

        public HttpRequest request() {
            return raw.request();
        }

        public Optional<HttpResponse<byte[]>> previousResponse() {
            return Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return raw.headers();
        }

        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return raw.sslSession();
        }

        public URI uri() {
            return raw.uri();
        }

        public HttpClient.Version version() {
            return raw.version();
        }
    }
}
