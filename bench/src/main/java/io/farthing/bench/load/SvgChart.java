package io.farthing.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line-chart writer for the benchmark reports: panels stacked on one x axis (seconds of
 * the run), each with its own y axis (linear or log₁₀) and any number of series. Plain SVG 1.1
 * with no script and no external reference, so that it shows as an image in Markdown. A series'
 * missing value (NaN) is a gap: the line stops and starts again after it.
 */
public final class SvgChart {
  /** One value of a series; {@code y} NaN = nothing measured there. */
  public record Point(double x, double y) {}

  public record Series(String name, String colour, List<Point> points, double strokeWidth) {
    public Series {
      points = List.copyOf(points);
    }

    public Series(String name, String colour, List<Point> points) {
      this(name, colour, points, 1.5);
    }

    /** The points that have a value (the ones drawn). */
    public long drawn() {
      return points.stream().filter(p -> !Double.isNaN(p.y()) && !Double.isInfinite(p.y())).count();
    }
  }

  public record Panel(String title, String unit, boolean logY, List<Series> series) {
    public Panel {
      series = List.copyOf(series);
    }
  }

  /** Colours told apart by most eyes, in order of use. */
  public static final List<String> PALETTE =
      List.of("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f");

  private static final int LEFT = 70;
  private static final int RIGHT = 180;
  private static final int TITLE_LINE = 18;
  private static final int GAP = 50;
  private static final int BOTTOM = 40;

  private SvgChart() {}

  /**
   * @param width the whole image, in pixels
   * @param panelHeight each panel's plotting area, in pixels
   */
  public static String render(String title, String xLabel, List<Panel> panels, int width, int panelHeight) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("a chart needs at least one panel");
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    for (Panel p : panels) {
      for (Series s : p.series()) {
        for (Point pt : s.points()) {
          xMin = Math.min(xMin, pt.x());
          xMax = Math.max(xMax, pt.x());
        }
      }
    }
    if (xMin > xMax) {
      xMin = 0;
      xMax = 1;
    }
    if (xMax == xMin) {
      xMax = xMin + 1;
    }
    int plotWidth = width - LEFT - RIGHT;
    // The title's lines (split at newlines), then each panel with its own heading above it.
    String[] titleLines = title.split("\n");
    int top0 = 10 + titleLines.length * TITLE_LINE + 22;
    int height = top0 + panels.size() * panelHeight + (panels.size() - 1) * GAP + BOTTOM;
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
            + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
        width, height, width, height));
    out.append("<title>").append(escape(String.join(" — ", titleLines))).append("</title>\n");
    out.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
    for (int i = 0; i < titleLines.length; i++) {
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s>%s</text>%n",
          LEFT, 10 + (i + 1) * TITLE_LINE - 4, i == 0 ? 14 : 12, i == 0 ? " font-weight=\"bold\"" : "", escape(titleLines[i])));
    }
    for (int i = 0; i < panels.size(); i++) {
      int top = top0 + i * (panelHeight + GAP);
      panel(out, panels.get(i), top, plotWidth, panelHeight, xMin, xMax, i == panels.size() - 1 ? xLabel : null);
    }
    out.append("</svg>\n");
    return out.toString();
  }

  private static void panel(StringBuilder out, Panel panel, int top, int plotWidth, int plotHeight,
      double xMin, double xMax, String xLabel) {
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : panel.series()) {
      for (Point p : s.points()) {
        if (drawable(p.y(), panel.logY())) {
          yMin = Math.min(yMin, p.y());
          yMax = Math.max(yMax, p.y());
        }
      }
    }
    if (yMin > yMax) {
      yMin = panel.logY() ? 1 : 0;
      yMax = panel.logY() ? 10 : 1;
    }
    double lo;
    double hi;
    List<Double> ticks = new ArrayList<>();
    if (panel.logY()) {
      lo = Math.pow(10, Math.floor(Math.log10(yMin)));
      hi = Math.pow(10, Math.ceil(Math.log10(yMax)));
      if (hi <= lo) {
        hi = lo * 10;
      }
      for (double decade = lo; decade <= hi * 1.0001; decade *= 10) {
        for (int m : new int[] {1, 2, 5}) {
          double t = decade * m;
          if (t <= hi * 1.0001) {
            ticks.add(t);
          }
        }
      }
    } else {
      lo = Math.min(0, yMin);
      double step = niceStep((Math.max(yMax, lo + 1e-9) - lo) / 5);
      hi = Math.ceil(yMax / step) * step;
      if (hi <= lo) {
        hi = lo + step;
      }
      for (double t = lo; t <= hi + step / 1e6; t += step) {
        ticks.add(t);
      }
    }
    double yLo = lo;
    double yHi = hi;
    java.util.function.DoubleUnaryOperator sx = x -> LEFT + (x - xMin) / (xMax - xMin) * plotWidth;
    java.util.function.DoubleUnaryOperator sy = panel.logY()
        ? y -> top + plotHeight - (Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo)) * plotHeight
        : y -> top + plotHeight - (y - yLo) / (yHi - yLo) * plotHeight;

    out.append(String.format(Locale.ROOT, "<g class=\"panel\">%n<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
        LEFT, top - 8, escape(panel.title() + (panel.unit().isEmpty() ? "" : " (" + panel.unit() + (panel.logY() ? ", log scale" : "") + ")"))));
    out.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444444\"/>%n", LEFT, top, plotWidth, plotHeight));
    for (double t : ticks) {
      double y = sy.applyAsDouble(t);
      out.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
              + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, LEFT + plotWidth, y, LEFT - 5, y + 4, label(t)));
    }
    double xStep = niceStep((xMax - xMin) / 8);
    for (double t = Math.ceil(xMin / xStep) * xStep; t <= xMax + xStep / 1e6; t += xStep) {
      double x = sx.applyAsDouble(t);
      out.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444444\"/>"
              + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, top + plotHeight, x, top + plotHeight + 4, x, top + plotHeight + 16, label(t)));
    }
    if (xLabel != null) {
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          LEFT + plotWidth / 2, top + plotHeight + 32, escape(xLabel)));
    }
    int legendY = top + 12;
    for (Series s : panel.series()) {
      out.append(String.format(Locale.ROOT, "<g class=\"series\" data-name=\"%s\">%n", escape(s.name())));
      List<Point> run = new ArrayList<>();
      for (Point p : s.points()) {
        if (drawable(p.y(), panel.logY())) {
          run.add(p);
        } else {
          line(out, run, s.colour(), s.strokeWidth(), sx, sy);
          run.clear();
        }
      }
      line(out, run, s.colour(), s.strokeWidth(), sx, sy);
      out.append("</g>\n");
      out.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%.1f\"/>"
              + "<text x=\"%d\" y=\"%d\">%s</text>%n",
          LEFT + plotWidth + 10, legendY - 4, LEFT + plotWidth + 30, legendY - 4, escape(s.colour()), Math.max(2, s.strokeWidth()),
          LEFT + plotWidth + 35, legendY, escape(s.name())));
      legendY += 16;
    }
    out.append("</g>\n");
  }

  /** One unbroken stretch of a series: a polyline, and a dot when it is a single point. */
  private static void line(StringBuilder out, List<Point> run, String colour, double strokeWidth,
      java.util.function.DoubleUnaryOperator sx, java.util.function.DoubleUnaryOperator sy) {
    if (run.isEmpty()) {
      return;
    }
    out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" points=\"",
        escape(colour), strokeWidth));
    for (int i = 0; i < run.size(); i++) {
      Point p = run.get(i);
      out.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", sx.applyAsDouble(p.x()), sy.applyAsDouble(p.y())));
    }
    out.append("\"/>\n");
    if (run.size() == 1) {
      Point p = run.getFirst();
      out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>%n",
          sx.applyAsDouble(p.x()), sy.applyAsDouble(p.y()), escape(colour)));
    }
  }

  private static boolean drawable(double y, boolean logY) {
    return !Double.isNaN(y) && !Double.isInfinite(y) && (!logY || y > 0);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double decade = Math.pow(10, Math.floor(Math.log10(raw)));
    for (int m : new int[] {1, 2, 5, 10}) {
      if (decade * m >= raw) {
        return decade * m;
      }
    }
    return decade * 10;
  }

  private static String label(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
