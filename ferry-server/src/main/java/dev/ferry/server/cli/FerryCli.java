package dev.ferry.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command: one subcommand per verb (serve, inspect, convert). */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
        description = "Image import/export service (Glance v2 tasks and Rackspace Cloud Images).",
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class, InspectCommand.class, ConvertCommand.class})
public final class FerryCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FerryCli()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
