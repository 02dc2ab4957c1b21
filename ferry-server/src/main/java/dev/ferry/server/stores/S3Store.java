package dev.ferry.server.stores;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link BlobStore} in one S3 bucket.
 *
 * <p>A blob of at most one part ({@code partBytes}) is one PUT. A larger one is a multipart upload
 * written by hand on the synchronous client: create, then one {@code uploadPart} per part read
 * from the caller's stream into a reused {@code byte[]} (so memory is one part, whatever the blob's
 * size, and the SigV4 payload hash needs no re-readable stream), then complete. Any failure aborts
 * the upload, so S3 keeps no parts and the key keeps its previous object.
 */
public final class S3Store implements BlobStore {

    /** S3's smallest part (except the last). */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    /** Largest part this store will buffer. */
    public static final long MAX_PART_BYTES = 512L * 1024 * 1024;
    /** S3's part count limit. */
    public static final int MAX_PARTS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);

    private final S3Client s3;
    private final String bucket;
    private final int partBytes;
    private volatile boolean bucketReady;

    public S3Store(S3Client s3, String bucket, long partBytes) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        if (bucket == null || bucket.length() < 3 || bucket.length() > 63 || !bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) {
            throw new IllegalArgumentException("bad S3 bucket name: " + bucket);
        }
        if (partBytes < MIN_PART_BYTES || partBytes > MAX_PART_BYTES) {
            throw new IllegalArgumentException("part size must be " + MIN_PART_BYTES + " to " + MAX_PART_BYTES + " bytes");
        }
        this.bucket = bucket;
        this.partBytes = (int) partBytes;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public StoredBlob put(String key, InputStream data) throws IOException {
        FileStore.validateKey(key);
        Objects.requireNonNull(data, "data");
        ensureBucket();
        byte[] part = new byte[partBytes];
        int first = data.readNBytes(part, 0, partBytes);
        int probe = first < partBytes ? -1 : data.read();
        try {
            if (probe < 0) {
                s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) first),
                        body(part, first));
                return new StoredBlob(key, location(key), first);
            }
            return putMultipart(key, data, part, first, (byte) probe);
        } catch (SdkException e) {
            throw new IOException("S3 PUT s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    private StoredBlob putMultipart(String key, InputStream data, byte[] part, int firstLength, byte next) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        boolean done = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            int length = firstLength;
            int carry = next; // the byte read to find out whether there was more
            while (true) {
                int number = parts.size() + 1;
                if (number > MAX_PARTS) {
                    throw new IOException("blob " + key + " needs more than " + MAX_PARTS + " parts of " + partBytes + " bytes");
                }
                int len = length;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength((long) len), body(part, len)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += len;
                if (carry < 0) {
                    break;
                }
                part[0] = (byte) carry;
                length = 1 + data.readNBytes(part, 1, partBytes - 1);
                carry = length < partBytes ? -1 : data.read();
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            done = true;
            return new StoredBlob(key, location(key), total);
        } finally {
            if (!done) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    LOG.warn("could not abort multipart upload {} of s3://{}/{}: {}", uploadId, bucket, key, e.toString());
                }
            }
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        FileStore.validateKey(key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchBlobException(key);
        } catch (SdkException e) {
            throw new IOException("S3 GET s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String key) throws IOException {
        FileStore.validateKey(key);
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return head.contentLength();
        } catch (NoSuchKeyException e) {
            throw new NoSuchBlobException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchBlobException(key);
            }
            throw new IOException("S3 HEAD s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 HEAD s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        FileStore.validateKey(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key)); // absent keys succeed too
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw new IOException("S3 DELETE s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    private void ensureBucket() throws IOException {
        if (bucketReady) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new IOException("S3 bucket " + bucket + " is not usable: " + e.getMessage(), e);
            }
            createBucket();
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + " is not usable: " + e.getMessage(), e);
        }
        bucketReady = true;
    }

    private void createBucket() throws IOException {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 409) { // created meanwhile by another node
                throw new IOException("cannot create S3 bucket " + bucket + ": " + e.getMessage(), e);
            }
        }
    }

    /** The part buffer itself, re-readable (the SigV4 payload hash reads it before sending), not copied. */
    private static RequestBody body(byte[] part, int len) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, len), len,
                "application/octet-stream");
    }

    private String location(String key) {
        return "s3://" + bucket + "/" + key;
    }
}
