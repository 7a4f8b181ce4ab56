package io.farthing.payments.admin;

import static io.farthing.testing.Grpc.withToken;
import static io.restassured.RestAssured.given;

import io.farthing.proto.payments.v1.CaptureChargeRequest;
import io.farthing.proto.payments.v1.Charge;
import io.farthing.proto.payments.v1.CreateChargeRequest;
import io.farthing.proto.payments.v1.PaymentsGrpc;
import io.farthing.proto.payments.v1.Refund;
import io.farthing.proto.payments.v1.RefundChargeRequest;
import io.farthing.proto.payments.v1.VoidChargeRequest;
import io.farthing.proto.type.v1.Money;
import io.farthing.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Small helpers for the operators' API, limits and statements tests: tokens, authenticated REST
 * calls, and charges made through the partner gRPC API exactly as a partner makes them.
 */
public final class TestCalls {
  public static final String PROBLEM = "application/problem+json";
  public static final String TYPE = "https://problems.farthing.io/";

  private TestCalls() {}

  public static RequestSpecification as(String token) {
    return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
  }

  public static RequestSpecification anonymous() {
    return given().contentType(ContentType.JSON);
  }

  public static String userToken(UUID user) {
    return TestTokens.user(user, "user");
  }

  public static String admin() {
    return TestTokens.admin();
  }

  public static String support() {
    return TestTokens.user(UUID.randomUUID(), "user", "support");
  }

  public static String partnerToken(String partner) {
    return TestTokens.client(partner, "payments:charge", "payments:refund", "payments:read");
  }

  public static PaymentsGrpc.PaymentsBlockingStub partner(PaymentsGrpc.PaymentsBlockingStub plain, String partner) {
    return withToken(plain, partnerToken(partner));
  }

  public static Money money(long minor, String currency) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency(currency).build();
  }

  public static CreateChargeRequest.Builder aCharge(UUID user, long minor, String currency) {
    return CreateChargeRequest.newBuilder()
        .setIdempotencyKey(UUID.randomUUID().toString())
        .setUserId(user.toString())
        .setAmount(money(minor, currency))
        .setDescription("Article");
  }

  public static Charge charge(PaymentsGrpc.PaymentsBlockingStub plain, String partner, UUID user, long minor) {
    return partner(plain, partner).createCharge(aCharge(user, minor, "EUR").build());
  }

  public static Charge authorize(PaymentsGrpc.PaymentsBlockingStub plain, String partner, UUID user, long minor) {
    return partner(plain, partner).createCharge(aCharge(user, minor, "EUR").setCaptureLater(true).build());
  }

  public static Charge capture(PaymentsGrpc.PaymentsBlockingStub plain, String partner, String chargeId, long minor) {
    return partner(plain, partner)
        .captureCharge(
            CaptureChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(chargeId)
                .setAmount(money(minor, "EUR"))
                .build());
  }

  public static Charge voidCharge(PaymentsGrpc.PaymentsBlockingStub plain, String partner, String chargeId) {
    return partner(plain, partner)
        .voidCharge(
            VoidChargeRequest.newBuilder().setIdempotencyKey(UUID.randomUUID().toString()).setChargeId(chargeId).build());
  }

  public static Refund refund(PaymentsGrpc.PaymentsBlockingStub plain, String partner, String chargeId, long minor) {
    return partner(plain, partner)
        .refundCharge(
            RefundChargeRequest.newBuilder()
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setChargeId(chargeId)
                .setAmount(money(minor, "EUR"))
                .setReason("test")
                .build());
  }

  /** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF), for checking what the API wrote. */
  public static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        if (field.length() > 0) {
          throw new AssertionError("a quote inside an unquoted field at " + i);
        }
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else if (c == '\r') {
        if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
          throw new AssertionError("a CR without LF at " + i);
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        wasQuoted = false;
        i++;
      } else if (c == '\n') {
        throw new AssertionError("a bare LF at " + i + ": lines end with CRLF");
      } else {
        if (wasQuoted) {
          throw new AssertionError("text after a closing quote at " + i);
        }
        field.append(c);
      }
    }
    if (quoted) {
      throw new AssertionError("an unterminated quoted field");
    }
    if (field.length() > 0 || !row.isEmpty()) {
      throw new AssertionError("the last line does not end with CRLF");
    }
    return rows;
  }
}
