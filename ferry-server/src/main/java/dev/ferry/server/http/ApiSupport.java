package dev.ferry.server.http;

import dev.ferry.server.identity.AccessDeniedException;
import dev.ferry.server.images.ImageNotFoundException;
import dev.ferry.server.metadefs.MetadefConflictException;
import dev.ferry.server.metadefs.MetadefInvalidException;
import dev.ferry.server.metadefs.MetadefLimitException;
import dev.ferry.server.metadefs.MetadefNotFoundException;
import dev.ferry.server.images.ImageRequestException;
import dev.ferry.server.images.MemberNotFoundException;
import dev.ferry.server.identity.Identity;
import dev.ferry.server.identity.IdentityResolver;
import dev.ferry.server.identity.IdentityUnavailableException;
import dev.ferry.server.identity.UnauthenticatedException;
import dev.ferry.server.tasks.InvalidTaskRequestException;
import dev.ferry.server.tasks.TaskNotFoundException;
import io.helidon.common.media.type.MediaType;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every resource shares: the request-id filter, identity, bounded JSON bodies, JSON
 * responses, and the mapping of exceptions to Glance's error body
 * {@code {"message", "code", "title"}}. An unexpected exception is logged and answered 500
 * without details.
 */
public final class ApiSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApiSupport.class);
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Openstack-Request-Id");
    private static final String REQUEST_ID_KEY = "ferry.request-id";

    private final JsonMapper json;
    private final JsonMapper requestJson;
    private final IdentityResolver identities;
    private final long maxBodyBytes;
    private final int maxJsonDepth;

    public ApiSupport(JsonMapper json, IdentityResolver identities, long maxBodyBytes, int maxJsonDepth) {
        this.json = json;
        this.requestJson = Json.forRequests(maxJsonDepth, maxBodyBytes);
        this.identities = identities;
        this.maxBodyBytes = maxBodyBytes;
        this.maxJsonDepth = maxJsonDepth;
    }

    public JsonMapper json() {
        return json;
    }

    /** The handler of a path's other methods: 405 naming {@code allowed} (Glance's answer). */
    static io.helidon.webserver.http.Handler methodsAllowed(String allowed) {
        return (req, res) -> {
            throw ApiException.notAllowed(req.prologue().method().text(), allowed);
        };
    }

    /** Installs the request-id filter and the error handlers on the routing. */
    public void install(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            String id = newRequestId();
            req.context().register(REQUEST_ID_KEY, id);
            res.header(REQUEST_ID, id);
            chain.proceed();
        });
        routing.error(ApiException.class, (req, res, e) -> sendError(req, res, e.status(), e.getMessage(), e.allow()));
        routing.error(ImageNotFoundException.class, (req, res, e) -> sendError(req, res, Status.NOT_FOUND_404, e.getMessage(), null));
        routing.error(ImageRequestException.class, (req, res, e) -> sendError(req, res, ImagesResource.status(e), e.getMessage(), null));
        routing.error(MemberNotFoundException.class, (req, res, e) -> sendError(req, res, Status.NOT_FOUND_404, e.getMessage(), null));
        routing.error(TaskNotFoundException.class, (req, res, e) -> sendError(req, res, Status.NOT_FOUND_404, e.getMessage(), null));
        routing.error(InvalidTaskRequestException.class, (req, res, e) -> sendError(req, res, Status.BAD_REQUEST_400, e.getMessage(), null));
        routing.error(MetadefNotFoundException.class, (req, res, e) -> sendError(req, res, Status.NOT_FOUND_404, e.getMessage(), null));
        routing.error(MetadefInvalidException.class, (req, res, e) -> sendError(req, res, Status.BAD_REQUEST_400, e.getMessage(), null));
        routing.error(MetadefConflictException.class, (req, res, e) -> sendError(req, res, Status.CONFLICT_409, e.getMessage(), null));
        routing.error(MetadefLimitException.class, (req, res, e) -> sendError(req, res, Status.REQUEST_ENTITY_TOO_LARGE_413, e.getMessage(), null));
        routing.error(AccessDeniedException.class, (req, res, e) -> sendError(req, res, Status.FORBIDDEN_403, e.getMessage(), null));
        routing.error(UnauthenticatedException.class, (req, res, e) -> {
            String challenge = identities.challenge();
            if (challenge != null && !res.isSent()) {
                res.header(HeaderNames.WWW_AUTHENTICATE, challenge);
            }
            sendError(req, res, Status.UNAUTHORIZED_401, e.getMessage(), null);
        });
        routing.error(IdentityUnavailableException.class, (req, res, e) -> {
            LOG.warn("{} {}: {}", req.prologue().method().text(), req.prologue().uriPath().rawPath(), e.getMessage());
            sendError(req, res, Status.SERVICE_UNAVAILABLE_503,
                    "The identity service is unavailable; the token could not be checked.", null);
        });
        routing.error(Exception.class, (req, res, e) -> {
            LOG.error("{} {} failed", req.prologue().method().text(), req.path().rawPath(), e);
            sendError(req, res, Status.INTERNAL_SERVER_ERROR_500, "The server failed to process the request.", null);
        });
    }

    public String requestId(ServerRequest req) {
        return req.context().get(REQUEST_ID_KEY, String.class).orElseGet(ApiSupport::newRequestId);
    }

    // A correlation id, not a secret: no need for SecureRandom (and its lock) on every request.
    private static String newRequestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return "req-" + new UUID(hi, lo);
    }

    public Identity identity(ServerRequest req) {
        return identities.resolve(name -> req.headers().first(headerName(name)));
    }

    // the resolvers ask for a fixed handful of names: cache them instead of one HeaderName per lookup
    private static final java.util.Map<String, io.helidon.http.HeaderName> HEADER_NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static io.helidon.http.HeaderName headerName(String name) {
        io.helidon.http.HeaderName cached = HEADER_NAMES.get(name);
        if (cached == null) {
            cached = HeaderNames.create(name);
            if (HEADER_NAMES.size() < 256) {
                HEADER_NAMES.put(name, cached);
            }
        }
        return cached;
    }

    /** {@code http://host:port} as the client addressed us, for absolute Location headers. */
    public String baseUrl(ServerRequest req) {
        String authority = req.authority();
        if (authority == null || authority.isBlank() || authority.length() > 300 || authority.contains("/")) {
            authority = req.localPeer().host() + ":" + req.localPeer().port();
        }
        return (req.isSecure() ? "https://" : "http://") + authority;
    }

    /**
     * Reads a JSON request body within the size bound. Empty body → 400 "Body expected in
     * request."; invalid JSON → 400; Content-Type other than JSON (absent is fine) → 415.
     */
    public JsonNode readJson(ServerRequest req) {
        Optional<HttpMediaType> type = req.headers().contentType();
        if (type.isPresent() && !isJson(type.get().mediaType())) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415,
                    "Unsupported Content-Type " + type.get().mediaType().text() + ": send application/json.");
        }
        return readJsonBody(req);
    }

    /** Like {@link #readJson} without the Content-Type check (for PATCH's own media types). */
    public JsonNode readJsonBody(ServerRequest req) {
        OptionalLong length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > maxBodyBytes) {
            throw tooLarge();
        }
        return parseJsonBody(readBounded(req));
    }

    /**
     * The JSON of a body already read within the size bound: 400 when empty, malformed or over a
     * limit (nesting depth, string, number or name length), never another exception.
     */
    JsonNode parseJsonBody(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("Body expected in request.");
        }
        if (body.length > maxBodyBytes) {
            throw tooLarge();
        }
        try {
            return requestJson.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("JSON in request body exceeds a limit (at most " + maxJsonDepth
                    + " levels of nesting).");
        } catch (JacksonException e) {
            throw ApiException.badRequest("Malformed JSON in request body.");
        }
    }

    private static boolean isJson(MediaType m) {
        String type = m.type().toLowerCase(Locale.ROOT);
        String sub = m.subtype().toLowerCase(Locale.ROOT);
        return type.equals("application") && (sub.equals("json") || sub.endsWith("+json"));
    }

    private byte[] readBounded(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (data.length > maxBodyBytes) {
                throw tooLarge();
            }
            return data;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.badRequest("The request body could not be read.");
        }
    }

    private ApiException tooLarge() {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413,
                "Request body is larger than the limit of " + maxBodyBytes + " bytes.");
    }

    public void send(ServerResponse res, Status status, JsonNode body) {
        sendJson(res, status, json.writeValueAsBytes(body));
    }

    public void sendJson(ServerResponse res, Status status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /**
     * Sends {@code {"message", "code", "title"}} as JSON; as Glance's HTML page instead when the
     * client prefers HTML over JSON, or is python-glanceclient without an Accept preference
     * (it reads the error text only from Glance's HTML form, and fails on flat JSON errors).
     */
    public void sendError(ServerRequest req, ServerResponse res, Status status, String message, String allow) {
        if (res.isSent()) {
            return;
        }
        if (allow != null) {
            res.header(HeaderNames.ALLOW, allow);
        }
        if (wantsHtml(req)) {
            String code = status.code() + " " + status.reasonPhrase();
            String page = "<html>\n <head>\n  <title>" + code + "</title>\n </head>\n <body>\n  <h1>" + code
                    + "</h1>\n  " + escapeHtml(message) + "<br /><br />\n\n\n\n </body>\n</html>";
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
            res.send(page.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        ObjectNode body = json.createObjectNode();
        body.put("message", message);
        body.put("code", status.code() + " " + status.reasonPhrase());
        body.put("title", status.reasonPhrase());
        send(res, status, body);
    }

    private static boolean wantsHtml(ServerRequest req) {
        List<HttpMediaType> accepted = req.headers().acceptedTypes();
        double html = 0;
        double jsonQ = 0;
        for (HttpMediaType t : accepted) {
            String type = t.mediaType().type();
            String sub = t.mediaType().subtype();
            double q = t.qualityFactor();
            if (type.equalsIgnoreCase("text") && sub.equalsIgnoreCase("html")) {
                html = Math.max(html, q);
            } else if (type.equalsIgnoreCase("application") && sub.equalsIgnoreCase("json")) {
                jsonQ = Math.max(jsonQ, q);
            }
        }
        if (html > jsonQ) {
            return true;
        }
        if (jsonQ > 0) {
            return false;
        }
        return req.headers().first(HeaderNames.USER_AGENT).map(ua -> ua.startsWith("python-glanceclient"))
                .orElse(false);
    }

    private static String escapeHtml(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#x27;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
