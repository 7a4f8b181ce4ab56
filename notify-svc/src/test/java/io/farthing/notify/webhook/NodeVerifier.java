package io.farthing.notify.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/** Runs src/test/resources/webhook/verify.mjs (Node's built-in crypto only) on a delivery. */
public final class NodeVerifier {
  private NodeVerifier() {}

  public static boolean available() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  public static boolean verify(String secret, Receiver.Request request) {
    return verify(secret, request.header("webhook-id"), request.header("webhook-timestamp"),
        request.header("webhook-signature"), request.body());
  }

  public static boolean verify(String secret, String id, String timestamp, String signatures, byte[] body) {
    try {
      Path script = Files.createTempFile("verify", ".mjs");
      Path bodyFile = Files.createTempFile("body", ".json");
      try (InputStream in = NodeVerifier.class.getResourceAsStream("/webhook/verify.mjs")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.write(bodyFile, body);
      Process p =
          new ProcessBuilder("node", script.toString(), secret, id, timestamp, signatures, bodyFile.toString())
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("node did not finish");
      }
      Files.deleteIfExists(script);
      Files.deleteIfExists(bodyFile);
      return p.exitValue() == 0;
    } catch (IOException e) {
      throw new AssertionError("could not run node", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
