package io.farthing.payments.wallet.rest;

import io.farthing.common.ApiException;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.RestIdempotency.Reply;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.limit.Limits;
import io.farthing.payments.wallet.Wallet;
import io.farthing.payments.wallet.WalletRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The people's side of wallets: list, read and open their own. (Kept beside its resource: this
 * branch of the code owns the wallet REST API only; the wallet model is {@code wallet}.)
 */
@ApplicationScoped
public class WalletService {
  public static final String OP_OPEN = "OpenWallet";
  public static final String WALLET_NOT_FOUND = "WALLET_NOT_FOUND";

  private final Pool pool;
  private final WalletRepository wallets;
  private final Accounts accounts;
  private final Limits limits;
  private final IdempotencyKeys keys;
  private final RestIdempotency idempotency;

  public WalletService(
      Pool pool, WalletRepository wallets, Accounts accounts, Limits limits, IdempotencyKeys keys,
      RestIdempotency idempotency) {
    this.pool = pool;
    this.wallets = wallets;
    this.accounts = accounts;
    this.limits = limits;
    this.keys = keys;
    this.idempotency = idempotency;
  }

  public Uni<List<Wallet>> list(UUID userId) {
    return wallets.ofUser(userId);
  }

  /** The user's own wallet; another user's is WALLET_NOT_FOUND. */
  public Uni<Wallet> get(UUID userId, UUID walletId) {
    return wallets
        .byId(walletId)
        .map(
            found ->
                found
                    .filter(w -> w.userId().equals(userId))
                    .orElseThrow(() -> ApiException.notFound("No such wallet", WALLET_NOT_FOUND)));
  }

  /**
   * Opens the user's wallet in {@code currency} (201), or answers the one already open (200);
   * CURRENCY_NOT_SUPPORTED when no KYC limits exist for the currency.
   */
  public Uni<Reply> open(UUID userId, String idempotencyKey, String currency) {
    return idempotency.run(
        RestIdempotency.userCaller(userId),
        idempotencyKey,
        OP_OPEN,
        IdempotencyKeys.hash(OP_OPEN, currency.getBytes(StandardCharsets.UTF_8)),
        claim ->
            limits
                .of(pool, userId, currency)
                .chain(() -> wallets.find(userId, currency))
                .chain(
                    existing ->
                        // The ledger account is committed first: Accounts caches its id for good.
                        accounts
                            .account(pool, AccountKind.USER_WALLET, userId.toString(), currency)
                            .chain(
                                () ->
                                    pool.withTransaction(
                                        tx ->
                                            wallets
                                                .open(tx, userId, currency)
                                                .chain(
                                                    wallet -> {
                                                      Reply reply =
                                                          idempotency.reply(
                                                              existing.isPresent() ? 200 : 201,
                                                              location(wallet.id()),
                                                              WalletView.of(wallet));
                                                      return keys.complete(tx, claim, idempotency.stored(wallet.id(), reply))
                                                          .replaceWith(reply);
                                                    })))));
  }

  public static String location(UUID walletId) {
    return "/v1/wallets/" + walletId;
  }
}
