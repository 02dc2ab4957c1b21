package dev.ferry.server.cli;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.ProgressListener;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry convert --to FORMAT [--subformat fixed|dynamic] SRC DST}: inspects SRC natively
 * and, when it is accepted, converts it in one streaming pass. Exit 0 converted, 1 the image was
 * rejected or the conversion failed (the finding is printed, no output is left behind), 2 usage.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a disk image (raw, qcow2, vhd, ...) to raw, qcow2, vhd or vmdk.",
                "Exit status: 0 converted, 1 image rejected or conversion failed, 2 usage error."})
public final class ConvertCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"--to", "-O"}, required = true, paramLabel = "FORMAT",
            description = "Target format: raw, qcow2, vhd (alias vpc) or vmdk (streamOptimized).")
    String to;

    @Option(names = "--subformat", paramLabel = "SUBFORMAT", description = "vhd: dynamic (default) or fixed.")
    String subformat;

    @Option(names = {"--from", "-f"}, paramLabel = "FORMAT",
            description = "The claimed source format; content of another format is rejected. Default: detected.")
    String from;

    @Option(names = "--max-virtual-size", paramLabel = "BYTES", description = "Refuse sources larger than this (default: no limit).")
    Long maxVirtualSize;

    @Option(names = "--max-file-size", paramLabel = "BYTES", description = "Refuse source files larger than this (default: no limit).")
    Long maxFileSize;

    @Option(names = "--no-progress", description = "Never draw a progress bar (it is drawn only on a terminal).")
    boolean noProgress;

    @Parameters(index = "0", paramLabel = "SRC", description = "Source image file.")
    Path src;

    @Parameters(index = "1", paramLabel = "DST", description = "Output file (replaced if it exists).")
    Path dst;

    private final Inspector inspector;

    public ConvertCommand() {
        this(Inspector.standard());
    }

    ConvertCommand(Inspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        TargetFormat target = TargetFormat.parse(to, subformat).orElseThrow(() -> new CommandLine.ParameterException(cmd,
                "--to " + to + (subformat == null ? "" : " --subformat " + subformat) + ": not a format Ferry writes"
                        + " (raw, qcow2, vhd [--subformat fixed|dynamic], vmdk)"));
        Optional<DiskFormat> claimed = Optional.empty();
        if (from != null) {
            claimed = DiskFormat.fromName(from);
            if (claimed.isEmpty()) {
                throw new CommandLine.ParameterException(cmd, "--from: unknown format '" + from + "'");
            }
        }
        long maxV = maxVirtualSize == null ? Long.MAX_VALUE : maxVirtualSize;
        long maxF = maxFileSize == null ? Long.MAX_VALUE : maxFileSize;
        if (maxV <= 0 || maxF <= 0) {
            throw new CommandLine.ParameterException(cmd, "--max-virtual-size and --max-file-size must be positive");
        }
        if (!Files.isRegularFile(src) || !Files.isReadable(src)) {
            throw new CommandLine.ParameterException(cmd, src + ": not a readable file");
        }
        try {
            if (Files.exists(dst) && Files.isSameFile(src, dst)) {
                throw new CommandLine.ParameterException(cmd, "SRC and DST are the same file");
            }
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, dst + ": " + e.getMessage());
        }
        try (FileReadSource in = FileReadSource.open(src)) {
            Inspection insp = inspector.inspect(in, claimed, new Limits(maxV, maxF));
            if (!insp.accepted()) {
                cmd.getErr().println("ferry convert: " + src + ": REJECT " + insp.format().glanceName() + ": " + insp.rejection());
                cmd.getErr().flush();
                return 1;
            }
            long size;
            try (ProgressBar bar = progressBar(insp)) {
                ProgressListener listener = bar == null ? ProgressListener.NONE : (done, total) -> bar.stepTo(done >> 20);
                size = Converter.convert(in, insp, target, dst, listener);
            }
            cmd.getOut().println(src + " (" + insp.format().glanceName() + (insp.subformat() == null ? "" : " " + insp.subformat())
                    + ") -> " + dst + " (" + target + "), virtual size " + size);
            cmd.getOut().flush();
            return 0;
        } catch (FormatException e) {
            cmd.getErr().println("ferry convert: " + src + ": " + e.finding());
            cmd.getErr().flush();
            return 1;
        } catch (IOException | RuntimeException e) {
            cmd.getErr().println("ferry convert: " + src + " -> " + dst + ": conversion failed: " + e);
            cmd.getErr().flush();
            return 1;
        }
    }

    private ProgressBar progressBar(Inspection insp) {
        if (noProgress || System.console() == null || insp.virtualSize() <= 0) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("convert").setInitialMax(Math.max(1, insp.virtualSize() >> 20))
                .setUnit(" MiB", 1).setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(200).build();
    }
}
