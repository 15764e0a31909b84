package io.exoclone.server;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/**
 * A TCP address to listen on, {@code HOST:PORT} ({@code [::1]:PORT} for IPv6). Port 0 picks a free
 * port. The host is used as written: serving beyond 127.0.0.1 must be asked for by name.
 */
public record ListenAddress(String host, int port) {
    /** The NBD port IANA assigned (10809) on the loopback interface. */
    public static final ListenAddress DEFAULT = new ListenAddress("127.0.0.1", 10809);

    public ListenAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("Empty host in listen address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " is outside 0-65535");
        }
    }

    /** Parses {@code HOST:PORT} or {@code [V6]:PORT}. */
    public static ListenAddress parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException(
                    "Listen address '" + text + "' is not HOST:PORT (for example 127.0.0.1:10809)");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(
                    "Listen address '" + text + "': write an IPv6 host in brackets, [::1]:10809");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Listen address '" + text + "': the port is not a number");
        }
        return new ListenAddress(host, port);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Picocli converter: a bad address is a usage error naming it. */
    public static final class Converter implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
