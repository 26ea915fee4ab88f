package io.prosface.server.http;

import io.prosface.server.error.HttpErrorMapper;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.FineTuneService;
import io.prosface.server.finetune.upload.FormOptions;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes {@code /q/openapi} so a client can be generated from it; the annotations on the resources give the
 * operations (ids, tags, success bodies), this adds what they would repeat or copy:
 * <ul>
 *   <li>one error schema, {@value #ERROR} (the JSON body {@link HttpErrorMapper} writes), and on every operation
 *       the error statuses it can really answer, each referencing it ({@code Retry-After} on 429 and 503);</li>
 *   <li>the typed multipart schema of the fine-tuning upload, from the tables that read it
 *       ({@link UploadFormSchema}): ranges and defaults are those of {@code GET /v1/finetune/options}.</li>
 * </ul>
 * It runs per request: {@code unfrozen_blocks}' maximum is the served backbone's depth.
 */
@ApplicationScoped
@OpenApiFilter(OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class ApiContractFilter implements OASFilter {

    /** The name of the error schema under {@code components/schemas}. */
    public static final String ERROR = "Error";
    /** The error object of the Open Inference Protocol v2 routes. */
    public static final String INFERENCE_ERROR = "InferenceError";

    private static final String V2_PATH = "/v2";
    private static final String UPLOAD_PATH = "/v1/finetune/jobs";

    private static final Map<Integer, String> MEANING = Map.of(
            400, "Bad request: not an image, a bad box or parameter, a malformed upload (INVALID_ARGUMENT)",
            401, "No API key, or one the server does not know (UNAUTHENTICATED)",
            403, "The API key lacks the role this operation needs (PERMISSION_DENIED)",
            404, "No such head, job or head version (NOT_FOUND)",
            406, "Accept allows none of the answer's media types",
            409, "The target is in the wrong state: a finished job, the current head version (FAILED_PRECONDITION)",
            413, "The image, the upload or a form field is over its limit (PAYLOAD_TOO_LARGE)",
            415, "The body's Content-Type is not one this operation reads",
            429, "The queue is full: retry after Retry-After seconds (RESOURCE_EXHAUSTED)",
            503, "Not ready (loading, warming up) or shutting down: retry after Retry-After seconds (UNAVAILABLE)");
    private static final String TIMEOUT = "The request's deadline passed before it was answered (DEADLINE_EXCEEDED)";

    private final FineTuneService fineTuning;

    @Inject
    ApiContractFilter(FineTuneService fineTuning) {
        this.fineTuning = fineTuning;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(ERROR, errorSchema());
        openAPI.getComponents().addSchema(INFERENCE_ERROR, inferenceErrorSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths()
                .getPathItems()
                .forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
                    if (operation.getResponses() == null) {
                        operation.responses(OASFactory.createAPIResponses());
                    }
                    // the Open Inference Protocol answers its errors in its own shape
                    String schema = path.startsWith(V2_PATH) ? INFERENCE_ERROR : ERROR;
                    for (int status : errorStatuses(path, method, operation)) {
                        addError(operation.getResponses(), status, schema);
                    }
                    if (path.equals(UPLOAD_PATH) && method == PathItem.HttpMethod.POST) {
                        operation.requestBody(OASFactory.createRequestBody()
                                .required(true)
                                .content(OASFactory.createContent()
                                        .addMediaType(
                                                "multipart/form-data",
                                                OASFactory.createMediaType()
                                                        .schema(UploadFormSchema.of(formOptions())))));
                    }
                }));
    }

    /**
     * The error body, {@link HttpErrorMapper.ErrorBody}: written out rather than read from the record, so the native
     * image needs no reflection; OpenApiContractTest checks it against a real error answer.
     */
    private static Schema errorSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("Every error answer")
                .addProperty(
                        "code",
                        OASFactory.createSchema()
                                .addType(SchemaType.STRING)
                                .description("the gRPC-style name (INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED, "
                                        + "UNAVAILABLE, ...): the same strings the gRPC API's status codes use"))
                .addProperty(
                        "message",
                        OASFactory.createSchema()
                                .addType(SchemaType.STRING)
                                .description("what went wrong, safe to show"))
                .addRequired("code")
                .addRequired("message");
    }

    /** The Open Inference Protocol's error object (its REST spec: {@code {"error": "..."}}). */
    private static Schema inferenceErrorSchema() {
        return OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("Every error answer of the Open Inference Protocol v2 routes (/v2)")
                .addProperty(
                        "error",
                        OASFactory.createSchema()
                                .addType(SchemaType.STRING)
                                .description("what went wrong, safe to show"))
                .addRequired("error");
    }

    /** What an operation can answer besides success: which resource serves it decides. */
    private static TreeSet<Integer> errorStatuses(String path, PathItem.HttpMethod method, Operation operation) {
        TreeSet<Integer> statuses = new TreeSet<>();
        statuses.add(503);
        if (path.startsWith(V2_PATH)) {
            // health and metadata: unknown model or version; inference: also the prediction routes' refusals
            if (path.contains("{")) {
                statuses.add(404);
            }
            if (path.endsWith("/infer")) {
                statuses.addAll(List.of(400, 413, 415, 429, 504));
            }
            return statuses;
        }
        statuses.add(400);
        if (path.startsWith("/v1/finetune")) {
            statuses.add(401);
            statuses.add(403);
            if (path.contains("{")) {
                statuses.add(404);
            }
            if (method == PathItem.HttpMethod.DELETE || path.endsWith("/promote")) {
                statuses.add(409);
            }
            if (path.equals(UPLOAD_PATH) && method == PathItem.HttpMethod.POST) {
                statuses.addAll(List.of(413, 415, 429));
            }
        } else {
            // the prediction routes: unknown head, image over its limit, wrong body type, queue full, deadline
            statuses.addAll(List.of(404, 413, 415, 429, 504));
            if (path.equals("/v1/render")) {
                statuses.add(406);
            }
        }
        return statuses;
    }

    private static void addError(APIResponses responses, int status, String schema) {
        String code = String.valueOf(status);
        APIResponse response = responses.getAPIResponse(code);
        if (response == null) {
            response = OASFactory.createAPIResponse().description(status == 504 ? TIMEOUT : MEANING.get(status));
            responses.addAPIResponse(code, response);
        }
        response.content(OASFactory.createContent()
                .addMediaType(
                        "application/json",
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(schema))));
        if (status == 429 || status == 503) {
            response.addHeader(
                    "Retry-After",
                    OASFactory.createHeader()
                            .description("seconds to wait before retrying")
                            .schema(OASFactory.createSchema().addType(SchemaType.INTEGER)));
        }
    }

    /** The served model's training fields; null before it is ready (the schema then lists the task fields only). */
    private FormOptions formOptions() {
        try {
            return fineTuning.formOptions();
        } catch (ServingException notReady) {
            return null;
        }
    }
}
