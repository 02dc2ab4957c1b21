package dev.ferry.server.sources;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Where {@code import_from} URLs may point and how far a download may go.
 *
 * @param allowedSchemes  schemes accepted; a subset of {@code http}, {@code https}
 * @param allowedHosts    host names or IPs/CIDRs that are accepted even though they are loopback,
 *                        private, link-local... ({@code url.allowed_hosts}); empty by default
 * @param deniedHosts     host names or IPs/CIDRs always refused, even if public or allowed
 * @param allowedPorts    ports accepted, whether explicit or implied by the scheme
 *                        ({@code url.allowed_ports}, default 80 and 443)
 * @param deniedPorts     ports always refused, even if also allowed ({@code url.denied_ports});
 *                        empty by default
 * @param maxRedirects    redirects followed before giving up (0 = none)
 * @param connectTimeout  TCP (and TLS) connect timeout per address
 * @param readTimeout     longest silence while reading the response (idle timeout)
 * @param maxBytes        size cap on the body; larger sources fail, whatever Content-Length says
 */
public record UrlPolicy(
        Set<String> allowedSchemes,
        List<String> allowedHosts,
        List<String> deniedHosts,
        Set<Integer> allowedPorts,
        Set<Integer> deniedPorts,
        int maxRedirects,
        Duration connectTimeout,
        Duration readTimeout,
        long maxBytes) {

    /** Redirects followed by default (Glance's urllib follows up to 10; browsers 20). */
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    /** Bounds on the configurable values, so that a typo cannot disable a limit. */
    public static final int MAX_REDIRECTS_LIMIT = 20;
    private static final int MAX_LIST = 1000;
    private static final int MAX_HOST_LENGTH = 253;

    public UrlPolicy {
        Objects.requireNonNull(allowedSchemes, "allowedSchemes");
        Objects.requireNonNull(allowedHosts, "allowedHosts");
        Objects.requireNonNull(deniedHosts, "deniedHosts");
        Objects.requireNonNull(allowedPorts, "allowedPorts");
        Objects.requireNonNull(deniedPorts, "deniedPorts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Set<String> schemes = new LinkedHashSet<>();
        for (String s : allowedSchemes) {
            String scheme = Objects.requireNonNull(s, "scheme").strip().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("unsupported URL scheme in policy: " + s + " (only http and https)");
            }
            schemes.add(scheme);
        }
        if (schemes.isEmpty()) {
            throw new IllegalArgumentException("allowed schemes must not be empty");
        }
        allowedSchemes = Set.copyOf(schemes);
        allowedHosts = normaliseHosts(allowedHosts, "allowed hosts");
        deniedHosts = normaliseHosts(deniedHosts, "denied hosts");
        for (Integer port : allowedPorts) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("allowed port out of range 1..65535: " + port);
            }
        }
        if (allowedPorts.isEmpty()) {
            throw new IllegalArgumentException("allowed ports must not be empty");
        }
        allowedPorts = Set.copyOf(allowedPorts);
        if (deniedPorts.size() > MAX_LIST) {
            throw new IllegalArgumentException("denied ports: more than " + MAX_LIST + " entries");
        }
        for (Integer port : deniedPorts) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("denied port out of range 1..65535: " + port);
            }
        }
        deniedPorts = Set.copyOf(deniedPorts);
        if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS_LIMIT) {
            throw new IllegalArgumentException("max redirects must be in 0.." + MAX_REDIRECTS_LIMIT + ": " + maxRedirects);
        }
        requirePositive(connectTimeout, "connect timeout");
        requirePositive(readTimeout, "read timeout");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("max bytes must be positive: " + maxBytes);
        }
    }

    /**
     * http and https on ports 80 and 443, nothing private allowed, 5 redirects, 10 s to connect,
     * 60 s of silence at most, 1 TiB (a generous cap; the import profile sets the real one).
     */
    public static UrlPolicy defaults() {
        return new UrlPolicy(Set.of("http", "https"), List.of(), List.of(), Set.of(80, 443), Set.of(),
                DEFAULT_MAX_REDIRECTS, Duration.ofSeconds(10), Duration.ofSeconds(60), 1L << 40);
    }

    public UrlPolicy withAllowedHosts(List<String> hosts) {
        return new UrlPolicy(allowedSchemes, hosts, deniedHosts, allowedPorts, deniedPorts, maxRedirects, connectTimeout, readTimeout, maxBytes);
    }

    public UrlPolicy withDeniedHosts(List<String> hosts) {
        return new UrlPolicy(allowedSchemes, allowedHosts, hosts, allowedPorts, deniedPorts, maxRedirects, connectTimeout, readTimeout, maxBytes);
    }

    public UrlPolicy withAllowedPorts(Set<Integer> ports) {
        return new UrlPolicy(allowedSchemes, allowedHosts, deniedHosts, ports, deniedPorts, maxRedirects, connectTimeout, readTimeout, maxBytes);
    }

    public UrlPolicy withDeniedPorts(Set<Integer> ports) {
        return new UrlPolicy(allowedSchemes, allowedHosts, deniedHosts, allowedPorts, ports, maxRedirects, connectTimeout, readTimeout, maxBytes);
    }

    public UrlPolicy withAllowedSchemes(Set<String> schemes) {
        return new UrlPolicy(schemes, allowedHosts, deniedHosts, allowedPorts, deniedPorts, maxRedirects, connectTimeout, readTimeout, maxBytes);
    }

    public UrlPolicy withMaxRedirects(int redirects) {
        return new UrlPolicy(allowedSchemes, allowedHosts, deniedHosts, allowedPorts, deniedPorts, redirects, connectTimeout, readTimeout, maxBytes);
    }

    public UrlPolicy withTimeouts(Duration connect, Duration read) {
        return new UrlPolicy(allowedSchemes, allowedHosts, deniedHosts, allowedPorts, deniedPorts, maxRedirects, connect, read, maxBytes);
    }

    public UrlPolicy withMaxBytes(long bytes) {
        return new UrlPolicy(allowedSchemes, allowedHosts, deniedHosts, allowedPorts, deniedPorts, maxRedirects, connectTimeout, readTimeout, bytes);
    }

    private static List<String> normaliseHosts(List<String> hosts, String what) {
        if (hosts.size() > MAX_LIST) {
            throw new IllegalArgumentException(what + ": more than " + MAX_LIST + " entries");
        }
        return hosts.stream().map(h -> {
            String host = Objects.requireNonNull(h, what).strip().toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
                throw new IllegalArgumentException(what + ": bad entry '" + h + "'");
            }
            if (Cidr.looksNumeric(host)) {
                Cidr.parse(host);
            } else if (host.contains("/") || !UrlGuard.isHostName(host) || HostLiteral.endsInNumber(host)) {
                throw new IllegalArgumentException(what + ": '" + h + "' is neither a host name nor an IP address or CIDR");
            }
            return host;
        }).distinct().toList();
    }

    private static void requirePositive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
