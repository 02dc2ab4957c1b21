package dev.ferry.server.objectstorage;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the AWS SDK's synchronous S3 client so that it works with AWS S3 and with S3-compatible
 * stores, Swift's s3api included: path-style addressing, no aws-chunked payload encoding and
 * checksums only where the API requires them (s3api answers 501 to aws-chunked uploads).
 */
public final class S3Clients {

    private S3Clients() {
    }

    /**
     * @param endpoint null for AWS's regional endpoint
     */
    public static S3Client create(URI endpoint, String region, String accessKey, String secretKey,
                                  Duration connectTimeout, Duration readTimeout) {
        var builder = S3Client.builder()
                .region(Region.of(region.isEmpty() ? "us-east-1" : region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(readTimeout)
                        .maxConnections(64))
                .serviceConfiguration(S3Configuration.builder()
                        .chunkedEncodingEnabled(false)
                        .build())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(b -> b.maxAttempts(3))
                        .build());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }
}
