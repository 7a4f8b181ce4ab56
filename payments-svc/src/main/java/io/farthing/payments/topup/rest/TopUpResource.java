package io.farthing.payments.topup.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.rest.Caller;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.topup.NewTopUp;
import io.farthing.payments.topup.TopUpService;
import io.farthing.payments.topup.TopUpView;
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
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/topups")
@Tag(name = "Top-ups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("user")
public class TopUpResource {
  /** A gateway's token for a card or account, as its client-side tokenization hands it out. */
  private static final Pattern INSTRUMENT = Pattern.compile("^[A-Za-z0-9_\\-]{1,128}$");

  public record TopUpRequest(String currency, BigDecimal amountMinor, String instrument) {}

  private final TopUpService topUps;
  private final JsonWebToken token;

  public TopUpResource(TopUpService topUps, JsonWebToken token) {
    this.topUps = topUps;
    this.token = token;
  }

  @POST
  @Operation(summary = "Add money to your wallet from a payment instrument: 201 SUCCEEDED, 202 PENDING (the "
      + "processor did not answer in time; GET it later), 422 TOPUP_DECLINED; Idempotency-Key required")
  public Uni<Response> create(@HeaderParam(RestIdempotency.HEADER) String idempotencyKey, TopUpRequest request) {
    String key = RestIdempotency.requireKey(idempotencyKey);
    return topUps.create(Caller.userId(token), key, validated(request)).map(RestIdempotency.Reply::toResponse);
  }

  @GET
  @Path("/{topUpId}")
  @Operation(summary = "One of your top-ups, as it stands now")
  public Uni<TopUpView> get(@PathParam("topUpId") String topUpId) {
    return topUps.getForUser(Caller.userId(token), Ids.parse(topUpId, "topUpId")).map(TopUpView::of);
  }

  static NewTopUp validated(TopUpRequest request) {
    if (request == null) {
      throw ApiException.invalid("A JSON body {currency, amountMinor, instrument} is required", "MISSING_BODY");
    }
    Amount amount = Amount.positive(request.amountMinor(), request.currency());
    String instrument = request.instrument();
    if (instrument == null || instrument.isEmpty()) {
      throw ApiException.invalid("instrument is required", "MISSING_FIELD");
    }
    if (!INSTRUMENT.matcher(instrument).matches()) {
      throw ApiException.invalid("instrument is not a payment instrument token", "INVALID_INSTRUMENT");
    }
    return new NewTopUp(amount.amountMinor(), amount.currency(), instrument);
  }
}
