package io.prosface.server;

import static io.restassured.RestAssured.given;

/** Reads values from the Prometheus endpoint. */
final class Metrics {

    private Metrics() {}

    static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Sum of all samples of {@code name} whose label text contains every one of {@code labelParts}. */
    static double value(String scrape, String name, String... labelParts) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean matches = true;
            for (String part : labelParts) {
                matches &= line.contains(part);
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
