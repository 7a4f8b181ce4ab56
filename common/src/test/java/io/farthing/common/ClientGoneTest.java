package io.farthing.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class ClientGoneTest {
  @Test
  void aClosedOrResetConnectionIsTheCallerGone() {
    assertTrue(ClientGone.is(new ClosedChannelException()));
    assertTrue(ClientGone.is(new VertxException("Connection was closed")));
    assertTrue(ClientGone.is(new IOException("Broken pipe")));
    assertTrue(ClientGone.is(new IOException("writevAddresses(..) failed: Connection reset by peer")));
    assertTrue(ClientGone.is(new RuntimeException("wrapped", new IOException("Broken pipe"))));
    IOException withSuppressed = new IOException();
    withSuppressed.addSuppressed(new IOException("Broken pipe"));
    assertTrue(ClientGone.is(withSuppressed), "Netty adds the write failure as suppressed");
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(ClientGone.is(null));
    assertFalse(ClientGone.is(new IOException("No space left on device")));
    assertFalse(ClientGone.is(new IOException()));
    assertFalse(ClientGone.is(new IllegalStateException("Broken pipe"))); // not an I/O failure
    assertFalse(ClientGone.is(new VertxException("Connection refused")));
  }
}
