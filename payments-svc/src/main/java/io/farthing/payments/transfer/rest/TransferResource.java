package io.farthing.payments.transfer.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.transfer.NewTransfer;
import io.farthing.payments.transfer.TransferConfig;
import io.farthing.payments.transfer.TransferService;
import io.farthing.payments.transfer.TransferView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/transfers")
@Tag(name = "Transfers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class TransferResource {

  public record TransferRequest(String toUserId, BigDecimal amountMinor, String currency, String note) {}

  private final TransferService transfers;
  private final TransferConfig config;
  private final JsonWebToken token;

  public TransferResource(TransferService transfers, TransferConfig config, JsonWebToken token) {
    this.transfers = transfers;
    this.config = config;
    this.token = token;
  }

  @POST
  @Operation(summary = "Send money from your wallet to another person's (201); Idempotency-Key required")
  public Uni<Response> create(@HeaderParam(RestIdempotency.HEADER) String idempotencyKey, TransferRequest request) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    return transfers.create(Caller.userId(token), key, validated(request)).map(RestIdempotency.Reply::toResponse);
  }

  @GET
  @Path("/{transferId}")
  @Operation(summary = "A transfer you sent or received")
  public Uni<TransferView> get(@PathParam("transferId") String transferId) {
    return transfers.getForUser(Caller.userId(token), Ids.parse(transferId, "transferId")).map(TransferView::of);
  }

  private NewTransfer validated(TransferRequest request) {
    if (request == null) {
      throw ApiException.invalid("A JSON body {toUserId, amountMinor, currency, note} is required", "MISSING_BODY");
    }
    UUID to = Ids.parse(request.toUserId(), "toUserId");
    Amount amount = Amount.positive(request.amountMinor(), request.currency());
    String note = request.note() == null ? "" : request.note().strip();
    if (note.length() > config.maxNoteLength()) {
      throw ApiException.invalid("note is longer than " + config.maxNoteLength() + " characters", "FIELD_TOO_LONG");
    }
    return new NewTransfer(to, amount.amountMinor(), amount.currency(), note);
  }
}
