package io.farthing.payments.wallet.rest;

import io.farthing.payments.wallet.Wallet;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A wallet as its owner sees it: the balance is the cached balance, equal to its entries' sum. */
public record WalletView(UUID id, String currency, long balanceMinor, Instant createdAt, Instant updatedAt) {

  public static WalletView of(Wallet w) {
    return new WalletView(w.id(), w.currency(), w.balanceMinor(), w.createdAt(), w.updatedAt());
  }

  /** GET /v1/wallets: every wallet of the caller, by currency (a handful at most: not paged). */
  public record WalletList(List<WalletView> items) {}
}
