package io.prosface.server.http;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

/** The query parameters {@code /v1/render} takes besides those of {@code /v1/analyze} ({@link AnalysisParams}). */
public class RenderOptions {

    @RestQuery
    @Parameter(
            description = "Output encoding, png or jpeg; wins over Accept. Default: the best of image/png and "
                    + "image/jpeg that Accept allows, png on a tie or without Accept.",
            schema =
                    @Schema(
                            type = SchemaType.STRING,
                            enumeration = {"png", "jpeg"}))
    String format;

    @RestQuery
    @Parameter(
            description = "What to draw, comma-separated: box, points, labels, numbers (the face's number, only "
                    + "when there are several faces). Default: all four.")
    String draw;
}
