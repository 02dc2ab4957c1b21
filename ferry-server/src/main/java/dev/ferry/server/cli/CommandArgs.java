package dev.ferry.server.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of one verb, parsed against its {@link Usage}: {@code --name value},
 * {@code --name=value}, short aliases ({@code -O value}), flags, and positional arguments ({@code --}
 * ends the options). Written by hand rather than with an annotation-driven library: those cost a
 * CLI run about 0.1 s of start-up (reflection, proxies, classes the JDK's AOT cache cannot keep),
 * which is a quarter of a typical {@code ferry convert} of a few GiB.
 */
final class CommandArgs {

    private final Map<String, String> values = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private boolean help;

    private CommandArgs() {
    }

    /**
     * Parses {@code args[from..]}.
     *
     * @throws UsageException for an unknown option, a missing value, an option given twice, or a
     *                        wrong number of positional arguments
     */
    static CommandArgs parse(Usage usage, String[] args, int from) throws UsageException {
        Objects.requireNonNull(usage, "usage");
        CommandArgs parsed = new CommandArgs();
        boolean optionsEnded = false;
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                parsed.positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                parsed.help = true;
                continue;
            }
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Usage.Option option = usage.option(name)
                    .orElseThrow(() -> new UsageException("unknown option '" + name + "'"));
            String value;
            if (!option.takesValue()) {
                if (eq >= 0) {
                    throw new UsageException(option.name() + " takes no value");
                }
                value = "";
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("missing value for " + option.name() + " " + option.valueLabel());
            }
            if (parsed.values.putIfAbsent(option.name(), value) != null) {
                throw new UsageException(option.name() + " given more than once");
            }
        }
        if (parsed.help) {
            return parsed;
        }
        for (Usage.Option option : usage.options()) {
            if (option.required() && !parsed.values.containsKey(option.name())) {
                throw new UsageException("missing required option " + option.name() + " " + option.valueLabel());
            }
        }
        int n = parsed.positionals.size();
        if (n < usage.minPositionals()) {
            throw new UsageException("missing " + usage.positionalLabel());
        }
        if (n > usage.maxPositionals()) {
            throw new UsageException("unexpected argument '" + parsed.positionals.get(usage.maxPositionals()) + "'");
        }
        return parsed;
    }

    /** {@code -h} or {@code --help} was given: nothing else was checked. */
    boolean help() {
        return help;
    }

    /** The value of an option (by its main name), or null when it was not given. */
    String value(String name) {
        return values.get(name);
    }

    /** Whether a flag (an option without a value) was given. */
    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** A positive number of bytes, or {@code otherwise} when the option was not given. */
    long positiveLong(String name, long otherwise) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": '" + v + "' is not a number");
        }
        if (n <= 0) {
            throw new UsageException(name + " must be positive");
        }
        return n;
    }

    /** A path given on the command line. */
    static Path path(String raw) throws UsageException {
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            throw new UsageException("'" + raw + "': not a valid path (" + e.getReason() + ")");
        }
    }

    List<String> positionals() {
        return List.copyOf(positionals);
    }
}
