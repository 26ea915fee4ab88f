package io.prosface.server.http;

import io.prosface.server.inference.analysis.AnalysisRequest;
import io.prosface.server.inference.analysis.FaceAnalyzer;
import io.prosface.server.inference.analysis.RequestMetrics;
import io.prosface.server.render.AnswerPainter;
import io.prosface.server.render.AnswerRenderer;
import io.prosface.server.render.PictureFormat;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code POST /v1/render}: the answer of {@code /v1/analyze} drawn on the image (boxes, landmarks, top labels), as PNG
 * or JPEG, for a picture from curl or a notebook. Same inputs and query parameters as {@code /v1/analyze}.
 *
 * <p>The format: the {@code format} query parameter when given (Accept is then not consulted), else the best of
 * image/png and image/jpeg that Accept allows (png on a tie, and without Accept); an Accept that allows neither is
 * 406. Errors are the API's usual JSON whatever was asked for.
 */
@Path("/v1/render")
@Tag(name = "Face analysis")
public class RenderResource {

    private static final String RAW_IMAGE = "image/*";

    private final AnswerRenderer renderer;
    private final FaceAnalyzer analyzer;
    private final RequestMetrics metrics;

    @Inject
    RenderResource(AnswerRenderer renderer, FaceAnalyzer analyzer, RequestMetrics metrics) {
        this.renderer = renderer;
        this.analyzer = analyzer;
        this.metrics = metrics;
    }

    @POST
    @Consumes({RAW_IMAGE, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            operationId = "render",
            summary = "The /v1/analyze answer drawn on the image, as PNG or JPEG",
            description = "Per face its box, its landmark points and a caption (top expression, up to three likely "
                    + "attributes, age, few-shot head answers), on the upright image (EXIF orientation applied) at "
                    + "its size. No face: the image unchanged.")
    @APIResponse(
            responseCode = "200",
            description = "The picture",
            content = {
                @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
                @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary"))
            },
            headers = {
                @Header(
                        name = "X-Faces",
                        description = "Number of faces drawn",
                        schema = @Schema(type = SchemaType.INTEGER)),
                @Header(
                        name = "X-Image-Subsampling",
                        description = "1: the picture has the upright image's size; "
                                + "s > 1: every s-th pixel (images over pros.input.max-decoded-bytes)",
                        schema = @Schema(type = SchemaType.INTEGER))
            })
    @APIResponse(responseCode = "400", description = "Not an image, a bad parameter or an unknown format")
    @APIResponse(responseCode = "406", description = "Accept allows neither image/png nor image/jpeg")
    public Uni<Response> render(
            byte[] image, @BeanParam AnalysisParams params, @BeanParam RenderOptions options, HttpHeaders headers) {
        return answer(() -> image, params, options, headers, null);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "As POST /v1/render, image as multipart file part 'image' (optional field 'box')")
    @APIResponse(
            responseCode = "200",
            description = "The picture",
            content = {
                @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
                @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary"))
            })
    public Uni<Response> renderForm(
            @RestForm("image") FileUpload image,
            @RestForm("box") String box,
            @BeanParam AnalysisParams params,
            @BeanParam RenderOptions options,
            HttpHeaders headers) {
        return answer(() -> FaceResource.read(image), params, options, headers, box);
    }

    private Uni<Response> answer(
            Supplier<byte[]> image, AnalysisParams params, RenderOptions options, HttpHeaders headers, String formBox) {
        CompletableFuture<AnswerRenderer.Rendered> rendered;
        try {
            PictureFormat chosen = options.format != null && !options.format.isBlank()
                    ? PictureFormat.fromLabel(options.format)
                    : negotiate(headers.getAcceptableMediaTypes());
            Set<AnswerPainter.Layer> layers = AnswerPainter.Layer.parse(options.draw);
            AnalysisRequest request = params.toRequest(image.get(), null, formBox, analyzer.defaultDeadlineNanos());
            rendered = renderer.render(request, layers, chosen, Infrastructure.getDefaultWorkerPool());
        } catch (RuntimeException refused) {
            rendered = CompletableFuture.failedFuture(refused);
        }
        // built on the worker that encoded the picture: the response is bytes only, nothing left for the event loop
        return Uni.createFrom()
                .completionStage(rendered)
                .map(picture -> Response.ok(picture.bytes(), picture.format().mediaType())
                        .header("X-Faces", picture.faces())
                        .header("X-Image-Subsampling", picture.subsampling())
                        .build())
                .onItemOrFailure()
                .invoke((response, failure) -> {
                    if (failure == null) {
                        metrics.ok("http", "render");
                    } else {
                        metrics.failed("http", "render", failure);
                    }
                });
    }

    /** The first of Accept's types (most preferred first) that PNG or JPEG matches; q=0 entries refuse, not allow. */
    static PictureFormat negotiate(List<MediaType> accepted) {
        for (MediaType type : accepted) {
            if ("0".equals(type.getParameters().get("q"))
                    || "0.0".equals(type.getParameters().get("q"))) {
                continue;
            }
            for (PictureFormat candidate : PictureFormat.values()) {
                if (type.isCompatible(MediaType.valueOf(candidate.mediaType()))) {
                    return candidate;
                }
            }
        }
        throw new NotAcceptableException("this route answers image/png or image/jpeg (or set format=png|jpeg); "
                + "Accept allows neither: " + accepted);
    }
}
