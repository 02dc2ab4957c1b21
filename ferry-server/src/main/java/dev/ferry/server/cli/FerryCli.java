package dev.ferry.server.cli;

import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command: one subcommand per verb (serve, inspect, convert). */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
        description = "Image import/export service (Glance v2 tasks and Rackspace Cloud Images).")
public final class FerryCli implements Runnable {

    /** The verbs, in the order {@code ferry --help} lists them. */
    private static final Map<String, Supplier<Object>> VERBS = new java.util.LinkedHashMap<>();

    static {
        VERBS.put("serve", ServeCommand::new);
        VERBS.put("inspect", InspectCommand::new);
        VERBS.put("convert", ConvertCommand::new);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(args.length == 0 ? null : args[0]).execute(args));
    }

    /** The full command line: every verb and {@code help}. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line for a run whose first argument is {@code verb}: when it names a verb, only
     * that subcommand is built (picocli builds every registered subcommand's model up front, and
     * a CLI run pays that in start-up); otherwise (help, --version, a typo) all of them.
     */
    static CommandLine commandLine(String verb) {
        CommandLine cmd = new CommandLine(new FerryCli());
        Supplier<Object> only = verb == null ? null : VERBS.get(verb);
        if (only != null) {
            cmd.addSubcommand(verb, only.get());
        } else {
            cmd.addSubcommand("help", new CommandLine.HelpCommand());
            VERBS.forEach((name, make) -> cmd.addSubcommand(name, make.get()));
        }
        return cmd;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
