package io.prosface.core.synthetic;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * Procedurally drawn faces with exact labels: 39 CelebA attributes, the expression and the 68 iBUG landmarks.
 *
 * <p>A face is a 3D point model (jaw, brows, nose, eyes and lips as dense curves, the landmarks sampled from them)
 * that is rotated (yaw ±40°, pitch ±20°, roll ±30°), projected with a weak-perspective camera and painted with
 * Java2D from the projected curves, so landmarks stay on the drawn features under any pose; points hidden by a
 * turned head are reported at their projected position, as in 300-W. A person (face structure, skin, hair, sex,
 * age, facial hair) comes from an identity seed, a photo (pose, framing, expression intensity, accessories,
 * make-up, light, background, occluders, blur, noise, JPEG artefacts) from a scene seed.
 *
 * <p>Deterministic: the same seeds give byte-identical pixels and identical labels (seeded {@code SplittableRandom}
 * streams only, fixed rendering hints). Thread-safe: instances hold only their settings.
 */
public final class SyntheticFaceGenerator {

    /** Pixels per face unit at scale 1, as a fraction of the image side (the face is about 46% of the width). */
    private static final double FACE_SCALE = 0.23;
    /** Image height fraction where the eye line sits at zero offset. */
    private static final double EYE_LINE = 0.44;

    private static final double[] HEAD_PIVOT = {0, 0.3, -0.4};
    private static final double[] BODY_PIVOT = {0, 2.0, -0.4};

    /** A face crop's scene is drawn at this multiple of the output size, so the crop is downsampled, never blown up. */
    private static final int FACE_CROP_OVERSAMPLING = 2;

    private final int imageSize;
    private final boolean clean;
    /** Null: the whole photo; else the margin of the face crop (see {@link #faceCrops}). */
    private final Float faceMargin;

    /** A generator with the full photo variation (backgrounds, occluders, light, blur, noise, JPEG). */
    public SyntheticFaceGenerator(int imageSize) {
        this(imageSize, false, null);
    }

    private SyntheticFaceGenerator(int imageSize, boolean clean, Float faceMargin) {
        if (imageSize < 16) {
            throw new IllegalArgumentException("imageSize must be at least 16 px: " + imageSize);
        }
        if (faceMargin != null && !(faceMargin >= 0 && faceMargin <= 1)) {
            throw new IllegalArgumentException("face margin must be in [0, 1]: " + faceMargin);
        }
        this.imageSize = imageSize;
        this.clean = clean;
        this.faceMargin = faceMargin;
    }

    /**
     * Face crops instead of whole photos: each photo is drawn at twice the size and cut the way the server cuts a
     * detected face ({@link CropTransform#around}: the square around the landmarks' box, {@code margin} of its longer
     * side added on every side), then resized to {@code imageSize}. Heads and backbones trained on these see faces
     * at the scale they are served at (a face fills about 70% of the input at margin 0.2, against 46% of a whole
     * photo), and the features that carry an expression are about 1.5 times larger in pixels. Landmarks are given in
     * the crop's pixels.
     */
    public static SyntheticFaceGenerator faceCrops(int imageSize, float margin) {
        return new SyntheticFaceGenerator(imageSize, false, margin);
    }

    /** This generator, drawing face crops with {@code margin} (null: whole photos). */
    public SyntheticFaceGenerator withFaceMargin(Float margin) {
        return new SyntheticFaceGenerator(imageSize, clean, margin);
    }

    /** The face crop margin, or empty when this generator draws whole photos. */
    public Optional<Float> faceMargin() {
        return Optional.ofNullable(faceMargin);
    }

    /**
     * A generator for tests and debugging: the same faces, poses and accessories, but on a plain
     * {@link #CLEAN_BACKGROUND_RGB} background without occluders, light gradient, blur, noise or compression.
     */
    public static SyntheticFaceGenerator clean(int imageSize) {
        return new SyntheticFaceGenerator(imageSize, true, null);
    }

    /** RGB of the clean generator's background. */
    public static final int CLEAN_BACKGROUND_RGB = PhotoPainter.CLEAN_BACKGROUND.getRGB() & 0xFFFFFF;

    public int imageSize() {
        return imageSize;
    }

    public boolean isClean() {
        return clean;
    }

    /** The seed of sample {@code index} of a data set: independent of every other index (parallel-safe). */
    public static long sampleSeed(long datasetSeed, long index) {
        return SyntheticRandom.derive(datasetSeed, index);
    }

    /** A face drawn entirely from one seed: person, expression (uniform over the 7) and photo. */
    public FaceSample render(long seed) {
        SyntheticRandom random = new SyntheticRandom(SyntheticRandom.derive(seed, 10));
        Expression expression = Expression.values()[random.nextInt(Expression.values().length)];
        return render(random.nextLong(), expression, random.nextLong(), String.format("synthetic-%016x", seed));
    }

    /** The person of {@code identitySeed} making {@code expression}, photographed as {@code sceneSeed} says. */
    public FaceSample render(long identitySeed, Expression expression, long sceneSeed) {
        return render(
                identitySeed,
                expression,
                sceneSeed,
                String.format("synthetic-%016x-%s-%016x", identitySeed, expression.label(), sceneSeed));
    }

    private FaceSample render(long identitySeed, Expression expression, long sceneSeed, String id) {
        FaceIdentity identity = FaceIdentity.sample(identitySeed);
        SceneSettings scene = SceneSettings.sample(sceneSeed, identity, clean);
        ExpressionShape shape =
                ExpressionShape.sample(expression, new SyntheticRandom(SyntheticRandom.derive(sceneSeed, 4)));
        FaceGeometry geometry = new FaceGeometry(identity, shape, scene.gazeX(), scene.gazeY());
        SceneSettings.Pose pose = scene.pose();
        int photoSize = faceMargin == null ? imageSize : imageSize * FACE_CROP_OVERSAMPLING;
        double pixelsPerUnit = FACE_SCALE * photoSize * pose.scale();
        double centerX = photoSize * (0.5 + pose.offsetX());
        double centerY = photoSize * (EYE_LINE + pose.offsetY());
        Projection head =
                new Projection(pose.yaw(), pose.pitch(), pose.roll(), HEAD_PIVOT, pixelsPerUnit, centerX, centerY);
        Projection body =
                new Projection(pose.yaw() * 0.3, 0, pose.roll() * 0.3, BODY_PIVOT, pixelsPerUnit, centerX, centerY);
        float[] landmarks = head.project(geometry.landmarks);

        BufferedImage image = new BufferedImage(photoSize, photoSize, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            applyHints(graphics);
            PhotoPainter.paintBackground(graphics, photoSize, scene.photo());
            FaceCanvas canvas = new FaceCanvas(graphics, identity, scene, geometry, head, body);
            paintPerson(canvas);
            PhotoPainter.paintOccluder(graphics, scene.photo(), bounds(landmarks), identity.skin());
            PhotoPainter.paintLight(graphics, photoSize, scene.photo());
        } finally {
            graphics.dispose();
        }
        image = degrade(image, photoSize, scene.photo(), sceneSeed);
        if (faceMargin != null) {
            CropTransform crop = CropTransform.around(FaceBox.enclosing(landmarks), faceMargin, imageSize);
            image = cut(image, crop);
            landmarks = crop.imageToInput(landmarks);
        }
        FaceLabels labels = new FaceLabels(
                SyntheticAttributes.of(identity, scene, geometry),
                expression,
                landmarks,
                identity.age(),
                identity.male() ? 0 : 1,
                null);
        return new FaceSample(id, image, labels);
    }

    /** Back to front: hair behind, body, neck, far ear, skull, near ear, face, features, then what lies on top. */
    private static void paintPerson(FaceCanvas canvas) {
        HairPainter.paintDrape(canvas);
        HeadPainter.paintBody(canvas);
        HeadPainter.paintNeck(canvas);
        AccessoryPainter.paintNeckwear(canvas);
        boolean turned = Math.abs(canvas.scene.pose().yaw()) > 0.2;
        for (int side = 0; side < 2; side++) {
            if (turned && canvas.farSide(side)) {
                paintEar(canvas, side);
            }
        }
        HairPainter.paintCap(canvas);
        for (int side = 0; side < 2; side++) {
            if (!(turned && canvas.farSide(side))) {
                paintEar(canvas, side);
            }
        }
        Path2D.Float face = HeadPainter.faceOutline(canvas);
        HeadPainter.paintFace(canvas, face);
        SkinDetailPainter.paint(canvas);
        FacialHairPainter.paint(canvas);
        FeaturePainter.paintEyes(canvas);
        FeaturePainter.paintBrows(canvas);
        FeaturePainter.paintNose(canvas);
        FacialHairPainter.paintMustache(canvas);
        FeaturePainter.paintMouth(canvas);
        HairPainter.paintBangs(canvas);
        AccessoryPainter.paintHat(canvas);
        AccessoryPainter.paintGlasses(canvas);
    }

    private static void paintEar(FaceCanvas canvas, int side) {
        HeadPainter.paintEar(canvas, side);
        AccessoryPainter.paintEarring(canvas, side);
    }

    private static BufferedImage degrade(
            BufferedImage image, int photoSize, SceneSettings.Photo photo, long sceneSeed) {
        ImageDegradation.blur(image, photo.blur() * photoSize / 128.0);
        ImageDegradation.noise(image, photo.noise(), SyntheticRandom.derive(sceneSeed, 5));
        return photo.jpegQuality() > 0 ? ImageDegradation.jpeg(image, photo.jpegQuality()) : image;
    }

    /** The crop's square of the photo, resized to the crop's output size (bicubic; black where it leaves the photo). */
    private static BufferedImage cut(BufferedImage photo, CropTransform crop) {
        BufferedImage out = new BufferedImage(crop.outputSize(), crop.outputSize(), BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = out.createGraphics();
        try {
            applyHints(graphics);
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            AffineTransform transform = AffineTransform.getScaleInstance(crop.scale(), crop.scale());
            transform.translate(-crop.left(), -crop.top());
            graphics.drawImage(photo, transform, null);
        } finally {
            graphics.dispose();
        }
        return out;
    }

    /** Fixed hints: antialiased, sub-pixel accurate geometry (pure strokes) so landmarks match pixels exactly. */
    static void applyHints(Graphics2D graphics) {
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        graphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        graphics.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.setRenderingHint(
                RenderingHints.KEY_ALPHA_INTERPOLATION, RenderingHints.VALUE_ALPHA_INTERPOLATION_QUALITY);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    }

    private static Rectangle2D bounds(float[] points) {
        float minX = Float.MAX_VALUE;
        float minY = Float.MAX_VALUE;
        float maxX = -Float.MAX_VALUE;
        float maxY = -Float.MAX_VALUE;
        for (int i = 0; i < points.length; i += 2) {
            minX = Math.min(minX, points[i]);
            maxX = Math.max(maxX, points[i]);
            minY = Math.min(minY, points[i + 1]);
            maxY = Math.max(maxY, points[i + 1]);
        }
        return new Rectangle2D.Float(minX, minY, maxX - minX, maxY - minY);
    }
}
