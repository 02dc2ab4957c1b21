package dev.ferry.format.bench;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Inspects each file given on the command line repeatedly (no claim, no limits) and prints the
 * mean time per inspection, the number of reads and the bytes read. Bytes read is the
 * deterministic figure: inspection reads metadata only, so it does not grow with the data.
 * {@code java -cp ... dev.ferry.format.bench.InspectBench [--iterations N] FILE...}
 */
public final class InspectBench {

    /** Counts reads and bytes. */
    static final class CountingSource implements ReadSource {
        private final ReadSource delegate;
        long reads;
        long bytes;

        CountingSource(ReadSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public int read(long position, byte[] buf, int off, int len) throws IOException {
            int n = delegate.read(position, buf, off, len);
            reads++;
            bytes += Math.max(n, 0);
            return n;
        }
    }

    public static void main(String[] args) throws IOException {
        int iterations = 200;
        int first = 0;
        if (args.length > 1 && args[0].equals("--iterations")) {
            iterations = Integer.parseInt(args[1]);
            first = 2;
        }
        Inspector inspector = Inspector.standard();
        System.out.printf("%-28s %16s %-8s %-8s %9s %10s %12s%n", "file", "virtual size", "format", "verdict", "reads", "bytes read", "µs/inspect");
        for (int a = first; a < args.length; a++) {
            Path file = Path.of(args[a]);
            Inspection last = null;
            CountingSource counted = null;
            for (int w = 0; w < iterations; w++) { // warm-up
                try (FileReadSource src = FileReadSource.open(file)) {
                    counted = new CountingSource(src);
                    last = inspector.inspect(counted, Optional.empty(), Limits.NONE);
                }
            }
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                try (FileReadSource src = FileReadSource.open(file)) {
                    last = inspector.inspect(src, Optional.empty(), Limits.NONE);
                }
            }
            double micros = (System.nanoTime() - start) / 1000.0 / iterations;
            System.out.printf("%-28s %16d %-8s %-8s %9d %10d %12.1f%n", file.getFileName(),
                    last.virtualSize(), last.format(), last.verdict(), counted.reads, counted.bytes, micros);
        }
    }
}
