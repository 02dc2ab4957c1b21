package dev.ferry.server.sources;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare address
 * is a /32 or /128. Parsing never touches DNS: only numeric literals are accepted.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** The network {@code address/prefix} or a single {@code address}; throws IllegalArgumentException. */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressText = slash < 0 ? s : s.substring(0, slash);
        byte[] address = parseNumericAddress(addressText);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR: " + text);
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad prefix length in CIDR: " + text);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length " + prefix + " exceeds " + max + " in CIDR: " + text);
            }
        }
        if (address.length == 16 && prefix >= 96 && isMapped(address)) {
            // ::ffff:a.b.c.d/p: Java hands IPv4-mapped addresses over as IPv4, so store the IPv4 network
            return new Cidr(mask(Arrays.copyOfRange(address, 12, 16), prefix - 96), prefix - 96);
        }
        return new Cidr(mask(address, prefix), prefix);
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    /** Whether {@code text} is written like a CIDR or IP literal (digits, hex, dots, colons, slash). */
    public static boolean looksNumeric(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String a = slash < 0 ? s : s.substring(0, slash);
        return parseNumericAddress(a) != null;
    }

    /** Whether the address lies in this network; an IPv4 address never matches an IPv6 network. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == network.length && Arrays.equals(mask(a, prefixLength), network);
    }

    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (bits == 0 ? 0 : 0xff << (8 - bits));
        }
        return out;
    }

    /** Strict dotted-quad IPv4 or IPv6 (optionally bracketed); null otherwise. Never resolves names. */
    static byte[] parseNumericAddress(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
            try {
                byte[] b = InetAddress.getByName("[" + s + "]").getAddress();
                // InetAddress turns ::ffff:a.b.c.d into an Inet4Address; keep the 16-byte form here.
                return b.length == 16 ? b : mapped(b);
            } catch (UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        return HostLiteral.canonicalIpv4(s);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
