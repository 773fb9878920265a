package dev.dbsync.cli;

import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Transports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Checks of command-line inputs; each failure is a {@link ConfigurationException} naming the option. */
final class Inputs {
    private Inputs() {
    }

    /** @return the file, if it exists and is readable */
    static Path existingFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException(option + " " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigurationException(option + " " + file + ": not readable");
        }
        return file;
    }

    /** @return the file, if its directory exists or can be created */
    static Path writableFile(Path file, String option) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new ConfigurationException(option + " " + file + ": is a directory, expected a file");
        }
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigurationException(option + " " + file + ": " + dir + " is not a directory");
        }
        return file;
    }

    /**
     * @param name "netty", "kwik", or null for the default (netty when it can run here, else kwik)
     * @return the transport
     */
    static Transport transport(String name) {
        if (name != null) {
            String n = name.toLowerCase(Locale.ROOT);
            if (!n.equals("netty") && !n.equals("kwik")) {
                throw new ConfigurationException("--transport " + name + ": expected netty or kwik");
            }
            return Transports.named(n);
        }
        for (Transport t : Transports.all()) {
            if (t.isAvailable() && (t.name().equals("netty") || t.name().equals("kwik"))) {
                return t;
            }
        }
        return Transports.named("netty"); // throws, explaining why netty cannot run
    }

    /**
     * Parses a duration: ISO-8601 ({@code PT1H}) or a number with a unit ({@code 500ms},
     * {@code 30s}, {@code 15m}, {@code 1h}, {@code 2d}).
     */
    static Duration duration(String text, String option) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            int i = 0;
            while (i < t.length() && Character.isDigit(t.charAt(i))) {
                i++;
            }
            if (i == 0) {
                throw new NumberFormatException();
            }
            long n = Long.parseLong(t.substring(0, i));
            switch (t.substring(i)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                case "d": return Duration.ofDays(n);
                default: throw new NumberFormatException();
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ConfigurationException(option + " " + text + ": expected a duration such as 30s, 15m, 1h or PT1H");
        }
    }

    /** @return "host:port" ("[v6]:port" for IPv6), without the resolver's leading slash */
    static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
