/**
 * The synthetic-face renderer: {@link io.prosface.core.synthetic.SyntheticFaceGenerator} draws a face with known 68
 * landmarks, attributes and expression from a seed (identity, scene, painters for head, features, hair, facial hair,
 * skin detail and accessories, then photo degradation), and {@link io.prosface.core.synthetic.SyntheticDatasetWriter}
 * writes a labelled set to disk. Training (smoke runs, benchmarks), the load tests and the tests use it; the server
 * never does (an architecture test checks that), so it ships only as part of core.
 */
package io.prosface.core.synthetic;
