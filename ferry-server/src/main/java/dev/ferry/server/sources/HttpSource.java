package dev.ferry.server.sources;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Downloads {@code import_from} URLs under a {@link UrlGuard}.
 *
 * <p>No DNS-rebinding window: the HTTP client never resolves names itself. Its {@link DnsResolver}
 * is ours: it resolves the host once, passes every address through
 * {@link UrlGuard#checkAddress(String, InetAddress, int)}, and hands the client only the addresses
 * that passed, as numeric {@link InetAddress}es; the client connects to one of those, so the
 * address checked is the address connected to. Addresses that fail are dropped; if none is left,
 * the download fails with the policy's reason. No proxy is used (system properties are ignored).
 *
 * <p>Redirects are disabled in the client and followed here, at most
 * {@link UrlPolicy#maxRedirects()} times; every hop goes through {@link UrlGuard#checkSyntax}
 * and, when connecting, the address check, and a redirect from https to http is refused.
 * Content decoding is disabled (bytes arrive as sent, so no decompression bomb) and the size cap is
 * enforced both on Content-Length and while streaming.
 */
public final class HttpSource implements Closeable {

    private static final String USER_AGENT = "ferry/0.1";

    /** Name resolution, replaceable in tests to play DNS tricks. */
    @FunctionalInterface
    interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final UrlGuard guard;
    private final UrlPolicy policy;
    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager connections;

    public HttpSource(UrlGuard guard) {
        this(guard, InetAddress::getAllByName);
    }

    HttpSource(UrlGuard guard, HostResolver resolver) {
        this(guard, resolver, null);
    }

    /** With {@code tls} null, the JDK's default trust store and hostname verification. */
    HttpSource(UrlGuard guard, HostResolver resolver, SSLContext tls) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.policy = guard.policy();
        Timeout connect = Timeout.ofMilliseconds(policy.connectTimeout().toMillis());
        Timeout read = Timeout.ofMilliseconds(policy.readTimeout().toMillis());
        PoolingHttpClientConnectionManagerBuilder pool = PoolingHttpClientConnectionManagerBuilder.create();
        if (tls != null) {
            pool.setTlsSocketStrategy(new DefaultClientTlsStrategy(tls));
        }
        this.connections = pool
                .setDnsResolver(new CheckingResolver(guard, resolver))
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .build())
                .setMaxConnTotal(64)
                .setMaxConnPerRoute(8)
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(read)
                        .setConnectionRequestTimeout(connect)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent(USER_AGENT)
                .build();
    }

    public UrlGuard guard() {
        return guard;
    }

    /**
     * Opens {@code url} for reading, following redirects; the caller must close the result.
     *
     * @throws SourceException with a user-facing message if the URL or any hop is refused, the
     *                         server cannot be reached, answers anything but 200, or announces more
     *                         than the size cap
     */
    public OpenedStream open(URI url) throws SourceException {
        Exchange ex = send(url, Map.of());
        boolean handedOver = false;
        try {
            if (ex.status() != 200) {
                throw new SourceException("HTTP " + ex.status() + " from " + ex.uri());
            }
            HttpEntity entity = ex.response().getEntity();
            long length = entity == null ? 0 : entity.getContentLength();
            if (length > policy.maxBytes()) {
                throw new SourceException("source exceeds size cap of " + policy.maxBytes() + " bytes (Content-Length: "
                        + length + ") at " + ex.uri());
            }
            OpenedStream opened = new OpenedStream(ex.body(), length < 0 ? -1 : length, ex.uri());
            handedOver = true;
            return opened;
        } catch (IOException e) {
            throw translate(e, ex.uri());
        } finally {
            if (!handedOver) {
                ex.abort();
            }
        }
    }

    /**
     * Opens {@code url} for positioned reads when its server does ranges: a first GET asks for the
     * first byte ({@code Range: bytes=0-0}); a 206 with a valid {@code Content-Range} makes an
     * {@link HttpRangeSource} (whose reads all go through this client and guard), anything else
     * (a 200: ranges ignored, a 416: empty) means no ranges and gives {@link Optional#empty()}.
     *
     * @throws SourceException as {@link #open} does (refused URL, unreachable, 4xx/5xx, size cap)
     */
    public Optional<HttpRangeSource> openRanged(URI url) throws SourceException {
        return HttpRangeSource.probe(this, url);
    }

    /** An answer that is not a redirect, with the URL that gave it; the caller reads or aborts it. */
    record Exchange(HttpGet request, ClassicHttpResponse response, URI uri, UrlPolicy policy) {
        int status() {
            return response.getCode();
        }

        String header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        /** The body, counted against {@code url.max_bytes}; closing it early aborts the transfer. */
        InputStream body() throws IOException {
            HttpEntity entity = response.getEntity();
            InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
            return new CappedStream(content, request, response, uri, policy);
        }

        /** Abandons the answer without draining its body. */
        void abort() {
            request.cancel();
            closeQuietly(response);
        }
    }

    /**
     * One GET of {@code url} with extra {@code headers}, following redirects (each hop checked by
     * the guard, at most {@link UrlPolicy#maxRedirects()}); every connection goes to an address the
     * guard accepted ({@link CheckingResolver}).
     */
    Exchange send(URI url, Map<String, String> headers) throws SourceException {
        return send(url, headers, request -> { });
    }

    /**
     * As {@link #send(URI, Map)}, handing each request (one per hop) to {@code started} before it
     * is sent, so that another thread can {@link HttpGet#cancel() cancel} it even while it waits
     * for an answer.
     */
    Exchange send(URI url, Map<String, String> headers, java.util.function.Consumer<HttpGet> started)
            throws SourceException {
        URI current = check(url.toString(), null);
        for (int hop = 0; ; hop++) {
            HttpGet request = new HttpGet(current);
            headers.forEach(request::setHeader);
            started.accept(request);
            ClassicHttpResponse response = execute(request, current);
            boolean handedOver = false;
            try {
                int status = response.getCode();
                if (isRedirect(status)) {
                    Header location = response.getFirstHeader(HttpHeaders.LOCATION);
                    if (location == null || location.getValue().isBlank()) {
                        throw new SourceException("HTTP " + status + " from " + current + " without a Location header");
                    }
                    if (hop >= policy.maxRedirects()) {
                        throw new SourceException("too many redirects (more than " + policy.maxRedirects()
                                + ") starting at " + url);
                    }
                    URI next = resolveLocation(current, location.getValue().strip());
                    next = check(next.toString(), current);
                    current = next;
                    continue;
                }
                handedOver = true;
                return new Exchange(request, response, current, policy);
            } finally {
                if (!handedOver) {
                    request.cancel();
                    closeQuietly(response);
                }
            }
        }
    }

    UrlPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
        connections.close(CloseMode.IMMEDIATE);
    }

    /** Checks a URL (the first, or a redirect target when {@code from} is set). */
    URI check(String url, URI from) throws SourceException {
        URI checked;
        try {
            checked = guard.checkSyntax(url);
        } catch (UrlRejectedException e) {
            throw new SourceException(from == null ? e.getMessage() : "redirect to " + url + " refused: " + e.getMessage());
        }
        if (from != null && "https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(checked.getScheme())) {
            throw new SourceException("redirect from " + from + " to " + url + " refused: downgrade from https to http");
        }
        return checked;
    }

    private ClassicHttpResponse execute(HttpGet request, URI uri) throws SourceException {
        try {
            HttpHost target = new HttpHost(uri.getScheme().toLowerCase(Locale.ROOT), uri.getHost(), port(uri));
            return client.executeOpen(target, request, null);
        } catch (IOException e) {
            throw translate(e, uri);
        }
    }

    SourceException translate(IOException e, URI uri) {
        if (e instanceof SourceException s) {
            return s;
        }
        String where = uri.getHost() + ":" + port(uri);
        if (e instanceof RefusedAddressException) {
            return new SourceException(e.getMessage(), e);
        }
        if (e instanceof UnknownHostException) {
            return new SourceException("cannot resolve host " + uri.getHost() + " of " + uri, e);
        }
        if (e instanceof ConnectTimeoutException) {
            return new SourceException("connection to " + where + " timed out after "
                    + policy.connectTimeout().toMillis() + " ms", e);
        }
        if (e instanceof HttpHostConnectException) {
            return new SourceException("cannot connect to " + where + ": " + rootMessage(e), e);
        }
        if (e instanceof SocketTimeoutException) {
            return new SourceException("no response from " + uri + " within " + policy.readTimeout().toMillis()
                    + " ms (read timeout)", e);
        }
        if (e instanceof SSLException) {
            return new SourceException("TLS with " + where + " failed: " + rootMessage(e), e);
        }
        return new SourceException("error fetching " + uri + ": " + rootMessage(e), e);
    }

    private static URI resolveLocation(URI base, String location) throws SourceException {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new SourceException("redirect from " + base + " to an invalid Location: " + location);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : UrlGuard.defaultPort(uri.getScheme().toLowerCase(Locale.ROOT));
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // the transfer is being abandoned; nothing useful to report
        }
    }

    /** An address refused by policy; an UnknownHostException because that is what a DnsResolver may throw. */
    static final class RefusedAddressException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        RefusedAddressException(String message) {
            super(message);
        }
    }

    /** Resolves once, keeps only the addresses the guard accepts, returns them as numeric addresses. */
    private record CheckingResolver(UrlGuard guard, HostResolver resolver) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return resolve(host, 0).stream().map(InetSocketAddress::getAddress).toArray(InetAddress[]::new);
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            byte[] literal = Cidr.parseNumericAddress(name);
            InetAddress[] resolved = literal != null
                    ? new InetAddress[] {InetAddress.getByAddress(literal)}
                    : resolver.resolve(name);
            List<InetSocketAddress> accepted = new ArrayList<>();
            String firstRefusal = null;
            for (InetAddress address : resolved) {
                try {
                    // numeric copy: no name left that could be resolved again later
                    InetAddress numeric = InetAddress.getByAddress(address.getAddress());
                    guard.checkAddress(name, numeric, port == 0 ? 80 : port);
                    accepted.add(new InetSocketAddress(numeric, port));
                } catch (UrlRejectedException e) {
                    if (firstRefusal == null) {
                        firstRefusal = e.getMessage();
                    }
                }
            }
            if (accepted.isEmpty()) {
                throw new RefusedAddressException(firstRefusal != null ? firstRefusal : "host " + name + " has no address");
            }
            return accepted;
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host; // never used for connecting; no reverse lookups
        }
    }

    /** The body: counts bytes against the cap, names timeouts, aborts the transfer on early close. */
    private static final class CappedStream extends InputStream {
        private final InputStream in;
        private final HttpGet request;
        private final ClassicHttpResponse response;
        private final URI uri;
        private final UrlPolicy policy;
        private long count;
        private boolean eof;
        private boolean closed;

        CappedStream(InputStream in, HttpGet request, ClassicHttpResponse response, URI uri, UrlPolicy policy) {
            this.in = in;
            this.request = request;
            this.response = response;
            this.uri = uri;
            this.policy = policy;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            if (eof) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                throw new SourceException("no data from " + uri + " for " + policy.readTimeout().toMillis()
                        + " ms (read timeout) after " + count + " bytes", e);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (SourceException e) {
                throw e;
            } catch (IOException e) {
                throw new SourceException("error reading " + uri + " after " + count + " bytes: " + rootMessage(e), e);
            }
            if (n < 0) {
                eof = true;
                return -1;
            }
            count += n;
            if (count > policy.maxBytes()) {
                throw new SourceException("source exceeds size cap of " + policy.maxBytes() + " bytes at " + uri);
            }
            return n;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!eof) {
                request.cancel(); // do not drain the rest of a large or stalled body
            }
            closeQuietly(response);
        }
    }
}
