package io.farthing.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.grpc.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.CompositeException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/**
 * A database that goes away under a call (the fault run's PostgreSQL restart showed it) is a
 * retryable UNAVAILABLE, not an INTERNAL error a partner has no rule for.
 */
class DatabaseOutageTest {
  private static final class Sql extends DatabaseException {
    Sql(String state) {
      super("sql failure", 0, state);
    }
  }

  @Test
  void aClosedOrRefusedConnectionOrAServerShuttingDownIsAnOutage() {
    assertTrue(DatabaseOutage.is(ClosedConnectionException.INSTANCE));
    assertTrue(DatabaseOutage.is(new ConnectException("Connection refused")));
    assertTrue(DatabaseOutage.is(new Sql("57P01")), "admin shutdown (pg_ctl restart -m fast)");
    assertTrue(DatabaseOutage.is(new Sql("57P02")), "crash shutdown (-m immediate)");
    assertTrue(DatabaseOutage.is(new Sql("57P03")), "cannot connect now (recovering)");
    assertTrue(DatabaseOutage.is(new Sql("08006")), "connection failure");
    assertTrue(DatabaseOutage.is(new Sql("53300")), "too many clients (max_connections reached)");
    assertTrue(DatabaseOutage.is(new Sql("53000")), "insufficient resources");
    assertTrue(DatabaseOutage.is(new Sql("53100")), "disk full");
    assertTrue(DatabaseOutage.is(new Sql("53200")), "out of memory");
    assertTrue(DatabaseOutage.is(new Sql("53400")), "configuration limit exceeded");
    assertTrue(DatabaseOutage.is(new IllegalStateException("wrapped", ClosedConnectionException.INSTANCE)));
    assertTrue(DatabaseOutage.is(new CompositeException(new IllegalStateException("first"), new Sql("57P01"))));
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(DatabaseOutage.is(new Sql("23505")), "a unique violation is a bug or a race, not an outage");
    assertFalse(DatabaseOutage.is(new Sql("40001")));
    assertFalse(DatabaseOutage.is(new Sql("54000")), "program limit exceeded: the call's own fault");
    assertFalse(DatabaseOutage.is(new Sql("22021")), "bad character data is the call's fault");
    assertFalse(DatabaseOutage.is(new IllegalStateException("boom")));
    assertFalse(DatabaseOutage.is(new NullPointerException()));
  }

  @Test
  void grpcAnswersUnavailableForAnOutageAndInternalOtherwise() {
    Throwable outage = GrpcErrors.toStatus(new CompositeException(new RuntimeException("x"), ClosedConnectionException.INSTANCE));
    assertEquals(Status.Code.UNAVAILABLE, ((StatusRuntimeException) outage).getStatus().getCode());
    assertEquals("TEMPORARILY_UNAVAILABLE", GrpcErrors.reasonOf(outage));
    Throwable tooManyClients = GrpcErrors.toStatus(new RuntimeException("wrapped", new Sql("53300")));
    assertEquals(Status.Code.UNAVAILABLE, ((StatusRuntimeException) tooManyClients).getStatus().getCode());
    assertEquals("TEMPORARILY_UNAVAILABLE", GrpcErrors.reasonOf(tooManyClients));
    Throwable bug = GrpcErrors.toStatus(new IllegalStateException("boom"));
    assertEquals(Status.Code.INTERNAL, ((StatusRuntimeException) bug).getStatus().getCode());
  }
}
