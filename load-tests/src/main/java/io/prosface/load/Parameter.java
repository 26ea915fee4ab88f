package io.prosface.load;

/**
 * Every scenario parameter with its default. Scenario files hold only what differs; their header repeats this list
 * ({@code run.sh --parameters} prints it) and {@link Scenario} warns when a header has drifted from it.
 */
enum Parameter {
    MODEL_PATH(
            "model.path",
            "models/default",
            "checkpoint served and benchmarked; without config.json there, a random stand-in is used"),
    MODEL_STAND_IN(
            "model.stand-in",
            "vit_tiny_patch8_64",
            "architecture of the random stand-in, written to load-tests/target/stand-in-<arch>"),
    SERVER_PORT("server.port", "0", "HTTP + gRPC port of the started server; 0: a free port"),
    SERVER_MAX_BATCH_SIZE("server.max-batch-size", "8", "pros.inference.max-batch-size; also the ceiling's batch"),
    SERVER_MAX_QUEUE_DELAY("server.max-queue-delay", "5ms", "pros.inference.max-queue-delay"),
    SERVER_MAX_QUEUE_SIZE("server.max-queue-size", "64", "pros.inference.max-queue-size (429 beyond it)"),
    SERVER_WORKERS("server.workers", "0", "pros.inference.workers (0: 2 on a CPU of 2+ cores, as the server)"),
    SERVER_THREADS_PER_WORKER(
            "server.threads-per-worker",
            "0",
            "pros.inference.threads-per-worker (0: cores / workers); the ceiling runs this layout and 1 x cores"),
    SERVER_REFRAME_FACES(
            "server.reframe-faces",
            "true",
            "pros.inference.reframe-faces: a first landmark pass re-cuts each face; the ceiling then runs both passes"),
    SERVER_PRECISION("server.precision", "fp32", "pros.inference.precision (fp32 or int8); the ceiling stays fp32"),
    SERVER_JVM_OPTIONS("server.jvm-options", "-Xmx2g", "extra JVM options of the server, space-separated"),
    SERVER_START_TIMEOUT("server.start-timeout", "180s", "longest wait for /q/health/ready"),
    SERVER_WARMUP(
            "server.warmup",
            "12s",
            "unmeasured load once after start, shared by the protocols used (JIT of the serving path)"),
    IMAGE_SOURCE(
            "image.source",
            "synthetic",
            "synthetic (SyntheticFaceGenerator, drawn at run time) or a JPEG/PNG path, e.g. ../shared/data/..."),
    IMAGE_SIZE("image.size", "256", "side of the synthetic image in pixels"),
    IMAGE_SEED("image.seed", "7", "seed of the synthetic face"),
    IMAGE_BOX(
            "image.box",
            "landmarks",
            "face box sent with each request: landmarks (synthetic: box of its 68 points), x,y,w,h, or detect"),
    REQUEST_TASKS("request.tasks", "attributes,expression,landmarks,embedding", "tasks of every request"),
    REQUEST_DEADLINE("request.deadline", "30s", "client deadline: gRPC deadline, HTTP X-Timeout-Ms, wrk --timeout"),
    CLOSED_PROTOCOLS("closed.protocols", "grpc-unary,grpc-stream,http", "closed-loop protocols, in order"),
    CLOSED_CONCURRENCY("closed.concurrency", "1,4,16,64", "closed-loop steps: calls in flight"),
    CLOSED_WARMUP("closed.warmup", "3s", "unmeasured load before each closed-loop step"),
    CLOSED_DURATION("closed.duration", "15s", "measured time of each closed-loop step"),
    STREAM_FRAMES_IN_FLIGHT(
            "stream.frames-in-flight", "1", "frames each AnalyzeStream keeps in flight; streams = concurrency / this"),
    HTTP_CLIENT("http.client", "wrk", "closed-loop HTTP client: wrk (falls back to java when absent) or java"),
    OPEN_PROTOCOLS("open.protocols", "grpc-unary,grpc-stream,http", "open-loop protocols"),
    OPEN_RATES(
            "open.rates",
            "0.5x,0.9x",
            "open-loop target rates: req/s, or Nx = N times the protocol's best closed-loop ok/s in this run"),
    OPEN_STREAMS("open.streams", "4", "AnalyzeStream streams sharing the open-loop rate (round robin)"),
    OPEN_WARMUP("open.warmup", "3s", "unmeasured load before each open-loop step"),
    OPEN_DURATION("open.duration", "15s", "measured time of each open-loop step"),
    OPEN_MAX_OUTSTANDING(
            "open.max-outstanding",
            "2000",
            "client cap on calls in flight; a send beyond it counts as error client-overflow"),
    CEILING_ROUNDS("ceiling.rounds", "5", "in-process ceiling: timed rounds (best is kept), before and after"),
    CEILING_ROUND_TIME("ceiling.round-time", "2s", "in-process ceiling: length of one round"),
    OUTPUT_DIRECTORY("output.dir", "load-tests/target/report", "report.json, report.png, table.txt, server.log");

    final String key;
    final String defaultValue;
    final String description;

    Parameter(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The header block every scenario file starts with. */
    static String header() {
        StringBuilder text = new StringBuilder("# Parameters (key = default: meaning). A scenario sets only what "
                + "differs;\n# run.sh SCENARIO key=value ... overrides any of them.\n");
        for (Parameter parameter : values()) {
            text.append(
                    String.format("#   %s = %s: %s%n", parameter.key, parameter.defaultValue, parameter.description));
        }
        return text.toString();
    }

    static Parameter byKey(String key) {
        for (Parameter parameter : values()) {
            if (parameter.key.equals(key)) {
                return parameter;
            }
        }
        throw new IllegalArgumentException("unknown scenario parameter '" + key + "'; run.sh --parameters lists them");
    }
}
