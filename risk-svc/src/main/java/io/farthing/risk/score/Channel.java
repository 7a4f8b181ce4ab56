package io.farthing.risk.score;

/** How the money moves. TOP_UP and P2P are the channels the AML checks watch. */
public enum Channel {
  IN_APP,
  QR,
  NFC,
  P2P,
  TOP_UP;

  public boolean watchedForStructuring() {
    return this == TOP_UP || this == P2P;
  }
}
