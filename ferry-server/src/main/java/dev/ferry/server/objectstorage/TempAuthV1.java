package dev.ferry.server.objectstorage;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Swift auth v1.0 (tempauth, swauth, Rackspace's legacy auth): a GET of the auth URL with
 * {@code X-Auth-User}/{@code X-Auth-Key} answers {@code X-Auth-Token} and {@code X-Storage-Url}.
 * The session is kept until Swift rejects its token.
 */
public final class TempAuthV1 implements SwiftAuth {

    private final URI authUrl;
    private final String user;
    private final String key;
    private final Duration timeout;
    private final HttpClient http;
    private SwiftSession current;

    public TempAuthV1(URI authUrl, String user, String key, Duration timeout) {
        this.authUrl = Objects.requireNonNull(authUrl, "authUrl");
        this.user = Objects.requireNonNull(user, "user");
        this.key = Objects.requireNonNull(key, "key");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    @Override
    public synchronized SwiftSession session() throws IOException {
        if (current == null) {
            current = authenticate();
        }
        return current;
    }

    @Override
    public synchronized void invalidate(SwiftSession stale) {
        if (current == stale) {
            current = null;
        }
    }

    private SwiftSession authenticate() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(authUrl).GET().timeout(timeout)
                .header("X-Auth-User", user).header("X-Auth-Key", key).build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new SwiftException("Swift authentication at " + authUrl + " timed out after " + timeout.toMillis() + " ms", 0);
        } catch (ConnectException e) {
            throw new SwiftException("cannot connect to the Swift auth URL " + authUrl, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while authenticating to Swift");
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new SwiftException("Swift authentication failed for user " + user + " at " + authUrl
                    + " (HTTP " + status + ")", status);
        }
        if (status != 200 && status != 204) {
            throw new SwiftException("Swift authentication at " + authUrl + " answered HTTP " + status, status);
        }
        Optional<String> token = response.headers().firstValue("X-Auth-Token")
                .or(() -> response.headers().firstValue("X-Storage-Token"));
        Optional<String> storage = response.headers().firstValue("X-Storage-Url");
        if (token.isEmpty() || storage.isEmpty()) {
            throw new SwiftException("Swift authentication at " + authUrl + " gave no token or no storage URL", status);
        }
        try {
            return new SwiftSession(token.get().strip(), URI.create(storage.get().strip()));
        } catch (IllegalArgumentException e) {
            throw new SwiftException("Swift authentication at " + authUrl + " gave an unusable answer: " + e.getMessage(), status);
        }
    }
}
