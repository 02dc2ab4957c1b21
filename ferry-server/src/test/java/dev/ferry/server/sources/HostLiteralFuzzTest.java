package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The host-literal parsers behind {@link UrlGuard} and the operator's {@code url.allowed_hosts} /
 * {@code url.denied_hosts} on any text (UTF-8): {@link HostLiteral} never throws,
 * {@link Cidr#parse} gives a network or an {@link IllegalArgumentException} (the configuration
 * error at start-up), so does a {@link UrlPolicy} listing the text; the canonical dotted quad and
 * the legacy decoding agree, and a parsed network contains its own address. No name is resolved
 * (IPv6 literals are parsed bracketed, which the JDK never looks up).
 */
class HostLiteralFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void literalsParseOrAreRefused(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        byte[] canonical = HostLiteral.canonicalIpv4(text);
        byte[] legacy = HostLiteral.decodeLegacyIpv4(text);
        boolean endsInNumber = HostLiteral.endsInNumber(text);
        if (canonical != null) {
            assertThat(legacy).as("the canonical form is one of the legacy forms").isEqualTo(canonical);
            assertThat(endsInNumber).isTrue();
        }
        if (legacy != null) {
            assertThat(legacy).hasSize(4);
        }
        boolean numeric = Cidr.looksNumeric(text);
        try {
            Cidr cidr = Cidr.parse(text);
            assertThat(numeric).isTrue();
            assertThat(cidr.prefixLength()).isBetween(0, cidr.isIpv4() ? 32 : 128);
            assertThat(Cidr.parse(cidr.toString())).isEqualTo(cidr);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        try {
            UrlPolicy policy = UrlPolicy.defaults().withAllowedHosts(List.of(text)).withDeniedHosts(List.of(text));
            new UrlGuard(policy); // a listed entry is a network or a host name the guard can use
            assertThat(policy.allowedHosts()).hasSize(1);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
