package io.prosface.training;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the offline CLI: synth, pretrain, heads, curate, evaluate, bench, export-onnx. */
@Command(
        name = "pros-train",
        mixinStandardHelpOptions = true,
        version = "pros-train 0.1.0",
        description = {
            "Offline ProS Face training: synthetic data, self-distillation pretraining, task heads,",
            "face-aware curation, downstream evaluation and benchmarks. `pros-train <command> --help` for each."
        },
        subcommands = {
            SynthCommand.class,
            PretrainCommand.class,
            HeadsCommand.class,
            FinetuneCommand.class,
            CurateCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            ExportOnnxCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setUsageHelpWidth(120);
        // the recipe keys are pretrain's real options: list them with defaults and recommended ranges
        commandLine
                .getSubcommands()
                .get("pretrain")
                .getCommandSpec()
                .usageMessage()
                .footer(
                        "%nRecipe keys (default value, then what it does and the recommended [range]):",
                        io.prosface.training.recipe.RecipeProperties.reference().replace("%", "%%"));
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            // a clear one-line message for expected failures (bad recipe, diverged loss, missing data);
            // the stack trace only where it helps, i.e. for bugs
            line.getErr().println("error: " + exception.getMessage());
            if (!(exception instanceof IllegalArgumentException || exception instanceof IllegalStateException)) {
                exception.printStackTrace(line.getErr());
            }
            return 1;
        });
        return commandLine.execute(args);
    }
}
