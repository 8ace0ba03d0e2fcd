package io.vigil.model;

/** The ML verdict of one log: label, anomaly confidence 0-1, the deciding model, and whether it is an alert. */
public record Verdict(String label, double score, String model, boolean alert, String detail) {
}
