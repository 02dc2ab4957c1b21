package dev.ferry.server.objectstorage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * A small Swift API client: one authenticated request at a time over a pooled HTTP client with
 * connect and read timeouts, no redirects, no retries except one re-authentication after a 401
 * for requests whose body can be sent again. Paths are built only from
 * {@link #encodeName(String)}/{@link #encodeObjectName(String)}, so a name can never leave its
 * container or account.
 */
public final class SwiftClient implements Closeable {

    /** Largest non-streamed reply read into memory (SLO manifests are at most 8 MiB in Swift). */
    public static final int MAX_SMALL_REPLY = 8 << 20;

    private final SwiftAuth auth;
    private final Duration readTimeout;
    private final CloseableHttpClient http;
    private final PoolingHttpClientConnectionManager pool;

    public SwiftClient(SwiftAuth auth, Duration connectTimeout, Duration readTimeout) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read).build())
                .setMaxConnTotal(64)
                .setMaxConnPerRoute(32)
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false).setResponseTimeout(read)
                        .setConnectionRequestTimeout(connect).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .setUserAgent("ferry/0.1")
                .build();
    }

    /** A request, relative to an account. */
    public record Call(String method, String account, String path, Map<String, String> headers, HttpEntity body) {
        public Call {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            headers = Map.copyOf(headers);
        }

        public static Call of(String method, String path) {
            return new Call(method, null, path, Map.of(), null);
        }

        /** The same call against another account (its name, e.g. {@code AUTH_proj}); null = the session's own. */
        public Call in(String otherAccount) {
            return new Call(method, otherAccount, path, headers, body);
        }

        public Call header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Call(method, account, path, h, body);
        }

        public Call body(HttpEntity entity) {
            return new Call(method, account, path, headers, entity);
        }
    }

    /** A reply read whole (bounded by {@link #MAX_SMALL_REPLY}). */
    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends {@code call}, reads the whole reply (at most {@link #MAX_SMALL_REPLY} bytes) and closes it. */
    public Reply exchange(Call call) throws IOException {
        try (Response response = open(call)) {
            byte[] body = new byte[0];
            if (!"HEAD".equals(call.method())) {
                try (InputStream in = response.body()) {
                    body = in.readNBytes(MAX_SMALL_REPLY + 1);
                } catch (IOException e) {
                    throw translate(e, call);
                }
                if (body.length > MAX_SMALL_REPLY) {
                    throw new SwiftException(describe(call) + ": reply larger than " + MAX_SMALL_REPLY + " bytes", response.status());
                }
            }
            return new Reply(response.status(), response.headers(), body);
        }
    }

    /**
     * Sends {@code call} and returns the open response; the caller closes it. A 401 is retried once
     * with a fresh token when the body is absent or repeatable.
     */
    public Response open(Call call) throws IOException {
        return open(call, cancel -> { });
    }

    /**
     * {@link #open(Call)}, handing {@code onRequest} a way to cancel each request it sends, from any
     * thread, even before the answer's headers arrived (a read waiting on a silent server then fails
     * at once instead of after the read timeout).
     */
    public Response open(Call call, Consumer<Runnable> onRequest) throws IOException {
        SwiftSession session = auth.session();
        Response response = send(call, session, onRequest);
        if (response.status() == 401 && (call.body() == null || call.body().isRepeatable())) {
            response.close();
            auth.invalidate(session);
            response = send(call, auth.session(), onRequest);
        }
        return response;
    }

    /**
     * An open response. Closing it before its body was read to the end aborts the exchange (closes
     * the connection) instead of reading the rest, which could be gigabytes.
     */
    public static final class Response implements Closeable {
        private final HttpUriRequestBase request;
        private final ClassicHttpResponse response;
        private boolean eof;
        private boolean closed;

        Response(HttpUriRequestBase request, ClassicHttpResponse response) {
            this.request = request;
            this.response = response;
            HttpEntity entity = response.getEntity();
            this.eof = entity == null || entity.getContentLength() == 0;
        }

        public int status() {
            return response.getCode();
        }

        /** The first value of a header, or null. */
        public String header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : response.getHeaders()) {
                headers.putIfAbsent(h.getName().toLowerCase(java.util.Locale.ROOT), h.getValue());
            }
            return headers;
        }

        /** The announced length, or -1. */
        public long contentLength() {
            HttpEntity entity = response.getEntity();
            return entity == null ? (eof ? 0 : -1) : entity.getContentLength();
        }

        /** The body; closing it closes this response. */
        public InputStream body() throws IOException {
            HttpEntity entity = response.getEntity();
            InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent();
            long length = contentLength();
            return new InputStream() {
                private long count;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        count += n;
                    }
                    // all announced bytes read: the connection can go back to the pool
                    eof |= n < 0 || (length >= 0 && count >= length);
                    return n;
                }

                @Override
                public void close() throws IOException {
                    Response.this.close();
                }
            };
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (!eof) {
                request.cancel(); // do not drain an unread body
                try {
                    response.close();
                } catch (IOException e) {
                    // the connection was just cut on purpose
                }
                return;
            }
            response.close();
        }
    }

    /**
     * PUTs (or POSTs) {@code body} as a chunked stream and reads the reply. If reading {@code body}
     * fails, the connection is dropped before the terminating chunk, so Swift discards the partial
     * object instead of storing a truncated one.
     */
    public Reply exchangeStreaming(Call call, InputStream body) throws IOException {
        SwiftSession session = auth.session();
        URI uri = accountUrl(session, call.account()).resolve(accountRelative(call.path()));
        HttpUriRequestBase request = new HttpUriRequestBase(call.method(), uri);
        request.setHeader("X-Auth-Token", session.token());
        call.headers().forEach(request::setHeader);
        IOException[] sourceFailure = new IOException[1];
        InputStream guarded = new java.io.FilterInputStream(body) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    sourceFailure[0] = e instanceof IOException io ? io : new IOException(e);
                    request.cancel(); // closes the socket: no final chunk goes out
                    throw e;
                }
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public void close() {
                // the caller owns the source
            }
        };
        request.setEntity(new org.apache.hc.core5.http.io.entity.InputStreamEntity(guarded, -1,
                org.apache.hc.core5.http.ContentType.APPLICATION_OCTET_STREAM));
        try (ClassicHttpResponse response = http.executeOpen(null, request, null)) {
            if (sourceFailure[0] != null) {
                throw sourceFailure[0];
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : response.getHeaders()) {
                headers.putIfAbsent(h.getName().toLowerCase(java.util.Locale.ROOT), h.getValue());
            }
            byte[] reply = new byte[0];
            if (response.getEntity() != null) {
                try (InputStream in = response.getEntity().getContent()) {
                    reply = in.readNBytes(64 * 1024);
                }
            }
            return new Reply(response.getCode(), headers, reply);
        } catch (IOException e) {
            if (sourceFailure[0] != null) {
                throw sourceFailure[0];
            }
            throw translate(e, call);
        }
    }

    /** The URL of a call, without credentials (for messages and locations). */
    public URI uriOf(Call call) throws IOException {
        return accountUrl(auth.session(), call.account()).resolve(accountRelative(call.path()));
    }

    private Response send(Call call, SwiftSession session, Consumer<Runnable> onRequest) throws IOException {
        URI uri = accountUrl(session, call.account()).resolve(accountRelative(call.path()));
        HttpUriRequestBase request = new HttpUriRequestBase(call.method(), uri);
        onRequest.accept(request::cancel);
        request.setHeader("X-Auth-Token", session.token());
        call.headers().forEach(request::setHeader);
        if (call.body() != null) {
            request.setEntity(call.body());
        }
        try {
            return new Response(request, http.executeOpen(null, request, null));
        } catch (IOException e) {
            throw translate(e, call);
        }
    }

    /** {@code http://host/v1/AUTH_me} with the last segment replaced by {@code account} when given, plus a slash. */
    static URI accountUrl(SwiftSession session, String account) {
        String base = session.storageUrl().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (account != null) {
            base = base.substring(0, base.lastIndexOf('/') + 1) + encodeName(account);
        }
        return URI.create(base + "/");
    }

    private static String accountRelative(String path) {
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("path must be relative to the account: " + path);
        }
        return path;
    }

    IOException translate(IOException e, Call call) {
        if (e instanceof SwiftException) {
            return e;
        }
        if (e instanceof ConnectTimeoutException || e instanceof HttpHostConnectException) {
            return new SwiftException(describe(call) + ": cannot connect to Swift: " + e.getMessage(), 0);
        }
        if (e instanceof SocketTimeoutException) {
            return new SwiftException(describe(call) + ": no answer from Swift within " + readTimeout.toMillis()
                    + " ms (read timeout)", 0);
        }
        return new SwiftException(describe(call) + ": " + e.getMessage(), 0);
    }

    static String describe(Call call) {
        return call.method() + " " + (call.account() == null ? "" : call.account() + "/") + call.path();
    }

    /** Percent-encodes a container or account name, or one segment of an object name (UTF-8, RFC 3986 unreserved kept). */
    public static String encodeName(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 16);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /** Percent-encodes an object name, keeping its slashes (pseudo-directories). */
    public static String encodeObjectName(String name) {
        String[] parts = name.split("/", -1);
        StringBuilder sb = new StringBuilder(name.length() + 16);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(encodeName(parts[i]));
        }
        return sb.toString();
    }

    /**
     * The Swift account of a project when the operator's credentials are those of a reseller
     * admin: {@code resellerPrefix + projectId}. The project id comes from authentication and is
     * still checked (letters, digits, {@code -}, {@code _}; at most {@link #MAX_PROJECT_ID}).
     */
    public static String projectAccount(String resellerPrefix, String projectId) {
        if (projectId == null || projectId.isEmpty() || projectId.length() > MAX_PROJECT_ID
                || !projectId.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            throw new IllegalArgumentException("invalid project id for object storage: "
                    + String.valueOf(projectId).codePoints().limit(100).filter(c -> c >= 0x20 && c != 0x7f)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append));
        }
        return Objects.requireNonNull(resellerPrefix, "resellerPrefix") + projectId;
    }

    /** Longest project id accepted by {@link #projectAccount}. */
    public static final int MAX_PROJECT_ID = 256;

    /** {@code container/object}, both encoded. */
    public static String objectPath(String container, String object) {
        return encodeName(container) + "/" + encodeObjectName(object);
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
        pool.close(CloseMode.IMMEDIATE);
    }
}
