package dev.ferry.format.convert;

import dev.ferry.format.Inspection;
import dev.ferry.format.Reason;
import dev.ferry.format.io.DirectWrites;
import dev.ferry.format.io.Failures;
import dev.ferry.format.io.ReadSource;
import dev.ferry.format.qcow2.Qcow2Reader;
import dev.ferry.format.qcow2.Qcow2Writer;
import dev.ferry.format.raw.RawReader;
import dev.ferry.format.raw.RawWriter;
import dev.ferry.format.vhd.VhdReader;
import dev.ferry.format.vhd.VhdWriter;
import dev.ferry.format.vdi.VdiReader;
import dev.ferry.format.vhdx.VhdxReader;
import dev.ferry.format.vmdk.StreamOptimizedWriter;
import dev.ferry.format.vmdk.VmdkReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streaming conversion: walks the source's allocated extents in virtual order, reads them in
 * bounded chunks, drops all-zero 4 KiB granules and hands the rest to the target's writer. Memory
 * is one chunk buffer plus the writer's tables, whatever the image size.
 */
public final class Converter {
    /** Bytes read from the source at a time. */
    public static final int CHUNK = 4 * 1024 * 1024;
    /** Zero detection granularity (qemu-img's default {@code -S 4k}). */
    public static final int GRANULE = 4096;
    /** Chunks in flight between the reader thread and the writer. */
    public static final int BUFFERS = 6;
    /**
     * Threads issuing output writes (see {@link Sink#async}). One: ext4 (and most filesystems)
     * serialise buffered writes to a file on its inode lock, so a second writer only spun on it
     * (8 % of the CPU of a qcow2 conversion in {@code perf}); the reader still runs alongside.
     */
    public static final int WRITE_THREADS = 1;
    /** 4 MiB direct buffers of the output sink (off-heap). */
    public static final int WRITE_BUFFERS = 6;

    private Converter() {
    }

    /**
     * Converts an image that inspection accepted into {@code dst} (created or replaced). On failure
     * the partial output is deleted.
     *
     * @return the output's virtual size
     * @throws FormatException when the image was rejected or a reader met bad content
     */
    public static long convert(ReadSource src, Inspection inspection, TargetFormat target, Path dst,
                               ProgressListener progress) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(dst, "dst");
        boolean done = false;
        try (VirtualDisk disk = open(src, inspection);
             FileChannel ch = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE, StandardOpenOption.READ);
             Sink sink = Sink.async(ch, WRITE_THREADS, WRITE_BUFFERS);
             DiskWriter w = writer(target, disk.size(), sink)) {
            copy(disk, w, sink, progress == null ? ProgressListener.NONE : progress);
            sink.drain();
            done = true;
            return w.virtualSize();
        } finally {
            if (!done) {
                Files.deleteIfExists(dst);
            }
        }
    }

    /** The reader for an accepted image. */
    public static VirtualDisk open(ReadSource src, Inspection inspection) throws IOException {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(inspection, "inspection");
        if (!inspection.accepted()) {
            throw new FormatException(inspection.rejection().code(), inspection.rejection().message());
        }
        return switch (inspection.format()) {
            case RAW, ISO -> RawReader.open(src);
            case QCOW2 -> Qcow2Reader.open(src);
            case VHD -> VhdReader.open(src);
            case VMDK -> VmdkReader.open(src);
            case VDI -> VdiReader.open(src);
            case VHDX -> VhdxReader.open(src);
            default -> throw new FormatException(Reason.UNSUPPORTED_FORMAT,
                    "reading " + inspection.format() + " for conversion is not implemented");
        };
    }

    /** A writer of {@code target} for a disk of {@code virtualSize} bytes into an empty file. */
    public static DiskWriter writer(TargetFormat target, long virtualSize, FileChannel out) throws IOException {
        return writer(target, virtualSize, new Sink(out));
    }

    /** A writer of {@code target} for a disk of {@code virtualSize} bytes into an empty sink. */
    public static DiskWriter writer(TargetFormat target, long virtualSize, Sink sink) throws IOException {
        return switch (target) {
            case RAW -> new RawWriter(sink, virtualSize);
            case QCOW2 -> new Qcow2Writer(sink, virtualSize);
            case VHD_DYNAMIC -> VhdWriter.dynamic(sink, virtualSize);
            case VHD_FIXED -> VhdWriter.fixed(sink, virtualSize);
            case VMDK_STREAM_OPTIMIZED -> new StreamOptimizedWriter(sink, virtualSize);
        };
    }

    /**
     * Copies every non-zero granule of {@code disk} to {@code w}, then finishes it. Reading (and
     * walking the metadata) runs on a second thread, {@link #BUFFERS} chunks ahead of the writes,
     * so that the two cores share the work; the disk is only ever touched by that thread.
     */
    public static void copy(VirtualDisk disk, DiskWriter w, ProgressListener progress) throws IOException {
        copy(disk, w, null, progress);
    }

    /**
     * As {@link #copy(VirtualDisk, DiskWriter, ProgressListener)}; with the writer's asynchronous
     * {@code sink}, data chunks are written straight from the read buffers by the sink's threads
     * and a chunk is reused only once every write from it has completed.
     */
    public static void copy(VirtualDisk disk, DiskWriter w, Sink sink, ProgressListener progress) throws IOException {
        long size = disk.size();
        int bufSize = (int) Math.min(CHUNK, Math.max(GRANULE, roundUp(size, GRANULE)));
        BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(BUFFERS);
        BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new Chunk(DirectWrites.alignedBuffer(bufSize))); // aligned: whole blocks can go O_DIRECT
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().name("ferry-convert-reader").daemon().unstarted(() -> {
            try {
                produce(disk, size, free, filled, cancelled);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                filled.offer(Chunk.END);
            }
        });
        reader.start();
        boolean ok = false;
        try {
            while (true) {
                Chunk c = filled.take();
                if (c == Chunk.END) {
                    break;
                }
                if (sink == null) {
                    writeNonZero(w, c.position, c.buf, c.length);
                    free.put(c);
                } else {
                    Sink.Completion done = new Sink.Completion(() -> free.add(c));
                    sink.attach(done);
                    try {
                        writeNonZero(w, c.position, c.buf, c.length);
                    } finally {
                        sink.attach(null);
                        done.release();
                    }
                }
                progress.progress(c.position + c.length, size);
            }
            reader.join();
            Failures.rethrow(failure.get());
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("conversion interrupted");
        } finally {
            if (!ok) {
                // No interrupt: it would close the source's FileChannel under the reader.
                cancelled.set(true);
                joinUninterruptibly(reader);
            }
        }
        w.finish();
        progress.progress(size, size);
    }

    /** The reader thread: walks the extents and fills chunks with DATA in virtual order. */
    private static void produce(VirtualDisk disk, long size, BlockingQueue<Chunk> free, BlockingQueue<Chunk> filled,
                                AtomicBoolean cancelled) throws IOException, InterruptedException {
        ExtentCursor cursor = disk.extents();
        long last = 0;
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            if (!(e.offset() >= last && e.end() <= size)) {
                throw new FormatException(Reason.BAD_HEADER,
                        "extent " + e + " out of order or past the virtual size " + size);
            }
            last = e.end();
            if (e.kind() == Extent.Kind.ZERO) {
                continue;
            }
            long pos = e.offset();
            while (pos < e.end()) {
                Chunk c = null;
                while (c == null) {
                    if (cancelled.get()) {
                        return;
                    }
                    c = free.poll(100, TimeUnit.MILLISECONDS);
                }
                int n = (int) Math.min(c.buf.capacity(), e.end() - pos);
                c.buf.clear().limit(n);
                disk.read(pos, c.buf);
                c.position = pos;
                c.length = n;
                filled.put(c);
                pos += n;
            }
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A buffer of source bytes at a virtual position. */
    private static final class Chunk {
        static final Chunk END = new Chunk(ByteBuffer.allocate(0));
        final ByteBuffer buf;
        long position;
        int length;

        Chunk(ByteBuffer buf) {
            this.buf = buf;
        }
    }

    /** Hands the runs of non-zero granules of {@code buf[0..n)} to the writer. */
    private static void writeNonZero(DiskWriter w, long pos, ByteBuffer buf, int n) throws IOException {
        int runStart = -1;
        // Granules are aligned on virtual offsets so that runs match the output's blocks.
        int i = 0;
        while (i < n) {
            int g = (int) Math.min(n - i, GRANULE - ((pos + i) % GRANULE));
            boolean zero = Zeros.isZero(buf, i, g);
            if (!zero && runStart < 0) {
                runStart = i;
            } else if (zero && runStart >= 0) {
                w.write(pos + runStart, buf.slice(runStart, i - runStart));
                runStart = -1;
            }
            i += g;
        }
        if (runStart >= 0) {
            w.write(pos + runStart, buf.slice(runStart, n - runStart));
        }
    }

    static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }
}
