package dev.ferry.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code ferry aot-training DIR} (not listed in the help): the training run for the JDK's AOT cache
 * that the {@code ./ferry} launcher and bench/convert-vs-qemu.sh record. The cache keeps only the
 * classes and call sites a recorded run used, so one real command (a conversion to VHD, say) left
 * every other reader and writer to be loaded, verified and linked from the jar at each start: a
 * 16 MiB conversion to qcow2 spent 10 ms loading Qcow2Writer and 17 ms bootstrapping a string
 * concatenation. This runs every conversion the CLI offers, from every format Ferry writes, through
 * the same command line as a user's run, on a small image it makes in {@code DIR} and removes.
 */
final class AotTrainingCommand implements Verb {

    private static final Usage USAGE = new Usage("ferry aot-training", "DIR", 1, 1, List.of(
            "Run every conversion on a small image in DIR (a training run for the JDK's AOT cache)."), List.of());

    /** Target names and subformats as the command line takes them. */
    private static final List<String[]> TARGETS = List.of(new String[] {"raw"}, new String[] {"qcow2"},
            new String[] {"vhd"}, new String[] {"vhd", "fixed"}, new String[] {"vmdk"});

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int run(CommandArgs args, PrintWriter out, PrintWriter err) throws IOException, UsageException {
        Path dir = Files.createTempDirectory(Files.createDirectories(CommandArgs.path(args.positionals().get(0))),
                "ferry-aot-");
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        try {
            Path raw = dir.resolve("disk.raw");
            byte[] disk = new byte[4 << 20];
            byte[] data = new byte[256 << 10];
            new Random(1).nextBytes(data);
            System.arraycopy(data, 0, disk, 1 << 20, data.length);
            Files.write(raw, disk);
            List<Path> sources = new ArrayList<>(List.of(raw));
            for (String[] t : TARGETS) {
                Path made = dir.resolve("made-" + String.join("-", t));
                if (convert(raw, t, made, quiet, err) != 0) {
                    return 1;
                }
                sources.add(made);
            }
            for (Path src : sources) {
                if (FerryCli.run(new String[] {"inspect", src.toString()}, quiet, err) != 0) {
                    return 1;
                }
                for (String[] t : TARGETS) {
                    Path dst = dir.resolve("out");
                    if (convert(src, t, dst, quiet, err) != 0) {
                        return 1;
                    }
                    Files.delete(dst);
                }
            }
            out.println("aot-training: " + sources.size() * TARGETS.size() + " conversions");
            return 0;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static int convert(Path src, String[] target, Path dst, PrintWriter out, PrintWriter err) {
        List<String> argv = new ArrayList<>(List.of("convert", "--no-progress", "--to", target[0]));
        if (target.length > 1) {
            argv.addAll(List.of("--subformat", target[1]));
        }
        argv.addAll(List.of(src.toString(), dst.toString()));
        return FerryCli.run(argv.toArray(String[]::new), out, err);
    }
}
