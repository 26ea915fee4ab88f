package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;
import io.prosface.detect.FaceDetector;
import io.prosface.detect.LandmarkSquare;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The server's face finder: the same OpenCV detector the offline curation uses. Thread-safe (it pools cascades).
 * Created at start ({@link Startup}) so that loading OpenCV does not delay the first request.
 */
@Startup
@ApplicationScoped
public class DetectorFaceFinder implements FaceFinder {

    private static final Logger LOG = Logger.getLogger(DetectorFaceFinder.class);

    private FaceDetector detector;

    @PostConstruct
    void start() {
        detector = new FaceDetector();
        LOG.infof("face detector: OpenCV %s Haar cascade, %s", FaceDetector.openCvVersion(), detector.settings());
    }

    @PreDestroy
    void stop() {
        detector.close();
    }

    @Override
    public List<DetectedFace> find(BufferedImage image, int maxFaces) {
        return detector.detect(image, maxFaces).stream()
                .map(box -> {
                    LandmarkSquare square = LandmarkSquare.of(box);
                    return new DetectedFace(
                            new FaceBox(box.x(), box.y(), box.width(), box.height()),
                            new FaceBox((float) square.x(), (float) square.y(), (float) square.side(), (float)
                                    square.side()),
                            box.neighbours());
                })
                .toList();
    }
}
