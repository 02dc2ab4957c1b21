package dev.ferry.server.sources;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * What kind of destination an IP address is, from the IANA special-purpose registries. Every
 * category but {@link #PUBLIC} is refused unless the operator allows it ({@code url.allowed_hosts}).
 * IPv6 forms that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4
 * 2002::/16) are classified by the address they embed, so {@code [::ffff:127.0.0.1]} is loopback.
 */
public enum AddressCategory {
    PUBLIC("public address"),
    UNSPECIFIED("unspecified address"),
    LOOPBACK("loopback address"),
    LINK_LOCAL("link-local address"),
    METADATA("link-local address (cloud metadata service)"),
    PRIVATE("private address"),
    SHARED("shared address space (carrier-grade NAT)"),
    MULTICAST("multicast address"),
    BROADCAST("broadcast address"),
    RESERVED("reserved address");

    private final String description;

    AddressCategory(String description) {
        this.description = description;
    }

    /** For messages: "loopback address". */
    public String description() {
        return description;
    }

    // Order matters: the first match wins (metadata before link-local, broadcast before 240/4).
    private static final List<Map.Entry<Cidr, AddressCategory>> RANGES = List.of(
            Map.entry(Cidr.parse("169.254.169.254/32"), METADATA),
            Map.entry(Cidr.parse("255.255.255.255/32"), BROADCAST),
            Map.entry(Cidr.parse("0.0.0.0/8"), UNSPECIFIED),
            Map.entry(Cidr.parse("10.0.0.0/8"), PRIVATE),
            Map.entry(Cidr.parse("100.64.0.0/10"), SHARED),
            Map.entry(Cidr.parse("127.0.0.0/8"), LOOPBACK),
            Map.entry(Cidr.parse("169.254.0.0/16"), LINK_LOCAL),
            Map.entry(Cidr.parse("172.16.0.0/12"), PRIVATE),
            Map.entry(Cidr.parse("192.0.0.0/24"), RESERVED),
            Map.entry(Cidr.parse("192.0.2.0/24"), RESERVED),
            Map.entry(Cidr.parse("192.88.99.0/24"), RESERVED),
            Map.entry(Cidr.parse("192.168.0.0/16"), PRIVATE),
            Map.entry(Cidr.parse("198.18.0.0/15"), RESERVED),
            Map.entry(Cidr.parse("198.51.100.0/24"), RESERVED),
            Map.entry(Cidr.parse("203.0.113.0/24"), RESERVED),
            Map.entry(Cidr.parse("224.0.0.0/4"), MULTICAST),
            Map.entry(Cidr.parse("240.0.0.0/4"), RESERVED),
            Map.entry(Cidr.parse("::/128"), UNSPECIFIED),
            Map.entry(Cidr.parse("::1/128"), LOOPBACK),
            Map.entry(Cidr.parse("64:ff9b:1::/48"), PRIVATE),
            Map.entry(Cidr.parse("100::/64"), RESERVED),
            Map.entry(Cidr.parse("2001::/23"), RESERVED),
            Map.entry(Cidr.parse("2001:db8::/32"), RESERVED),
            Map.entry(Cidr.parse("3fff::/20"), RESERVED),
            Map.entry(Cidr.parse("5f00::/16"), RESERVED),
            Map.entry(Cidr.parse("fc00::/7"), PRIVATE),
            Map.entry(Cidr.parse("fe80::/10"), LINK_LOCAL),
            Map.entry(Cidr.parse("fec0::/10"), PRIVATE),
            Map.entry(Cidr.parse("ff00::/8"), MULTICAST));

    /** The category of an address (never resolves anything). */
    public static AddressCategory of(InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            return of(embedded);
        }
        for (Map.Entry<Cidr, AddressCategory> range : RANGES) {
            if (range.getKey().contains(address)) {
                return range.getValue();
            }
        }
        return PUBLIC;
    }

    /** The IPv4 address an IPv6 address carries, or null. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        int offset = -1;
        if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            offset = 12; // ::ffff:a.b.c.d (IPv4-mapped)
        } else if (isZero(b, 0, 12) && !(isZero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
            offset = 12; // ::a.b.c.d (IPv4-compatible, deprecated), but not :: or ::1
        } else if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && isZero(b, 4, 12)) {
            offset = 12; // 64:ff9b::a.b.c.d (NAT64)
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            offset = 2; // 2002:AABB:CCDD::/48 (6to4)
        }
        if (offset < 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
