package dev.ferry.server.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The {@code ferry} command: one {@link Verb} per subcommand (serve, inspect, convert). */
public final class FerryCli {

    static final String VERSION = "ferry 0.1.0";

    /** The verbs, in the order {@code ferry --help} lists them; each is built only when it runs. */
    private static final Map<String, Supplier<Verb>> VERBS = new LinkedHashMap<>();

    static {
        VERBS.put("serve", ServeCommand::new);
        VERBS.put("inspect", InspectCommand::new);
        VERBS.put("convert", ConvertCommand::new);
        VERBS.put("aot-training", AotTrainingCommand::new); // not in the help: for the launcher's AOT cache
    }

    private FerryCli() {
    }

    public static void main(String[] args) {
        widenVirtualThreadScheduler();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs one command line; returns the exit status (2 for a usage error). */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0) {
            err.println("ferry: a command is required");
            printUsage(err);
            return 2;
        }
        String first = args[0];
        switch (first) {
            case "-h", "--help" -> {
                printUsage(out);
                return 0;
            }
            case "-V", "--version" -> {
                out.println(VERSION);
                out.flush();
                return 0;
            }
            case "help" -> {
                if (args.length == 1) {
                    printUsage(out);
                    return 0;
                }
                Supplier<Verb> verb = VERBS.get(args[1]);
                if (verb == null) {
                    return unknown(args[1], err);
                }
                verb.get().usage().print(out);
                return 0;
            }
            default -> {
                Supplier<Verb> make = VERBS.get(first);
                if (make == null) {
                    return unknown(first, err);
                }
                return runVerb(make.get(), args, out, err);
            }
        }
    }

    private static int runVerb(Verb verb, String[] args, PrintWriter out, PrintWriter err) {
        Usage usage = verb.usage();
        try {
            CommandArgs parsed = CommandArgs.parse(usage, args, 1);
            if (parsed.help()) {
                usage.print(out);
                return 0;
            }
            return verb.run(parsed, out, err);
        } catch (UsageException e) {
            err.println(usage.command() + ": " + e.getMessage());
            usage.print(err);
            return 2;
        } catch (Exception e) {
            err.println(usage.command() + ": " + e);
            err.flush();
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int unknown(String verb, PrintWriter err) {
        err.println("ferry: unknown command '" + verb + "'");
        printUsage(err);
        return 2;
    }

    private static void printUsage(PrintWriter w) {
        w.println("Usage: ferry [-h] [-V] COMMAND [ARGS]");
        w.println("Image import/export service (Glance v2 tasks and Rackspace Cloud Images).");
        w.println("Commands:");
        w.println("  serve     Serve the Glance-compatible API.");
        w.println("  inspect   Detect and validate disk images.");
        w.println("  convert   Convert a disk image to raw, qcow2, vhd or vmdk.");
        w.println("  help      Show a command's help: ferry help COMMAND.");
        w.println("Options:");
        w.println("  -h, --help     Show this help and exit.");
        w.println("  -V, --version  Print the version and exit.");
        w.flush();
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
}
