package io.farthing.payments.transfer;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.client.AuthClient;
import io.farthing.payments.client.RiskClient;
import io.farthing.payments.client.RiskDecision;
import io.farthing.payments.client.UserStanding;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.RestIdempotency.Reply;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.limit.LimitExceeded;
import io.farthing.payments.limit.Limits;
import io.farthing.payments.limit.SpendLimits;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.payments.wallet.Wallet;
import io.farthing.payments.wallet.WalletRepository;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.type.v1.Money;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * P2P transfers. The path: key claimed → sender and recipient standing (auth-svc), the sender's
 * limits and wallet read → risk Score (channel P2P, the recipient as counterparty; the same
 * fallback as charges) → DENY refuses, CHALLENGE or the sender's own security level asks for a
 * step-up, which this API does not take yet (422 STEP_UP_REQUIRED) → one transaction: the
 * sender's limits counted, the recipient's wallet opened if needed, the sender debited by one
 * conditional statement and the recipient credited within their KYC wallet maximum (the two
 * wallets always updated in the same order, so crossing transfers cannot deadlock), the posting,
 * the transfer, {@code transfer.sent} and {@code transfer.received}, the key completed. A refusal
 * rolls all of it back: only the key's stored refusal remains.
 */
@ApplicationScoped
public class TransferService {
  public static final String OP_CREATE = "CreateTransfer";
  public static final String TRANSFER_NOT_FOUND = "TRANSFER_NOT_FOUND";
  public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";
  public static final String STEP_UP_REQUIRED = "STEP_UP_REQUIRED";
  public static final String RECIPIENT_NOT_FOUND = "RECIPIENT_NOT_FOUND";
  public static final String RECIPIENT_NOT_ACTIVE = "RECIPIENT_NOT_ACTIVE";
  public static final String RECIPIENT_LIMIT_EXCEEDED = "RECIPIENT_LIMIT_EXCEEDED";
  static final String POSTING_KIND = "TRANSFER";

  private final Pool pool;
  private final TransferRepository transfers;
  private final WalletRepository wallets;
  private final Accounts accounts;
  private final Ledger ledger;
  private final Limits limits;
  private final Outbox outbox;
  private final RestIdempotency idempotency;
  private final IdempotencyKeys keys;
  private final AuthClient auth;
  private final RiskClient risk;
  private final MeterRegistry meters;

  public TransferService(
      Pool pool,
      TransferRepository transfers,
      WalletRepository wallets,
      Accounts accounts,
      Ledger ledger,
      Limits limits,
      Outbox outbox,
      RestIdempotency idempotency,
      IdempotencyKeys keys,
      AuthClient auth,
      RiskClient risk,
      MeterRegistry meters) {
    this.pool = pool;
    this.transfers = transfers;
    this.wallets = wallets;
    this.accounts = accounts;
    this.ledger = ledger;
    this.limits = limits;
    this.outbox = outbox;
    this.idempotency = idempotency;
    this.keys = keys;
    this.auth = auth;
    this.risk = risk;
    this.meters = meters;
  }

  public Uni<Reply> create(UUID senderId, String idempotencyKey, NewTransfer request) {
    if (senderId.equals(request.toUserId())) {
      throw ApiException.invalid("toUserId must be someone else: a transfer to yourself moves nothing", "SELF_TRANSFER");
    }
    return idempotency.run(
        RestIdempotency.userCaller(senderId),
        idempotencyKey,
        OP_CREATE,
        IdempotencyKeys.hash(OP_CREATE, request.canonical()),
        claim -> send(claim, senderId, request));
  }

  private Uni<Reply> send(Claim.Fresh claim, UUID senderId, NewTransfer request) {
    UUID transferId = Ids.newId();
    return Uni.combine()
        .all()
        .unis(
            auth.user(senderId),
            recipient(request.toUserId()),
            limits.of(pool, senderId, request.currency()),
            wallets.find(senderId, request.currency()))
        .asTuple()
        .chain(
            t -> {
              UserStanding sender = t.getItem1();
              UserStanding recipient = t.getItem2();
              SpendLimits limit = t.getItem3();
              if (!sender.active()) {
                throw ApiException.forbidden("The user's account is not active", "USER_NOT_ACTIVE");
              }
              if (!recipient.active()) {
                throw ApiException.precondition("The recipient cannot receive money", RECIPIENT_NOT_ACTIVE);
              }
              Wallet from =
                  t.getItem4()
                      .filter(w -> w.balanceMinor() >= request.amountMinor())
                      .orElseThrow(TransferService::insufficient);
              // A transfer its amount alone refuses is not worth a risk call; the transaction
              // counts it against the day and month for real.
              refuseIfOverLimitAlone(limit, request);
              return risk.score(scoreRequest(transferId, senderId, from, request, sender, limit))
                  .chain(decision -> decide(claim, transferId, sender, from, request, decision));
            });
  }

  private static void refuseIfOverLimitAlone(SpendLimits limit, NewTransfer request) {
    String broken = limit.brokenBy(request.amountMinor());
    if (broken == null) {
      return;
    }
    long value =
        switch (broken) {
          case "KYC_PER_TRANSACTION" -> limit.perTransactionMinor();
          case "KYC_DAILY", "USER_DAILY_CAP" -> limit.dailyMinor();
          default -> limit.monthlyMinor();
        };
    throw new LimitExceeded(broken, value, request.currency());
  }

  private Uni<UserStanding> recipient(UUID userId) {
    return auth.user(userId)
        .onFailure(e -> e instanceof ApiException api && api.kind() == ApiException.Kind.NOT_FOUND)
        .transform(e -> ApiException.precondition("There is no such recipient", RECIPIENT_NOT_FOUND));
  }

  private Uni<Reply> decide(
      Claim.Fresh claim, UUID transferId, UserStanding sender, Wallet from, NewTransfer request, RiskDecision decision) {
    meters.counter("farthing.payments.transfers.decisions", "verdict", decision.verdict().name()).increment();
    if (decision.verdict() == RiskDecision.Verdict.DENY) {
      throw ApiException.forbidden("This transfer was declined by risk checks", "RISK_DENIED");
    }
    if (decision.verdict() == RiskDecision.Verdict.CHALLENGE
        || sender.requiresStepUp(request.amountMinor(), request.currency())) {
      throw ApiException.precondition(
          "This transfer needs your confirmation with a second factor, which transfers do not offer yet;"
              + " nothing was sent",
          STEP_UP_REQUIRED);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    // The recipient's ledger account is committed before the transaction: Accounts caches ids for
    // the life of the process, so it must never cache one that a rollback took away.
    return accounts
        .account(pool, AccountKind.USER_WALLET, request.toUserId().toString(), request.currency())
        .chain(
            recipientWalletId ->
                pool.withTransaction(
                    tx ->
                        limits
                            .spend(tx, sender.userId(), request.currency(), request.amountMinor(), sender.zone(), now)
                            .chain(() -> wallets.open(tx, request.toUserId(), request.currency()))
                            .chain(to -> limits.of(tx, to.userId(), to.currency()).map(l -> l.walletMaxMinor()))
                            .chain(max -> moveMoney(tx, from, recipientWalletId, request, max))
                            .chain(
                                () -> {
                                  Transfer transfer =
                                      new Transfer(
                                          transferId, sender.userId(), request.toUserId(), from.id(), recipientWalletId,
                                          request.currency(), request.amountMinor(), request.note(), Transfer.SUCCEEDED,
                                          decision.decisionId() == null || decision.decisionId().isEmpty() ? null : decision.decisionId(), now);
                                  Reply reply =
                                      idempotency.reply(201, location(transferId), TransferView.of(transfer));
                                  return ledger.post(
                                          tx,
                                          Posting.builder(POSTING_KIND, transferId)
                                              .move(from.id(), recipientWalletId, request.currency(), request.amountMinor())
                                              .build())
                                      .chain(() -> transfers.insert(tx, transfer))
                                      .chain(() -> outbox.append(tx, events(transfer)))
                                      .chain(() -> keys.complete(tx, claim, idempotency.stored(transferId, reply)))
                                      .replaceWith(reply);
                                })))
        .invoke(() -> meters.counter("farthing.payments.transfers.sent").increment());
  }

  /**
   * Debits the sender (only if the wallet holds enough) and credits the recipient (only within
   * their maximum), locking the two wallet rows in a fixed order whoever sends to whom.
   */
  private Uni<Void> moveMoney(SqlConnection tx, Wallet from, UUID toWalletId, NewTransfer request, long recipientMaxMinor) {
    Uni<Void> debit =
        wallets
            .debit(tx, from.userId(), request.currency(), request.amountMinor())
            .map(
                debited -> {
                  if (debited.isEmpty()) {
                    throw insufficient();
                  }
                  return null;
                });
    Uni<Void> credit =
        wallets
            .credit(tx, toWalletId, request.amountMinor(), recipientMaxMinor)
            .map(
                credited -> {
                  if (credited.isEmpty()) {
                    // Their KYC tier's wallet maximum; the amount is not told: it would tell the sender the tier.
                    throw ApiException.precondition(
                        "The recipient's wallet cannot take this much more", RECIPIENT_LIMIT_EXCEEDED);
                  }
                  return null;
                });
    return from.id().compareTo(toWalletId) < 0 ? debit.chain(() -> credit) : credit.chain(() -> debit);
  }

  private static List<OutboxEvent> events(Transfer t) {
    JsonObject data =
        new JsonObject()
            .put("transferId", t.id().toString())
            .put("fromUserId", t.senderId().toString())
            .put("toUserId", t.recipientId().toString())
            .put("currency", t.currency())
            .put("amountMinor", t.amountMinor())
            .put("note", t.note());
    String ordering = "transfer:" + t.id();
    return List.of(
        OutboxEvent.of(OutboxEvent.TRANSFER_SENT, t.senderId(), null, ordering, 0, data.copy().put("walletId", t.senderWalletId().toString())),
        OutboxEvent.of(OutboxEvent.TRANSFER_RECEIVED, t.recipientId(), null, ordering, 1, data.copy().put("walletId", t.recipientWalletId().toString())));
  }

  /** A transfer its sender or recipient may see; anyone else gets TRANSFER_NOT_FOUND. */
  public Uni<Transfer> getForUser(UUID userId, UUID transferId) {
    return transfers
        .find(transferId)
        .map(
            found ->
                found
                    .filter(t -> t.involves(userId))
                    .orElseThrow(() -> ApiException.notFound("No such transfer", TRANSFER_NOT_FOUND)));
  }

  public static String location(UUID transferId) {
    return "/v1/transfers/" + transferId;
  }

  private static ApiException insufficient() {
    return ApiException.precondition("The wallet does not hold enough", INSUFFICIENT_FUNDS);
  }

  private static ScoreRequest scoreRequest(
      UUID transferId, UUID senderId, Wallet from, NewTransfer request, UserStanding sender, SpendLimits limit) {
    return ScoreRequest.newBuilder()
        .setRequestId(transferId.toString())
        .setUserId(senderId.toString())
        .setWalletId(from.id().toString())
        .setAmount(Money.newBuilder().setAmountMinor(request.amountMinor()).setCurrency(request.currency()))
        .setChannel(Channel.CHANNEL_P2P)
        .setCounterpartyUserId(request.toUserId().toString())
        .setKycTier(limit.kycTier())
        .setSecurityLevel(sender.securityLevel())
        .build();
  }
}
