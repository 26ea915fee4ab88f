package io.prosface.training;

/** How {@code synth} frames its faces (the {@code --framing} values). */
public enum SyntheticFraming {
    /** The whole synthetic photo. */
    photo,
    /** The face cut around its landmarks' box with a margin, as the server cuts a detected face. */
    face
}
