package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link UrlGuard#checkSyntax} on any string, under three policies: a URI or a
 * {@link UrlRejectedException} (the task's 400 or failure), nothing else. An accepted URL is
 * checked where the HTTP client will look ({@link URI#getHost()}, {@link URI#getPort()}): no user
 * information, an allowed scheme and port, no numeric host but a canonical dotted quad or a
 * bracketed IPv6 literal, and no such literal (nor {@code localhost}) that is loopback,
 * link-local, unspecified, private or metadata unless the policy's allowed networks hold it.
 * Input: one selector byte (policy = byte % 3; ISO-8859-1 when (byte / 3) is even, else UTF-8),
 * then the URL. Nothing here resolves a name or connects.
 */
class UrlGuardFuzzTest {

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final List<Cidr> ALLOWED_IN_POLICY_1 = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
    private static final UrlGuard[] GUARDS = {
        new UrlGuard(UrlPolicy.defaults()),
        new UrlGuard(UrlPolicy.defaults().withAllowedPorts(Set.of(80, 443, 8080))
                .withAllowedHosts(List.of("10.0.0.0/8", "fd00::/8", "internal.example"))
                .withDeniedHosts(List.of("203.0.113.0/24", "bad.example"))),
        new UrlGuard(new UrlPolicy(Set.of("https"), List.of(), List.of(), Set.of(443, 8443), Set.of(8443), 0,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1)),
    };

    @FuzzTest(maxDuration = "60s")
    void acceptsOnlyWhatThePolicyAllows(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int selector = data[0] & 0xff;
        int which = selector % 3;
        String url = new String(data, 1, data.length - 1,
                (selector / 3) % 2 == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        URI uri;
        try {
            uri = GUARDS[which].checkSyntax(url);
        } catch (UrlRejectedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        checkAccepted(which, GUARDS[which].policy(), uri);
    }

    static void checkAccepted(int which, UrlPolicy policy, URI uri) {
        assertThat(uri.getScheme().toLowerCase(Locale.ROOT)).isIn(policy.allowedSchemes());
        assertThat(uri.getRawUserInfo()).isNull();
        String host = uri.getHost();
        assertThat(host).isNotNull().isNotEmpty();
        int port = uri.getPort() >= 0 ? uri.getPort() : UrlGuard.defaultPort(uri.getScheme().toLowerCase(Locale.ROOT));
        assertThat(port).isIn(policy.allowedPorts()).isNotIn(policy.deniedPorts());
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        InetAddress literal = null;
        if (h.startsWith("[")) {
            assertThat(h).endsWith("]");
            literal = literal(h); // brackets: parsed as an IPv6 literal, never looked up
        } else if (DOTTED_QUAD.matcher(h).matches()) {
            assertThat(HostLiteral.canonicalIpv4(h)).as("non-canonical dotted quad %s", h).isNotNull();
            literal = literal(h);
        } else {
            String last = h.substring(h.lastIndexOf('.') + 1);
            assertThat(last.isEmpty() || last.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (last.startsWith("0x") && last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0)))
                    .as("host %s ends in a number", h).isFalse();
            assertThat(h.equals("localhost") || h.endsWith(".localhost")).as("loopback name %s", h).isFalse();
            if (which == 1) {
                assertThat(h).isNotEqualTo("bad.example");
            }
        }
        if (literal != null) {
            boolean allowed = which == 1 && allowedInPolicy1(literal);
            if (!allowed) {
                assertThat(literal.isLoopbackAddress() || literal.isLinkLocalAddress() || literal.isAnyLocalAddress()
                        || literal.isSiteLocalAddress() || literal.isMulticastAddress())
                        .as("accepted %s (%s)", host, literal).isFalse();
                byte[] b = literal.getAddress();
                byte[] v4 = b.length == 4 ? b : Arrays.copyOfRange(b, 12, 16);
                if (b.length == 4 || isMappedOrCompatible(b)) {
                    int first = v4[0] & 0xff;
                    int second = v4[1] & 0xff;
                    assertThat(first == 127 || first == 10 || first == 0 || (first == 169 && second == 254)
                            || (first == 172 && second >= 16 && second < 32) || (first == 192 && second == 168)
                            || (first == 100 && second >= 64 && second < 128))
                            .as("accepted %s, a non-public IPv4 address", host).isFalse();
                }
                if (b.length == 16) {
                    assertThat((b[0] & 0xfe) == 0xfc).as("accepted %s, unique local", host).isFalse();
                }
            }
            if (which == 1) {
                assertThat(Cidr.parse("203.0.113.0/24").contains(literal)).as("denied %s", host).isFalse();
            }
        }
    }

    /** The accepted branch is reachable: public literals and names pass the guard and the oracle. */
    @Test
    void publicUrlsPassBothTheGuardAndTheOracle() {
        for (String url : List.of("http://93.184.215.14/disk.img", "https://[2001:4860:4860::8888]/a",
                "https://images.example.com/cirros.qcow2")) {
            checkAccepted(0, GUARDS[0].policy(), GUARDS[0].checkSyntax(url));
        }
        checkAccepted(1, GUARDS[1].policy(), GUARDS[1].checkSyntax("http://10.1.2.3:8080/internal.raw"));
    }

    /** The oracle is not vacuous: it fails on the hosts the guard exists to refuse. */
    @Test
    void theOracleFailsOnRefusedHosts() {
        for (String url : List.of("http://127.0.0.1/", "http://[::ffff:169.254.169.254]/", "http://0x7f.1/",
                "http://localhost/", "http://10.0.0.1/", "http://[fe80::1]/", "http://user@example.com/",
                "http://example.com:8080/")) {
            assertThatThrownBy(() -> checkAccepted(0, GUARDS[0].policy(), URI.create(url)))
                    .as(url).isInstanceOf(AssertionError.class);
        }
    }

    private static boolean allowedInPolicy1(InetAddress a) {
        for (Cidr c : ALLOWED_IN_POLICY_1) {
            if (c.contains(a)) {
                return true;
            }
        }
        InetAddress embedded = AddressCategory.embeddedIpv4(a);
        return embedded != null && ALLOWED_IN_POLICY_1.get(0).contains(embedded);
    }

    /** ::a.b.c.d and ::ffff:a.b.c.d, the forms whose last four bytes are an IPv4 address. */
    private static boolean isMappedOrCompatible(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == 0 && b[11] == 0) || ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff);
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal (checked above): no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError("accepted host " + text + " is not a literal", e);
        }
    }
}
