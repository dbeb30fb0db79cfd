package io.mxray.app;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Charts as inline SVG: drawn here, so a report needs no script and no network to be read. */
final class Svg {
    private Svg() {
    }

    /** One bar: a label, a count, a colour. */
    record Bar(String label, long count, String color) {
    }

    static final String[] PALETTE = {"#2b8a3e", "#5c940d", "#e67700", "#c92a2a", "#1864ab", "#862e9c", "#495057",
        "#0b7285", "#a61e4d", "#5f3dc4"};

    /** Colours that mean the same across charts. */
    static String color(String value, int index) {
        return switch (value) {
            case "secure", "all", "verified", "ca-valid", "valid", "deliver" -> "#2b8a3e";
            case "some", "trusted", "dane-only", "ca-name-mismatch" -> "#5c940d";
            case "insecure", "none", "untrusted", "self-signed", "untrusted-issuer" -> "#e67700";
            case "bogus", "defer", "expired", "not-yet-valid", "mismatch" -> "#c92a2a";
            case "n/a", "indeterminate", "unvalidated", "bounce" -> "#868e96";
            default -> PALETTE[index % PALETTE.length];
        };
    }

    /** A horizontal bar chart with each bar's count and share of the total. */
    static String bars(String id, String title, List<Bar> bars) {
        int row = 28;
        int labelWidth = 170;
        int barWidth = 420;
        int height = 40 + row * Math.max(1, bars.size());
        long total = bars.stream().mapToLong(Bar::count).sum();
        long max = bars.stream().mapToLong(Bar::count).max().orElse(1);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">", id, labelWidth + barWidth + 150, height,
                labelWidth + barWidth + 150, height));
        b.append("<title>").append(Html.escape(title)).append("</title>");
        b.append("<text x=\"0\" y=\"18\" class=\"chart-title\">").append(Html.escape(title)).append("</text>");
        if (bars.isEmpty()) {
            b.append("<text x=\"0\" y=\"50\" class=\"label\">no data</text>");
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = 32 + i * row;
            int w = max == 0 ? 0 : (int) Math.max(bar.count() > 0 ? 2 : 0, Math.round((double) barWidth * bar.count() / max));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">%s</text>",
                    labelWidth - 8, y + 15, Html.escape(bar.label())));
            b.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" "
                    + "fill=\"%s\"><title>%s: %d</title></rect>", labelWidth, y, w, bar.color(),
                    Html.escape(bar.label()), bar.count()));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"value\">%,d (%.1f%%)</text>",
                    labelWidth + w + 6, y + 15, bar.count(), total == 0 ? 0.0 : 100.0 * bar.count() / total));
        }
        return b.append("</svg>").toString();
    }

    /** A line chart of shares (percent) over scans. */
    static String lines(String id, String title, List<String> xLabels, Map<String, List<Double>> series) {
        int width = 720;
        int height = 300;
        int left = 50;
        int right = 170;
        int top = 30;
        int bottom = 50;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">", id, width, height, width, height));
        b.append("<title>").append(Html.escape(title)).append("</title>");
        b.append("<text x=\"0\" y=\"18\" class=\"chart-title\">").append(Html.escape(title)).append("</text>");
        for (int p = 0; p <= 100; p += 25) {
            double y = top + plotH - plotH * p / 100.0;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" class=\"label\" text-anchor=\"end\">%d%%</text>", left, y,
                    left + plotW, y, left - 6, y + 4, p));
        }
        int n = xLabels.size();
        for (int i = 0; i < n; i++) {
            double x = n == 1 ? left + plotW / 2.0 : left + plotW * i / (double) (n - 1);
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"label\" text-anchor=\"middle\">%s"
                    + "</text>", x, top + plotH + 18, Html.escape(xLabels.get(i))));
        }
        int k = 0;
        for (Map.Entry<String, List<Double>> s : series.entrySet()) {
            String color = color(s.getKey(), k * 3);
            StringBuilder points = new StringBuilder();
            List<Double> values = s.getValue();
            for (int i = 0; i < values.size(); i++) {
                double x = n == 1 ? left + plotW / 2.0 : left + plotW * i / (double) (n - 1);
                double y = top + plotH - plotH * values.get(i) / 100.0;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y,
                        color));
            }
            b.append(String.format(Locale.ROOT, "<polyline class=\"line\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2\" points=\"%s\"/>", color, points.toString().strip()));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" class=\"label\">%s</text>", left + plotW + 10, top + 4 + 18 * k, color,
                    left + plotW + 28, top + 14 + 18 * k, Html.escape(s.getKey())));
            k++;
        }
        return b.append("</svg>").toString();
    }
}
