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
        widenVirtualThreadScheduler();
        System.exit(commandLine(args.length == 0 ? null : args[0]).execute(args));
    }

    /** System property of the JDK's virtual-thread scheduler: its number of carrier threads. */
    static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";
    /** At least this many carriers, whatever the number of cores. */
    static final int MIN_CARRIERS = 4;

    /**
     * Gives the virtual-thread scheduler at least {@link #MIN_CARRIERS} carrier threads (the JDK's
     * default is one per core) unless the operator set {@value #CARRIERS}. Helidon runs every
     * connection on a virtual thread; with two carriers on a 2-core machine, the kernel
     * preempting one carrier stalls half of the connections at once, and wrk's p99 was 20 ms (GET
     * by id) and 35 ms (list); with four it was about 3 ms for both (docs/benchmarks.md). Must
     * run before the first virtual thread exists, when the scheduler reads the property.
     */
    static void widenVirtualThreadScheduler() {
        if (System.getProperty(CARRIERS) == null) {
            int carriers = Math.max(MIN_CARRIERS, Runtime.getRuntime().availableProcessors());
            System.setProperty(CARRIERS, Integer.toString(carriers));
        }
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
