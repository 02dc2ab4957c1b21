package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardTest {

    private final UrlGuard guard = new UrlGuard(UrlPolicy.defaults());

    @ParameterizedTest
    @ValueSource(strings = {
        "http://example.com/image.qcow2",
        "https://example.com/image.qcow2",
        "HTTPS://Example.COM/a/b?c=d#frag",
        "http://example.com:80/x",
        "https://example.com:443/x",
        "http://8.8.8.8/x",
        "http://[2606:4700::1111]/x",
        "http://example.com./x",
        "http://a-b.c-d.example/x",
        "http://xn--bcher-kva.example/x",
    })
    void acceptsPublicHttpUrls(String url) {
        URI uri = guard.checkSyntax(url);
        assertThat(uri.getHost()).isNotNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        file:///etc/passwd                    | scheme 'file' is not allowed
        ftp://example.com/x                   | scheme 'ftp' is not allowed
        gopher://example.com:70/_x            | scheme 'gopher' is not allowed
        jar:http://example.com/x.jar!/a       | scheme 'jar' is not allowed
        data:text/plain,hello                 | scheme 'data' is not allowed
        javascript:alert(1)                   | scheme 'javascript' is not allowed
        example.com/image.raw                 | no scheme
        /relative/path                        | no scheme
        http:/only-path                       | no host
        http:opaque                           | no host
        http:///path                          | no host
        http://user:pass@example.com/x        | user information
        http://example.com@127.0.0.1/x        | user information
        http://example.com:8080/x             | port 8080 is not allowed
        https://example.com:8443/x            | (allowed: 80, 443)
        http://example.com:0/x                | not in 1..65535
        http://example.com:65536/x            | not in 1..65535
        http://example.com:99999999/x         | not a number
        http://example.com:/x                 | not a number
        http://example.com:8o/x               | not a number
        http://exa_mple.com/x                 | not a valid host name
        http://-bad.example.com/x             | not a valid host name
        http://a..b/x                         | not a valid
        http://%31%32%37.0.0.1/x              | percent-encoded
        http://[fe80::1%25eth0]/x             | percent-encoded or carry an IPv6 zone
        http://[::1/x                         | not a valid URL: Expected closing bracket
        http://[1.2.3.4]/x                    | not a valid URL: Malformed IPv6
        http://exa mple.com/x                 | space, control or non-ASCII
        http://localhost/x                    | loopback address
        http://LOCALHOST./x                   | loopback address
        http://foo.localhost/x                | loopback address
        http://127.0.0.1/x                    | 127.0.0.1 refused by policy: loopback address
        http://127.1.2.3/x                    | loopback address
        http://10.0.0.1/x                     | private address
        http://172.16.5.4/x                   | private address
        http://172.31.255.255/x               | private address
        http://192.168.1.1/x                  | private address
        http://100.64.0.1/x                   | carrier-grade NAT
        http://169.254.169.254/latest         | cloud metadata service
        http://169.254.1.1/x                  | link-local address
        http://0.0.0.0/x                      | unspecified address
        http://224.0.0.1/x                    | multicast address
        http://255.255.255.255/x              | broadcast address
        http://240.0.0.1/x                    | reserved address
        http://192.0.2.1/x                    | reserved address
        http://198.18.0.1/x                   | reserved address
        http://[::1]/x                        | [::1] refused by policy: loopback address
        http://[::]/x                         | unspecified address
        http://[fe80::1]/x                    | link-local address
        http://[fc00::1]/x                    | private address
        http://[fd12:3456::1]/x               | private address
        http://[ff02::1]/x                    | multicast address
        http://[2001:db8::1]/x                | reserved address
        http://[::ffff:127.0.0.1]/x           | [::ffff:127.0.0.1] (127.0.0.1) refused by policy: loopback address
        http://[::ffff:7f00:1]/x              | loopback address
        http://[::ffff:169.254.169.254]/x     | cloud metadata service
        http://[::127.0.0.1]/x                | loopback address
        http://[64:ff9b::a00:1]/x             | private address
        http://[2002:7f00:1::]/x              | loopback address
        http://[2002:a9fe:a9fe::1]/x          | cloud metadata service
        http://[0:0:0:0:0:0:0:1]/x            | URL host [0:0:0:0:0:0:0:1] ([::1]) refused
        http://[fe80:0:0:0:1::]/x             | ([fe80::1:0:0:0]) refused by policy: link-local
        http://2130706433/x                   | non-canonical IPv4 address (it means 127.0.0.1, a loopback address)
        http://0x7f000001/x                   | it means 127.0.0.1
        http://0x7f.1/x                       | it means 127.0.0.1
        http://0x7F.0.0.1/x                   | it means 127.0.0.1
        http://0177.0.0.1/x                   | it means 127.0.0.1
        http://0177.1/x                       | it means 127.0.0.1
        http://127.1/x                        | it means 127.0.0.1
        http://127.0.1/x                      | it means 127.0.0.1
        http://017700000001/x                 | it means 127.0.0.1
        http://0x00000000007f.1/x             | it means 127.0.0.1
        http://127.000.000.001/x              | it means 127.0.0.1
        http://0/x                            | it means 0.0.0.0
        http://3232235777/x                   | it means 192.168.1.1, a private address
        http://0xa9fea9fe/x                   | it means 169.254.169.254
        http://134744072/x                    | it means 8.8.8.8)
        http://127.0.0.1.1/x                  | not a valid host name or IPv4 address
        http://256.0.0.1/x                    | not a valid host name or IPv4 address
        http://foo.0x10/x                     | not a valid host name or IPv4 address
        http://example.123/x                  | not a valid host name or IPv4 address
        """)
    void refusesWithAMessageNamingTheProblem(String url, String expected) {
        assertThatThrownBy(() -> guard.checkSyntax(url))
                .isInstanceOf(UrlRejectedException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void refusesEmptyAndHugeUrls() {
        assertThatThrownBy(() -> guard.checkSyntax(null)).hasMessage("URL is empty");
        assertThatThrownBy(() -> guard.checkSyntax("  ")).hasMessage("URL is empty");
        String huge = "http://example.com/" + "a".repeat(UrlGuard.MAX_URL_LENGTH);
        assertThatThrownBy(() -> guard.checkSyntax(huge)).hasMessageContaining("longer than 8192");
    }

    @ParameterizedTest(name = "allowed {0}, denied {1}: {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        80,443      | ''        | http://example.com/x         | ok
        80,443      | 443       | https://example.com/x        | port 443 is denied by policy
        80,443      | 443       | https://example.com:443/x    | port 443 is denied by policy
        80,443      | 443       | http://example.com/x         | ok
        80,443,8080 | 8080      | http://example.com:8080/x    | port 8080 is denied by policy
        80,443,8080 | 8080,9000 | http://example.com:9000/x    | port 9000 is denied by policy
        80,443,8080 | 9000      | http://example.com:8080/x    | ok
        80,443      | 8080      | http://example.com:8080/x    | port 8080 is denied by policy
        80,443      | 8080      | http://example.com:8081/x    | port 8081 is not allowed
        80          | 80        | http://8.8.8.8/x             | port 80 is denied by policy
        80          | 80        | http://[2606:4700::1111]/x   | port 80 is denied by policy
        """)
    void deniedPortsWinOverAllowedPorts(String allowed, String denied, String url, String outcome) {
        UrlGuard g = new UrlGuard(UrlPolicy.defaults().withAllowedPorts(ports(allowed)).withDeniedPorts(ports(denied)));
        if (outcome.equals("ok")) {
            assertThatCode(() -> g.checkSyntax(url)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> g.checkSyntax(url)).isInstanceOf(UrlRejectedException.class)
                    .hasMessageContaining(outcome);
        }
    }

    @ParameterizedTest(name = "connect to port {0} with denied {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        443  | 443  | port 443 denied
        80   | 443  | ok
        8080 | 8080 | port 8080 denied
        """)
    void deniedPortsAreCheckedAgainAtConnectTime(int port, String denied, String outcome) throws Exception {
        UrlGuard g = new UrlGuard(UrlPolicy.defaults().withAllowedPorts(Set.of(80, 443, 8080)).withDeniedPorts(ports(denied)));
        InetAddress address = InetAddress.getByName("8.8.8.8");
        if (outcome.equals("ok")) {
            assertThatCode(() -> g.checkAddress(address, port)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> g.checkAddress(address, port)).isInstanceOf(UrlRejectedException.class)
                    .hasMessage("connection to 8.8.8.8:" + port + " refused by policy: " + outcome);
        }
    }

    @Test
    void deniedPortsAreCheckedAndDefaultToNone() {
        assertThat(UrlPolicy.defaults().deniedPorts()).isEmpty();
        assertThatThrownBy(() -> UrlPolicy.defaults().withDeniedPorts(Set.of(0))).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> UrlPolicy.defaults().withDeniedPorts(Set.of(65536))).hasMessageContaining("1..65535");
    }

    private static Set<Integer> ports(String list) {
        return list == null || list.isBlank() ? Set.of()
                : java.util.Arrays.stream(list.split(",")).map(String::strip).map(Integer::valueOf)
                        .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void allowedHostsAndCidrsLetPrivateAddressesThrough() {
        UrlGuard g = new UrlGuard(UrlPolicy.defaults()
                .withAllowedHosts(List.of("127.0.0.1", "10.1.0.0/16", "fd00::/8", "localhost", "Mirror.Internal."))
                .withAllowedPorts(Set.of(80, 443, 8080)));
        assertThatCode(() -> g.checkSyntax("http://127.0.0.1:8080/x")).doesNotThrowAnyException();
        assertThatCode(() -> g.checkSyntax("http://[::ffff:127.0.0.1]/x")).doesNotThrowAnyException();
        assertThatCode(() -> g.checkSyntax("http://10.1.2.3/x")).doesNotThrowAnyException();
        assertThatCode(() -> g.checkSyntax("http://[fd00::5]/x")).doesNotThrowAnyException();
        assertThatCode(() -> g.checkSyntax("http://localhost/x")).doesNotThrowAnyException();
        assertThatThrownBy(() -> g.checkSyntax("http://127.0.0.2/x")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> g.checkSyntax("http://10.2.0.1/x")).hasMessageContaining("private");
        // an allowed address is still refused in an ambiguous spelling
        assertThatThrownBy(() -> g.checkSyntax("http://2130706433/x")).hasMessageContaining("non-canonical");
        // ports stay restricted for allowed hosts
        assertThatThrownBy(() -> g.checkSyntax("http://127.0.0.1:9090/x")).hasMessageContaining("port 9090");
        assertThat(g.isAllowedName("mirror.internal")).isTrue();
    }

    @Test
    void deniedHostsWinOverAllowedAndPublic() {
        UrlGuard g = new UrlGuard(UrlPolicy.defaults()
                .withAllowedHosts(List.of("10.0.0.0/8"))
                .withDeniedHosts(List.of("evil.example.com", "10.9.0.0/16", "8.8.8.0/24")));
        assertThatThrownBy(() -> g.checkSyntax("http://EVIL.example.com./x")).hasMessageContaining("denied by policy");
        assertThatThrownBy(() -> g.checkSyntax("http://10.9.1.1/x")).hasMessageContaining("denied by policy");
        assertThatThrownBy(() -> g.checkSyntax("http://8.8.8.8/x")).hasMessageContaining("denied by policy");
        assertThatCode(() -> g.checkSyntax("http://10.8.1.1/x")).doesNotThrowAnyException();
        assertThatThrownBy(() -> g.checkAddress(InetAddress.getByName("8.8.8.8"), 80))
                .hasMessage("connection to 8.8.8.8:80 refused by policy: denied network 8.8.8.0/24");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        127.0.0.1        | connection to 127.0.0.1:80 refused by policy: loopback address
        10.20.30.40      | connection to 10.20.30.40:80 refused by policy: private address
        172.20.0.1       | private address
        192.168.0.10     | private address
        100.127.255.254  | carrier-grade NAT
        169.254.169.254  | link-local address (cloud metadata service)
        169.254.0.1      | link-local address
        0.0.0.0          | unspecified address
        239.255.255.250  | multicast address
        255.255.255.255  | broadcast address
        250.1.1.1        | reserved address
        ::1              | connection to [::1]:80 refused by policy: loopback address
        ::               | unspecified address
        fe80::1          | link-local address
        fec0::1          | private address
        fc00::1          | private address
        fdff:ffff::1     | private address
        ff05::2          | multicast address
        ::ffff:10.0.0.1  | private address
        ::a00:1          | private address
        64:ff9b::7f00:1  | loopback address
        2002:c0a8:101::1 | private address
        """)
    void checkAddressRefusesNonPublicRanges(String address, String expected) throws Exception {
        assertThatThrownBy(() -> guard.checkAddress(InetAddress.getByName(address), 80))
                .isInstanceOf(UrlRejectedException.class)
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
        "2a00:1450:4001::200e", "64:ff9b::808:808"})
    void checkAddressAcceptsPublicAddresses(String address) throws Exception {
        assertThatCode(() -> guard.checkAddress(InetAddress.getByName(address), 443)).doesNotThrowAnyException();
    }

    @Test
    void checkAddressEnforcesPortsAndAllowedNames() throws Exception {
        assertThatThrownBy(() -> guard.checkAddress(InetAddress.getByName("8.8.8.8"), 22))
                .hasMessage("connection to 8.8.8.8:22 refused by policy: port 22 not allowed");
        UrlGuard g = new UrlGuard(UrlPolicy.defaults().withAllowedHosts(List.of("mirror.internal")));
        InetAddress privateAddress = InetAddress.getByName("10.0.0.7");
        assertThatCode(() -> g.checkAddress("mirror.internal.", privateAddress, 80)).doesNotThrowAnyException();
        assertThatThrownBy(() -> g.checkAddress("other.internal", privateAddress, 80)).hasMessageContaining("private");
        assertThatThrownBy(() -> g.checkAddress(privateAddress, 80)).hasMessageContaining("private");
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.0/8", "10.0.0.0/33", "::/129", "10.0.0.0/", "exa_mple", "a/b", "", "2130706433",
        "host.123"})
    void policyRejectsBadHostEntries(String entry) {
        assertThatThrownBy(() -> UrlPolicy.defaults().withAllowedHosts(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policyValidatesItsLimits() {
        UrlPolicy d = UrlPolicy.defaults();
        assertThat(d.allowedSchemes()).containsExactlyInAnyOrder("http", "https");
        assertThat(d.allowedPorts()).containsExactlyInAnyOrder(80, 443);
        assertThat(d.allowedHosts()).isEmpty();
        assertThatThrownBy(() -> d.withAllowedSchemes(Set.of("file"))).hasMessageContaining("only http and https");
        assertThatThrownBy(() -> d.withAllowedSchemes(Set.of())).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> d.withAllowedPorts(Set.of(0))).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> d.withAllowedPorts(Set.of())).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> d.withMaxRedirects(-1)).hasMessageContaining("max redirects");
        assertThatThrownBy(() -> d.withMaxRedirects(21)).hasMessageContaining("max redirects");
        assertThatThrownBy(() -> d.withMaxBytes(0)).hasMessageContaining("max bytes");
        assertThatThrownBy(() -> d.withTimeouts(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1)))
                .hasMessageContaining("connect timeout");
        assertThat(d.withAllowedHosts(List.of(" [::1] ", "Host.Example.")).allowedHosts())
                .containsExactly("::1", "host.example");
    }

    @Test
    void cidrMatching() throws Exception {
        Cidr net = Cidr.parse("172.16.0.0/12");
        assertThat(net.contains(InetAddress.getByName("172.31.1.1"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("1.2.3.4"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("febf::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("fec0::1"))).isFalse();
        // IPv4-mapped networks match the IPv4 addresses Java turns mapped literals into
        assertThat(Cidr.parse("::ffff:8.8.8.0/120")).hasToString("8.8.8.0/24");
        UrlGuard g = new UrlGuard(UrlPolicy.defaults().withDeniedHosts(List.of("::ffff:8.8.8.0/120")));
        assertThatThrownBy(() -> g.checkSyntax("http://[::ffff:8.8.8.8]/x")).hasMessageContaining("denied by policy");
        assertThatThrownBy(() -> g.checkSyntax("http://8.8.8.9/x")).hasMessageContaining("denied by policy");
    }
}
