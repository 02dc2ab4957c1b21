package dev.ferry.server.sources;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a URL may be fetched, in two steps.
 *
 * <p>{@link #checkSyntax} runs at request time without any I/O: scheme, user information, host
 * syntax, port (denied ports win over allowed ones), denied hosts, and hosts written as IP literals (in any encoding) are decided at
 * once. Host names are not resolved here: what a name resolves to can change, so
 * {@link #checkAddress} is applied to every address at connect time by {@link HttpSource}, which
 * then connects to that very address.
 *
 * <p>Every category of {@link AddressCategory} but {@code PUBLIC} is refused unless the address is
 * in {@code allowedHosts}. Denied hosts win over allowed ones.
 */
public final class UrlGuard {

    /** Longest URL accepted (Glance's schema has no bound; 8 KiB covers presigned URLs). */
    public static final int MAX_URL_LENGTH = 8192;

    private final UrlPolicy policy;
    private final List<Cidr> allowedNetworks = new ArrayList<>();
    private final Set<String> allowedNames = new TreeSet<>();
    private final List<Cidr> deniedNetworks = new ArrayList<>();
    private final Set<String> deniedNames = new TreeSet<>();

    public UrlGuard(UrlPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        split(policy.allowedHosts(), allowedNetworks, allowedNames);
        split(policy.deniedHosts(), deniedNetworks, deniedNames);
    }

    public UrlPolicy policy() {
        return policy;
    }

    /**
     * Checks a URL without I/O and returns it parsed; throws {@link UrlRejectedException} with a
     * message for the user. Host names are checked again, resolved, by {@link #checkAddress}.
     */
    public URI checkSyntax(String url) {
        if (url == null || url.isBlank()) {
            throw new UrlRejectedException("URL is empty");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new UrlRejectedException("URL is longer than " + MAX_URL_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new UrlRejectedException("URL contains a space, control or non-ASCII character at position " + i
                        + "; percent-encode it");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UrlRejectedException("not a valid URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new UrlRejectedException("URL has no scheme; use http:// or https://");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!policy.allowedSchemes().contains(scheme)) {
            throw new UrlRejectedException("URL scheme '" + scheme + "' is not allowed (allowed: "
                    + String.join(", ", new TreeSet<>(policy.allowedSchemes())) + ")");
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw new UrlRejectedException("URL has no host");
        }
        if (authority.indexOf('@') >= 0) {
            throw new UrlRejectedException("URL must not contain user information (user:password@)");
        }
        if (authority.indexOf('%') >= 0) {
            throw new UrlRejectedException("URL host must not be percent-encoded or carry an IPv6 zone");
        }
        String host;
        String portText = null;
        boolean bracketed = authority.startsWith("[");
        if (bracketed) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new UrlRejectedException("URL has an unterminated IPv6 address");
            }
            host = authority.substring(1, close);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new UrlRejectedException("URL has garbage after the IPv6 address");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port = portText == null ? defaultPort(scheme) : parsePort(portText);
        host = host.toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            throw new UrlRejectedException("URL has no host");
        }
        if (bracketed) {
            byte[] address = Cidr.parseNumericAddress("[" + host + "]");
            if (address == null || address.length != 16) {
                throw new UrlRejectedException("URL host [" + host + "] is not a valid IPv6 address");
            }
            checkLiteral("[" + host + "]", toInet(address));
        } else {
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            byte[] canonical = HostLiteral.canonicalIpv4(host);
            if (canonical != null) {
                checkLiteral(host, toInet(canonical));
            } else if (HostLiteral.endsInNumber(host) || HostLiteral.decodeLegacyIpv4(host) != null) {
                throw nonCanonical(host);
            } else if (!isHostName(host)) {
                throw new UrlRejectedException("URL host '" + host + "' is not a valid host name");
            } else {
                checkName(host);
            }
        }
        if (policy.deniedPorts().contains(port)) {
            throw new UrlRejectedException("URL port " + port + " is denied by policy");
        }
        if (!policy.allowedPorts().contains(port)) {
            throw new UrlRejectedException("URL port " + port + " is not allowed (allowed: "
                    + String.join(", ", new TreeSet<>(policy.allowedPorts()).stream().map(String::valueOf).toList()) + ")");
        }
        if (uri.getHost() == null) {
            // java.net.URI reads some valid-looking names (last label starting with a digit) as a
            // registry authority; the HTTP client would then have no host to talk to.
            throw new UrlRejectedException("URL host '" + host + "' is not a valid host name");
        }
        return uri;
    }

    /**
     * Checks an address a URL's host resolved to, just before connecting to it; throws
     * {@link UrlRejectedException} ("connection to 127.0.0.1:80 refused by policy: loopback address").
     */
    public void checkAddress(InetAddress address, int port) {
        checkAddress(null, address, port);
    }

    /**
     * As {@link #checkAddress(InetAddress, int)}, for an address resolved from {@code hostName}:
     * a name listed in allowed hosts allows whatever it resolves to (the operator trusts that name),
     * though never a denied network.
     */
    public void checkAddress(String hostName, InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        String where = "connection to " + format(address) + ":" + port + " refused by policy: ";
        if (policy.deniedPorts().contains(port)) {
            throw new UrlRejectedException(where + "port " + port + " denied");
        }
        if (!policy.allowedPorts().contains(port)) {
            throw new UrlRejectedException(where + "port " + port + " not allowed");
        }
        for (Cidr denied : deniedNetworks) {
            if (matches(denied, address)) {
                throw new UrlRejectedException(where + "denied network " + denied);
            }
        }
        if (hostName != null && allowedNames.contains(normaliseName(hostName))) {
            return;
        }
        AddressCategory category = AddressCategory.of(address);
        if (category != AddressCategory.PUBLIC && !isAllowed(address)) {
            throw new UrlRejectedException(where + category.description());
        }
    }

    /** Whether the operator listed this host name in allowed hosts (exact match, case-insensitive). */
    public boolean isAllowedName(String hostName) {
        return allowedNames.contains(normaliseName(hostName));
    }

    static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** LDH host name: labels of 1..63 letters, digits and hyphens, not starting or ending with '-'. */
    static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    private void checkName(String host) {
        if (deniedNames.contains(host)) {
            throw new UrlRejectedException("URL host '" + host + "' is denied by policy");
        }
        if ((host.equals("localhost") || host.endsWith(".localhost")) && !allowedNames.contains(host)) {
            throw new UrlRejectedException("URL host '" + host + "' refused by policy: loopback address");
        }
    }

    private void checkLiteral(String host, InetAddress address) {
        for (Cidr denied : deniedNetworks) {
            if (matches(denied, address)) {
                throw new UrlRejectedException("URL host " + host + " is denied by policy (network " + denied + ")");
            }
        }
        AddressCategory category = AddressCategory.of(address);
        if (category != AddressCategory.PUBLIC && !isAllowed(address)) {
            String shown = format(address).equals(host) ? host : host + " (" + format(address) + ")";
            throw new UrlRejectedException("URL host " + shown + " refused by policy: " + category.description());
        }
    }

    private UrlRejectedException nonCanonical(String host) {
        byte[] decoded = HostLiteral.decodeLegacyIpv4(host);
        if (decoded == null) {
            return new UrlRejectedException("URL host '" + host + "' is not a valid host name or IPv4 address");
        }
        InetAddress address = toInet(decoded);
        AddressCategory category = AddressCategory.of(address);
        String meaning = category == AddressCategory.PUBLIC ? "" : ", a " + category.description();
        return new UrlRejectedException("URL host '" + host + "' is a non-canonical IPv4 address (it means "
                + address.getHostAddress() + meaning + "); write addresses as four decimal numbers");
    }

    private boolean isAllowed(InetAddress address) {
        for (Cidr allowed : allowedNetworks) {
            if (matches(allowed, address)) {
                return true;
            }
        }
        return false;
    }

    /** A network matches an address or, for IPv6 forms embedding IPv4, the embedded address. */
    private static boolean matches(Cidr network, InetAddress address) {
        if (network.contains(address)) {
            return true;
        }
        InetAddress embedded = AddressCategory.embeddedIpv4(address);
        return embedded != null && network.contains(embedded);
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new UrlRejectedException("URL port '" + text + "' is not a number in 1..65535");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new UrlRejectedException("URL port " + port + " is not in 1..65535");
        }
        return port;
    }

    private static void split(List<String> entries, List<Cidr> networks, Set<String> names) {
        for (String entry : entries) {
            if (Cidr.looksNumeric(entry)) {
                networks.add(Cidr.parse(entry));
            } else {
                names.add(entry);
            }
        }
    }

    private static String normaliseName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static InetAddress toInet(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Dotted quad, or bracketed RFC 5952 IPv6 ({@code [::1]}, not Java's {@code 0:0:0:0:0:0:0:1}). */
    static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 1 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.append(']').toString();
    }
}
