import Foundation
import Testing
import BlobService
@testable import S3

/// SigV4 against AWS's published example, and how S3 URLs are formed.
@Suite struct SigV4Tests {
    /// The GET Object example of AWS's "Signature Calculations for the Authorization Header"
    /// page: examplebucket/test.txt, Range bytes=0-9, 2013-05-24, us-east-1.
    @Test func awsDocumentedGetObjectExample() {
        let signer = SigV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                           region: "us-east-1", service: "s3")
        let date = Date(timeIntervalSince1970: 1_369_353_600)   // 2013-05-24T00:00:00Z
        let headers = signer.signedHeaders(method: "GET", encodedPath: "/test.txt", query: [],
                                           headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
                                           payloadHash: SigV4.emptyPayloadHash, date: date)
        let auth = headers.first { $0.0 == "Authorization" }?.1
        #expect(auth == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func canonicalQueryIsSortedAndEncoded() {
        let r = SigV4.Request(method: "POST", encodedPath: "/b/k", query: [("uploadId", "a b/c"), ("partNumber", "2"), ("uploads", "")],
                              headers: [("Host", "h"), ("X-Amz-Date", "  20130524T000000Z ")], payloadHash: "p")
        let (text, signed) = SigV4.canonicalRequest(r)
        #expect(text == "POST\n/b/k\npartNumber=2&uploadId=a%20b%2Fc&uploads=\nhost:h\nx-amz-date:20130524T000000Z\n\nhost;x-amz-date\np")
        #expect(signed == "host;x-amz-date")
    }

    @Test func pathAndVirtualHostStyle() {
        var c = S3Config(bucket: "pds-blobs", region: "eu-west-1", accessKeyID: "k", secretAccessKey: "s")
        let virtual = S3Endpoint(config: c)
        #expect(virtual.host == "pds-blobs.s3.eu-west-1.amazonaws.com")
        #expect(virtual.url(key: "blobs/bafkrei") == "https://pds-blobs.s3.eu-west-1.amazonaws.com/blobs/bafkrei")
        c.endpoint = URL(string: "http://127.0.0.1:9000")!
        c.forcePathStyle = true
        let path = S3Endpoint(config: c)
        #expect(path.host == "127.0.0.1:9000")
        #expect(path.url(key: "blobs/x", query: [("uploads", "")]) == "http://127.0.0.1:9000/pds-blobs/blobs/x?uploads=")
        #expect(path.encodedPath(key: "a b/c") == "/pds-blobs/a%20b/c")
    }

    @Test func configFromEnvironment() throws {
        let env = ["PDS_BLOBSTORE_S3_BUCKET": "b", "PDS_BLOBSTORE_S3_REGION": "auto",
                   "PDS_BLOBSTORE_S3_ENDPOINT": "https://acct.r2.cloudflarestorage.com", "PDS_BLOBSTORE_S3_FORCE_PATH_STYLE": "true",
                   "PDS_BLOBSTORE_S3_ACCESS_KEY_ID": "id", "PDS_BLOBSTORE_S3_SECRET_ACCESS_KEY": "secret",
                   "PDS_BLOB_UPLOAD_LIMIT": "5000", "PDS_BLOB_TEMP_TTL": "90m", "PDS_DATA_DIRECTORY": "/srv/pds"]
        let config = try BlobServiceConfig(environment: env)
        guard case let .s3(s3) = config.storage else { Issue.record("expected S3"); return }
        #expect(s3.region == "auto" && s3.forcePathStyle && s3.endpoint.host == "acct.r2.cloudflarestorage.com")
        #expect(config.uploadLimit == 5000 && config.tempTTL == 5400 && config.databasePath == "/srv/pds/blobs.sqlite")
        let disk = try BlobServiceConfig(environment: [:])
        #expect(disk.uploadLimit == 104_857_600 && disk.tempTTL == 21_600)
        guard case let .disk(dir) = disk.storage else { Issue.record("expected disk"); return }
        #expect(dir == "./data/blobs" && disk.stagingDirectory == "./data/blobs/tmp")
        #expect(throws: BlobError.self) { try BlobServiceConfig(environment: ["PDS_BLOBSTORE_S3_BUCKET": "b"]) }
        #expect(throws: BlobError.self) { try BlobServiceConfig(environment: ["PDS_BLOB_UPLOAD_LIMIT": "lots"]) }
    }
}
