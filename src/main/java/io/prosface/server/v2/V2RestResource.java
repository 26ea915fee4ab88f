package io.prosface.server.v2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.prosface.server.error.ApiError;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.inference.analysis.AnalysisCalls;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Open Inference Protocol v2 over HTTP/REST, beside /v1 on the same port: health, server and model metadata, and
 * inference on {@link V2Inference}. Every failure is answered the protocol's way, {@code {"error": "..."}} with the
 * status of its {@link io.prosface.server.error.ErrorCode} (400, 404, 413, 429, 503, 504), not the /v1 error body.
 * Like /v1 predictions, no API key is needed.
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Open Inference Protocol v2")
public class V2RestResource {

    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    private static final String API = "http";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final V2Inference inference;
    private final V2Models models;
    private final V2Health health;
    private final AnalysisCalls calls;
    private final ErrorMapper errorMapper;
    private final ObjectMapper mapper;

    @Inject
    V2RestResource(
            V2Inference inference,
            V2Models models,
            V2Health health,
            AnalysisCalls calls,
            ErrorMapper errorMapper,
            ObjectMapper mapper) {
        this.inference = inference;
        this.models = models;
        this.health = health;
        this.calls = calls;
        this.errorMapper = errorMapper;
        this.mapper = mapper;
    }

    @GET
    @Operation(operationId = "serverMetadata", summary = "Server metadata: name, version, extensions")
    public Response serverMetadata() {
        JsonNode body = NODES.objectNode()
                .put("name", V2Health.SERVER_NAME)
                .put("version", health.version())
                .set("extensions", NODES.arrayNode().add("binary_tensor_data"));
        return Response.ok(body).build();
    }

    @GET
    @Path("/health/live")
    @Operation(
            operationId = "serverLive",
            summary = "200 {\"live\": true} while the server runs (as /q/health/live), else 503")
    public Response live() {
        boolean live = health.live();
        return Response.status(live ? 200 : 503)
                .entity(NODES.objectNode().put("live", live))
                .build();
    }

    @GET
    @Path("/health/ready")
    @Operation(
            operationId = "serverReady",
            summary = "200 {\"ready\": true} once the model is loaded and warm (as /q/health/ready), else 503")
    public Response ready() {
        boolean ready = health.ready();
        return Response.status(ready ? 200 : 503)
                .entity(NODES.objectNode().put("ready", ready))
                .build();
    }

    @GET
    @Path("/models/{name}")
    @Operation(
            operationId = "modelMetadata",
            summary = "Model metadata: versions, platform, inputs and outputs (labels as output parameters)")
    public Response modelMetadata(@PathParam("name") String name) {
        return answer(
                () -> Response.ok(V2JsonCodec.metadata(models.find(name, ""))).build());
    }

    @GET
    @Path("/models/{name}/versions/{version}")
    @Operation(operationId = "modelVersionMetadata", summary = "Metadata of one version of a model")
    public Response modelVersionMetadata(@PathParam("name") String name, @PathParam("version") String version) {
        return answer(() ->
                Response.ok(V2JsonCodec.metadata(models.find(name, version))).build());
    }

    @GET
    @Path("/models/{name}/ready")
    @Operation(
            operationId = "modelReady",
            summary = "200 when the model can answer, 503 while the server is not ready, 404 for an unknown model")
    public Response modelReady(@PathParam("name") String name) {
        return answer(() -> modelReadiness(name, ""));
    }

    @GET
    @Path("/models/{name}/versions/{version}/ready")
    @Operation(operationId = "modelVersionReady", summary = "Readiness of one version of a model")
    public Response modelVersionReady(@PathParam("name") String name, @PathParam("version") String version) {
        return answer(() -> modelReadiness(name, version));
    }

    @POST
    @Path("/models/{name}/infer")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            operationId = "modelInfer",
            summary = "Inference on a batch of encoded images (input 'images', BYTES as base64 strings)")
    public Uni<Response> infer(
            @PathParam("name") String name, @HeaderParam(HEADER_LENGTH) String headerLength, byte[] body) {
        return run(name, "", headerLength, body);
    }

    @POST
    @Path("/models/{name}/versions/{version}/infer")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(operationId = "modelVersionInfer", summary = "Inference on one version of a model")
    public Uni<Response> inferVersion(
            @PathParam("name") String name,
            @PathParam("version") String version,
            @HeaderParam(HEADER_LENGTH) String headerLength,
            byte[] body) {
        return run(name, version, headerLength, body);
    }

    private Response modelReadiness(String name, String version) {
        boolean ready = health.modelReady(name, version);
        return Response.status(ready ? 200 : 503)
                .entity(NODES.objectNode().put("name", name).put("ready", ready))
                .build();
    }

    private Uni<Response> run(String name, String version, String headerLength, byte[] body) {
        // the answer is encoded as the request asked (binary outputs or JSON); every failure is answered, not thrown
        AtomicReference<V2InferRequest> asked = new AtomicReference<>();
        return calls.answer(
                        API,
                        "v2.infer",
                        () -> {
                            asked.set(V2JsonCodec.decode(
                                    mapper,
                                    name,
                                    version,
                                    body == null ? new byte[0] : body,
                                    parseHeaderLength(headerLength)));
                            return inference.infer(asked.get(), calls.defaultDeadlineNanos());
                        },
                        response -> {
                            V2JsonCodec.Encoded encoded = V2JsonCodec.encode(mapper, asked.get(), response);
                            if (!encoded.binary()) {
                                return Response.ok(encoded.body(), MediaType.APPLICATION_JSON)
                                        .build();
                            }
                            return Response.ok(encoded.body(), MediaType.APPLICATION_OCTET_STREAM)
                                    .header(HEADER_LENGTH, encoded.headerLength())
                                    .build();
                        })
                .onFailure()
                .recoverWithItem(this::error);
    }

    private static int parseHeaderLength(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            int length = Integer.parseInt(value.trim());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException bad) {
            throw io.prosface.server.error.ServingException.invalidArgument(
                    HEADER_LENGTH + " must be a non-negative integer, got '" + value + "'");
        }
    }

    private Response answer(Supplier<Response> work) {
        try {
            return work.get();
        } catch (RuntimeException failure) {
            return error(failure);
        }
    }

    /** The protocol's error answer: {@code {"error": "..."}} with the status (and Retry-After) of the failure. */
    private Response error(Throwable failure) {
        ApiError error = errorMapper.map(failure);
        Response.ResponseBuilder response = Response.status(error.code().httpStatus())
                .type(MediaType.APPLICATION_JSON)
                .entity(V2JsonCodec.error(error.message()));
        error.retryAfterSeconds().ifPresent(seconds -> response.header("Retry-After", seconds));
        return response.build();
    }
}
