package io.prosface.training;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs CLI command lines in this JVM and captures what they print. */
final class CommandRunner {

    /** Exit code and captured standard output and error. */
    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private CommandRunner() {}

    static synchronized Run run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            code = Main.run(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        // keep the output visible in the surefire report
        originalOut.println("$ pros-train " + String.join(" ", args) + "\n" + run.out() + run.err());
        return run;
    }
}
