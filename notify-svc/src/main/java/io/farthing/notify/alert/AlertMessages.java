package io.farthing.notify.alert;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.farthing.proto.notify.v1.Alert;
import java.time.Instant;

/** farthing.notify.v1.Alert from an alert: data_json exact, and the old Struct for old readers. */
public final class AlertMessages {
  private AlertMessages() {}

  public static Alert alert(UserAlert a) {
    String json = a.data().encode();
    Alert.Builder alert =
        Alert.newBuilder()
            .setAlertId(a.id().toString())
            .setEventType(a.type())
            .setTitle(a.title())
            .setBody(a.body())
            .setAt(timestamp(a.createdAt()))
            .setDataJson(json)
            .setData(struct(json))
            .setEventId(a.eventId().toString())
            .setEventOccurredAt(timestamp(a.eventOccurredAt()));
    if (a.readAt() != null) {
      alert.setReadAt(timestamp(a.readAt()));
    }
    return alert.build();
  }

  private static Struct struct(String json) {
    Struct.Builder struct = Struct.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, struct);
    } catch (InvalidProtocolBufferException e) {
      return Struct.getDefaultInstance();
    }
    return struct.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
