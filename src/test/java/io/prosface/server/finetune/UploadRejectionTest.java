package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.prosface.grpc.v1.CancelJobRequest;
import io.prosface.grpc.v1.FineTuningGrpc;
import io.prosface.grpc.v1.ListHeadsRequest;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.TestImages;
import io.prosface.server.finetune.heads.HeadStore;
import io.prosface.server.finetune.upload.LabelEncoder;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Hostile and broken uploads: each is refused with the right status and a message that says which rule it broke,
 * and the job and head tables are exactly as before (nothing is written for a refused upload). Also the credential
 * checks of both APIs.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class UploadRejectionTest {

    @Inject
    HeadStore store;

    @Inject
    FineTuneService service;

    @GrpcClient("face")
    FineTuningGrpc.FineTuningBlockingStub fineTuning;

    private static final List<String> CLASSES = List.of("happiness", "neutral");

    private static RequestSpecification upload(String authorization) {
        RequestSpecification request =
                given().multiPart("kind", "classification").multiPart("head_name", "refused");
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    private static RequestSpecification goodArchive(RequestSpecification request) {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        return request.multiPart(
                "archive",
                "set.zip",
                FewShotData.zip(items, "manifest.csv", FewShotData.csv(items, "label")),
                "application/zip");
    }

    /** Posts, checks status, error code and message, then that no table changed. */
    private void assertRefused(RequestSpecification request, int status, String code, String message) {
        Map<String, Long> before = store.counts();
        request.when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(status)
                .body("code", equalTo(code))
                .body("message", containsString(message));
        Map<String, Long> after = store.counts();
        // jobs of earlier tests may still finish meanwhile (inputs dropped, heads published), but a refused upload
        // adds no job and no input, and a head only ever comes from a job
        assertEquals(before.get("finetune_job"), after.get("finetune_job"), "a refused upload must not add a job");
        assertTrue(after.get("finetune_job_input") <= before.get("finetune_job_input"), "nor any stored input");
        assertEquals(0, service.uploadBytesInFlight(), "a refused upload gives back its share of the upload budget");
    }

    private static byte[] zipWith(Map<String, byte[]> entries) {
        return Archives.zip(entries);
    }

    @Test
    void credentialsAreCheckedBeforeAnythingElse() {
        assertRefused(goodArchive(upload(null)), 401, "UNAUTHENTICATED", "missing or invalid credential");
        assertRefused(goodArchive(upload("Bearer not-a-key")), 401, "UNAUTHENTICATED", "missing or invalid credential");
        assertRefused(
                goodArchive(upload("Basic dGVzdDp0ZXN0")), 401, "UNAUTHENTICATED", "missing or invalid credential");
        assertRefused(goodArchive(upload(FewShotData.READER)), 403, "PERMISSION_DENIED", "permission denied");
        given().when().get("/v1/finetune/jobs").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs")
                .then()
                .statusCode(200);
        given().header("Authorization", FewShotData.READER)
                .when()
                .delete("/v1/finetune/heads/x/v1")
                .then()
                .statusCode(403);
    }

    @Test
    void grpcNeedsAKeyAndTheAdminRoleToChangeThings() {
        assertStatus(Status.Code.UNAUTHENTICATED, () -> fineTuning.listHeads(ListHeadsRequest.getDefaultInstance()));
        assertStatus(
                Status.Code.UNAUTHENTICATED,
                () -> withKey("Bearer wrong").listHeads(ListHeadsRequest.getDefaultInstance()));
        withKey(FewShotData.READER).listHeads(ListHeadsRequest.getDefaultInstance());
        assertStatus(
                Status.Code.PERMISSION_DENIED,
                () -> withKey(FewShotData.READER)
                        .cancelJob(CancelJobRequest.newBuilder().setJobId("x").build()));
        assertStatus(
                Status.Code.NOT_FOUND,
                () -> withKey(FewShotData.ADMIN)
                        .cancelJob(CancelJobRequest.newBuilder().setJobId("x").build()));
    }

    @Test
    void badSpecsAreRefused() {
        assertRefused(
                goodArchive(given().header("Authorization", FewShotData.ADMIN)
                        .multiPart("kind", "segmentation")
                        .multiPart("head_name", "x")),
                400,
                "INVALID_ARGUMENT",
                "unknown task kind 'segmentation'");
        assertRefused(
                goodArchive(given().header("Authorization", FewShotData.ADMIN).multiPart("kind", "regression")),
                400,
                "INVALID_ARGUMENT",
                "form field 'head_name' is required");
        assertRefused(
                goodArchive(given().header("Authorization", FewShotData.ADMIN)
                        .multiPart("kind", "classification")
                        .multiPart("head_name", "expression")),
                400,
                "INVALID_ARGUMENT",
                "belongs to a built-in head");
        assertRefused(
                goodArchive(upload(FewShotData.ADMIN).multiPart("epochs", "lots")),
                400,
                "INVALID_ARGUMENT",
                "epochs must be an integer");
    }

    @Test
    void manifestProblemsNameTheLine() {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        Map<String, byte[]> noManifest = new LinkedHashMap<>();
        items.forEach(item -> noManifest.put(item.name(), item.bytes()));
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "set.zip", zipWith(noManifest)),
                400,
                "INVALID_ARGUMENT",
                "no label manifest");

        String unknownImage = FewShotData.csv(items, "label") + "missing.jpg,happiness\n";
        assertRefused(
                upload(FewShotData.ADMIN)
                        .multiPart("archive", "set.zip", FewShotData.zip(items, "manifest.csv", unknownImage)),
                400,
                "INVALID_ARGUMENT",
                "manifest line 8: image 'missing.jpg' is not in the upload");

        String badLabel = FewShotData.csv(items, "label").replaceFirst(",happiness\n", ",joy\n");
        assertRefused(
                upload(FewShotData.ADMIN)
                        .multiPart("classes", "happiness,neutral")
                        .multiPart("archive", "set.zip", FewShotData.zip(items, "manifest.csv", badLabel)),
                400,
                "INVALID_ARGUMENT",
                "manifest line 2 (" + items.get(0).name() + "): label 'joy' is not one of the classes");

        assertRefused(
                given().header("Authorization", FewShotData.ADMIN)
                        .multiPart("kind", "regression")
                        .multiPart("head_name", "age")
                        .multiPart(
                                "archive",
                                "set.zip",
                                FewShotData.zip(items, "labels.csv", FewShotData.csv(items, "age"))),
                400,
                "INVALID_ARGUMENT",
                "manifest line 2 (" + items.get(0).name() + "): '"
                        + items.get(0).label() + "' is not a number");
    }

    @Test
    void hostileArchivesAreRefused() {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        Map<String, byte[]> slip = new LinkedHashMap<>();
        slip.put("manifest.csv", Archives.text(FewShotData.csv(items, "label")));
        items.forEach(item -> slip.put(item.name(), item.bytes()));
        slip.put("../../evil", Archives.text("#!/bin/sh\n"));
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "set.zip", zipWith(slip)),
                400,
                "INVALID_ARGUMENT",
                "archive entry '../../evil' points outside the archive (zip-slip)");

        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "bomb.zip", Archives.zipBomb("zeros.jpg", 64 << 20)),
                400,
                "INVALID_ARGUMENT",
                "zip bomb guard");

        Map<String, byte[]> many = new LinkedHashMap<>();
        many.put("manifest.csv", Archives.text("image,label\n"));
        for (int i = 0; i < 151; i++) {
            many.put("f" + i + ".jpg", Archives.text("x"));
        }
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "many.zip", zipWith(many)),
                413,
                "PAYLOAD_TOO_LARGE",
                "upload has 151 files, limit 150");

        assertRefused(
                upload(FewShotData.ADMIN)
                        .multiPart("images", "noise.jpg", TestImages.randomBytes(9 << 20, 1))
                        .multiPart("manifest", "m.csv", Archives.text("image,label\nnoise.jpg,a\n")),
                413,
                "PAYLOAD_TOO_LARGE",
                "bytes, limit 8388608");
    }

    @Test
    void zipOf255EntriesOfAMebibyteMinusOneOfZerosGets400BeforeItIsInflated() {
        Map<String, byte[]> zeros = new LinkedHashMap<>();
        zeros.put("manifest.csv", Archives.text("image,label\nzeros000.jpg,a\n"));
        for (int i = 0; i < 255; i++) {
            zeros.put(String.format("zeros%03d.jpg", i), new byte[(1 << 20) - 1]);
        }
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "zeros.zip", zipWith(zeros)),
                400,
                "INVALID_ARGUMENT",
                "archive entry 'zeros000.jpg' has a compression ratio above 100:1");
    }

    @Test
    void tarGzWithASymlinkEntryGets400NamingTheEntry() {
        byte[] tar = Archives.tarGzWithSpecialEntry(
                "set/a.jpg", org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "set.tar.gz", tar),
                400,
                "INVALID_ARGUMENT",
                "archive entry 'set/a.jpg' is a symbolic link");
    }

    @Test
    void filesThatAreNotUsableImagesAreRefused() {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        Map<String, byte[]> notImage = new LinkedHashMap<>();
        notImage.put("manifest.csv", Archives.text(FewShotData.csv(items, "label")));
        items.forEach(item -> notImage.put(item.name(), item.bytes()));
        notImage.put(items.get(2).name(), Archives.text("this is a text file, not a JPEG"));
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "set.zip", zipWith(notImage)),
                400,
                "INVALID_ARGUMENT",
                "manifest line 4: image '" + items.get(2).name() + "' (archive 'set.zip' entry '"
                        + items.get(2).name() + "') refused: UNSUPPORTED_FORMAT");

        Map<String, byte[]> huge = new LinkedHashMap<>(notImage);
        huge.put(items.get(2).name(), TestImages.pngHeader(50000, 50000));
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "set.zip", zipWith(huge)),
                400,
                "INVALID_ARGUMENT",
                "TOO_MANY_PIXELS");
    }

    @Test
    void aClassesFieldOf3000BytesGets413NamingTheFieldAndTheLimit() {
        StringBuilder classes = new StringBuilder("happiness,neutral");
        for (int index = 0; classes.length() < 3000; index++) {
            classes.append(",class").append(index);
        }
        String value = classes.substring(0, 3000);
        assertRefused(
                goodArchive(upload(FewShotData.ADMIN)).multiPart("classes", value),
                413,
                "PAYLOAD_TOO_LARGE",
                "form field 'classes' has 3000 bytes, limit 2048 (pros.finetune.upload.max-field-bytes)");
    }

    @Test
    void anArchivePartWithoutAFileNameGets400NamingThePart() {
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "PK\u0003\u0004 not sent as a file"),
                400,
                "INVALID_ARGUMENT",
                "form part 'archive' has no file name");
    }

    @Test
    void aPixelBombInAFineTuneArchiveGets400NamingTheArchiveAndTheEntry() {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        // the manifest names the bomb by its file name; the message says where it is
        entries.put("manifest.csv", Archives.text(FewShotData.csv(items, "label") + "bomb.png,neutral\n"));
        items.forEach(item -> entries.put(item.name(), item.bytes()));
        entries.put("photos/bomb.png", TestImages.pngHeader(50000, 50000)); // 2.5 G pixels in a few hundred bytes
        assertRefused(
                upload(FewShotData.ADMIN).multiPart("archive", "set.zip", zipWith(entries)),
                400,
                "INVALID_ARGUMENT",
                "manifest line 8: image 'bomb.png' (archive 'set.zip' entry 'photos/bomb.png') "
                        + "refused: TOO_MANY_PIXELS");
    }

    @Test
    void rawBodyWithAMultipartContentType() {
        // no boundary and no parts: the body is a zip sent raw, as a client that mislabels its upload would
        assertRefused(
                given().header("Authorization", FewShotData.ADMIN)
                        .contentType("multipart/form-data")
                        .body(Archives.zip(Map.of("a.jpg", Archives.text("x")))),
                400,
                "INVALID_ARGUMENT",
                "multipart");
        assertRefused(
                given().header("Authorization", FewShotData.ADMIN)
                        .contentType("multipart/form-data; boundary=xyz")
                        .body(Archives.text("not a multipart body")),
                400,
                "INVALID_ARGUMENT",
                "multipart");
    }

    @Test
    void millionCharacterLabel() {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        String longLabel = "x".repeat(1_000_000);
        String manifest = FewShotData.csv(items, "label").replaceFirst(",happiness\n", "," + longLabel + "\n");
        assertRefused(
                withImages(upload(FewShotData.ADMIN), items, "manifest.csv", manifest),
                400,
                "INVALID_ARGUMENT",
                "is 1000000 characters long, limit " + LabelEncoder.MAX_LABEL_CHARACTERS);
    }

    @Test
    void manifestJsonNested100000Deep() {
        List<FewShotData.Item> items = FewShotData.expressions(CLASSES, 3, 0);
        String nested = "{\"" + items.get(0).name() + "\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertRefused(
                withImages(upload(FewShotData.ADMIN), items, "manifest.json", nested),
                400,
                "INVALID_ARGUMENT",
                "nested deeper than");
    }

    /** Images and manifest as parts of their own (no archive: its zip-bomb guards must not answer first). */
    private static RequestSpecification withImages(
            RequestSpecification request, List<FewShotData.Item> items, String manifestName, String manifest) {
        items.forEach(item -> request.multiPart("images", item.name(), item.bytes(), "image/jpeg"));
        return request.multiPart("manifest", manifestName, Archives.text(manifest), "text/plain");
    }

    private FineTuningGrpc.FineTuningBlockingStub withKey(String authorization) {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return fineTuning.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    private static void assertStatus(Status.Code expected, Executable call) {
        StatusRuntimeException failure =
                org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, failure.getStatus().getCode(), failure.getMessage());
    }
}
