package io.prosface.training;

import io.prosface.core.eval.EvaluationProtocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Markdown tables of evaluation results: one table per (source, task); rows method/mode, columns budgets. */
final class ResultTables {

    private ResultTables() {}

    static String markdown(List<EvaluationProtocol.Result> results) {
        Map<String, List<EvaluationProtocol.Result>> byTable = new LinkedHashMap<>();
        for (EvaluationProtocol.Result result : results) {
            byTable.computeIfAbsent(result.source() + " · " + result.task(), key -> new ArrayList<>())
                    .add(result);
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, List<EvaluationProtocol.Result>> table : byTable.entrySet()) {
            List<EvaluationProtocol.Result> cells = table.getValue();
            EvaluationProtocol.Result first = cells.get(0);
            Set<String> budgets = new LinkedHashSet<>();
            Map<String, Integer> samples = new LinkedHashMap<>();
            Set<String> rows = new LinkedHashSet<>();
            for (EvaluationProtocol.Result cell : cells) {
                budgets.add(cell.budget());
                samples.put(cell.budget(), cell.trainSamples());
                rows.add(rowName(cell));
            }
            text.append("### ")
                    .append(table.getKey())
                    .append(" — ")
                    .append(first.metric())
                    .append(first.higherIsBetter() ? " (higher is better)" : " (lower is better)")
                    .append(", test n=")
                    .append(first.testSamples())
                    .append("\n\n| method | mode |");
            budgets.forEach(budget -> text.append(' ')
                    .append(budget)
                    .append(" (n=")
                    .append(samples.get(budget))
                    .append(") |"));
            text.append("\n|---|---|");
            budgets.forEach(budget -> text.append("---:|"));
            text.append('\n');
            for (String row : rows) {
                String[] parts = row.split("\u0000");
                text.append("| ")
                        .append(parts[0])
                        .append(" | ")
                        .append(parts[1])
                        .append(" |");
                for (String budget : budgets) {
                    String value = cells.stream()
                            .filter(cell ->
                                    rowName(cell).equals(row) && cell.budget().equals(budget))
                            .findFirst()
                            .map(cell -> String.format(Locale.ROOT, " %.4f |", cell.value()))
                            .orElse(" – |");
                    text.append(value);
                }
                text.append('\n');
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String rowName(EvaluationProtocol.Result cell) {
        String method = cell.method().equals("random init") && cell.mode().equals("fine-tune")
                ? "supervised from scratch"
                : cell.method();
        return method + "\u0000" + cell.mode();
    }
}
