package io.farthing.e2e.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the services logged from a mark on: a test that sends bad input checks that none of it
 * made a service log an error or a stack trace (bad input is the caller's fault, answered and
 * done; an ERROR is for an operator to act on).
 */
public final class ServiceLogs {
  /** A stack frame (plain format), a "Caused by", or a JSON or plain line at level ERROR. */
  private static final Pattern TROUBLE = Pattern.compile(
      "^\\s+at [\\w$.]+\\(|^Caused by: |\"level\":\"(ERROR|FATAL)\"|^\\S+ \\S+ (ERROR|FATAL) ");

  private final Map<ServiceProcess, Long> marks = new LinkedHashMap<>();

  /** Marks where each service's log ends now. */
  public ServiceLogs(List<ServiceProcess> services) {
    for (ServiceProcess service : services) {
      marks.put(service, size(service));
    }
  }

  /** The lines logged since the mark that show an error or a stack trace, each named by service. */
  public List<String> troubleSinceMark() {
    List<String> found = new ArrayList<>();
    marks.forEach((service, from) -> {
      for (String line : linesSince(service, from)) {
        if (TROUBLE.matcher(line).find()) {
          found.add(service.name() + ": " + FuzzProbe.shorten(line));
        }
      }
    });
    return found;
  }

  private static long size(ServiceProcess service) {
    try {
      return Files.exists(service.log()) ? Files.size(service.log()) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> linesSince(ServiceProcess service, long from) {
    if (!Files.exists(service.log())) {
      return List.of();
    }
    try (RandomAccessFile file = new RandomAccessFile(service.log().toFile(), "r")) {
      long length = file.length();
      if (length <= from) {
        return List.of();
      }
      byte[] appended = new byte[(int) Math.min(length - from, 64L << 20)];
      file.seek(from);
      file.readFully(appended);
      return new String(appended, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
