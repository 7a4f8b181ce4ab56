package io.farthing.common.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapper every service reads REST bodies with, as {@link StrictJson} configures it. */
class StrictJsonTest {
  private final ObjectMapper mapper = strict();

  private static ObjectMapper strict() {
    ObjectMapper mapper = new ObjectMapper();
    new StrictJson().customize(mapper);
    return mapper;
  }

  record TopUp(String currency, long amountMinor) {}

  @Test
  void readsAWellFormedBody() throws Exception {
    TopUp topUp = mapper.readValue("{\"currency\":\"EUR\",\"amountMinor\":500}", TopUp.class);
    assertEquals(new TopUp("EUR", 500), topUp);
    assertEquals(500, mapper.readValue(" {\"amountMinor\":500}\n", JsonNode.class).path("amountMinor").asLong());
  }

  @Test
  void refusesAFieldNamedTwice() {
    assertThrows(JsonProcessingException.class,
        () -> mapper.readValue("{\"currency\":\"EUR\",\"amountMinor\":5,\"amountMinor\":500}", TopUp.class));
    assertThrows(JsonProcessingException.class,
        () -> mapper.readValue("{\"caps\":{\"daily\":1,\"daily\":2}}", JsonNode.class));
  }

  @Test
  void refusesAnythingAfterTheValue() {
    for (String body : new String[] {
      "{\"currency\":\"EUR\",\"amountMinor\":500}}",
      "{\"currency\":\"EUR\",\"amountMinor\":500} garbage",
      "{\"currency\":\"EUR\",\"amountMinor\":500}{\"currency\":\"EUR\",\"amountMinor\":1}",
    }) {
      assertThrows(JsonProcessingException.class, () -> mapper.readValue(body, TopUp.class), body);
      assertThrows(JsonProcessingException.class, () -> mapper.readValue(body, JsonNode.class), body);
      assertThrows(JsonProcessingException.class, () -> mapper.readValue(body, Map.class), body);
    }
  }
}
