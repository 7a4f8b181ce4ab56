package io.farthing.payments.merchant.rest;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Page;
import io.farthing.payments.fee.FeePlan;
import io.farthing.payments.merchant.Merchant;
import io.farthing.payments.merchant.MerchantService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Merchants (partners that may charge) and their fee plans, for operators. Reads are open to
 * admin and support; changes to admin. A change reaches the charge path of every replica within
 * MerchantService's cache time (a few seconds).
 */
@Path("/admin/v1/merchants")
@Tag(name = "Admin: merchants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({"admin", "support"})
public class AdminMerchantResource {
  private static final Logger LOG = Logger.getLogger(AdminMerchantResource.class);
  static final int MAX_FEE_PLANS = 50;

  /**
   * A fee plan: {@code fixed + amount × rateBps / 10 000} (half up), raised to {@code minFeeMinor}
   * and lowered to {@code maxFeeMinor} (null = no maximum). Numbers are whole minor units.
   */
  public record FeePlanBody(
      String currency, BigDecimal fixedMinor, BigDecimal rateBps, BigDecimal minFeeMinor, BigDecimal maxFeeMinor) {}

  /**
   * A merchant as written. {@code category} defaults to "general" and {@code status} to ACTIVE;
   * {@code version} is required on PUT (the version the change was based on) and ignored on POST.
   */
  public record MerchantBody(
      String partnerClientId, String name, String category, String status, List<FeePlanBody> feePlans,
      BigDecimal version) {}

  public record FeePlanView(String currency, long fixedMinor, int rateBps, long minFeeMinor, Long maxFeeMinor) {}

  public record MerchantView(
      String partnerClientId, String name, String category, String status, long version,
      List<FeePlanView> feePlans, Instant createdAt, Instant updatedAt) {}

  private final MerchantService merchants;
  private final JsonWebToken token;

  public AdminMerchantResource(MerchantService merchants, JsonWebToken token) {
    this.merchants = merchants;
    this.token = token;
  }

  @GET
  @Operation(summary = "Merchants in partner client id order, keyset-paged")
  public Uni<Page<MerchantView>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
    return Uni.createFrom()
        .deferred(
            () -> {
              int size = Page.limit(limit);
              return merchants
                  .list(Page.afterKey(cursor), size + 1)
                  .map(rows -> Page.of(rows, size, Merchant::partnerClientId, AdminMerchantResource::view));
            });
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One merchant with its fee plans")
  public Uni<MerchantView> get(@PathParam("id") String id) {
    return merchants.get(id).map(AdminMerchantResource::view);
  }

  @POST
  @RolesAllowed("admin")
  @Operation(summary = "Onboard a partner as a merchant (version 0); 409 MERCHANT_EXISTS if it is one already")
  public Uni<Response> create(MerchantBody body) {
    return Uni.createFrom()
        .deferred(
            () -> {
              MerchantBody b = required(body);
              return merchants.save(
                  b.partnerClientId(), b.name(), category(b), status(b), null, plans(b.feePlans()));
            })
        .invoke(m -> LOG.infof("Merchant %s created by %s", m.partnerClientId(), token.getSubject()))
        .map(
            m ->
                Response.created(URI.create("/admin/v1/merchants/" + m.partnerClientId()))
                    .entity(view(m))
                    .build());
  }

  @PUT
  @Path("/{id}")
  @RolesAllowed("admin")
  @Operation(summary = "Replace a merchant and its fee plans; 409 VERSION_CONFLICT when the version is stale")
  public Uni<MerchantView> update(@PathParam("id") String id, MerchantBody body) {
    return Uni.createFrom()
        .deferred(
            () -> {
              MerchantBody b = required(body);
              if (b.partnerClientId() != null && !b.partnerClientId().equals(id)) {
                throw ApiException.invalid("partnerClientId in the body differs from the path", "ID_MISMATCH");
              }
              long version = version(b.version());
              Map<String, FeePlan> plans = plans(b.feePlans());
              String category = category(b);
              String status = status(b);
              // A missing merchant is 404, not a version conflict.
              return merchants
                  .get(id)
                  .chain(found -> merchants.save(id, b.name(), category, status, version, plans));
            })
        .invoke(m -> LOG.infof("Merchant %s changed to version %d by %s", m.partnerClientId(), m.version(),
            token.getSubject()))
        .map(AdminMerchantResource::view);
  }

  private static MerchantBody required(MerchantBody body) {
    if (body == null) {
      throw ApiException.invalid("A merchant body is required", "MISSING_BODY");
    }
    return body;
  }

  private static String category(MerchantBody body) {
    return body.category() == null ? "general" : body.category();
  }

  private static String status(MerchantBody body) {
    return body.status() == null ? Merchant.ACTIVE : body.status();
  }

  private static long version(BigDecimal version) {
    if (version == null) {
      throw ApiException.invalid("version is required: the version the change is based on", "MISSING_FIELD");
    }
    try {
      long value = version.longValueExact();
      if (value < 0) {
        throw new ArithmeticException("negative");
      }
      return value;
    } catch (ArithmeticException e) {
      throw ApiException.invalid("version must be a whole number the API returned", "INVALID_VERSION");
    }
  }

  /** The plans by currency; each plan's own checks (ranges) run in FeePlan, the guardrail in the service. */
  static Map<String, FeePlan> plans(List<FeePlanBody> bodies) {
    Map<String, FeePlan> plans = new LinkedHashMap<>();
    if (bodies == null) {
      return plans;
    }
    if (bodies.size() > MAX_FEE_PLANS) {
      throw ApiException.invalid("at most " + MAX_FEE_PLANS + " fee plans", "TOO_MANY_FEE_PLANS");
    }
    for (int i = 0; i < bodies.size(); i++) {
      FeePlanBody body = bodies.get(i);
      String at = "feePlans[" + i + "]";
      if (body == null) {
        throw ApiException.invalid(at + " must be an object", "INVALID_FEE_PLAN");
      }
      String currency = Amount.requireCurrency(body.currency(), at + ".currency");
      long fixed = whole(body.fixedMinor(), at + ".fixedMinor", true);
      long rate = whole(body.rateBps(), at + ".rateBps", true);
      if (rate > FeePlan.BPS_PER_WHOLE) {
        throw ApiException.invalid(at + ".rateBps must be between 0 and 10000", "INVALID_FEE_PLAN");
      }
      long min = body.minFeeMinor() == null ? 0 : whole(body.minFeeMinor(), at + ".minFeeMinor", false);
      Long max = body.maxFeeMinor() == null ? null : whole(body.maxFeeMinor(), at + ".maxFeeMinor", false);
      FeePlan plan = new FeePlan(currency, fixed, (int) rate, min, max);
      if (plans.put(currency, plan) != null) {
        throw ApiException.invalid("two fee plans for " + currency, "DUPLICATE_FEE_PLAN");
      }
    }
    return plans;
  }

  private static long whole(BigDecimal value, String field, boolean required) {
    if (value == null) {
      if (required) {
        throw ApiException.invalid(field + " is required", "MISSING_FIELD");
      }
      return 0;
    }
    try {
      long minor = value.longValueExact();
      if (minor < 0) {
        throw ApiException.invalid(field + " must not be negative", "INVALID_FEE_PLAN");
      }
      return minor;
    } catch (ArithmeticException e) {
      throw ApiException.invalid(field + " must be a whole number", "INVALID_FEE_PLAN");
    }
  }

  static MerchantView view(Merchant m) {
    return new MerchantView(
        m.partnerClientId(),
        m.name(),
        m.category(),
        m.status(),
        m.version(),
        m.feePlans().values().stream()
            .map(p -> new FeePlanView(p.currency(), p.fixedMinor(), p.rateBps(), p.minFeeMinor(), p.maxFeeMinor()))
            .toList(),
        m.createdAt(),
        m.updatedAt());
  }
}
