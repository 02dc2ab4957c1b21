package dev.ferry.server.sources;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads import sources from the configured S3 endpoint, as a stream or by ranges. Bucket and key
 * come from the user and are checked (S3's bucket naming rules; keys of 1-1024 bytes without
 * control characters); the SDK encodes them.
 */
public final class S3Source {

    public static final int MAX_KEY_BYTES = 1024;
    /** Largest range fetched by one request. */
    static final int MAX_RANGE = 16 << 20;

    private final S3Client s3;
    private final long maxBytes;

    public S3Source(S3Client s3, long maxBytes) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** Opens {@code s3://bucket/key} for streaming; the caller closes it. */
    public OpenedStream open(String bucket, String key) throws SourceException {
        check(bucket, key);
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw translate(e, bucket, key);
        }
        Long length = in.response().contentLength();
        if (length != null && length > maxBytes) {
            in.abort();
            throw new SourceException("object s3://" + bucket + "/" + key + " is " + length
                    + " bytes, more than the size cap of " + maxBytes + " bytes");
        }
        InputStream body = new SourceBody(in, () -> {
            in.abort(); // do not drain the rest of a large body
            in.close();
        }, "object s3://" + bucket + "/" + key, maxBytes);
        return new OpenedStream(body, length == null ? -1 : length, uri(bucket, key));
    }

    /** Opens {@code s3://bucket/key} for positioned reads, each a ranged GET pinned to the ETag seen at open. */
    public ReadSource openRanged(String bucket, String key) throws SourceException {
        check(bucket, key);
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw translate(missingBucket(e, bucket), bucket, key);
        }
        long size = head.contentLength() == null ? -1 : head.contentLength();
        if (size < 0) {
            throw new SourceException("object s3://" + bucket + "/" + key + " has no usable size");
        }
        if (size > maxBytes) {
            throw new SourceException("object s3://" + bucket + "/" + key + " is " + size
                    + " bytes, more than the size cap of " + maxBytes + " bytes");
        }
        String etag = head.eTag();
        String name = "s3://" + bucket + "/" + key;
        return new ReadSource() {
            /** Bodies being read, so that {@link #close} can abort them from another thread. */
            private final Set<ResponseInputStream<GetObjectResponse>> inFlight = ConcurrentHashMap.newKeySet();
            private volatile boolean closed;

            @Override
            public long size() {
                return size;
            }

            /**
             * Stops reading: bodies being read are aborted (their reader fails at once) and later reads
             * fail. A request still waiting for its answer's headers cannot be reached through the SDK's
             * synchronous client and ends at the read timeout. Safe from any thread.
             */
            @Override
            public void close() {
                closed = true;
                inFlight.forEach(ResponseInputStream::abort);
            }

            @Override
            public int read(long position, byte[] buf, int off, int len) throws IOException {
                int readable = ReadSource.readable(size, position, buf, off, len);
                if (closed) {
                    throw stopped();
                }
                if (readable <= 0) {
                    return readable;
                }
                try {
                    return readRange(position, buf, off, readable);
                } catch (IOException | SdkException e) {
                    if (closed) {
                        throw stopped();
                    }
                    throw e;
                }
            }

            private InterruptedIOException stopped() {
                return new InterruptedIOException("reads of " + name + " were stopped");
            }

            private int readRange(long position, byte[] buf, int off, int readable) throws IOException {
                int want = Math.min(readable, MAX_RANGE);
                String range = "bytes=" + position + "-" + (position + want - 1);
                ResponseInputStream<GetObjectResponse> in;
                try {
                    in = s3.getObject(b -> {
                        b.bucket(bucket).key(key).range(range);
                        if (etag != null) {
                            b.ifMatch(etag);
                        }
                    });
                } catch (S3Exception e) {
                    if (e.statusCode() == 412) {
                        throw new SourceException("object " + name + " changed while it was being read", e);
                    }
                    throw translate(e, bucket, key);
                } catch (SdkException e) {
                    throw translate(e, bucket, key);
                }
                inFlight.add(in);
                try (in) {
                    if (closed) {
                        in.abort();
                        throw stopped();
                    }
                    String got = in.response().contentRange();
                    if (!ContentRange.parse(got).map(r -> r.is(position, position + want - 1, size)).orElse(false)) {
                        in.abort();
                        throw new SourceException("object storage sent the wrong range of " + name + ": asked "
                                + range + ", got Content-Range: " + ContentRange.printable(got));
                    }
                    int n = in.readNBytes(buf, off, want);
                    if (n < want) {
                        in.abort();
                        throw new SourceException("object storage sent " + n + " of the " + want + " bytes of "
                                + range + " of " + name + " (short body)");
                    }
                    return n;
                } catch (SdkException e) {
                    throw translate(e, bucket, key);
                } finally {
                    inFlight.remove(in);
                }
            }
        };
    }

    /** A HEAD's 404 has no body to tell a missing key from a missing bucket: ask about the bucket. */
    private SdkException missingBucket(SdkException e, String bucket) {
        if (e instanceof S3Exception s3e && s3e.statusCode() == 404) {
            try {
                s3.headBucket(b -> b.bucket(bucket));
            } catch (NoSuchBucketException nsb) {
                return nsb;
            } catch (S3Exception other) {
                if (other.statusCode() == 404) {
                    return NoSuchBucketException.builder().statusCode(404).message(other.getMessage()).build();
                }
            } catch (SdkException ignored) {
                // keep the object's message
            }
        }
        return e;
    }

    static void check(String bucket, String key) throws SourceException {
        if (bucket == null || bucket.length() < 3 || bucket.length() > 63
                || !bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]") || bucket.contains("..")) {
            throw new SourceException("invalid S3 bucket name: " + (bucket == null ? "null"
                    : bucket.substring(0, Math.min(80, bucket.length())).replaceAll("\\p{Cntrl}", "?")));
        }
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new SourceException("S3 object key must be 1 to " + MAX_KEY_BYTES + " bytes");
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SourceException("S3 object key contains control characters");
        }
    }

    private static URI uri(String bucket, String key) {
        return URI.create("s3://" + bucket + "/" + dev.ferry.server.objectstorage.SwiftClient.encodeObjectName(key));
    }

    private static SourceException translate(SdkException e, String bucket, String key) {
        String name = "s3://" + bucket + "/" + key;
        if (e instanceof NoSuchKeyException) {
            return new SourceException("object " + name + " not found", e);
        }
        if (e instanceof NoSuchBucketException) {
            return new SourceException("bucket " + bucket + " not found", e);
        }
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            if (status == 404) {
                return new SourceException("object " + name + " not found", e);
            }
            if (status == 403 || status == 401) {
                return new SourceException("access to object " + name + " was denied by S3 (HTTP " + status + ")", e);
            }
            return new SourceException("S3 answered HTTP " + status + " for object " + name + ": "
                    + (s3e.awsErrorDetails() == null ? s3e.getMessage() : s3e.awsErrorDetails().errorMessage()), e);
        }
        if (e instanceof SdkClientException && HttpSource.rootMessage(e).toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
            return new SourceException("S3 did not answer in time for object " + name + ": " + HttpSource.rootMessage(e), e);
        }
        return new SourceException("cannot read object " + name + ": " + HttpSource.rootMessage(e), e);
    }
}
