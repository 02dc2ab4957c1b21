package dev.ferry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The command line as {@code FerryCli.main} parses it. */
class FerryCliTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = FerryCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "inspect", "convert", "help");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("a command is required").contains("convert");
    }

    @Test
    void optionsTakeTheirValueEitherWayAndAreCheckedBeforeAnythingRuns() {
        Run missing = run("convert", "--to");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("missing value for --to FORMAT").contains("Usage: ferry convert");
        Run unknown = run("convert", "--to=raw", "--colour", "a", "b");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option '--colour'");
        Run twice = run("convert", "-O", "raw", "--to", "vhd", "a", "b");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("--to given more than once");
        Run extra = run("convert", "--to", "raw", "a", "b", "c");
        assertThat(extra.exit()).isEqualTo(2);
        assertThat(extra.err()).contains("unexpected argument 'c'");
        Run required = run("convert", "a", "b");
        assertThat(required.exit()).isEqualTo(2);
        assertThat(required.err()).contains("missing required option --to FORMAT");
        Run flagWithValue = run("inspect", "--json=yes", "f");
        assertThat(flagWithValue.exit()).isEqualTo(2);
        assertThat(flagWithValue.err()).contains("--json takes no value");
        Run notANumber = run("inspect", "--max-file-size", "12k", "f");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--max-file-size: '12k' is not a number");
        Run serveExtra = run("serve", "now");
        assertThat(serveExtra.exit()).isEqualTo(2);
        assertThat(serveExtra.err()).contains("unexpected argument 'now'");
    }

    /** The launcher's AOT training run: every conversion succeeds, and nothing is left behind. */
    @Test
    void aotTrainingRunsEveryConversionAndCleansUp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Run r = run("aot-training", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("aot-training: 30 conversions");
        try (var left = java.nio.file.Files.list(dir)) {
            assertThat(left.toList()).isEmpty();
        }
        assertThat(run("--help").out()).doesNotContain("aot-training");
    }

    @Test
    void aDoubleDashEndsTheOptions() {
        Run r = run("inspect", "--", "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--json: not a readable file");
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
