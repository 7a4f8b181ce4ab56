package io.farthing.common.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.farthing.common.Text;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Every string a REST body carries (a record's String fields, lists of them, String map keys, and
 * every text value and field name of a JsonNode body) is checked with {@link Text#requireClean}
 * as it is read: a NUL or an unpaired surrogate anywhere in a body is 400 INVALID_CHARACTER naming
 * the field (e.g. {@code note}, {@code conditions[0].value}), before any service code runs, in every
 * service. (JSON can carry both only as escapes: {@code "\u0000"}, {@code "\uD800"}.)
 */
@Singleton
public class CleanJsonText implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("farthing-clean-text");
    module.addDeserializer(String.class, new CleanString());
    module.addKeyDeserializer(String.class, new CleanKey());
    module.addDeserializer(JsonNode.class, new CleanTree());
    mapper.registerModule(module);
  }

  /** The field being read, as a path: {@code channels.payments[0]}. */
  static String pathOf(JsonParser p) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext context = p.getParsingContext(); context != null && !context.inRoot(); context = context.getParent()) {
      if (context.inArray()) {
        parts.add("[" + Math.max(0, context.getCurrentIndex()) + "]");
      } else if (context.getCurrentName() != null) {
        parts.add("." + context.getCurrentName());
      }
    }
    Collections.reverse(parts);
    String path = String.join("", parts);
    path = path.startsWith(".") ? path.substring(1) : path;
    return path.isEmpty() ? "body" : path;
  }

  static final class CleanString extends StdScalarDeserializer<String> {
    CleanString() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String value = StringDeserializer.instance.deserialize(p, ctxt);
      return value == null ? null : Text.requireClean(pathOf(p), value);
    }
  }

  static final class CleanKey extends KeyDeserializer {
    @Override
    public Object deserializeKey(String key, DeserializationContext ctxt) {
      return Text.requireClean("a field name in " + pathOf(ctxt.getParser()), key);
    }
  }

  /** JsonNode bodies: the tree as Jackson reads it, then every text value and field name checked. */
  static final class CleanTree extends StdDeserializer<JsonNode> {
    CleanTree() {
      super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String at = p.getParsingContext().inRoot() ? "" : pathOf(p);
      JsonNode tree = JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(p, ctxt);
      check(at.equals("body") ? "" : at, tree);
      return tree;
    }

    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }

    private static void check(String path, JsonNode node) {
      if (node.isTextual()) {
        Text.requireClean(path.isEmpty() ? "body" : path, node.textValue());
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          check(path + "[" + i + "]", node.get(i));
        }
      } else if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          Text.requireClean("a field name in " + (path.isEmpty() ? "body" : path), field.getKey());
          check(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue());
        }
      }
    }
  }
}
