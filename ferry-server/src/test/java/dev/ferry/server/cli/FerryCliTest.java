package dev.ferry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as {@code FerryCli.main} builds it from the first argument. */
class FerryCliTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = FerryCli.commandLine(args.length == 0 ? null : args[0]);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "inspect", "convert", "help");
    }

    @Test
    void aVerbBuildsOnlyItsOwnSubcommand() {
        assertThat(FerryCli.commandLine("convert").getSubcommands()).containsOnlyKeys("convert");
        assertThat(FerryCli.commandLine("inspect").getSubcommands()).containsOnlyKeys("inspect");
        assertThat(FerryCli.commandLine("--version").getSubcommands()).containsKeys("serve", "inspect", "convert", "help");
    }

    @Test
    void subcommandHelpStillWorksBothWays() {
        Run direct = run("convert", "--help");
        assertThat(direct.exit()).isZero();
        assertThat(direct.out()).contains("--to");
        Run viaHelp = run("help", "inspect");
        assertThat(viaHelp.exit()).isZero();
        assertThat(viaHelp.out()).contains("--expect");
    }

    @Test
    void unknownVerbIsAUsageErrorListingTheCommands() {
        Run r = run("nosuch");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nosuch").contains("convert");
    }

    @Test
    void versionNeedsNoSubcommand() {
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("ferry ");
    }

    @Test
    void theVirtualThreadSchedulerGetsAtLeastFourCarriersUnlessTheOperatorChose() {
        String before = System.getProperty(FerryCli.CARRIERS);
        try {
            System.clearProperty(FerryCli.CARRIERS);
            FerryCli.widenVirtualThreadScheduler();
            assertThat(Integer.parseInt(System.getProperty(FerryCli.CARRIERS)))
                    .isEqualTo(Math.max(4, Runtime.getRuntime().availableProcessors()));
            System.setProperty(FerryCli.CARRIERS, "2");
            FerryCli.widenVirtualThreadScheduler();
            assertThat(System.getProperty(FerryCli.CARRIERS)).isEqualTo("2");
        } finally {
            if (before == null) {
                System.clearProperty(FerryCli.CARRIERS);
            } else {
                System.setProperty(FerryCli.CARRIERS, before);
            }
        }
    }
}
