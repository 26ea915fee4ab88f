package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** synth → pretrain → heads → evaluate on tiny sizes: the command sequence that makes the default model. */
class EndToEndTest {

    @TempDir
    Path temp;

    @Test
    void synthPretrainHeadsEvaluate() throws Exception {
        Path unlabeled = temp.resolve("unlabeled");
        Path labeled = temp.resolve("labeled");
        Path run = temp.resolve("run");
        assertEquals(
                0,
                CommandRunner.run(
                                "synth", "--count", "16", "--size", "32", "--seed", "1", "--out", unlabeled.toString())
                        .exitCode());
        assertEquals(
                0,
                CommandRunner.run("synth", "--count", "40", "--size", "32", "--seed", "2", "--out", labeled.toString())
                        .exitCode());
        CommandRunner.Run pretrain = CommandRunner.run(
                "pretrain",
                "--recipe",
                "configs/micro-test.properties",
                "--data",
                unlabeled.resolve("images").toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--set",
                "max.steps=2");
        assertEquals(0, pretrain.exitCode(), pretrain.all());

        Path checkpoint = run.resolve("checkpoint");
        CommandRunner.Run heads = CommandRunner.run(
                "heads",
                "--checkpoint",
                checkpoint.toString(),
                "--labeled",
                labeled.toString(),
                "--epochs",
                "1",
                "--min-steps",
                "3");
        assertEquals(0, heads.exitCode(), heads.all());
        String config = Files.readString(checkpoint.resolve("config.json"));
        for (String head : new String[] {"attributes", "expression", "landmarks"}) {
            assertTrue(Files.isRegularFile(checkpoint.resolve("head-" + head + ".params")), head);
            assertTrue(config.contains("\"name\": \"" + head + "\""), config);
        }

        Path results = temp.resolve("eval");
        CommandRunner.Run evaluate = CommandRunner.run(
                "evaluate",
                "--checkpoint",
                "ProS=" + checkpoint,
                "--labeled",
                "synthetic=" + labeled,
                "--budgets",
                "2-shot,100%",
                "--modes",
                "linear,finetune",
                "--finetune-budgets",
                "2-shot",
                "--probe-epochs",
                "1",
                "--probe-min-steps",
                "3",
                "--finetune-epochs",
                "1",
                "--finetune-min-steps",
                "2",
                "--out",
                results.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.all());
        assertTrue(evaluate.out().contains("| supervised from scratch | fine-tune |"), evaluate.out());
        JsonObject json = JsonParser.parseString(Files.readString(results.resolve("results.json")))
                .getAsJsonObject();
        JsonArray cells = json.getAsJsonArray("results");
        // 2 methods x 3 tasks x (2 linear budgets + 1 fine-tune budget)
        assertEquals(18, cells.size());
        for (JsonElement cell : cells) {
            double value = cell.getAsJsonObject().get("value").getAsDouble();
            assertTrue(Double.isFinite(value) && value >= 0, cell.toString());
        }
    }
}
