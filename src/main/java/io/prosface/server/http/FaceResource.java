package io.prosface.server.http;

import io.prosface.server.error.ServingException;
import io.prosface.server.inference.analysis.AnalysisCalls;
import io.prosface.server.inference.analysis.FaceAnalyzer;
import io.prosface.server.inference.registry.FaceTask;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * REST JSON equivalents of the gRPC FaceAnalysis service. Each route takes the image either as the raw request body
 * ({@code image/*} or {@code application/octet-stream}) or as multipart form data (file part {@code image}, optional
 * field {@code box}); options are query parameters ({@link AnalysisParams}).
 *
 * <p>Thin adapter: {@link AnalysisCalls} hands the request to {@link FaceAnalyzer}, off the event loop, and the answer
 * arrives asynchronously.
 * Only the multipart variants are {@link Blocking}: they read the uploaded part from a temporary file.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Face analysis")
public class FaceResource {

    private static final String RAW_IMAGE = "image/*";
    private static final String API = "http";

    private final AnalysisCalls calls;

    @Inject
    FaceResource(AnalysisCalls calls) {
        this.calls = calls;
    }

    // OpenAPI has one operation per path and method: each route's raw-image and multipart methods are ONE operation
    // with three request media types, named by the raw method's operationId (the multipart one names none)
    @POST
    @Path("/analyze")
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            operationId = "analyze",
            summary = "Any subset of attributes, expression, landmarks, embedding, regression and age from one "
                    + "backbone pass",
            description = "Without a box every detected face is answered, largest first; no face: empty list. "
                    + "Without tasks: attributes, expression, landmarks and embedding, plus age when the served model "
                    + "has its built-in 'age' head.")
    public Uni<FaceJson.Analysis> analyze(byte[] image, @BeanParam AnalysisParams params) {
        return raw(Route.ANALYZE, image, params);
    }

    @POST
    @Path("/analyze")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/analyze, image as multipart file part 'image' (optional field 'box')")
    public Uni<FaceJson.Analysis> analyzeForm(
            @RestForm("image") FileUpload image, @RestForm("box") String box, @BeanParam AnalysisParams params) {
        return form(Route.ANALYZE, image, box, params);
    }

    @POST
    @Path("/attributes")
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(operationId = "predictAttributes", summary = "Facial attribute probabilities (CelebA names) per face")
    public Uni<FaceJson.Analysis> attributes(byte[] image, @BeanParam AnalysisParams params) {
        return raw(Route.ATTRIBUTES, image, params);
    }

    @POST
    @Path("/attributes")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/attributes, multipart")
    public Uni<FaceJson.Analysis> attributesForm(
            @RestForm("image") FileUpload image, @RestForm("box") String box, @BeanParam AnalysisParams params) {
        return form(Route.ATTRIBUTES, image, box, params);
    }

    @POST
    @Path("/expression")
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            operationId = "predictExpression",
            summary = "Expression class and distribution over the 7 basic expressions per face")
    public Uni<FaceJson.Analysis> expression(byte[] image, @BeanParam AnalysisParams params) {
        return raw(Route.EXPRESSION, image, params);
    }

    @POST
    @Path("/expression")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/expression, multipart")
    public Uni<FaceJson.Analysis> expressionForm(
            @RestForm("image") FileUpload image, @RestForm("box") String box, @BeanParam AnalysisParams params) {
        return form(Route.EXPRESSION, image, box, params);
    }

    @POST
    @Path("/landmarks")
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            operationId = "predictLandmarks",
            summary = "68 iBUG landmarks per face, as {x, y} in input-image pixels")
    public Uni<FaceJson.Analysis> landmarks(byte[] image, @BeanParam AnalysisParams params) {
        return raw(Route.LANDMARKS, image, params);
    }

    @POST
    @Path("/landmarks")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/landmarks, multipart")
    public Uni<FaceJson.Analysis> landmarksForm(
            @RestForm("image") FileUpload image, @RestForm("box") String box, @BeanParam AnalysisParams params) {
        return form(Route.LANDMARKS, image, box, params);
    }

    @POST
    @Path("/age")
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            operationId = "predictAge",
            summary = "Estimated age in years per face, from the model's built-in 'age' head",
            description = "400 INVALID_ARGUMENT when the served model has no 'age' head and no other one-output "
                    + "regression head is chosen with 'head'.")
    public Uni<FaceJson.Analysis> age(byte[] image, @BeanParam AnalysisParams params) {
        return raw(Route.AGE, image, params);
    }

    @POST
    @Path("/age")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/age, multipart")
    public Uni<FaceJson.Analysis> ageForm(
            @RestForm("image") FileUpload image, @RestForm("box") String box, @BeanParam AnalysisParams params) {
        return form(Route.AGE, image, box, params);
    }

    @POST
    @Path("/embed")
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(operationId = "embed", summary = "L2-normalised face embedding (backbone class token) per face")
    public Uni<FaceJson.Analysis> embed(byte[] image, @BeanParam AnalysisParams params) {
        return raw(Route.EMBED, image, params);
    }

    @POST
    @Path("/embed")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/embed, multipart")
    public Uni<FaceJson.Analysis> embedForm(
            @RestForm("image") FileUpload image, @RestForm("box") String box, @BeanParam AnalysisParams params) {
        return form(Route.EMBED, image, box, params);
    }

    /** A route's metric name and tasks (null: the defaults), shared by its raw-image and multipart methods. */
    private enum Route {
        ANALYZE("analyze", null),
        ATTRIBUTES("attributes", FaceTask.ATTRIBUTES),
        EXPRESSION("expression", FaceTask.EXPRESSION),
        LANDMARKS("landmarks", FaceTask.LANDMARKS),
        AGE("age", FaceTask.AGE),
        EMBED("embed", FaceTask.EMBEDDING);

        final String method;
        final Set<FaceTask> tasks;

        Route(String method, FaceTask task) {
            this.method = method;
            this.tasks = task == null ? null : Collections.unmodifiableSet(EnumSet.of(task));
        }
    }

    private Uni<FaceJson.Analysis> raw(Route route, byte[] image, AnalysisParams params) {
        return answer(route, () -> image, params, null);
    }

    private Uni<FaceJson.Analysis> form(Route route, FileUpload image, String box, AnalysisParams params) {
        return answer(route, () -> read(image), params, box);
    }

    private Uni<FaceJson.Analysis> answer(Route route, Supplier<byte[]> image, AnalysisParams params, String formBox) {
        return calls.analyze(
                API,
                route.method,
                () -> params.toRequest(image.get(), route.tasks, formBox, calls.defaultDeadlineNanos()),
                JsonAnswers::toJson);
    }

    /** The multipart file part's bytes; no part is INVALID_ARGUMENT. */
    static byte[] read(FileUpload upload) {
        if (upload == null) {
            throw ServingException.invalidArgument("multipart request needs a file part named 'image'");
        }
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded image", e);
        }
    }
}
