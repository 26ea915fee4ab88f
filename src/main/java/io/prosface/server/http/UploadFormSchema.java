package io.prosface.server.http;

import io.prosface.server.finetune.upload.FormOption;
import io.prosface.server.finetune.upload.FormOptions;
import io.prosface.server.finetune.upload.SpecForm;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * The upload of {@code POST /v1/finetune/jobs} as an OpenAPI {@code multipart/form-data} schema, built from the same
 * tables that read an upload ({@link FineTuneResource}'s parts, {@link SpecForm#KINDS}, {@link FormOptions}): the
 * training fields' types, ranges and defaults in the document are those {@code GET /v1/finetune/options} shows and
 * the server enforces, never a copy that could drift.
 */
public final class UploadFormSchema {

    private UploadFormSchema() {}

    /** @param options the served model's training fields; null before it is loaded (then only the task fields) */
    public static Schema of(FormOptions options) {
        Schema form = OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("Files (archive and/or images, manifest) and the task spec; the training fields are "
                        + "optional (left out: their default). GET /v1/finetune/options shows the same fields.");
        form.addProperty("archive", array(binary("a zip or tar.gz of images (and possibly the manifest)")));
        form.addProperty("images", array(binary("an image file, named as the manifest names it")));
        form.addProperty("manifest", binary("labels per file: CSV (file,label,...) or JSON"));
        Schema kind = OASFactory.createSchema().addType(SchemaType.STRING).description("what the head learns");
        SpecForm.KINDS.forEach(kind::addEnumeration);
        form.addProperty("kind", kind);
        form.addProperty(
                "head_name",
                OASFactory.createSchema()
                        .addType(SchemaType.STRING)
                        .description("the head's name; a name that exists gets its next version"));
        form.addProperty(
                "classes",
                OASFactory.createSchema()
                        .addType(SchemaType.STRING)
                        .description(
                                "label names, comma-separated (classification, multilabel, regression); 'labels' is "
                                        + "accepted as its alias; else taken from the manifest"));
        form.addProperty(FormOptions.POINTS.name(), field(FormOptions.POINTS));
        if (options != null) {
            options.all().forEach(option -> form.addProperty(option.name(), field(option)));
        }
        form.addRequired("kind");
        form.addRequired("head_name");
        return form;
    }

    /** One {@link FormOption} as a schema: its type, default, range or accepted values. */
    static Schema field(FormOption option) {
        Schema schema = OASFactory.createSchema().description(option.description());
        switch (option.type()) {
            case "integer" -> schema.addType(SchemaType.INTEGER).format("int32");
            case "number" -> schema.addType(SchemaType.NUMBER).format("double");
            case "boolean" -> schema.addType(SchemaType.BOOLEAN);
            default -> {
                schema.addType(SchemaType.STRING);
                option.values().forEach(schema::addEnumeration);
            }
        }
        if (option.min() != null) {
            schema.minimum(new BigDecimal(option.min().toString()));
        }
        if (option.max() != null) {
            schema.maximum(new BigDecimal(option.max().toString()));
        }
        if (option.defaultValue() != null) {
            schema.defaultValue(option.defaultValue());
        }
        return schema;
    }

    private static Schema binary(String description) {
        return OASFactory.createSchema()
                .addType(SchemaType.STRING)
                .format("binary")
                .description(description);
    }

    private static Schema array(Schema items) {
        return OASFactory.createSchema().addType(SchemaType.ARRAY).items(items);
    }
}
