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
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code ferry convert --to FORMAT [--subformat fixed|dynamic] SRC DST}: inspects SRC natively
 * and, when it is accepted, converts it in one streaming pass. Exit 0 converted, 1 the image was
 * rejected or the conversion failed (the finding is printed, no output is left behind), 2 usage.
 */
public final class ConvertCommand implements Verb {

    private static final Usage USAGE = new Usage("ferry convert", "SRC DST", 2, 2, List.of(
            "Convert a disk image (raw, qcow2, vhd, ...) to raw, qcow2, vhd or vmdk; DST is replaced if it exists.",
            "Exit status: 0 converted, 1 image rejected or conversion failed, 2 usage error."), List.of(
            Usage.Option.value("--to", "-O", "FORMAT", "Target format: raw, qcow2, vhd (alias vpc) or vmdk (streamOptimized).").mandatory(),
            Usage.Option.value("--subformat", null, "SUBFORMAT", "vhd: dynamic (default) or fixed."),
            Usage.Option.value("--from", "-f", "FORMAT", "The claimed source format; content of another format is rejected. Default: detected."),
            Usage.Option.value("--max-virtual-size", null, "BYTES", "Refuse sources larger than this (default: no limit)."),
            Usage.Option.value("--max-file-size", null, "BYTES", "Refuse source files larger than this (default: no limit)."),
            Usage.Option.flag("--no-progress", "Never draw a progress bar (it is drawn only on a terminal).")));

    private final Inspector inspector;

    public ConvertCommand() {
        this(Inspector.standard());
    }

    ConvertCommand(Inspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int run(CommandArgs args, PrintWriter out, PrintWriter err) throws UsageException {
        String to = args.value("--to");
        String subformat = args.value("--subformat");
        String from = args.value("--from");
        boolean noProgress = args.flag("--no-progress");
        Path src = CommandArgs.path(args.positionals().get(0));
        Path dst = CommandArgs.path(args.positionals().get(1));
        TargetFormat target = TargetFormat.parse(to, subformat).orElseThrow(() -> new UsageException(
                "--to " + to + (subformat == null ? "" : " --subformat " + subformat) + ": not a format Ferry writes"
                        + " (raw, qcow2, vhd [--subformat fixed|dynamic], vmdk)"));
        Optional<DiskFormat> claimed = Optional.empty();
        if (from != null) {
            claimed = DiskFormat.fromName(from);
            if (claimed.isEmpty()) {
                throw new UsageException("--from: unknown format '" + from + "'");
            }
        }
        long maxV = args.positiveLong("--max-virtual-size", Long.MAX_VALUE);
        long maxF = args.positiveLong("--max-file-size", Long.MAX_VALUE);
        if (!Files.isRegularFile(src) || !Files.isReadable(src)) {
            throw new UsageException(src + ": not a readable file");
        }
        try {
            if (Files.exists(dst) && Files.isSameFile(src, dst)) {
                throw new UsageException("SRC and DST are the same file");
            }
        } catch (IOException e) {
            throw new UsageException(dst + ": " + e.getMessage());
        }
        try (FileReadSource in = FileReadSource.open(src)) {
            Inspection insp = inspector.inspect(in, claimed, new Limits(maxV, maxF));
            if (!insp.accepted()) {
                err.println("ferry convert: " + src + ": REJECT " + insp.format().glanceName() + ": " + insp.rejection());
                err.flush();
                return 1;
            }
            long size;
            try (ProgressBar bar = progressBar(insp, noProgress)) {
                ProgressListener listener = bar == null ? ProgressListener.NONE : (done, total) -> bar.stepTo(done >> 20);
                size = Converter.convert(in, insp, target, dst, listener);
            }
            out.println(src + " (" + insp.format().glanceName() + (insp.subformat() == null ? "" : " " + insp.subformat())
                    + ") -> " + dst + " (" + target + "), virtual size " + size);
            out.flush();
            return 0;
        } catch (FormatException e) {
            err.println("ferry convert: " + src + ": " + e.finding());
            err.flush();
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("ferry convert: " + src + " -> " + dst + ": conversion failed: " + e);
            err.flush();
            return 1;
        }
    }

    private static ProgressBar progressBar(Inspection insp, boolean noProgress) {
        if (noProgress || System.console() == null || insp.virtualSize() <= 0) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("convert").setInitialMax(Math.max(1, insp.virtualSize() >> 20))
                .setUnit(" MiB", 1).setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(200).build();
    }
}
