package dev.ferry.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one verb accepts and its help text: options (with aliases), positional arguments.
 *
 * @param command        {@code ferry convert}
 * @param positionalLabel how the positional arguments are shown ({@code SRC DST})
 * @param minPositionals at least this many
 * @param maxPositionals at most this many
 * @param description    lines printed under the synopsis
 */
record Usage(String command, String positionalLabel, int minPositionals, int maxPositionals,
             List<String> description, List<Option> options) {

    /**
     * One option.
     *
     * @param name       the main name ({@code --to})
     * @param alias      another name ({@code -O}), or null
     * @param valueLabel the value's placeholder ({@code FORMAT}), or null for a flag
     * @param required   whether it must be given
     * @param help       one line of help
     */
    record Option(String name, String alias, String valueLabel, boolean required, String help) {
        Option {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(help, "help");
        }

        static Option value(String name, String alias, String valueLabel, String help) {
            return new Option(name, alias, Objects.requireNonNull(valueLabel), false, help);
        }

        static Option flag(String name, String help) {
            return new Option(name, null, null, false, help);
        }

        Option mandatory() {
            return new Option(name, alias, valueLabel, true, help);
        }

        boolean takesValue() {
            return valueLabel != null;
        }
    }

    Usage {
        Objects.requireNonNull(command, "command");
        if (minPositionals < 0 || maxPositionals < minPositionals) {
            throw new IllegalArgumentException("positionals " + minPositionals + ".." + maxPositionals);
        }
        description = List.copyOf(description);
        options = List.copyOf(options);
    }

    Optional<Option> option(String name) {
        return options.stream().filter(o -> o.name().equals(name) || name.equals(o.alias())).findFirst();
    }

    /** The help text: synopsis, description, options. */
    void print(PrintWriter out) {
        StringBuilder synopsis = new StringBuilder("Usage: ").append(command);
        for (Option o : options) {
            String shown = o.name() + (o.takesValue() ? " " + o.valueLabel() : "");
            synopsis.append(' ').append(o.required() ? shown : "[" + shown + "]");
        }
        synopsis.append(" [-h]").append(positionalLabel.isEmpty() ? "" : " " + positionalLabel);
        out.println(synopsis);
        description.forEach(out::println);
        out.println("Options:");
        for (Option o : options) {
            String names = (o.alias() == null ? "" : o.alias() + ", ") + o.name() + (o.takesValue() ? " " + o.valueLabel() : "");
            out.printf("  %-28s %s%n", names, o.help());
        }
        out.printf("  %-28s %s%n", "-h, --help", "Show this help and exit.");
        out.flush();
    }
}
