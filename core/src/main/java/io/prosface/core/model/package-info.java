/**
 * The ProS face model: a Vision Transformer backbone, the ProS self-distillation head and small task heads, plus the
 * checkpoint format that carries them. Pure DJL; runs on any engine DJL runs, tuned on PyTorch.
 *
 * <h2>Blocks</h2>
 * <ul>
 *   <li>{@link io.prosface.core.model.VisionTransformer}: {@code NDList(images (B,3,S,S))} →
 *       {@code NDList(classToken (B,D), patchTokens (B,N,D))}; built from {@link
 *       io.prosface.core.model.PatchEmbedding}, {@link io.prosface.core.model.TransformerBlock} ({@link
 *       io.prosface.core.model.SelfAttention}, {@link io.prosface.core.model.MultiLayerPerceptron}).</li>
 *   <li>{@link io.prosface.core.model.ProsHead} = {@link io.prosface.core.model.ProjectionHead} + {@link
 *       io.prosface.core.model.Prototypes}: class token → cosine similarities (B,K); its DINO preset ({@link
 *       io.prosface.core.model.ProsHeadConfig#dino}, the {@code loss=dino} ablation) ends in a plain linear layer
 *       instead, giving logits.</li>
 *   <li>The same forward in parts ({@code embed}, {@code runBlocks}, {@code finish}): a {@link
 *       io.prosface.core.model.BackboneTail} is a head's own copy of the last k blocks + final norm, reading the
 *       shared tokens at depth L - k; {@link io.prosface.core.model.BackbonePass} runs the shared prefix once and
 *       keeps the token states the tails of a batch need.</li>
 *   <li>{@link io.prosface.core.model.TaskHead}s on {@code NDList(classToken, patchTokens)}: attributes,
 *       expression, landmarks and {@link io.prosface.core.model.GenericHead} for few-shot jobs.</li>
 * </ul>
 *
 * <h2>Checkpoint directory</h2>
 * <pre>
 * config.json              architecture, preprocessing, ProS head sizes, heads (name, version, kind, labels), recipe
 * backbone.params          VisionTransformer parameters (DJL format; parameter names pinned by tests)
 * pros-head.params         optional ProS head
 * head-&lt;name&gt;.params       one file per task head
 * SHA256SUMS               sha256sum-compatible list of all of the above
 * </pre>
 * A published single head is a directory with {@code head.json}, {@code head-<name>.params} and {@code SHA256SUMS}
 * ({@link io.prosface.core.model.HeadArtifact}), plus {@code tail-<name>.params} when the head was trained with the
 * last k blocks ({@code "tailBlocks": k} in head.json).
 *
 * <h2>Memory</h2>
 * Every array a forward pass creates belongs to the manager of its input; parameters stay in the manager the blocks
 * were initialised or loaded with. Close the per-batch manager after reading the outputs.
 */
package io.prosface.core.model;
