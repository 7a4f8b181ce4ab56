package io.farthing.risk.score.grpc;

import static io.farthing.risk.support.Payments.aPayment;
import static io.farthing.testing.Grpc.code;
import static io.farthing.testing.Grpc.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.risk.support.RiskTestDatabase;
import io.farthing.testing.RawGrpc;
import io.farthing.testing.Sql;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Score with bytes that are not a ScoreRequest: INVALID_ARGUMENT MALFORMED_REQUEST, nothing stored. */
@QuarkusTest
@QuarkusTestResource(RiskTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class MalformedScoreRequestTest {
  static final String SCORE = "farthing.risk.v1.Risk/Score";

  @GrpcClient("risk")
  Channel channel;

  String token() {
    return TestTokens.client("fcl_payments-svc", "risk:score", "risk:report");
  }

  @Test
  void unparsableBytesAreInvalidArgumentMalformedRequest() {
    RawGrpc.unparsable(1)
        .forEach(
            (what, bytes) -> {
              StatusRuntimeException e =
                  assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, SCORE, token(), bytes), what);
              assertEquals(Status.Code.INVALID_ARGUMENT, code(e), what + ": " + e.getStatus());
              assertEquals("MALFORMED_REQUEST", reason(e), what);
            });
  }

  @Test
  void aValidRequestFollowedByBadBytesIsRefusedAndNotStored() {
    String requestId = "malformed-" + UUID.randomUUID();
    byte[] valid = aPayment(UUID.randomUUID()).setRequestId(requestId).build().toByteArray();
    byte[] bytes = Arrays.copyOf(valid, valid.length + 2);
    bytes[valid.length] = 0x0a; // request_id again, length 5, with no bytes after it
    bytes[valid.length + 1] = 0x05;
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, SCORE, token(), bytes));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("MALFORMED_REQUEST", reason(e));
    assertEquals(0, Sql.count("select count(*) from decisions where request_id = ?1", requestId));
  }

  @Test
  void invalidUtf8InTheRequestIdIsMalformedRequest() {
    byte[] valid = aPayment(UUID.randomUUID()).clearRequestId().build().toByteArray();
    byte[] badId = RawGrpc.field(1, RawGrpc.notUtf8());
    byte[] bytes = Arrays.copyOf(badId, badId.length + valid.length);
    System.arraycopy(valid, 0, bytes, badId.length, valid.length);
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> RawGrpc.unary(channel, SCORE, token(), bytes));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(e), e.getStatus().toString());
    assertEquals("MALFORMED_REQUEST", reason(e));
  }

  @Test
  void aValidRequestOnTheSamePathIsScored() throws Exception {
    byte[] answer = RawGrpc.unary(channel, SCORE, token(), aPayment(UUID.randomUUID()).build().toByteArray());
    ScoreResponse scored = ScoreResponse.parseFrom(answer);
    assertEquals(false, scored.getDecisionId().isEmpty());
  }
}
