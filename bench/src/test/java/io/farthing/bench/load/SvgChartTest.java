package io.farthing.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG the benchmark reports embed: well-formed, one drawn point per value, gaps left open. */
class SvgChartTest {
  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** Points drawn per series (by its data-name), counted from the polylines' coordinates. */
  private static Map<String, Integer> drawnPoints(Document doc) {
    Map<String, Integer> out = new LinkedHashMap<>();
    NodeList groups = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (!"series".equals(g.getAttribute("class"))) {
        continue;
      }
      NodeList lines = g.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
      int points = 0;
      for (int j = 0; j < lines.getLength(); j++) {
        String coords = ((Element) lines.item(j)).getAttribute("points").trim();
        for (String pair : coords.split(" ")) {
          String[] xy = pair.split(",");
          assertEquals(2, xy.length, "coordinate pair " + pair);
          Double.parseDouble(xy[0]);
          Double.parseDouble(xy[1]);
          points++;
        }
      }
      out.merge(g.getAttribute("data-name"), points, Integer::sum);
    }
    return out;
  }

  @Test
  void writesWellFormedSvgWithOnePointPerValue() throws Exception {
    List<SvgChart.Point> p50 = new ArrayList<>();
    List<SvgChart.Point> p99 = new ArrayList<>();
    for (int t = 1; t <= 60; t++) {
      p50.add(new SvgChart.Point(t, 5 + t % 7));
      p99.add(new SvgChart.Point(t, 40 + t));
    }
    String svg = SvgChart.render("mix <open> & \"quoted\"\nsecond line", "seconds",
        List.of(new SvgChart.Panel("latency", "ms", true,
                List.of(new SvgChart.Series("p50", "#1f77b4", p50), new SvgChart.Series("p99 & more", "#d62728", p99))),
            new SvgChart.Panel("rate", "calls/s", false, List.of(new SvgChart.Series("ok", "#2ca02c", p50)))),
        900, 300);
    Document doc = parse(svg);
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertEquals("mix <open> & \"quoted\" — second line",
        doc.getDocumentElement().getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent());
    Map<String, Integer> drawn = drawnPoints(doc);
    assertEquals(Map.of("p50", 60, "p99 & more", 60, "ok", 60), drawn);
  }

  @Test
  void aMissingValueIsAGapNotAZero() throws Exception {
    List<SvgChart.Point> points = List.of(new SvgChart.Point(1, 10), new SvgChart.Point(2, 12),
        new SvgChart.Point(3, Double.NaN), new SvgChart.Point(4, 11), new SvgChart.Point(5, Double.NaN),
        new SvgChart.Point(6, 9), new SvgChart.Point(7, 0));
    SvgChart.Series series = new SvgChart.Series("p99", "#000000", points);
    String svg = SvgChart.render("gaps", "s", List.of(new SvgChart.Panel("latency", "ms", true, List.of(series))), 600, 200);
    Document doc = parse(svg);
    // 0 cannot be drawn on a log scale: 4 points with a value, in three stretches.
    assertEquals(4, drawnPoints(doc).get("p99"));
    assertEquals(3, doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").getLength());
    assertEquals(5, series.drawn(), "NaN is missing; 0 is a value (drawn on a linear axis)");
    String linear = SvgChart.render("gaps", "s", List.of(new SvgChart.Panel("n", "", false, List.of(series))), 600, 200);
    assertEquals(5, drawnPoints(parse(linear)).get("p99"));
  }

  @Test
  void everyPointLiesInsideItsPanel() throws Exception {
    List<SvgChart.Point> points = new ArrayList<>();
    for (int t = 0; t < 100; t++) {
      points.add(new SvgChart.Point(t, Math.pow(10, t % 5)));
    }
    String svg = SvgChart.render("range", "s",
        List.of(new SvgChart.Panel("latency", "ms", true, List.of(new SvgChart.Series("max", "#000000", points)))), 800, 250);
    Document doc = parse(svg);
    Element frame = null;
    NodeList rects = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
    for (int i = 0; i < rects.getLength(); i++) {
      if ("none".equals(((Element) rects.item(i)).getAttribute("fill"))) {
        frame = (Element) rects.item(i);
      }
    }
    double left = Double.parseDouble(frame.getAttribute("x"));
    double top = Double.parseDouble(frame.getAttribute("y"));
    double right = left + Double.parseDouble(frame.getAttribute("width"));
    double bottom = top + Double.parseDouble(frame.getAttribute("height"));
    assertEquals(250, bottom - top, "the panel is as high as asked");
    Element line = (Element) doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").item(0);
    for (String pair : line.getAttribute("points").split(" ")) {
      double x = Double.parseDouble(pair.split(",")[0]);
      double y = Double.parseDouble(pair.split(",")[1]);
      assertTrue(x >= left && x <= right, "x " + x);
      assertTrue(y >= top && y <= bottom, "y " + y);
    }
  }

  @Test
  void refusesAChartWithoutPanels() {
    assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "s", List.of(), 600, 200));
  }

  @Test
  void theLatencyChartDrawsEverySecondThatHadAnAnswer() throws Exception {
    List<Map<String, Object>> perSecond = new ArrayList<>();
    for (int t = 1; t <= 30; t++) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("t", (double) t);
      s.put("ok", t == 10 ? 0L : 50L);
      s.put("errors", t == 10 ? 3L : 0L);
      s.put("p50Micros", 20_000L);
      s.put("p99Micros", 90_000L);
      s.put("maxMicros", 150_000L);
      perSecond.add(s);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("perSecond", perSecond);
    report.put("latencyMeasuredFrom", "intended send time");
    report.put("byOperation", Map.of("refund", Map.of("perSecond", perSecond.subList(0, 20))));
    Map<String, Integer> drawn = drawnPoints(parse(LatencyChart.svg("open-mix-60", report)));
    assertEquals(29, drawn.get("all p50"), "second 10 had no answer");
    assertEquals(29, drawn.get("all p99"));
    assertEquals(19, drawn.get("refund p99"));
    assertEquals(30, drawn.get("answered/s"), "a second without answers is a 0 on the rate panel");
    assertEquals(30, drawn.get("errors/s"));
  }
}
