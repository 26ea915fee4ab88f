package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;
import io.prosface.server.error.ServingException;

/**
 * Checks a face box sent by a client (either API). A box may reach past the image border (the crop pads with black),
 * but it needs a finite position and a positive size, and must overlap the image (checked once the image is decoded).
 */
public final class ClientBoxes {

    private ClientBoxes() {}

    public static FaceBox checked(float x, float y, float width, float height) {
        if (!(width > 0)
                || !(height > 0)
                || !Float.isFinite(x)
                || !Float.isFinite(y)
                || !Float.isFinite(width)
                || !Float.isFinite(height)) {
            throw ServingException.invalidArgument("box needs a finite x, y and a positive width, height; got x=" + x
                    + " y=" + y + " width=" + width + " height=" + height);
        }
        return new FaceBox(x, y, width, height);
    }
}
