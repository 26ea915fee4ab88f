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
 *
 * <h2>Glossary: the types named *Head*</h2>
 * "Head" means three things here: the head a backbone is pretrained with (ProS, or DINO in the ablation), the small
 * task heads fine-tuned on the teacher's features, and the server's published and served versions of those task heads.
 * The server's types (package {@code io.prosface.server}) and those of the {@code training} module are named, not
 * linked: this module cannot see them.
 *
 * <h3>Pretraining heads (ProS, DINO)</h3>
 * <ul>
 *   <li>{@link io.prosface.core.model.ProsHead}: the ProS head h = prototypes ∘ projection: class token → cosine
 *       similarities with K prototypes, which the self-distillation loss turns into distributions over prototypes. Its
 *       DINO preset ({@link io.prosface.core.model.ProsHeadConfig#dino}, {@code normLastLayer=false}; the ablation,
 *       {@code loss=dino} in a recipe) ends in a plain linear layer of K outputs whose rows are not L2-normalised
 *       (logits, not cosines); pretraining only, a checkpoint keeps just the backbone of such a run.</li>
 *   <li>{@link io.prosface.core.model.ProjectionHead}: the projection MLP g of DINO/ProS, its output L2-normalised onto
 *       the unit sphere.</li>
 *   <li>{@link io.prosface.core.train.BackboneWithHead}: one self-distillation network, the ViT backbone followed by
 *       the ProS or DINO head: images (B,3,S,S) → scores (B,K).</li>
 * </ul>
 *
 * <h3>Task heads (built in and generic)</h3>
 * <ul>
 *   <li>{@link io.prosface.core.model.TaskHead}: a small head fine-tuned on the teacher's features, on
 *       {@code NDList(classToken, patchTokens)}; the shape of its output depends on its kind.</li>
 *   <li>{@link io.prosface.core.model.HeadKind}: what a task head predicts: attributes, expression, landmarks, or
 *       user-defined classes, multi-label tags or real values (regression).</li>
 *   <li>{@link io.prosface.core.model.GenericHead}: a task head for any kind (a linear probe on the pooled features,
 *       soft-argmax landmarks on the patch tokens); few-shot jobs build one, the three built-in heads below are its
 *       named specialisations.</li>
 *   <li>{@link io.prosface.core.model.AttributeHead}: face attributes (CelebA's names) as independent yes/no logits
 *       (B,A).</li>
 *   <li>{@link io.prosface.core.model.ExpressionHead}: the 7 basic expressions, logits (B,7).</li>
 *   <li>{@link io.prosface.core.model.LandmarkHead}: K facial landmarks (68 for iBUG) from the patch tokens, (x,y) in
 *       [0,1].</li>
 *   <li>{@code io.prosface.core.model.onnx.HeadOutputs}: the task heads in ONNX, each followed by the server's
 *       post-processing, its last node (the graph output) named after the head.</li>
 *   <li>{@link io.prosface.core.train.MultiTaskFineTuning.Heads}: the four heads (attributes, expression, landmarks,
 *       age) that end-to-end multi-task fine-tuning trains with the backbone.</li>
 *   <li>{@link io.prosface.core.eval.HeadTrainer}: trains a task head in the evaluation protocol's modes: linear probe
 *       on the frozen backbone, last k blocks unfrozen, or end-to-end fine-tuning.</li>
 *   <li>{@code io.prosface.training.HeadsCommand}: the {@code heads} command of the {@code training} module: trains the
 *       attribute, expression and landmark heads on a checkpoint's backbone and stores them in it.</li>
 *   <li>{@link io.prosface.core.eval.HeadFitting}: the one way a task head is fitted (few-shot jobs, the {@code heads}
 *       command, the evaluation): features or prefix tokens cached once, standardised, the head (and its tail) trained,
 *       the scaling folded into it, metrics from {@link io.prosface.core.train.TaskMetrics}.</li>
 * </ul>
 *
 * <h3>Head artifacts and configs</h3>
 * <ul>
 *   <li>{@link io.prosface.core.model.ProsHeadConfig}: sizes of the ProS head (projection MLP widths, number of
 *       prototypes K).</li>
 *   <li>{@link io.prosface.core.model.HeadConfig}: identity and outputs of one task head as stored in a checkpoint
 *       (name, version, kind, label names, tail blocks).</li>
 *   <li>{@link io.prosface.core.model.HeadArtifact}: one task head published on its own (a few-shot job's result):
 *       {@code head.json}, its parameters, an optional backbone tail and {@code SHA256SUMS}; loading verifies the
 *       checksums and refuses a head trained on another backbone.</li>
 * </ul>
 *
 * <h3>Serving side (the server: registry, selection, store, metrics, API)</h3>
 * <ul>
 *   <li>{@code io.prosface.server.inference.registry.HeadSelector}: a client's choice of head, {@code name} (the
 *       current version) or {@code name@vN}.</li>
 *   <li>{@code io.prosface.server.inference.registry.HeadChoice}: a head the client picked, with the task it is meant
 *       for.</li>
 *   <li>{@code io.prosface.server.inference.analysis.HeadResolution}: turns a request's head choices into retained
 *       heads, one per requested task that needs a head.</li>
 *   <li>{@code io.prosface.server.inference.registry.HeadId}: a resolved head, name and version number
 *       ({@code name@vN}).</li>
 *   <li>{@code io.prosface.server.inference.registry.LoadedHead}: one version of a head in the model registry,
 *       reference counted (by the registry while it is current, by each batch that uses it) and freed with its last
 *       reference.</li>
 *   <li>{@code io.prosface.server.inference.registry.HeadMeters}: per-head serving metrics, labelled model, head and
 *       version.</li>
 *   <li>{@code io.prosface.server.finetune.heads.HeadStore}: head artifacts in the database, published in two
 *       transactions so a replica sees a complete, checksummed head or none.</li>
 *   <li>{@code io.prosface.server.finetune.heads.HeadRecord}: a published head version as stored, without its
 *       bytes.</li>
 *   <li>{@code io.prosface.server.finetune.heads.HeadCatalog}: keeps a replica's model registry in step with the
 *       published heads (loads new versions, follows promotions, drops deleted ones).</li>
 *   <li>{@code io.prosface.server.finetune.heads.HeadView}: a head as the management APIs list it, stored few-shot
 *       versions and built-in heads alike.</li>
 *   <li>{@code io.prosface.server.http.FaceJson.HeadRef}: a head (name and version) in an analysis answer.</li>
 *   <li>{@code io.prosface.server.http.FaceJson.ResolvedHead}: the head that answered one task of an analysis.</li>
 *   <li>{@code io.prosface.server.http.FineTuneJson.Head}: a head version in the fine-tuning REST API, with whether
 *       this replica serves it.</li>
 *   <li>{@code io.prosface.server.http.FineTuneJson.HeadPage}: one page of the head listing of the fine-tuning REST
 *       API.</li>
 * </ul>
 *
 * <p>Not a model head: {@code io.prosface.core.synthetic.HeadPainter} paints the large surfaces of a synthetic face's
 * head (clothes, neck, ears, skin).
 */
package io.prosface.core.model;
