package dev.ferry.server.images;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.ProviderException;
import java.util.Arrays;
import java.util.Objects;

/**
 * SHA-512 by OpenSSL 3's libcrypto (the system's {@code libcrypto.so.3}), called through the
 * foreign function API. Why: on the x86-64 machines this project runs on, libcrypto's SHA-512 takes
 * about 1.3 s per GiB where the JDK's intrinsic takes 1.5 to 1.6 s (bench/DigestEngines.java), and
 * an import digests every stored byte (docs/benchmarks.md "Import"). MD5 stays with the JDK, whose
 * intrinsic is as fast.
 *
 * <p>A {@link MessageDigest} like the JDK's: not thread-safe, {@code digest()} resets it. The
 * native context is freed by a {@link Cleaner} when the digest becomes unreachable. Updates from
 * heap arrays are passed to libcrypto without copying ({@link Linker.Option#critical critical}
 * calls: the garbage collector waits for one update, about 0.3 ms per 256 KiB chunk of
 * {@link DigestPair}).
 */
final class OpenSslSha512 extends MessageDigest {

    private static final int LENGTH = 64;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Native NATIVE;
    private static final String UNAVAILABLE;

    static {
        Native lib = null;
        String failure;
        try {
            lib = new Native();
            failure = knownAnswerFailure(lib);
        } catch (RuntimeException | LinkageError e) {
            failure = e.toString(); // no libcrypto.so.3, a symbol missing, native access denied
        }
        NATIVE = failure == null ? lib : null;
        UNAVAILABLE = failure;
    }

    private final Native lib;
    private final MemorySegment ctx;
    private final byte[] oneByte = new byte[1];

    private OpenSslSha512(Native lib) {
        super("SHA-512");
        this.lib = lib;
        this.ctx = lib.newContext();
        CLEANER.register(this, new FreeContext(lib, ctx));
        lib.init(ctx);
    }

    /** Null when {@link #create()} works, else why libcrypto cannot be used here. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** A new digest; only when {@link #unavailableReason()} is null. */
    static OpenSslSha512 create() {
        if (NATIVE == null) {
            throw new IllegalStateException("OpenSSL SHA-512 unavailable: " + UNAVAILABLE);
        }
        return new OpenSslSha512(NATIVE);
    }

    /** libcrypto's version string, e.g. "OpenSSL 3.0.17 1 Jul 2025". */
    static String version() {
        return NATIVE == null ? "unavailable" : NATIVE.version;
    }

    @Override
    protected int engineGetDigestLength() {
        return LENGTH;
    }

    @Override
    protected void engineUpdate(byte input) {
        oneByte[0] = input;
        engineUpdate(oneByte, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        Objects.checkFromIndexSize(offset, len, input.length);
        if (len > 0) {
            lib.update(ctx, MemorySegment.ofArray(input).asSlice(offset, len));
        }
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        if (!input.hasRemaining()) {
            return;
        }
        if (input.isDirect()) {
            lib.update(ctx, MemorySegment.ofBuffer(input)); // position to limit
            input.position(input.limit());
        } else {
            super.engineUpdate(input);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[LENGTH];
        lib.finish(ctx, MemorySegment.ofArray(out));
        lib.init(ctx); // MessageDigest's contract: digest() resets
        return out;
    }

    @Override
    protected void engineReset() {
        lib.init(ctx);
    }

    /** Compares with the JDK's SHA-512 over bytes fed in uneven pieces, so a broken library is not used. */
    private static String knownAnswerFailure(Native lib) {
        byte[] data = new byte[3 * 1000 + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 7));
        }
        OpenSslSha512 ours = new OpenSslSha512(lib);
        ours.update(data, 0, 1);
        ours.update(data, 1, 999);
        ours.update(data, 1000, data.length - 1000);
        byte[] a = ours.digest();
        ours.update(data);
        byte[] again = ours.digest();
        byte[] expected = Sha512.jdk().digest(data);
        return Arrays.equals(a, expected) && Arrays.equals(again, expected) ? null
                : "libcrypto's SHA-512 differs from the JDK's on a known input";
    }

    private record FreeContext(Native lib, MemorySegment ctx) implements Runnable {
        @Override
        public void run() {
            lib.free(ctx);
        }
    }

    /** The libcrypto functions used, bound once. */
    private static final class Native {
        private final MethodHandle ctxNew;
        private final MethodHandle ctxFree;
        private final MethodHandle digestInit;
        private final MethodHandle digestUpdate;
        private final MethodHandle digestFinal;
        private final MemorySegment sha512;
        final String version;

        Native() {
            Linker linker = Linker.nativeLinker();
            SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
            MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
            ValueLayout ptr = ValueLayout.ADDRESS;
            ValueLayout cInt = ValueLayout.JAVA_INT;
            // critical: the calls are short, never call back, and may read or write heap arrays
            Linker.Option heap = Linker.Option.critical(true);
            ctxNew = linker.downcallHandle(find(crypto, "EVP_MD_CTX_new"), FunctionDescriptor.of(ptr));
            ctxFree = linker.downcallHandle(find(crypto, "EVP_MD_CTX_free"), FunctionDescriptor.ofVoid(ptr));
            digestInit = linker.downcallHandle(find(crypto, "EVP_DigestInit_ex"),
                    FunctionDescriptor.of(cInt, ptr, ptr, ptr));
            digestUpdate = linker.downcallHandle(find(crypto, "EVP_DigestUpdate"),
                    FunctionDescriptor.of(cInt, ptr, ptr, sizeT), heap);
            digestFinal = linker.downcallHandle(find(crypto, "EVP_DigestFinal_ex"),
                    FunctionDescriptor.of(cInt, ptr, ptr, ptr), heap);
            MethodHandle fetch = linker.downcallHandle(find(crypto, "EVP_MD_fetch"),
                    FunctionDescriptor.of(ptr, ptr, ptr, ptr));
            MethodHandle versionOf = linker.downcallHandle(find(crypto, "OpenSSL_version"),
                    FunctionDescriptor.of(ptr, cInt));
            try (Arena arena = Arena.ofConfined()) {
                // fetched once and never freed: one EVP_MD for the process, not one per digest
                sha512 = (MemorySegment) fetch.invoke(MemorySegment.NULL, arena.allocateFrom("SHA512"), MemorySegment.NULL);
                MemorySegment text = (MemorySegment) versionOf.invoke(0); // OPENSSL_VERSION
                version = text.reinterpret(256).getString(0);
            } catch (Throwable t) {
                throw new ProviderException("libcrypto failed to start", t);
            }
            if (sha512.equals(MemorySegment.NULL)) {
                throw new ProviderException("libcrypto has no SHA512");
            }
        }

        private static MemorySegment find(SymbolLookup lib, String name) {
            return lib.find(name).orElseThrow(() -> new ProviderException("libcrypto lacks " + name));
        }

        MemorySegment newContext() {
            MemorySegment ctx;
            try {
                ctx = (MemorySegment) ctxNew.invokeExact();
            } catch (Throwable t) {
                throw new ProviderException("EVP_MD_CTX_new failed", t);
            }
            if (ctx.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("EVP_MD_CTX_new returned NULL");
            }
            return ctx;
        }

        void free(MemorySegment ctx) {
            try {
                ctxFree.invokeExact(ctx);
            } catch (Throwable t) {
                throw new ProviderException("EVP_MD_CTX_free failed", t);
            }
        }

        void init(MemorySegment ctx) {
            int ok;
            try {
                ok = (int) digestInit.invokeExact(ctx, sha512, MemorySegment.NULL);
            } catch (Throwable t) {
                throw new ProviderException("EVP_DigestInit_ex failed", t);
            }
            check(ok, "EVP_DigestInit_ex");
        }

        void update(MemorySegment ctx, MemorySegment data) {
            int ok;
            try {
                ok = (int) digestUpdate.invokeExact(ctx, data, data.byteSize());
            } catch (Throwable t) {
                throw new ProviderException("EVP_DigestUpdate failed", t);
            }
            check(ok, "EVP_DigestUpdate");
        }

        void finish(MemorySegment ctx, MemorySegment out) {
            int ok;
            try {
                ok = (int) digestFinal.invokeExact(ctx, out, MemorySegment.NULL);
            } catch (Throwable t) {
                throw new ProviderException("EVP_DigestFinal_ex failed", t);
            }
            check(ok, "EVP_DigestFinal_ex");
        }

        private static void check(int ok, String function) {
            if (ok != 1) {
                throw new ProviderException(function + " returned " + ok);
            }
        }
    }
}
