package io.prosface.server.http;

import io.prosface.server.auth.ApiKeys;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.FineTuneService;
import io.prosface.server.finetune.JobWatcher;
import io.prosface.server.finetune.Page;
import io.prosface.server.finetune.heads.HeadRefs;
import io.prosface.server.finetune.heads.HeadView;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.jobs.JobState;
import io.prosface.server.finetune.upload.FormOptions;
import io.prosface.server.finetune.upload.SpecForm;
import io.prosface.server.finetune.upload.UploadBudget;
import io.prosface.server.finetune.upload.UploadedFile;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/**
 * Fine-tuning over HTTP: {@code /v1/finetune/options} (the upload form's fields), {@code /v1/finetune/jobs} (upload,
 * read, list, cancel, follow as server-sent events, metric history) and {@code /v1/finetune/heads} (list, promote,
 * delete). Every route needs {@code Authorization: Bearer <key>}
 * ({@link FineTuneAuthFilter} refuses before the body is read; reads need the read role, changes the admin role).
 * Thin: {@link FineTuneService} does the work, {@code HttpErrorMapper} the failures.
 */
@Path("/v1/finetune")
@Tag(name = "Fine-tuning", description = "Few-shot heads: upload, train, follow, serve; Authorization: Bearer <key>")
@SecurityScheme(
        securitySchemeName = FineTuneResource.BEARER,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "An API key of pros.auth.api-keys: reads need the read role, everything else admin")
@SecurityRequirement(name = FineTuneResource.BEARER)
public class FineTuneResource {

    /** The OpenAPI security scheme every fine-tuning operation requires (Swagger UI's Authorize button). */
    public static final String BEARER = "bearer";

    /** Multipart parts that carry files; every other part is a form field of the task spec. */
    private static final Set<String> FILE_PARTS = Set.of("archive", "images", "image", "manifest");
    /** Form fields of the task spec; the optional training fields are those of {@link FormOptions}. */
    private static final Set<String> TASK_FIELDS = Set.of("kind", "head_name", "classes", "labels", "points");

    private final FineTuneService service;
    private final JobWatcher watcher;
    private final ApiKeys keys;
    private final FineTuneConfig config;

    @Inject
    FineTuneResource(FineTuneService service, JobWatcher watcher, ApiKeys keys, FineTuneConfig config) {
        this.service = service;
        this.watcher = watcher;
        this.keys = keys;
        this.config = config;
    }

    @POST
    @Path("/jobs")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "submitJob",
            summary = "Upload labelled images (parts 'archive' zip/tar.gz and/or 'images', plus 'manifest' CSV/JSON) "
                    + "and a task spec (fields kind, head_name, classes, points, epochs, learning_rate, batch_size, "
                    + "validation_split, unfrozen_blocks (k: also train the last k backbone blocks, 0..depth, default 0), "
                    + "augmented_views, seed, promote, crop): 202 with the queued job")
    @APIResponse(
            responseCode = "202",
            description = "The job, queued; Location names it",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = FineTuneJson.Job.class)),
            headers =
                    @Header(
                            name = "Location",
                            description = "/v1/finetune/jobs/{id}",
                            schema = @Schema(type = SchemaType.STRING)))
    public Response submit(@HeaderParam("Authorization") String authorization, MultipartFormDataInput input) {
        keys.require(authorization, ApiKeys.Role.ADMIN);
        if (input.getValues().isEmpty()) {
            // a raw body under a multipart header (no boundary, or none of its parts) parses to no parts at all
            throw ServingException.invalidArgument("the body holds no multipart/form-data parts: send the upload as "
                    + "multipart form data with a boundary (curl -F), the parts named kind, head_name, archive, ...");
        }
        Map<String, String> form = new HashMap<>();
        List<UploadedFile> archives = new ArrayList<>();
        List<UploadedFile> images = new ArrayList<>();
        UploadedFile manifest = null;
        FormOptions options = service.formOptions();
        JobRecord job;
        // every part is charged to the budget of uploads in flight before it is read into the heap
        try (UploadBudget.Lease lease = service.uploadLease()) {
            for (Map.Entry<String, Collection<FormValue>> part :
                    input.getValues().entrySet()) {
                String name = part.getKey();
                boolean field = TASK_FIELDS.contains(name) || options.has(name);
                if (!FILE_PARTS.contains(name) && !field) {
                    List<String> fields = new ArrayList<>(TASK_FIELDS);
                    options.all().forEach(option -> fields.add(option.name()));
                    throw ServingException.invalidArgument(
                            "unknown form part '" + name + "'; files: archive, " + "images, manifest; fields: "
                                    + String.join(", ", fields.stream().sorted().toList()));
                }
                for (FormValue value : part.getValue()) {
                    if (field) {
                        form.put(name, value.isFileItem() ? text(value, lease) : field(name, value));
                    } else if (name.equals("manifest")) {
                        manifest = new UploadedFile(
                                value.getFileName() == null ? "manifest" : value.getFileName(), bytes(value, lease));
                    } else if (!value.isFileItem()) {
                        // a part without a file name reaches us as text: binary bytes would be mangled by decoding
                        throw ServingException.invalidArgument("form part '" + name + "' has no file name: send "
                                + "files as file parts (curl -F '" + name + "=@set.zip')");
                    } else if (name.equals("archive")) {
                        archives.add(new UploadedFile(fileName(value), bytes(value, lease)));
                    } else {
                        images.add(new UploadedFile(fileName(value), bytes(value, lease)));
                    }
                }
            }
            job = service.submit(form, archives, images, manifest, lease);
        }
        return Response.accepted(FineTuneJson.job(job))
                .location(URI.create("/v1/finetune/jobs/" + job.id()))
                .build();
    }

    @GET
    @Path("/options")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "getUploadOptions",
            summary =
                    "The upload form: task kinds, every optional training field with its type, default and "
                            + "range as the server enforces them (unfrozen_blocks up to the served backbone's depth), upload limits")
    public FineTuneJson.FormFields options(@HeaderParam("Authorization") String authorization) {
        keys.require(authorization, ApiKeys.Role.READ);
        FineTuneConfig.Upload upload = config.upload();
        return new FineTuneJson.FormFields(
                SpecForm.KINDS,
                service.formOptions().all(),
                new FineTuneJson.Limits(
                        upload.maxBytes(),
                        upload.maxFiles(),
                        upload.maxImageBytes(),
                        upload.maxImagePixels(),
                        upload.minExamples(),
                        upload.maxFieldBytes()));
    }

    @GET
    @Path("/jobs/{id}/metrics")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "getJobMetrics",
            summary =
                    "A job's metric history: train and validation metrics of every epoch that reported "
                            + "progress (every epoch of a short job, about every tenth of a long one), by epoch; empty while queued")
    public FineTuneJson.JobMetrics metrics(
            @HeaderParam("Authorization") String authorization, @PathParam("id") String id) {
        keys.require(authorization, ApiKeys.Role.READ);
        return new FineTuneJson.JobMetrics(id, service.metrics(id));
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getJob", summary = "One job: state, progress, train and validation metrics")
    public FineTuneJson.Job job(@HeaderParam("Authorization") String authorization, @PathParam("id") String id) {
        keys.require(authorization, ApiKeys.Role.READ);
        return FineTuneJson.job(service.job(id));
    }

    @GET
    @Path("/jobs")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "listJobs",
            summary = "Jobs, newest first, a page at a time (page_size, page_token, state, head_name)")
    public FineTuneJson.JobPage jobs(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("page_size") int pageSize,
            @QueryParam("page_token") String pageToken,
            @QueryParam("state") List<String> states,
            @QueryParam("head_name") String headName) {
        keys.require(authorization, ApiKeys.Role.READ);
        Set<JobState> filter = EnumSet.noneOf(JobState.class);
        for (String state : states) {
            try {
                filter.add(JobState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException unknown) {
                throw ServingException.invalidArgument(
                        "unknown job state '" + state + "'; known: queued, running, succeeded, failed, cancelled");
            }
        }
        Page<JobRecord> page = service.jobs(pageSize, pageToken, filter, headName);
        return new FineTuneJson.JobPage(
                page.items().stream().map(FineTuneJson::job).toList(), page.nextPageToken());
    }

    @DELETE
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "cancelJob",
            summary = "Cancel a job: a queued one at once, a running one at its next step (then watch it)")
    public FineTuneJson.Job cancel(@HeaderParam("Authorization") String authorization, @PathParam("id") String id) {
        return FineTuneJson.job(service.cancel(id, keys.require(authorization, ApiKeys.Role.ADMIN)));
    }

    @GET
    @Path("/jobs/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(
            operationId = "watchJob",
            summary = "Server-sent events: the job now and at every change until it is terminal")
    @APIResponse(
            responseCode = "200",
            description = "A text/event-stream; each event's data is the job as JSON",
            content =
                    @Content(
                            mediaType = MediaType.SERVER_SENT_EVENTS,
                            schema = @Schema(implementation = FineTuneJson.Job.class)))
    public Multi<FineTuneJson.Job> events(
            @HeaderParam("Authorization") String authorization, @PathParam("id") String id) {
        keys.require(authorization, ApiKeys.Role.READ);
        return watcher.watch(id).map(FineTuneJson::job);
    }

    @GET
    @Path("/heads")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "listHeads",
            summary = "Heads (built in and few-shot), by name then newest version (page_size, page_token, name, type)")
    public FineTuneJson.HeadPage heads(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("page_size") int pageSize,
            @QueryParam("page_token") String pageToken,
            @QueryParam("name") String name,
            @QueryParam("type") String type) {
        keys.require(authorization, ApiKeys.Role.READ);
        Page<HeadView> page = service.heads(pageSize, pageToken, name, HeadRefs.kinds(type));
        return new FineTuneJson.HeadPage(
                page.items().stream().map(FineTuneJson::head).toList(), page.nextPageToken());
    }

    @POST
    @Path("/heads/{name}/{version}/promote")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "promoteHead", summary = "Make a head version current: the one name-only selectors get")
    public FineTuneJson.Head promote(
            @HeaderParam("Authorization") String authorization,
            @PathParam("name") String name,
            @PathParam("version") String version) {
        keys.require(authorization, ApiKeys.Role.ADMIN);
        return FineTuneJson.head(service.promote(name, HeadRefs.version(version)));
    }

    @DELETE
    @Path("/heads/{name}/{version}")
    @Operation(
            operationId = "deleteHead",
            summary = "Delete a head version (not the current one while others exist; never a built-in head)")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(
            @HeaderParam("Authorization") String authorization,
            @PathParam("name") String name,
            @PathParam("version") String version) {
        keys.require(authorization, ApiKeys.Role.ADMIN);
        service.delete(name, HeadRefs.version(version));
        return Response.noContent().build();
    }

    private static String fileName(FormValue value) {
        return value.getFileName() == null || value.getFileName().isBlank() ? "upload" : value.getFileName();
    }

    /**
     * A plain-text form field, refused with 413 naming it when it is longer than
     * {@code pros.finetune.upload.max-field-bytes} (the multipart parser's own limit is set as high as the body's, so
     * that this check, which can name the field, is the one that answers).
     */
    private String field(String name, FormValue value) {
        String text = value.getValue();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        int limit = config.upload().maxFieldBytes();
        if (bytes > limit) {
            throw ServingException.tooLarge("form field '" + name + "' has " + bytes + " bytes, limit " + limit
                    + " (pros.finetune.upload.max-field-bytes); send a longer value as a file part (curl -F '" + name
                    + "=@" + name + ".txt')");
        }
        return text;
    }

    /** The part's bytes, charged to {@code lease} before they are read. */
    private static byte[] bytes(FormValue value, UploadBudget.Lease lease) {
        try {
            if (!value.isFileItem()) {
                byte[] bytes = value.getValue().getBytes(StandardCharsets.UTF_8);
                lease.charge(bytes.length);
                return bytes;
            }
            lease.charge(Files.size(value.getFileItem().getFile()));
            return Files.readAllBytes(value.getFileItem().getFile());
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read an uploaded part", unreadable);
        }
    }

    private static String text(FormValue value, UploadBudget.Lease lease) {
        return new String(bytes(value, lease), StandardCharsets.UTF_8);
    }
}
