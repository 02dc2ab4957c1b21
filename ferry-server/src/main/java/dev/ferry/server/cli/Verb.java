package dev.ferry.server.cli;

import java.io.PrintWriter;

/** One {@code ferry} verb: what it accepts, and running it on parsed arguments. */
interface Verb {

    Usage usage();

    /**
     * Runs the verb; returns the exit status.
     *
     * @throws UsageException when an argument is unacceptable (an unknown format, a missing file):
     *                        printed with the usage, exit status 2
     */
    int run(CommandArgs args, PrintWriter out, PrintWriter err) throws Exception;
}
