package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;

/** A face to run: the box to crop around (decoded pixels) and what to report (full-size upright pixels). */
record Candidate(FaceBox cropBox, FaceBox reportedBox, boolean detected, float score) {}
